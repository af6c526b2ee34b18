import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest, testApp, type TestApp } from '../../test/helpers.ts';
import { verifyAuditChain } from '../modules/audit/service.ts';
import { bootstrap } from './bootstrap.ts';
import { DEMO_ORGS, DEMO_USERS, seedDemo } from './demo.ts';

describe(`first set-up and demo data (${engineUnderTest})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ seed: false });
  });
  after(() => t.close());

  const input = {
    orgCode: '341125', orgName: '示范县', orgLevel: 'county',
    admin: { username: 'sysadmin', password: 'Guan#li2026x' }, auditor: { username: 'secaudit', password: 'Shen#ji2026x' },
  };

  it('refuses weak passwords and the same account for both duties, writing nothing', async () => {
    await assert.rejects(
      bootstrap(t.ctx, { ...input, admin: { username: 'same', password: 'short' }, auditor: { username: 'same', password: 'Shen#ji2026x' } }),
      /系统管理员与审计员必须是不同的账号[\s\S]*系统管理员密码（环境变量 BIANMIN_ADMIN_PASSWORD）：密码至少 8 位/,
    );
    assert.equal((await t.ctx.db.selectFrom('orgs').select('id').execute()).length, 0);
  });

  it('creates the root org, an administrator and an auditor who can sign in, audited', async () => {
    await bootstrap(t.ctx, input);
    const admin = await t.login('sysadmin', 'Guan#li2026x');
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: admin } });
    assert.deepEqual(me.json().roles.map((r: { role: string }) => r.role), ['system_admin']);
    await t.login('secaudit', 'Shen#ji2026x');
    const actions = (await t.ctx.db.selectFrom('audit_log').select('action').orderBy('seq').execute()).map((r) => r.action);
    assert.deepEqual(actions.slice(0, 3), ['org.create', 'user.create', 'user.create']);
  });

  it('runs only once', async () => {
    await assert.rejects(bootstrap(t.ctx, input), /初始化只能执行一次/);
  });

  it('demo data loads once and again without duplicates', async () => {
    const fresh = await testApp({ seed: false });
    try {
      const first = await seedDemo(fresh.ctx);
      assert.equal(first.orgs, DEMO_ORGS.length);
      assert.equal(first.users, DEMO_USERS.length);
      assert.deepEqual(first.network, { users: 108, departments: 45, units: 60, windows: 38, profiles: 112, rotaDays: 50, openingHours: DEMO_ORGS.length });
      // A second run adds nothing at all, however many parts the demo data grows.
      const counts = (o: object): number[] => Object.values(o).flatMap((v) => (typeof v === 'number' ? [v] : counts(v as object)));
      const again = await seedDemo(fresh.ctx);
      assert.ok(counts(again).every((n) => n === 0), JSON.stringify(again));
      assert.equal((await fresh.ctx.db.selectFrom('orgs').select('id').execute()).length, DEMO_ORGS.length);
      const audited = (await fresh.ctx.db.selectFrom('audit_log').select('seq').execute()).length;
      assert.ok(audited >= DEMO_ORGS.length + DEMO_USERS.length + 108);
      assert.deepEqual(await verifyAuditChain(fresh.ctx.db, fresh.ctx.config.secret), { ok: true, rows: audited });
    } finally {
      await fresh.close();
    }
  });
});
