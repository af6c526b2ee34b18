// Vite builds web/ into web/dist; the Fastify server serves it (server/http/static.ts).
import react from '@vitejs/plugin-react';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webRoot, '..');

/** Writes which source modules went into each chunk, so scripts/measure-portal.mjs can prove what the portal loads. */
function chunkModules(): Plugin {
  return {
    name: 'bianmin-chunk-modules',
    apply: 'build',
    generateBundle(_options, bundle) {
      const out: Record<string, string[]> = {};
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type === 'chunk') out[file] = Object.keys(chunk.modules).map((m) => path.relative(repoRoot, m));
      }
      const dir = path.join(webRoot, 'dist', '.vite');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'chunk-modules.json'), JSON.stringify(out));
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react(), chunkModules()],
  build: {
    outDir: path.join(webRoot, 'dist'),
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    // The staff app's antd and the ECharts chunk are large on purpose; they never load on the portal.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // `npm start` in one terminal, `npm run dev:web` in another: the API stays same-origin through the proxy.
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
    fs: { allow: [repoRoot] },
  },
});
