import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest, orgIdByCode, testApp, type TestApp } from '../../test/helpers.ts';

describe(`HTTP behaviour: errors, headers, CSRF, logs (${engineUnderTest})`, () => {
  let t: TestApp;
  let admin: string;
  let county: string;
  before(async () => {
    t = await testApp();
    admin = await t.login('admin');
    county = await orgIdByCode(t.ctx, '341125');
  });
  after(() => t.close());

  const userCount = async () => (await t.ctx.db.selectFrom('users').select('id').execute()).length;
  const postUsers = (payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin, 'content-type': 'application/json', ...headers }, payload });
  const valid = () => ({ username: 'newclerk', displayName: '新人', orgId: county, password: 'Xin#ren2026', roles: [] });

  function assertProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number) {
    assert.equal(res.statusCode, status, res.body);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    const body = JSON.parse(res.body);
    assert.equal(body.status, status);
    assert.equal(typeof body.type, 'string');
    assert.equal(typeof body.title, 'string');
    assert.match(body.detail, /\p{Script=Han}/u, 'detail is Chinese');
    assert.ok(Array.isArray(body.errors));
    assert.doesNotMatch(res.body, /at .+\.ts:\d+|node_modules|Error:/, 'no stack trace');
    return body;
  }

  // Payloads are built when each test runs, after the org ids are known.
  const badInputs: [string, () => string | object, number, { pointer: string; code: string }[]][] = [
    ['malformed JSON', () => '{"username": "a",', 400, []],
    ['a number where text is expected', () => ({ ...valid(), username: 123 }), 400, [{ pointer: '#/username', code: 'WRONG_TYPE' }]],
    ['an unknown field', () => ({ ...valid(), isAdmin: true }), 400, [{ pointer: '#/isAdmin', code: 'UNKNOWN_FIELD' }]],
    ['an over-long string', () => ({ ...valid(), displayName: '长'.repeat(51) }), 400, [{ pointer: '#/displayName', code: 'TOO_LONG' }]],
    ['a missing field', () => ({ username: 'x1x', displayName: 'x', password: 'y', roles: [] }), 400, [{ pointer: '#/orgId', code: 'REQUIRED' }]],
    ['a bad role', () => ({ ...valid(), roles: [{ role: 'king', orgId: county }] }), 400, [{ pointer: '#/roles/0/role', code: 'NOT_ALLOWED' }]],
    ['a prototype-poisoning key', () => '{"__proto__": {"x": 1}, "username": "p"}', 400, []],
    ['a JSON array instead of an object', () => '[1,2,3]', 400, [{ pointer: '#', code: 'WRONG_TYPE' }]],
    ['an empty body', () => '', 400, []],
  ];
  for (const [name, payload, status, errors] of badInputs) {
    it(`${name} → ${status} problem+json, nothing written`, async () => {
      const before = await userCount();
      const body = assertProblem(await postUsers(payload()), status);
      for (const e of errors) assert.ok(body.errors.some((x: { pointer: string; code: string }) => x.pointer === e.pointer && x.code === e.code), JSON.stringify(body.errors));
      assert.equal(await userCount(), before);
    });
  }

  it('every bad field is reported at once', async () => {
    const body = assertProblem(await postUsers({ username: 1, displayName: 2, orgId: 3, password: 4, roles: 5, extra: 6 }), 400);
    assert.equal(body.errors.length, 6);
    assert.equal(body.detail, '共有 6 处输入有误，请逐项修改后重新提交');
  });

  it('a huge body → 413, nothing written', async () => {
    const before = await userCount();
    const body = assertProblem(await postUsers({ ...valid(), displayName: 'x'.repeat(2 * 1024 * 1024) }), 413);
    assert.equal(body.detail, '提交的内容过大，请精简后重试（上限 1 MB）');
    assert.equal(await userCount(), before);
  });

  it('a wrong content type → 415', async () => {
    assertProblem(await postUsers('username=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
  });

  it('a wrong query parameter → 400 pointing at the query', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users?page=abc', headers: { cookie: admin } });
    const body = assertProblem(res, 400);
    assert.equal(body.errors[0].pointer, '#/query/page');
  });

  it('an unknown route → 404 problem+json', async () => {
    const body = assertProblem(await t.app.inject({ method: 'GET', url: '/api/nothing-here' }), 404);
    assert.equal(body.detail, '没有这个地址：GET /api/nothing-here，请检查链接是否正确');
  });

  it('an unexpected failure → 500 problem+json with the request id, no internals', async () => {
    const broken = await testApp({ seed: true });
    const cookie = await broken.login('admin');
    await broken.handle.close(); // the database disappears under a running app
    const res = await broken.app.inject({ method: 'GET', url: '/api/orgs', headers: { cookie } });
    assert.ok(res.statusCode >= 500);
    const body = assertProblem(res, res.statusCode);
    assert.ok(body.detail.includes(body.requestId));
    await broken.close();
  });

  it('security headers on every response', async () => {
    for (const url of ['/healthz', '/api/auth/me', '/api/nothing', '/api/openapi.json']) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"]) assert.ok(csp.includes(d), `${url}: ${d}`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
      assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    }
    const api = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: admin } });
    assert.equal(api.headers['cache-control'], 'no-store');
  });

  it('HSTS when served over TLS (behind a trusted proxy)', async () => {
    const proxied = await testApp({ seed: false, config: { trustProxy: true } });
    const res = await proxied.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    await proxied.close();
  });

  it('refuses cross-site POSTs by Sec-Fetch-Site and by Origin; same-origin passes', async () => {
    const login = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username: 'admin', password: 'x' } });
    const crossSite = await login({ 'sec-fetch-site': 'cross-site' });
    assert.equal(assertProblem(crossSite, 403).detail, '拒绝跨站请求：请在本系统页面内操作');
    const foreign = await login({ origin: 'https://evil.example', host: 'bianmin.local' });
    assert.equal(assertProblem(foreign, 403).detail, '拒绝跨站请求：请求来源与本站不一致');
    assertProblem(await login({ origin: 'null' }), 403);
    const same = await login({ origin: 'http://bianmin.local', host: 'bianmin.local', 'sec-fetch-site': 'same-origin' });
    assert.equal(same.statusCode, 401);
  });

  it('state is never changed by GET', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/logout', headers: { cookie: admin } });
    assert.equal(res.statusCode, 404);
  });

  it('no full ID or phone number reaches the logs', async () => {
    t.logs.lines = [];
    await t.app.inject({ method: 'GET', url: '/api/users?q=11010519491231002X', headers: { cookie: admin } });
    await t.app.inject({ method: 'GET', url: '/api/nothing?phone=13812341234' });
    const text = t.logs.lines.join('');
    assert.ok(text.includes('110***********002X'), 'the request was logged, masked');
    assert.doesNotMatch(text, /\d{17}[\dXx]/);
    assert.doesNotMatch(text, /(?<!\d)1[3-9]\d{9}(?!\d)/);
    assert.doesNotMatch(text, /bianmin_sid=/);
  });

  it('passwords never reach the logs', async () => {
    t.logs.lines = [];
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'Secret#Word99' } });
    assert.doesNotMatch(t.logs.lines.join(''), /Secret#Word99/);
  });

  it('health and readiness', async () => {
    assert.deepEqual((await t.app.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' });
    assert.deepEqual((await t.app.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ready', engine: t.ctx.engine });
  });

  it('OpenAPI 3 document from the same schemas, and a browsable UI', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    assert.match(doc.openapi, /^3\./);
    const login = doc.paths['/api/auth/login'].post;
    assert.deepEqual(login.requestBody.content['application/json'].schema.required, ['username', 'password']);
    assert.equal(login.requestBody.content['application/json'].schema.additionalProperties, false);
    assert.ok(doc.paths['/api/users/{id}/roles'].put);
    assert.ok(doc.components.schemas.Problem);
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
  });
});
