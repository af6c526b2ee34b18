// Serving the built web app: the app's page for browser routes, long caching for hashed assets,
// and every API miss still a problem+json 404.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../app.ts';
import type { App } from './types.ts';
import { testEnv, type TestEnv } from '../../test/helpers.ts';

describe('web app serving', () => {
  let env: TestEnv;
  let app: App;
  let bare: App;
  let root: string;
  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'bianmin-web-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc.js"></script>');
    writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    env = await testEnv({ seed: false });
    app = await buildApp(env.ctx, { webRoot: root });
    bare = await buildApp(env.ctx, { webRoot: path.join(root, 'not-built') });
  });
  after(async () => {
    await app?.close();
    await bare?.close();
    await env?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('/ and every app route answer the app page, revalidated each time, under the CSP', async () => {
    for (const url of ['/', '/login', '/portal', '/portal/guide/123?x=1', '/admin/orgs']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.match(res.body, /<div id="root">/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    }
  });

  it('hashed assets are cached for a year; a missing asset is a 404, not the page', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['cache-control']), /immutable/);
    const missing = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /application\/problem\+json/);
    const sneaky = await app.inject({ method: 'GET', url: '/assets/..%2findex.html' });
    assert.equal(sneaky.statusCode, 404);
  });

  it('API misses stay problem+json 404s, signed in or not', async () => {
    for (const url of ['/api/nothing-here', '/api', '/api/public/nothing']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      assert.match(res.json().detail, /没有这个地址/);
    }
    const post = await app.inject({ method: 'POST', url: '/portal', payload: {} });
    assert.equal(post.statusCode, 404);
  });

  it('before the first build, the page says how to build it', async () => {
    const res = await bare.inject({ method: 'GET', url: '/portal' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm install/);
    const api = await bare.inject({ method: 'GET', url: '/api/nothing-here' });
    assert.equal(api.statusCode, 404);
  });

  it('the assets do not appear in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    assert.deepEqual(Object.keys(doc.paths).filter((p) => p.startsWith('/assets') || p === '/' || p === '/*' || p === '/index.html'), []);
  });
});
