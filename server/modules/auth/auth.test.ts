import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cookieFrom, DEMO_PASSWORD, engineUnderTest, testApp, userIdByName, type TestApp } from '../../../test/helpers.ts';
import { buildApp } from '../../app.ts';
import { purgeStaleCounters } from './rate-limit.ts';
import { sessionTokenHash } from './tokens.ts';

const MINUTE = 60_000;
const WRONG = '用户名或密码错误。连续输错 5 次，账号将锁定 30 分钟';

describe(`sign-in and sessions (${engineUnderTest})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());
  // Each test starts with no counters, so limits from one do not leak into the next.
  beforeEach(async () => {
    await t.ctx.db.deleteFrom('rate_limits').execute();
  });

  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers });
  const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
  const auditRows = (action: string) => t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

  it('signs in with a __Host- HttpOnly Secure SameSite cookie holding a 128-bit token stored only hashed', async () => {
    const res = await login('shouli', DEMO_PASSWORD);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().username, 'shouli');
    assert.deepEqual(res.json().roles.map((r: { role: string }) => r.role), ['acceptance_clerk']);
    const setCookie = String(res.headers['set-cookie']);
    assert.match(setCookie, /^__Host-bianmin_sid=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const token = cookieFrom(res.headers['set-cookie']).split('=')[1]!;
    assert.equal(Buffer.from(token, 'base64url').length, 16);
    const stored = await t.ctx.db.selectFrom('sessions').select('token_hash').execute();
    assert.ok(stored.every((s) => s.token_hash !== token));
    assert.ok(stored.some((s) => s.token_hash === sessionTokenHash(t.ctx.config.secret, token)));
    const [row] = (await auditRows('auth.login')).filter((r) => r.username === 'shouli' && r.outcome === 'ok');
    assert.ok(row);
    assert.equal(row.user_id, await userIdByName(t.ctx, 'shouli'));
    assert.ok(row.org_id && row.ip && row.request_id);
  });

  it('purges rate-limit counters whose window ended more than a day ago, and keeps the rest', async () => {
    const now = t.ctx.now().getTime();
    await t.ctx.db.insertInto('rate_limits').values([
      { key: 'purge-test:old', window_start: new Date(now - 25 * 3_600_000).toISOString(), hits: 3 },
      { key: 'purge-test:fresh', window_start: new Date(now - 3_600_000).toISOString(), hits: 3 },
    ]).execute();
    assert.ok(await purgeStaleCounters(t.ctx.db, t.ctx.now()) >= 1);
    const left = await t.ctx.db.selectFrom('rate_limits').select('key').where('key', 'like', 'purge-test:%').execute();
    assert.deepEqual(left.map((r) => r.key), ['purge-test:fresh']);
  });

  it('user names are case-insensitive', async () => {
    assert.equal((await login('ShouLi', DEMO_PASSWORD)).statusCode, 200);
  });

  it('a wrong password answers 401 with the exact message and is audited', async () => {
    const res = await login('banli', 'Wrong#pass1');
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    const body = res.json();
    assert.equal(body.detail, WRONG);
    assert.equal(body.code, 'BAD_CREDENTIALS');
    assert.equal(body.status, 401);
    const failed = (await auditRows('auth.login')).filter((r) => r.username === 'banli' && r.outcome === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(JSON.parse(failed[0]!.detail).reason, 'bad_password');
  });

  it('an unknown user gets the same answer as a wrong password', async () => {
    const res = await login('nobody', 'Wrong#pass1');
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().detail, WRONG);
  });

  it('locks the account for 30 minutes after 5 failures; the right password is refused while locked', async () => {
    for (let i = 1; i <= 4; i++) assert.equal((await login('jiancha', `Wrong#pass${i}`)).statusCode, 401);
    const fifth = await login('jiancha', 'Wrong#pass5');
    assert.equal(fifth.statusCode, 423);
    assert.match(fifth.json().detail, /^密码连续输错 5 次，账号已锁定 30 分钟，请在 \d+月\d+日 \d\d:\d\d 之后再试，或请管理员解锁$/);
    assert.equal(fifth.headers['retry-after'], '1800');
    assert.equal((await auditRows('auth.lockout')).filter((r) => r.username === 'jiancha').length, 1);

    const locked = await login('jiancha', DEMO_PASSWORD);
    assert.equal(locked.statusCode, 423);
    assert.match(locked.json().detail, /^账号已锁定，请在 .+ 之后再试，或请管理员解锁$/);

    t.clock.advance(29 * MINUTE);
    assert.equal((await login('jiancha', DEMO_PASSWORD)).statusCode, 423);
    t.clock.advance(2 * MINUTE);
    assert.equal((await login('jiancha', DEMO_PASSWORD)).statusCode, 200);
  });

  it('an administrator can unlock a locked account', async () => {
    for (let i = 1; i <= 5; i++) await login('lingdao', `Wrong#pass${i}`);
    assert.equal((await login('lingdao', DEMO_PASSWORD)).statusCode, 423);
    const admin = await t.login('admin');
    const id = await userIdByName(t.ctx, 'lingdao');
    const res = await t.app.inject({ method: 'POST', url: `/api/users/${id}/unlock`, headers: { cookie: admin } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().lockedUntil, null);
    assert.equal((await login('lingdao', DEMO_PASSWORD)).statusCode, 200);
    assert.equal((await auditRows('user.unlock')).length, 1);
  });

  it('an idle session ends after 30 minutes', async () => {
    const cookie = await t.login('chuangkou');
    t.clock.advance(29 * MINUTE);
    assert.equal((await me(cookie)).statusCode, 200);
    t.clock.advance(29 * MINUTE); // active 29 minutes ago: still alive
    assert.equal((await me(cookie)).statusCode, 200);
    t.clock.advance(31 * MINUTE);
    const res = await me(cookie);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'SESSION_IDLE');
    assert.equal(res.json().detail, '超过 30 分钟无操作，登录已超时，请重新登录');
    assert.equal((await me(cookie)).json().code, 'SESSION_INVALID');
  });

  it('a busy session still ends after 12 hours', async () => {
    const cookie = await t.login('huanglong');
    for (let h = 0; h < 12 * 3; h++) {
      t.clock.advance(20 * MINUTE);
      if ((await me(cookie)).statusCode !== 200) assert.fail(`ended early at step ${h}`);
    }
    t.clock.advance(20 * MINUTE);
    const res = await me(cookie);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'SESSION_EXPIRED');
    assert.equal(res.json().detail, '登录已满 12 小时，请重新登录');
  });

  it('logout kills the token on the server and clears the cookie', async () => {
    const cookie = await t.login('banli');
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    assert.equal(res.statusCode, 204);
    assert.match(String(res.headers['set-cookie']), /__Host-bianmin_sid=;.*Expires=Thu, 01 Jan 1970/);
    assert.equal(res.headers['clear-site-data'], '"cookies", "storage"');
    const after = await me(cookie);
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().code, 'SESSION_INVALID');
  });

  it('signing in again rotates the token: the old one dies', async () => {
    const first = await t.login('banli');
    const second = await login('banli', DEMO_PASSWORD, { cookie: first });
    assert.equal(second.statusCode, 200);
    assert.notEqual(cookieFrom(second.headers['set-cookie']), first);
    assert.equal((await me(first)).statusCode, 401);
    assert.equal((await me(cookieFrom(second.headers['set-cookie']))).statusCode, 200);
  });

  it('rate-limits sign-in per IP with the counter in the database', async () => {
    let last = await login('nobody0', 'x');
    for (let i = 1; i <= 30; i++) last = await login(`nobody${i}`, 'x');
    assert.equal(last.statusCode, 429);
    assert.match(last.json().detail, /^登录尝试过于频繁，请 \d+ 分钟后再试$/);
    assert.ok(Number(last.headers['retry-after']) > 0);
    const row = await t.ctx.db.selectFrom('rate_limits').selectAll().where('key', '=', 'login:ip:127.0.0.1').executeTakeFirstOrThrow();
    assert.equal(row.hits, 31);
    // A second app instance over the same database sees the same counter.
    const second = await buildApp(t.ctx, { logStream: t.logs });
    const fromSecond = await second.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'shouli', password: DEMO_PASSWORD } });
    assert.equal(fromSecond.statusCode, 429);
    await second.close();
    const denied = (await auditRows('auth.login')).filter((r) => r.outcome === 'denied');
    assert.ok(denied.length >= 1);
    t.clock.advance(16 * MINUTE);
    assert.equal((await login('shouli', DEMO_PASSWORD)).statusCode, 200);
  });

  it('rate-limits sign-in per account across addresses', async () => {
    let last;
    for (let i = 0; i <= 20; i++) {
      last = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ghost', password: 'x' }, remoteAddress: `10.1.0.${i}` });
    }
    assert.equal(last!.statusCode, 429);
  });

  it('a disabled account cannot sign in, and its sessions end', async () => {
    const cookie = await t.login('huanglong');
    const admin = await t.login('admin');
    const id = await userIdByName(t.ctx, 'huanglong');
    const user = await t.app.inject({ method: 'GET', url: `/api/users/${id}`, headers: { cookie: admin } });
    const res = await t.app.inject({ method: 'POST', url: `/api/users/${id}/disable`, headers: { cookie: admin }, payload: { version: user.json().version } });
    assert.equal(res.statusCode, 200);
    assert.equal((await me(cookie)).statusCode, 401);
    assert.equal((await login('huanglong', DEMO_PASSWORD)).json().detail, WRONG);
    const enabled = await t.app.inject({ method: 'POST', url: `/api/users/${id}/enable`, headers: { cookie: admin }, payload: { version: res.json().version } });
    assert.equal(enabled.statusCode, 200);
  });

  it('changing one\'s password checks the old one and the policy, then ends every session', async () => {
    const cookie = await t.login('zhuren');
    const post = (body: object) => t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: body });
    const wrongOld = await post({ currentPassword: 'nope', newPassword: 'Xin#mima2027' });
    assert.equal(wrongOld.statusCode, 422);
    assert.equal(wrongOld.json().errors[0].pointer, '#/currentPassword');
    const weak = await post({ currentPassword: DEMO_PASSWORD, newPassword: 'abc' });
    assert.equal(weak.statusCode, 422);
    assert.deepEqual(weak.json().errors.map((e: { code: string }) => e.code), ['PASSWORD_TOO_SHORT', 'PASSWORD_TOO_SIMPLE']);
    assert.equal((await post({ currentPassword: DEMO_PASSWORD, newPassword: 'Xin#mima2027' })).statusCode, 204);
    assert.equal((await me(cookie)).statusCode, 401);
    assert.equal((await login('zhuren', 'Xin#mima2027')).statusCode, 200);
  });

  it('API routes need a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().detail, '请先登录');
    assert.equal(res.json().code, 'NOT_SIGNED_IN');
  });
});

describe(`password expiry, 等保 periodic change (${engineUnderTest})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ config: { passwordMaxAgeDays: 90 } });
  });
  after(() => t.close());
  beforeEach(async () => {
    await t.ctx.db.deleteFrom('rate_limits').execute();
  });

  const DAY = 86_400_000;
  const setChangedDaysAgo = async (username: string, days: number) => {
    const at = new Date(t.clock.now().getTime() - days * DAY).toISOString();
    await t.ctx.db.updateTable('users').set({ password_changed_at: at }).where('id', '=', await userIdByName(t.ctx, username)).execute();
  };
  const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });

  it('a fresh password: me says not expired, no warning, and lists the person\'s units', async () => {
    const cookie = await t.login('shouli');
    const me = (await get('/api/auth/me', cookie)).json();
    assert.equal(me.passwordExpired, false);
    assert.equal(me.passwordExpiresInDays, null);
    assert.equal(me.passwordMaxAgeDays, 90);
    assert.equal(me.passwordChangedDaysAgo, 0);
    assert.deepEqual(me.units.map((u: { kind: string; name: string; org: { code: string } }) => [u.kind, u.name, u.org.code]), [['acceptance_desk', '综合受理窗口', '341125']]);
    const village = (await get('/api/auth/me', await t.login('huanglong'))).json();
    assert.deepEqual(village.units.map((u: { kind: string; org: { name: string } }) => [u.kind, u.org.name]), [['village_room', '黄龙村']]);
    const admin = (await get('/api/auth/me', await t.login('admin'))).json();
    assert.deepEqual(admin.units, []);
  });

  it('warns in the last 7 days, counting down', async () => {
    await setChangedDaysAgo('banli', 84);
    const cookie = await t.login('banli');
    const me = (await get('/api/auth/me', cookie)).json();
    assert.equal(me.passwordExpired, false);
    assert.equal(me.passwordExpiresInDays, 6);
    assert.equal(me.passwordChangedDaysAgo, 84);
    assert.equal((await get('/api/users/me/nothing', cookie)).statusCode, 404);
    assert.equal((await get('/api/cases', cookie)).statusCode, 200);
    await setChangedDaysAgo('banli', 82);
    assert.equal((await get('/api/auth/me', cookie)).json().passwordExpiresInDays, null);
  });

  it('an expired password signs in, but every other API answers 403 PASSWORD_EXPIRED until it is changed', async () => {
    await setChangedDaysAgo('zhuren', 100);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhuren', password: DEMO_PASSWORD } });
    assert.equal(login.statusCode, 200);
    assert.equal(login.json().passwordExpired, true);
    const cookie = cookieFrom(login.headers['set-cookie']);
    const row = (await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login').where('username', '=', 'zhuren').orderBy('seq', 'desc').executeTakeFirstOrThrow());
    assert.deepEqual(JSON.parse(row.detail), { passwordExpired: true, daysSinceChange: 100 });

    const me = await get('/api/auth/me', cookie);
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().passwordExpired, true);
    assert.equal(me.json().passwordChangedDaysAgo, 100);
    assert.equal(me.json().passwordExpiresInDays, null);

    for (const url of ['/api/users', '/api/cases', '/api/catalog/items', '/api/orgs']) {
      const res = await get(url, cookie);
      assert.equal(res.statusCode, 403, url);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().code, 'PASSWORD_EXPIRED');
      assert.equal(res.json().detail, '密码已超过 90 天未修改，请先修改密码');
    }
    const write = await t.app.inject({ method: 'POST', url: '/api/batches', headers: { cookie }, payload: {} });
    assert.equal(write.statusCode, 403);
    assert.equal(write.json().code, 'PASSWORD_EXPIRED');
    // Public routes need no password at all.
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/public/catalog' })).statusCode, 200);

    const changed = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: { currentPassword: DEMO_PASSWORD, newPassword: 'Xin#mima2027' } });
    assert.equal(changed.statusCode, 204);
    const again = await t.login('zhuren', 'Xin#mima2027');
    const fresh = (await get('/api/auth/me', again)).json();
    assert.equal(fresh.passwordExpired, false);
    assert.equal(fresh.passwordChangedDaysAgo, 0);
    assert.equal((await get('/api/users', again)).statusCode, 200);
  });

  it('a session that was fine expires when its password passes 90 days', async () => {
    await setChangedDaysAgo('jiancha', 89);
    const cookie = await t.login('jiancha');
    assert.equal((await get('/api/cases', cookie)).statusCode, 200);
    await setChangedDaysAgo('jiancha', 90); // the same session, a moment past the 90th day
    t.clock.advance(60_000);
    const cookie2 = cookie;
    const res = await get('/api/cases', cookie2);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'PASSWORD_EXPIRED');
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cookie2 } });
    assert.equal(out.statusCode, 204);
  });

  it('the lockout still applies to an expired password, with its message', async () => {
    await setChangedDaysAgo('lingdao', 120);
    for (let i = 1; i <= 4; i++) await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lingdao', password: `Wrong#pass${i}` } });
    const fifth = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lingdao', password: 'Wrong#pass5' } });
    assert.equal(fifth.statusCode, 423);
    assert.match(fifth.json().detail, /^密码连续输错 5 次，账号已锁定 30 分钟/);
  });

  it('with passwordMaxAgeDays 0 nothing expires', async () => {
    const off = await testApp({ config: { passwordMaxAgeDays: 0 } });
    try {
      await off.ctx.db.updateTable('users').set({ password_changed_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', await userIdByName(off.ctx, 'shouli')).execute();
      const cookie = await off.login('shouli');
      const me = (await off.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json();
      assert.equal(me.passwordExpired, false);
      assert.equal(me.passwordExpiresInDays, null);
      assert.equal((await off.app.inject({ method: 'GET', url: '/api/cases', headers: { cookie } })).statusCode, 200);
    } finally {
      await off.close();
    }
  });
});
