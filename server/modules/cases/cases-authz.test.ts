// Authorization matrix (reliability.md L6): every role × (own org, child, sibling, parent, another
// county) × every case route — detail, every action, every notice, the work lists, search and counts.
// Nothing outside the person's scope is returned; each refused look at an existing case is a 404 and
// one access.denied audit row.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, engineUnderTest } from '../../../test/helpers.ts';
import type { Role } from '../../domain/roles.ts';
import { ROLE_DEFINITIONS, ROLES } from '../../domain/roles.ts';
import { insertUserAsSystem, systemMeta } from '../../seed/system-writes.ts';
import { CASE_ACTION_TYPES, NOTICE_KINDS, QUEUES } from './service.ts';
import { caseTestApp, idWithChecksum, type CaseTestApp, type Json } from './test-support.ts';

type Relation = 'own' | 'child' | 'sibling' | 'parent' | 'other_county';

describe(`cases: the authorization matrix (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  const cases = new Map<string, { id: string; orgCode: string }>();
  const applicant = { name: '周德明', idNumber: idWithChecksum('34112519551111555'), phone: '13700005555' };

  before(async () => {
    t = await caseTestApp();
    // Roles the demo has nobody for in 大汉山镇: made there for the matrix.
    const town = await t.ctx.db.selectFrom('orgs').selectAll().where('code', '=', '341125101').executeTakeFirstOrThrow();
    for (const role of ['system_admin', 'supervisor', 'leader', 'auditor'] as Role[]) {
      await insertUserAsSystem(t.ctx, systemMeta('authz-test'), { username: `m_${role}`, displayName: `矩阵${ROLE_DEFINITIONS[role].label}`, org: town, roles: [role], password: DEMO_PASSWORD });
    }
    // One accepted case registered at each org, none sent on: each org holds exactly its own case.
    const registrations: [string, string, string, string][] = [
      ['county', '341125', 'shouli', '341125-RS-011'],
      ['town', '341125101', 'dhs_shouli_1', '341125-RS-002'],
      ['village', '341125101001', 'huanglong', 'T-CL-002V'],
      ['village2', '341125101002', 'ranjiaying_1', 'T-CL-002V'],
      ['sibling', '341125102', 'zq_shouli_1', '341125-RS-002'],
      ['other', '341126', 'dsx_shouli_1', '341125-RS-002'],
    ];
    for (const [key, orgCode, clerk, item] of registrations) {
      const body: Json = { itemId: await t.itemId(item), channel: orgCode.length === 12 ? 'village_room' : 'counter', applicant };
      const res = await t.send('POST', '/api/cases', clerk, body);
      if (key === 'other') {
        // 东山县 does not own 示范县's catalog: its clerk cannot apply our items.
        assert.equal(res.statusCode, 422, res.body);
        assert.deepEqual(res.json().errors.map((e: Json) => e.pointer), ['#/itemId']);
        continue;
      }
      assert.equal(res.statusCode, 201, `${key}: ${res.body}`);
      const id = res.json().case.id;
      const acc = await t.send('POST', `/api/cases/${id}/accept`, clerk, { version: 1 });
      assert.equal(acc.statusCode, 200, acc.body);
      cases.set(key, { id, orgCode });
    }
    // 东山县's own case, straight into the table through its own catalog item (the same elements).
    const dsx = await t.ctx.db.selectFrom('orgs').selectAll().where('code', '=', '341126').executeTakeFirstOrThrow();
    const { seedCatalog } = await import('../catalog/service.ts');
    const { roomOnlyItem } = await import('./test-support.ts');
    await seedCatalog(t.ctx, '341126', [{ ...roomOnlyItem(), code: 'DSX-T-1', acceptLevels: ['county'], process: [{ name: '审核', handlers: [{ department: 'civil_affairs', level: 'county' }], limitDays: 5 }] }]);
    const res = await t.send('POST', '/api/cases', 'dsx_shouli_1', { itemId: await t.itemId('DSX-T-1'), channel: 'counter', applicant });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().case.id;
    assert.equal((await t.send('POST', `/api/cases/${id}/accept`, 'dsx_shouli_1', { version: 1 })).statusCode, 200);
    cases.set('other', { id, orgCode: dsx.code });
  });
  after(async () => {
    await t.close();
  });

  /** The user of each role, and where each case lies relative to that user's org. */
  const PEOPLE: Record<Role, string> = {
    system_admin: 'm_system_admin', center_manager: 'dhs_zhuren', acceptance_clerk: 'dhs_shouli_2', window_clerk: 'chuangkou',
    handling_officer: 'dhs_paichusuo', village_cadre: 'huanglong_2', supervisor: 'm_supervisor', leader: 'm_leader', auditor: 'm_auditor',
  };
  const relations = (role: Role): [Relation, string][] => (role === 'village_cadre'
    ? [['own', 'village'], ['sibling', 'village2'], ['parent', 'town'], ['other_county', 'other']]
    : [['own', 'town'], ['child', 'village'], ['child', 'village2'], ['sibling', 'sibling'], ['parent', 'county'], ['other_county', 'other']]);
  /** The rule under test, written out: cases.read, subtree roles downwards, exact roles their org only. */
  const mayRead = (role: Role, relation: Relation) => ROLE_DEFINITIONS[role].permissions.includes('cases.read')
    && (relation === 'own' || (relation === 'child' && ROLE_DEFINITIONS[role].scope === 'subtree'));
  const denials = async (userId: string, caseId: string) => (await t.ctx.db.selectFrom('audit_log').select('seq')
    .where('action', '=', 'access.denied').where('object_type', '=', 'case').where('object_id', '=', caseId).where('user_id', '=', userId).execute()).length;

  for (const role of ROLES) {
    it(`${role}: every case route answers only inside the scope, and every refusal is audited`, async () => {
      const user = PEOPLE[role];
      const userId = await t.userId(user);
      const visible = new Set<string>();
      let checked = 0;
      for (const [relation, key] of relations(role)) {
        const { id } = cases.get(key)!;
        const allowed = mayRead(role, relation);
        if (allowed) visible.add(id);
        const requests: { method: 'GET' | 'POST'; url: string; body?: Json }[] = [
          { method: 'GET', url: `/api/cases/${id}` },
          ...NOTICE_KINDS.map((k) => ({ method: 'GET' as const, url: `/api/cases/${id}/notices/${k}` })),
          // A stale version: a permitted person gets 409 and changes nothing; anyone else 404.
          ...CASE_ACTION_TYPES.map((a) => ({ method: 'POST' as const, url: `/api/cases/${id}/${a}`, body: { version: 0 } })),
        ];
        for (const r of requests) {
          const before = await denials(userId, id);
          const res = await t.send(r.method, r.url, user, r.body);
          checked++;
          if (allowed) {
            assert.notEqual(res.statusCode, 404, `${role} ${relation} ${r.method} ${r.url}: ${res.body}`);
            assert.ok([200, 409].includes(res.statusCode), `${role} ${relation} ${r.url}: ${res.statusCode} ${res.body}`);
            assert.equal(await denials(userId, id), before);
          } else {
            assert.equal(res.statusCode, 404, `${role} ${relation} ${r.method} ${r.url}: ${res.body}`);
            assert.equal(res.json().detail, '办件不存在或不在您的管辖范围内');
            assert.ok(!res.body.includes(applicant.name) && !res.body.includes('341125'), 'a refusal reveals nothing of the case');
            assert.equal(await denials(userId, id), before + 1, `${role} ${relation} ${r.url}: the refusal is audited`);
          }
        }
      }
      // Lists, every queue, counts and search by ID number: only the visible cases, ever.
      const ours = new Set([...cases.values()].map((c) => c.id));
      for (const queue of QUEUES) {
        const res = await t.send('GET', `/api/cases?queue=${queue}&pageSize=100`, user);
        assert.equal(res.statusCode, 200, res.body);
        for (const item of res.json().items) assert.ok(visible.has(item.id) || !ours.has(item.id), `${role} ${queue}: ${item.number} is out of scope`);
      }
      const all = (await t.send('GET', '/api/cases?pageSize=100', user)).json();
      assert.deepEqual(new Set(all.items.map((i: Json) => i.id)), visible, `${role}: the full list is exactly the visible cases`);
      const counts = (await t.send('GET', '/api/cases/counts', user)).json();
      assert.equal(counts.all, visible.size);
      const search = (await t.send('POST', '/api/cases/search', user, { idNumber: applicant.idNumber, pageSize: 100 })).json();
      assert.deepEqual(new Set(search.items.map((i: Json) => i.id)), visible);
      for (const item of search.items) assert.equal(item.applicant.idNumber.includes(applicant.idNumber.slice(6, 14)), false);
      assert.ok(checked >= 4 * 21);
    });
  }

  it('nobody registers at a unit that is not theirs, nor an item of another county’s catalog', async () => {
    const before = (await t.ctx.db.selectFrom('cases').select('id').execute()).length;
    const countyDesk = await t.unitId('341125', '综合受理窗口');
    const res = await t.send('POST', '/api/cases', 'dhs_shouli_1', { itemId: await t.itemId('341125-RS-002'), unitId: countyDesk, channel: 'counter', applicant });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(res.json().errors.map((e: Json) => [e.pointer, e.code]), [['#/unitId', 'NOT_YOUR_UNIT']]);
    const foreign = await t.send('POST', '/api/cases', 'dhs_shouli_1', { itemId: await t.itemId('DSX-T-1'), channel: 'counter', applicant });
    assert.equal(foreign.statusCode, 422);
    assert.deepEqual(foreign.json().errors.map((e: Json) => [e.pointer, e.code]), [['#/itemId', 'ITEM_NOT_FOUND']]);
    for (const user of ['m_supervisor', 'm_system_admin', 'dhs_zhuren']) {
      const r = await t.send('POST', '/api/cases', user, { itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant });
      assert.equal(r.statusCode, 403, `${user}: ${r.body}`);
    }
    assert.equal((await t.ctx.db.selectFrom('cases').select('id').execute()).length, before);
    // Not signed in: 401 on every staff route.
    assert.equal((await t.send('GET', '/api/cases', null)).statusCode, 401);
    assert.equal((await t.send('GET', `/api/cases/${cases.get('town')!.id}`, null)).statusCode, 401);
  });
});
