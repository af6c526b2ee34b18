import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, engineUnderTest, demoOrgIds, orgIdByCode, testApp, userIdByName, type TestApp } from '../../../test/helpers.ts';
import { ROLES } from '../../domain/roles.ts';

describe(`accounts and roles (${engineUnderTest})`, () => {
  let t: TestApp;
  let admin: string;
  let county: string;
  let town: string;
  let village: string;
  let otherCounty: string;
  before(async () => {
    t = await testApp();
    admin = await t.login('admin');
    ({ county, town, village, otherCounty } = await demoOrgIds(t.ctx));
  });
  after(() => t.close());

  const post = (url: string, cookie: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
  const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } });
  const auditCount = async (action: string) =>
    (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', action).execute()).length;

  it('creates a user with roles, audited once', async () => {
    const before = await auditCount('user.create');
    const res = await post('/api/users', admin, {
      username: 'Liu.Chuangkou', displayName: '刘窗口', orgId: town, password: 'Chuang#kou88',
      roles: [{ role: 'window_clerk', orgId: town }],
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.username, 'Liu.Chuangkou');
    assert.deepEqual(body.roles, [{ role: 'window_clerk', roleLabel: '窗口工作人员', orgId: town }]);
    assert.equal('password_hash' in body || 'passwordHash' in body, false);
    assert.equal(await auditCount('user.create'), before + 1);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'liu.chuangkou', password: 'Chuang#kou88' } });
    assert.equal(login.statusCode, 200);
    const stored = await t.ctx.db.selectFrom('users').select('password_hash').where('username', '=', 'Liu.Chuangkou').executeTakeFirstOrThrow();
    assert.match(stored.password_hash, /^\$argon2id\$/);
  });

  it('a duplicate user name (any case) is 409 and nothing is written', async () => {
    const users = await t.ctx.db.selectFrom('users').select('id').execute();
    const res = await post('/api/users', admin, {
      username: 'SHOULI', displayName: '重复', orgId: county, password: 'Chong#fu2026', roles: [],
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().detail, '用户名“SHOULI”已被使用，请换一个');
    assert.deepEqual(res.json().errors, [{ pointer: '#/username', code: 'DUPLICATE', detail: '用户名已被使用（不区分大小写）' }]);
    assert.equal((await t.ctx.db.selectFrom('users').select('id').execute()).length, users.length);
  });

  it('a weak password is 422 with every reason', async () => {
    const res = await post('/api/users', admin, { username: 'weak', displayName: '弱', orgId: county, password: 'weakweak', roles: [] });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(res.json().errors.map((e: { code: string }) => e.code), ['PASSWORD_TOO_SIMPLE', 'PASSWORD_CONTAINS_USERNAME']);
    assert.equal(res.json().detail, '密码须包含大写字母、小写字母、数字、符号中的至少三类；密码不能包含用户名');
  });

  it('the system admin cannot appoint an auditor, nor hold both roles', async () => {
    const res = await post('/api/users', admin, {
      username: 'aud2', displayName: '审计二', orgId: county, password: 'Shen#ji2026', roles: [{ role: 'auditor', orgId: county }],
    });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(res.json().errors, [{ pointer: '#/roles/0/role', code: 'ROLE_NOT_GRANTABLE', detail: '您无权在该机构授予“审计员”角色' }]);
  });

  it('the auditor manages nobody; the system admin cannot read the audit trail', async () => {
    const auditor = await t.login('auditor');
    const res = await post('/api/users', auditor, { username: 'x1', displayName: 'x', orgId: county, password: 'Abc#12345', roles: [] });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().errors[0].pointer, '#/orgId');
    assert.equal((await get('/api/audit', admin)).statusCode, 403);
    const audit = await get('/api/audit?limit=5', auditor);
    assert.equal(audit.statusCode, 200);
    const items = audit.json().items as { orgId: string | null; seq: number }[];
    assert.ok(items.length > 0 && items.length <= 5);
    // The county auditor sees rows of the county's subtree only, newest first.
    const inCounty = new Set((await t.ctx.db.selectFrom('orgs').select('id').where('path', 'like', `%/${county}/%`).execute()).map((o) => o.id));
    assert.ok(items.every((i) => i.orgId !== null && inCounty.has(i.orgId)));
    assert.deepEqual(items.map((i) => i.seq), [...items.map((i) => i.seq)].sort((a, b) => b - a));
    const verify = await get('/api/audit/verify', auditor);
    assert.equal(verify.json().ok, true);
  });

  it('changes roles with a version check, audited with before and after', async () => {
    const id = await userIdByName(t.ctx, 'banli');
    const user = (await get(`/api/users/${id}`, admin)).json();
    // A signed-in person's grants are kept a few seconds per request; a change here is seen at once.
    const banli = await t.login('banli');
    const rolesNow = async () => (await get('/api/auth/me', banli)).json().roles.map((r: { role: string }) => r.role).sort();
    assert.deepEqual(await rolesNow(), ['handling_officer']);
    const change = (version: number) => t.app.inject({
      method: 'PUT', url: `/api/users/${id}/roles`, headers: { cookie: admin },
      payload: { roles: [{ role: 'handling_officer', orgId: county }, { role: 'window_clerk', orgId: town }], version },
    });
    const ok = await change(user.version);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().roles.length, 2);
    assert.deepEqual(await rolesNow(), ['handling_officer', 'window_clerk']);
    const stale = await change(user.version);
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().detail, '该用户刚被他人修改，请刷新后重试');
    const row = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.roles.change').executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(row.detail), { before: [`handling_officer@${county}`], after: [`handling_officer@${county}`, `window_clerk@${town}`] });
  });

  it('nobody changes their own roles', async () => {
    const id = await userIdByName(t.ctx, 'admin');
    const res = await t.app.inject({ method: 'PUT', url: `/api/users/${id}/roles`, headers: { cookie: admin }, payload: { roles: [], version: 1 } });
    assert.equal(res.statusCode, 403);
  });

  it('a center manager may appoint window clerks but not administrators', async () => {
    const zhuren = await t.login('zhuren');
    const ok = await post('/api/users', zhuren, { username: 'cw2', displayName: '窗口二', orgId: village, password: 'Cun#wei2026', roles: [{ role: 'village_cadre', orgId: village }] });
    assert.equal(ok.statusCode, 201, ok.body);
    const no = await post('/api/users', zhuren, { username: 'cw3', displayName: '管理三', orgId: county, password: 'Guan#li2026', roles: [{ role: 'system_admin', orgId: county }] });
    assert.equal(no.statusCode, 422);
  });
});

describe(`org scope: every role against own, child, sibling, parent and another county (${engineUnderTest})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  // A user for each role at the township 大汉山镇; targets around it.
  const relations = {
    own: '341125101',
    child: '341125101001',
    sibling: '341125102',
    parent: '341125',
    otherCounty: '341126',
  } as const;
  const readers = new Set(['system_admin', 'center_manager', 'supervisor', 'leader', 'auditor']);
  const subtree = new Set(['system_admin', 'center_manager', 'supervisor', 'leader', 'auditor']);

  for (const role of ROLES) {
    it(role, async () => {
      const admin = await t.login('admin');
      const town = await orgIdByCode(t.ctx, relations.own);
      const username = `m_${role}`;
      if (role === 'auditor') {
        // The auditor is appointed outside the API; create it directly through the seed's path.
        await t.ctx.db.insertInto('users').values({
          id: `u-${role}`, username, username_key: username, display_name: role, org_id: town,
          password_hash: (await t.ctx.db.selectFrom('users').select('password_hash').where('username', '=', 'auditor').executeTakeFirstOrThrow()).password_hash,
          password_changed_at: t.clock.now().toISOString(), failed_logins: 0, locked_until: null, disabled: 0,
          created_at: t.clock.now().toISOString(), updated_at: t.clock.now().toISOString(), version: 1,
        }).execute();
        await t.ctx.db.insertInto('user_roles').values({ user_id: `u-${role}`, role, org_id: town, created_at: t.clock.now().toISOString() }).execute();
      } else {
        const res = await t.app.inject({
          method: 'POST', url: '/api/users', headers: { cookie: admin },
          payload: { username, displayName: role, orgId: town, password: DEMO_PASSWORD, roles: [{ role, orgId: town }] },
        });
        assert.equal(res.statusCode, 201, res.body);
      }
      const cookie = await t.login(username);
      for (const [relation, code] of Object.entries(relations)) {
        const orgId = await orgIdByCode(t.ctx, code);
        const inScope = relation === 'own' || (relation === 'child' && subtree.has(role));
        const deniedBefore = (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'access.denied').execute()).length;

        const org = await t.app.inject({ method: 'GET', url: `/api/orgs/${orgId}`, headers: { cookie } });
        assert.equal(org.statusCode, inScope ? 200 : 404, `${role} GET org ${relation}`);
        if (!inScope) assert.equal(org.json().detail, '机构不存在或不在您的管辖范围内');

        const orgs = (await t.app.inject({ method: 'GET', url: '/api/orgs', headers: { cookie } })).json().items.map((o: { id: string }) => o.id);
        assert.equal(orgs.includes(orgId), inScope, `${role} list orgs ${relation}`);

        const someone = await t.ctx.db.selectFrom('users').select('id').where('org_id', '=', orgId).executeTakeFirst();
        if (someone) {
          const user = await t.app.inject({ method: 'GET', url: `/api/users/${someone.id}`, headers: { cookie } });
          const visible = inScope && readers.has(role);
          assert.equal(user.statusCode, visible ? 200 : 404, `${role} GET user ${relation}`);
          const list = await t.app.inject({ method: 'GET', url: '/api/users?pageSize=100', headers: { cookie } });
          if (readers.has(role)) assert.equal(list.json().items.some((u: { id: string }) => u.id === someone.id), visible, `${role} list users ${relation}`);
        }
        const deniedAfter = (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'access.denied').execute()).length;
        if (!inScope) assert.ok(deniedAfter > deniedBefore, `${role} denial of ${relation} is audited`);
      }
    });
  }
});
