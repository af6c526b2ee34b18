// Serves the built web app (web/dist) at `/`: hashed assets cached for a year, index.html for every
// other GET that is not an API call (the app routes in the browser), /api/* misses stay problem+json.
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from './types.ts';

export const DEFAULT_WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>便民</title>
<body style="font:18px/1.6 sans-serif;max-width:40em;margin:3em auto;padding:0 1em">
<h1>网页尚未构建</h1><p>请在项目目录运行 <code>npm install</code> 或 <code>npm start</code>（会自动构建网页），然后刷新本页。</p>
<p>The web app has not been built yet: run <code>npm install</code> or <code>npm start</code>, then reload.</p>
<p>接口文档：<a href="/api/docs">/api/docs</a></p></body></html>`;

/** `root` null turns the web app off (API-only tests); a root without index.html serves a hint page. */
export async function registerWebApp(app: App, root: string | null = DEFAULT_WEB_ROOT): Promise<void> {
  if (root === null) return;
  const built = existsSync(path.join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      // One route per built file (globbed at start): the catch-all below stays ours.
      wildcard: false,
      index: false,
      preCompressed: true,
      serveDotFiles: false,
      setHeaders: (reply, file) => {
        const immutable = file.includes(`${path.sep}assets${path.sep}`);
        reply.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
      // Fastify's own route list would otherwise show every asset in the OpenAPI document.
      schemaHide: true,
    });
  }

  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    // A missing API route or a missing asset is a 404, never the app's page.
    if (pathname.startsWith('/api/') || pathname === '/api') return reply.callNotFound();
    if (pathname.startsWith('/assets/')) {
      // Built after this server started (the per-file routes were globbed at start): serve it if it exists.
      const name = pathname.slice(1);
      if (built && !name.includes('..') && /^assets\/[\w.-]+$/.test(name) && existsSync(path.join(root, name))) {
        return reply.header('Cache-Control', 'public, max-age=31536000, immutable').sendFile(name, root);
      }
      return reply.callNotFound();
    }
    if (!built) return reply.code(503).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(NOT_BUILT);
    reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html', root);
  });
}
