import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoOrgIds, engineUnderTest, orgIdByCode, testApp, type TestApp } from '../../../test/helpers.ts';
import { OPENING_HOURS } from '../../seed/demo-network.ts';
import { insertUserAsSystem, systemMeta } from '../../seed/system-writes.ts';

type Res = { statusCode: number; headers: Record<string, unknown>; body: string; json: () => any };

describe(`org tree: update and move (${engineUnderTest})`, () => {
  let t: TestApp;
  let admin: string; // system admin of 示范县
  let cityAdmin: string; // system admin of 示范市, over both counties
  let zhuren: string;
  let otherManager: string;
  let county: string;
  let town: string;
  let village: string;
  let otherCounty: string;
  let zhangqiao: string;

  before(async () => {
    t = await testApp();
    ({ county, town, village, otherCounty } = await demoOrgIds(t.ctx));
    zhangqiao = await orgIdByCode(t.ctx, '341125102');
    const city = (await t.ctx.db.selectFrom('orgs').selectAll().where('code', '=', '341100').executeTakeFirstOrThrow());
    const { password_hash } = await t.ctx.db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow();
    await insertUserAsSystem(t.ctx, systemMeta('test'), { username: 'shi_admin', displayName: '市管理员', org: city, roles: ['system_admin'], passwordHash: password_hash });
    admin = await t.login('admin');
    cityAdmin = await t.login('shi_admin');
    zhuren = await t.login('zhuren');
    otherManager = await t.login('dsx_zhuren');
  });
  after(() => t.close());

  const send = (method: 'GET' | 'POST' | 'PATCH', url: string, cookie: string, payload?: object): Promise<Res> =>
    t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) }) as Promise<Res>;
  const orgRow = (id: string) => t.ctx.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const auditCount = async (action: string) => (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', action).execute()).length;
  const tree = () => t.ctx.db.selectFrom('orgs').selectAll().orderBy('id').execute();
  const stations = (orgId: string) => t.ctx.db.selectFrom('departments').select(['code', 'parent_id']).where('org_id', '=', orgId).orderBy('code').execute();
  const deptId = async (orgId: string, code: string) =>
    (await t.ctx.db.selectFrom('departments').select('id').where('org_id', '=', orgId).where('code', '=', code).executeTakeFirstOrThrow()).id;

  /** A refusal: status, problem+json, the pointers named, and the tree exactly as before. */
  async function refused(req: () => Promise<Res>, status: number, errors: { pointer: string; code: string }[] = [], denied = false) {
    const before = await tree();
    const deniedBefore = await auditCount('access.denied');
    const res = await req();
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.deepEqual(res.json().errors.map((e: { pointer: string; code: string }) => ({ pointer: e.pointer, code: e.code })), errors);
    assert.deepEqual(await tree(), before);
    assert.equal(await auditCount('access.denied'), deniedBefore + (denied ? 1 : 0));
    return res.json();
  }

  describe('update', () => {
    it('a center manager keeps the contact facts and opening hours of the centers it runs, audited', async () => {
      const before = await orgRow(town);
      assert.equal(before.opening_hours, OPENING_HOURS.township);
      const updates = await auditCount('org.update');
      const res = await send('PATCH', `/api/orgs/${town}`, zhuren, {
        openingHours: '夏季 周一至周五 8:00-12:00，15:00-18:00（节假日除外）', phone: ' 0550-4100009 ', address: null, version: before.version,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual([res.json().openingHours, res.json().phone, res.json().address, res.json().version, res.json().name],
        ['夏季 周一至周五 8:00-12:00，15:00-18:00（节假日除外）', '0550-4100009', null, before.version + 1, '大汉山镇']);
      assert.equal(await auditCount('org.update'), updates + 1);
      const row = await t.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'org.update').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(row.detail).before.openingHours, OPENING_HOURS.township);
    });

    it('renaming needs the system admin; versions, blanks and scope are checked', async () => {
      const v = (await orgRow(town)).version;
      const body = await refused(async () => send('PATCH', `/api/orgs/${town}`, zhuren, { name: '大汉山镇（新）', version: v }), 403);
      assert.equal(body.detail, '只有系统管理员可以修改机构名称');
      await refused(async () => send('PATCH', `/api/orgs/${town}`, admin, { name: '大汉山镇', version: v - 1 }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
      await refused(async () => send('PATCH', `/api/orgs/${town}`, admin, { name: '   ', version: v }), 422, [{ pointer: '#/name', code: 'REQUIRED' }]);
      await refused(async () => send('PATCH', `/api/orgs/${town}`, admin, { version: v, code: 'x' }), 400, [{ pointer: '#/code', code: 'UNKNOWN_FIELD' }]);
      const clerk = await t.login('chuangkou');
      await refused(async () => send('PATCH', `/api/orgs/${town}`, clerk, { openingHours: '全天', version: v }), 403);
      await refused(async () => send('PATCH', `/api/orgs/${town}`, otherManager, { openingHours: '全天', version: v }), 404, [], true);
      const ok = await send('PATCH', `/api/orgs/${town}`, admin, { name: '大汉山镇', openingHours: OPENING_HOURS.township, version: v });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().openingHours, OPENING_HOURS.township);
    });
  });

  describe('move', () => {
    it('refuses a cycle and a parent not above the org, naming #/parentId; the tree is untouched', async () => {
      const v = (await orgRow(county)).version;
      await refused(async () => send('POST', `/api/orgs/${county}/move`, cityAdmin, { parentId: county, version: v }), 422, [{ pointer: '#/parentId', code: 'CYCLE' }]);
      const body = await refused(async () => send('POST', `/api/orgs/${county}/move`, cityAdmin, { parentId: village, version: v }), 422, [{ pointer: '#/parentId', code: 'CYCLE' }]);
      assert.equal(body.detail, '不能把机构移到它自己的下级机构下面（会形成循环）');
      const tv = (await orgRow(town)).version;
      await refused(async () => send('POST', `/api/orgs/${town}/move`, cityAdmin, { parentId: zhangqiao, version: tv }), 422, [{ pointer: '#/parentId', code: 'LEVEL_ORDER' }]);
      await refused(async () => send('POST', `/api/orgs/${town}/move`, cityAdmin, { parentId: await orgIdByCode(t.ctx, '341125102001'), version: tv }), 422,
        [{ pointer: '#/parentId', code: 'LEVEL_ORDER' }]);
      await refused(async () => send('POST', `/api/orgs/${town}/move`, cityAdmin, { parentId: 'no-such-org', version: tv }), 422, [{ pointer: '#/parentId', code: 'PARENT_NOT_FOUND' }]);
    });

    it('needs orgs.manage over the old parent and the new one', async () => {
      const v = (await orgRow(zhangqiao)).version;
      // The county's admin does not manage 东山县.
      await refused(async () => send('POST', `/api/orgs/${zhangqiao}/move`, admin, { parentId: otherCounty, version: v }), 422, [{ pointer: '#/parentId', code: 'PARENT_NOT_FOUND' }]);
      // A center manager runs the network but does not reshape the tree.
      await refused(async () => send('POST', `/api/orgs/${village}/move`, zhuren, { parentId: zhangqiao, version: (await orgRow(village)).version }), 403);
      await refused(async () => send('POST', `/api/orgs/${zhangqiao}/move`, otherManager, { parentId: otherCounty, version: v }), 404, [], true);
      await refused(async () => send('POST', `/api/orgs/${zhangqiao}/move`, cityAdmin, { parentId: otherCounty, version: v + 7 }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
    });

    it('moves a township with its villages to another county in one go: paths, stations and scope follow', async () => {
      const before = await tree();
      const zq = await orgRow(zhangqiao);
      const other = await orgRow(otherCounty);
      assert.deepEqual((await stations(zhangqiao)).filter((s) => s.parent_id === null), []);
      const moves = await auditCount('org.move');
      const res = await send('POST', `/api/orgs/${zhangqiao}/move`, cityAdmin, { parentId: otherCounty, version: zq.version });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual([res.json().parentId, res.json().version], [otherCounty, zq.version + 1]);

      const after = await tree();
      const newPath = `${other.path}${zhangqiao}/`;
      for (const o of after) {
        const old = before.find((b) => b.id === o.id)!;
        if (old.path.startsWith(zq.path)) assert.equal(o.path, newPath + old.path.slice(zq.path.length), o.name);
        else assert.deepEqual(o, old, `${o.name} is untouched`);
      }
      assert.equal(after.filter((o) => o.path.startsWith(newPath)).length, 3);

      // Stations now point at 东山县's departments where it has one, otherwise at none.
      const mz = await deptId(otherCounty, 'civil_affairs');
      const rs = await deptId(otherCounty, 'human_resources');
      assert.deepEqual(await stations(zhangqiao), [
        { code: 'civil_affairs', parent_id: mz }, { code: 'finance', parent_id: null }, { code: 'health', parent_id: null },
        { code: 'human_resources', parent_id: rs }, { code: 'medical_insurance', parent_id: null }, { code: 'natural_resources', parent_id: null },
        { code: 'planning', parent_id: null }, { code: 'public_security', parent_id: null },
      ]);
      assert.equal(await auditCount('org.move'), moves + 1);
      const row = await t.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'org.move').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(row.detail), { fromParentId: county, toParentId: otherCounty, orgsMoved: 3, stationsRelinked: 8 });

      // Scope follows the tree at once, even for sessions already open.
      assert.equal((await send('GET', `/api/orgs/${zhangqiao}`, zhuren)).statusCode, 404);
      assert.equal((await send('GET', `/api/orgs/${zhangqiao}`, otherManager)).statusCode, 200);
      const theirs = (await send('GET', '/api/orgs', otherManager)).json().items.map((o: { code: string }) => o.code);
      assert.ok(theirs.includes('341125102002'));
      assert.equal((await send('GET', `/api/units?orgId=${zhangqiao}`, otherManager)).json().items.length, 9);
    });

    it('moves it back; the same parent again is a no-op', async () => {
      const zq = await orgRow(zhangqiao);
      const back = await send('POST', `/api/orgs/${zhangqiao}/move`, cityAdmin, { parentId: county, version: zq.version });
      assert.equal(back.statusCode, 200, back.body);
      const countyPath = (await orgRow(county)).path;
      assert.equal((await orgRow(zhangqiao)).path, `${countyPath}${zhangqiao}/`);
      assert.equal((await orgRow(await orgIdByCode(t.ctx, '341125102001'))).path.startsWith(`${countyPath}${zhangqiao}/`), true);
      // Re-linked to the county's departments by code.
      assert.deepEqual((await stations(zhangqiao)).find((s) => s.code === 'finance'), { code: 'finance', parent_id: await deptId(county, 'finance') });
      assert.deepEqual((await stations(zhangqiao)).find((s) => s.code === 'civil_affairs'), { code: 'civil_affairs', parent_id: await deptId(county, 'civil_affairs') });

      const moves = await auditCount('org.move');
      const again = await send('POST', `/api/orgs/${zhangqiao}/move`, cityAdmin, { parentId: county, version: zq.version + 1 });
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().version, zq.version + 1);
      assert.equal(await auditCount('org.move'), moves);
    });

    it('a county admin moves a village between two of its townships', async () => {
      const v = await orgRow(village);
      const res = await send('POST', `/api/orgs/${village}/move`, admin, { parentId: zhangqiao, version: v.version });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await orgRow(village)).path, `${(await orgRow(zhangqiao)).path}${village}/`);
      assert.equal((await send('GET', `/api/orgs?parentId=${zhangqiao}`, admin)).json().items.length, 3);
      assert.equal((await send('GET', `/api/orgs?parentId=${town}`, admin)).json().items.length, 7);
    });
  });
});
