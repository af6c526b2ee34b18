// Measures what a phone downloads to open the public portal (/portal): the entry chunk, the portal
// route's chunk and every chunk they import statically, gzip-compressed (level 9, as served from the
// precompressed .gz files). Fails if ECharts or antd reach that set.
// Usage: node scripts/measure-portal.mjs   (after a build; prints one JSON line)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'web', 'dist');
const PORTAL_ROUTE = 'src/portal/PortalApp.tsx';
const FORBIDDEN = ['node_modules/echarts', 'node_modules/zrender', 'node_modules/antd', 'node_modules/@ant-design', 'node_modules/rc-'];

export function measurePortal() {
  const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
  const modules = JSON.parse(readFileSync(path.join(dist, '.vite', 'chunk-modules.json'), 'utf8'));
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (!entryKey || !manifest[PORTAL_ROUTE]) throw new Error(`manifest lacks the entry or ${PORTAL_ROUTE}`);

  const js = new Set();
  const css = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || js.has(chunk.file)) return;
    js.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const i of chunk.imports ?? []) visit(i);
  };
  visit(entryKey);
  visit(PORTAL_ROUTE);

  const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
  const files = [...js].map((file) => ({ file, gzipBytes: gz(file) })).sort((a, b) => b.gzipBytes - a.gzipBytes);
  const leaked = [...js].flatMap((file) => (modules[file] ?? []).filter((m) => FORBIDDEN.some((f) => m.includes(f))).map((m) => `${file}: ${m}`));
  return {
    portalInitialJsGzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
    portalInitialCssGzipBytes: [...css].reduce((s, f) => s + gz(f), 0),
    files,
    leaked,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = measurePortal();
  console.log(JSON.stringify({ portalInitialJsGzipBytes: r.portalInitialJsGzipBytes, portalInitialCssGzipBytes: r.portalInitialCssGzipBytes, files: r.files }));
  if (r.leaked.length) {
    console.error(`门户首屏包含了不该有的库 (the portal's initial JS pulls in antd or ECharts):\n${r.leaked.slice(0, 10).join('\n')}`);
    process.exit(1);
  }
}
