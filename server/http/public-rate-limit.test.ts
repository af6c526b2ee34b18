import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest, testApp, type TestApp } from '../../test/helpers.ts';
import { PUBLIC_ORGS_LIMIT } from '../modules/network/public-orgs.ts';
import { publicRouteLimits } from './public-rate-limit.ts';

const MAX = 3;
const NO_ID = '00000000-0000-4000-8000-000000000000';

/** A request URL for each public route pattern (the answer before the limit may be 200 or 404; only 429 matters here). */
function sample(url: string, catalogId: string): string {
  return url
    .replace(':id', catalogId)
    .replace(':code', '341125')
    .replace(':userId', NO_ID)
    .replace(':number', '341125101001-20260302-0001');
}

describe(`per-address limits on every public route (${engineUnderTest})`, () => {
  let t: TestApp;
  let catalogId: string;
  before(async () => {
    t = await testApp({ config: { publicRateLimitPerMinute: MAX } });
    const first = await t.ctx.db.selectFrom('catalog_items').select('id').executeTakeFirstOrThrow();
    catalogId = first.id;
  });
  after(() => t.close());

  const get = (url: string, remoteAddress: string) => t.app.inject({ method: 'GET', url, remoteAddress });

  async function assertLimited(res: Awaited<ReturnType<typeof get>>, label: string) {
    assert.equal(res.statusCode, 429, `${label}: ${res.body}`);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    const body = res.json();
    assert.equal(body.type, '/problems/rate-limited');
    assert.equal(body.status, 429);
    assert.match(body.detail, /^查询过于频繁，请 \d+ 秒后再试$/);
    const retry = Number(res.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${res.headers['retry-after']}`);
    assert.equal(res.headers['cache-control'], 'no-store');
  }

  it('knows every public /api/ route; each is limited, sign-in and case lookup by their own services', () => {
    const routes = publicRouteLimits(t.app).map((r) => `${r.method} ${r.url} ${r.family ?? 'in-service'} ${r.max ?? ''}`).sort();
    assert.deepEqual(routes, [
      `GET /api/openapi.json public-docs ${MAX}`,
      `GET /api/public/cases/:number in-service `,
      `GET /api/public/catalog public-catalog ${MAX}`,
      `GET /api/public/catalog/:id public-catalog ${MAX}`,
      `GET /api/public/orgs public-orgs ${PUBLIC_ORGS_LIMIT.max}`,
      `GET /api/public/orgs/:code/board public-board ${MAX}`,
      `GET /api/public/staff/:userId/photo public-photo ${MAX}`,
      `POST /api/auth/login in-service `,
    ].sort());
  });

  it('catalog: the list and the guides share one bucket per address; 429 with Retry-After; other addresses unaffected', async () => {
    const a = '198.51.100.1';
    assert.equal((await get('/api/public/catalog?q=dibao', a)).statusCode, 200);
    assert.equal((await get(`/api/public/catalog/${catalogId}`, a)).statusCode, 200);
    assert.equal((await get('/api/public/catalog', a)).statusCode, 200);
    await assertLimited(await get(`/api/public/catalog/${catalogId}`, a), 'guide');
    await assertLimited(await get('/api/public/catalog', a), 'list');
    // Counted in the database, keyed by family and address.
    const row = await t.ctx.db.selectFrom('rate_limits').select('hits').where('key', '=', `public-catalog:ip:${a}`).executeTakeFirstOrThrow();
    assert.equal(row.hits, MAX + 2);
    assert.equal((await get('/api/public/catalog', '198.51.100.2')).statusCode, 200);
    // Other families of the same address are unaffected.
    assert.notEqual((await get('/api/public/orgs/341125/board', a)).statusCode, 429);
    // A minute later the address may ask again.
    t.clock.advance(61_000);
    assert.equal((await get('/api/public/catalog', a)).statusCode, 200);
  });

  for (const [family, url] of [
    ['board', '/api/public/orgs/341125/board'],
    ['staff photo', `/api/public/staff/${NO_ID}/photo`],
    ['API description', '/api/openapi.json'],
  ] as const) {
    it(`${family}: ${MAX} a minute per address, then 429; another address is unaffected`, async () => {
      const a = '198.51.100.10';
      const first = await get(url, a);
      assert.notEqual(first.statusCode, 429);
      for (let i = 1; i < MAX; i++) assert.equal((await get(url, a)).statusCode, first.statusCode);
      await assertLimited(await get(url, a), family);
      assert.equal((await get(url, '198.51.100.11')).statusCode, first.statusCode);
    });
  }

  it(`centers list keeps its own ${PUBLIC_ORGS_LIMIT.max} a minute`, async () => {
    const a = '198.51.100.20';
    for (let i = 0; i < PUBLIC_ORGS_LIMIT.max; i++) assert.equal((await get('/api/public/orgs', a)).statusCode, 200);
    await assertLimited(await get('/api/public/orgs', a), 'orgs');
    assert.equal((await get('/api/public/orgs', '198.51.100.21')).statusCode, 200);
  });

  it('every limited public route answers 429 past its limit (none forgotten)', async () => {
    const a = '198.51.100.30';
    for (const r of publicRouteLimits(t.app)) {
      if (r.family === null || r.method !== 'GET') continue;
      const url = sample(r.url, catalogId);
      const max = r.max!;
      const seen = (await t.ctx.db.selectFrom('rate_limits').select('hits').where('key', '=', `${r.family}:ip:${a}`).executeTakeFirst())?.hits ?? 0;
      for (let i = seen; i < max; i++) assert.notEqual((await get(url, a)).statusCode, 429, `${r.url} request ${i + 1}`);
      await assertLimited(await get(url, a), r.url);
    }
  });

  it('signed-in staff (many behind one office address) are counted per user, not per address; a forged cookie counts by address', async () => {
    const office = '198.51.100.50';
    const clerk = await t.login('shouli');
    const other = await t.login('chuangkou');
    const as = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/public/catalog?q=db', remoteAddress: office, headers: { cookie } });
    for (let i = 0; i < MAX; i++) assert.equal((await as(clerk)).statusCode, 200);
    await assertLimited(await as(clerk), 'clerk');
    assert.equal((await as(other)).statusCode, 200, 'a colleague at the same address');
    assert.equal((await get('/api/public/catalog', office)).statusCode, 200, 'a citizen at the same address');
    const forged = clerk.replace(/=([^;]*)/, '=forged-token');
    for (let i = 1; i < MAX; i++) assert.equal((await as(forged)).statusCode, 200);
    await assertLimited(await as(forged), 'forged');
  });

  it('does not limit static pages, /healthz or /readyz', async () => {
    const a = '198.51.100.40';
    for (let i = 0; i < MAX * 3; i++) {
      assert.equal((await get('/healthz', a)).statusCode, 200);
      assert.equal((await get('/readyz', a)).statusCode, 200);
      assert.notEqual((await get('/portal', a)).statusCode, 429);
    }
    const keys = await t.ctx.db.selectFrom('rate_limits').select('key').where('key', 'like', `%${a}`).execute();
    assert.deepEqual(keys, []);
  });
});
