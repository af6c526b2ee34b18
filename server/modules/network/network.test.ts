import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, demoOrgIds, engineUnderTest, orgIdByCode, testApp, userIdByName, type TestApp } from '../../../test/helpers.ts';
import { DEMO_USERS, seedDemo } from '../../seed/demo.ts';
import { demoNetworkSummary, OPENING_HOURS } from '../../seed/demo-network.ts';
import { acceptanceDeskOf, handlingUnitFor, villageRoomOf, windowHolder, windowsServing } from './service.ts';

type Res = { statusCode: number; headers: Record<string, unknown>; body: string; json: () => any };
type ProblemError = { pointer: string; code: string; detail?: string };

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0 demo badge photo'), Buffer.from([0xff, 0xd9])]);

/** A refusal: its status, problem+json, and the fields it names (detail optional in `errors`). */
function assertProblem(res: Res, status: number, errors?: ProblemError[]) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.match(body.detail, /\p{Script=Han}/u);
  if (errors) {
    assert.deepEqual(
      body.errors.map((e: ProblemError) => ({ pointer: e.pointer, code: e.code, ...(errors.some((x) => x.detail) ? { detail: e.detail } : {}) })),
      errors, res.body,
    );
  }
  return body;
}

describe(`service network (${engineUnderTest})`, () => {
  let t: TestApp;
  let dataDir: string;
  let admin: string;
  let zhuren: string; // center manager of the county
  let townManager: string; // center manager of 大汉山镇
  let otherManager: string; // center manager of 东山县
  let clerk: string; // chuangkou, window clerk of 大汉山镇
  let county: string;
  let town: string;
  let village: string;
  let otherCounty: string;
  let zhangqiao: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'bianmin-photos-'));
    t = await testApp({ config: { dataDir } });
    ({ county, town, village, otherCounty } = await demoOrgIds(t.ctx));
    zhangqiao = await orgIdByCode(t.ctx, '341125102');
    admin = await t.login('admin');
    zhuren = await t.login('zhuren');
    townManager = await t.login('dhs_zhuren');
    otherManager = await t.login('dsx_zhuren');
    clerk = await t.login('chuangkou');
  });
  after(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, cookie?: string, payload?: unknown): Promise<Res> =>
    t.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload === undefined ? {} : { payload: payload as object }) }) as Promise<Res>;
  const count = async (table: 'departments' | 'units' | 'windows' | 'window_units' | 'staff_profiles' | 'absences' | 'duty_rota') =>
    Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const auditCount = async (action?: string) =>
    (await t.ctx.db.selectFrom('audit_log').select('seq').$if(action !== undefined, (q) => q.where('action', '=', action!)).execute()).length;
  /** Everything a refused request must leave as it was (a refusal may only add an access.denied row). */
  const snapshot = async () => ({
    departments: await t.ctx.db.selectFrom('departments').selectAll().orderBy('id').execute(),
    units: await t.ctx.db.selectFrom('units').selectAll().orderBy('id').execute(),
    windows: await t.ctx.db.selectFrom('windows').selectAll().orderBy('id').execute(),
    windowUnits: await count('window_units'),
    profiles: await t.ctx.db.selectFrom('staff_profiles').selectAll().orderBy('user_id').execute(),
    absences: await t.ctx.db.selectFrom('absences').selectAll().orderBy('id').execute(),
    rota: await t.ctx.db.selectFrom('duty_rota').selectAll().orderBy('org_id').orderBy('weekday').execute(),
    changes: (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '!=', 'access.denied').execute()).length,
  });
  const deptId = async (orgId: string, code: string) =>
    (await t.ctx.db.selectFrom('departments').select('id').where('org_id', '=', orgId).where('code', '=', code).executeTakeFirstOrThrow()).id;
  const windowBySign = async (orgId: string, sign: string) =>
    (await t.ctx.db.selectFrom('windows').selectAll().where('org_id', '=', orgId).where('sign', '=', sign).executeTakeFirstOrThrow());
  const unitByName = async (orgId: string, name: string) =>
    (await t.ctx.db.selectFrom('units').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirstOrThrow());
  /** Runs a refused request and checks nothing changed but an optional audited denial. */
  async function refused(req: () => Promise<Res>, status: number, errors?: ProblemError[], denied = false) {
    const before = await snapshot();
    const deniedBefore = await auditCount('access.denied');
    const body = assertProblem(await req(), status, errors);
    assert.deepEqual(await snapshot(), before, 'a refusal writes nothing');
    assert.equal(await auditCount('access.denied'), deniedBefore + (denied ? 1 : 0), denied ? 'the denial is audited' : 'no denial recorded');
    return body;
  }

  describe('the demo network', () => {
    it('has the shape the issue asks for', async () => {
      const summary = demoNetworkSummary();
      assert.deepEqual(summary.centers['341125'], { departments: 19, deskClerks: 4, deskCounters: 4, handlingWindows: 13, windowUnits: 13, rooms: 6, hallStaff: 30 });
      assert.deepEqual(summary.centers['341125101'], { departments: 14, deskClerks: 2, deskCounters: 1, handlingWindows: 8, windowUnits: 11, rooms: 3, hallStaff: 18 });
      assert.deepEqual(summary.centers['341125102'], { departments: 8, deskClerks: 2, deskCounters: 1, handlingWindows: 5, windowUnits: 5, rooms: 3, hallStaff: 12 });
      assert.deepEqual(summary.centers['341126'], { departments: 2, deskClerks: 2, deskCounters: 1, handlingWindows: 2, windowUnits: 2, rooms: 0, hallStaff: 6 });
      assert.equal(Object.keys(summary.villages).length, 10);
      assert.ok(Object.values(summary.villages).every((v) => v.cadres >= 2 && v.cadres <= 3));
      assert.deepEqual(
        { people: summary.people, departments: summary.departments, units: summary.units, windows: summary.windows, rotaDays: summary.rotaDays },
        { people: 112, departments: 45, units: 60, windows: 38, rotaDays: 50 },
      );
      // The database holds exactly that.
      assert.equal(await count('departments'), 45);
      assert.equal(await count('units'), 60);
      assert.equal(await count('windows'), 38);
      assert.equal(await count('staff_profiles'), 112);
      assert.equal(await count('duty_rota'), 50);
    });

    it('the county center: a desk of 4 clerks, 13 department windows, 6 handling rooms, 19 departments', async () => {
      const units = (await send('GET', `/api/units?orgId=${county}`, admin)).json().items;
      const byKind = (k: string) => units.filter((u: { kind: string }) => u.kind === k);
      assert.deepEqual(byKind('acceptance_desk').map((u: { name: string }) => u.name), ['综合受理窗口']);
      assert.deepEqual(byKind('handling_window').map((u: { departmentCode: string }) => u.departmentCode).sort(), [
        'agriculture', 'civil_affairs', 'finance', 'forestry', 'health', 'housing', 'human_resources', 'justice', 'market_regulation',
        'medical_insurance', 'natural_resources', 'public_security', 'tax',
      ]);
      assert.deepEqual(byKind('handling_room').map((u: { departmentCode: string }) => u.departmentCode).sort(), [
        'disabled_persons', 'education', 'planning', 'transport', 'veterans', 'water',
      ]);
      const windows = (await send('GET', `/api/windows?orgId=${county}`, admin)).json().items;
      const numbered = windows.filter((w: { number: string }) => /^\d+$/.test(w.number));
      assert.deepEqual(numbered.map((w: { number: string }) => Number(w.number)).sort((a: number, b: number) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      const desk = windows.filter((w: { units: { kind: string }[] }) => w.units.every((u) => u.kind === 'acceptance_desk'));
      assert.equal(desk.length, 4);
      const clerks = new Set(desk.flatMap((w: { aUserId: string; bUserId: string }) => [w.aUserId, w.bUserId]));
      assert.equal(clerks.size, 4);
      assert.ok(clerks.has(await userIdByName(t.ctx, 'shouli')));
      const depts = (await send('GET', `/api/departments?orgId=${county}`, admin)).json().items;
      assert.equal(depts.length, 19);
      assert.ok(!depts.some((d: { code: string }) => d.code === 'party_mass'));
    });

    it('大汉山镇: the 8 windows of the seed, 18 hall staff with chuangkou among them, 3 rooms, stations under county departments', async () => {
      const windows = (await send('GET', `/api/windows?orgId=${town}`, admin)).json().items as { number: string; sign: string; aUserId: string; bUserId: string; units: { name: string; kind: string }[] }[];
      const hall = windows.filter((w) => w.number !== '0');
      assert.deepEqual(hall.map((w) => w.sign), ['劳动保障', '民政低保', '老龄合疗', '农林水利', '食药监管', '党政群团', '国土城建', '计划生育']);
      assert.deepEqual(hall.find((w) => w.sign === '农林水利')!.units.map((u) => u.name).sort(), ['农技站', '林业站', '水利站'].sort());
      assert.deepEqual(hall.find((w) => w.sign === '国土城建')!.units.map((u) => u.name).sort(), ['国土所', '村镇建设办'].sort());
      const staff = new Set(windows.flatMap((w) => [w.aUserId, w.bUserId]));
      assert.equal(staff.size, 18);
      assert.ok(staff.has(await userIdByName(t.ctx, 'chuangkou')));
      const rooms = (await send('GET', `/api/units?orgId=${town}&kind=handling_room`, admin)).json().items;
      assert.deepEqual(rooms.map((u: { name: string }) => u.name).sort(), ['司法所', '派出所', '财政所'].sort());
      const depts = (await send('GET', `/api/departments?orgId=${town}`, admin)).json().items as { code: string; parentId: string | null }[];
      assert.equal(depts.length, 14);
      for (const d of depts) assert.equal(d.parentId, d.code === 'party_mass' ? null : await deptId(county, d.code), d.code);
    });

    it('张桥镇 and 东山县 as the issue shapes them; every village has a room and a Mon–Fri rota', async () => {
      const zq = (await send('GET', `/api/windows?orgId=${zhangqiao}`, admin)).json().items.filter((w: { number: string }) => w.number !== '0');
      assert.deepEqual(zq.map((w: { sign: string }) => w.sign), ['财政', '民政', '计生', '卫生', '劳动保障']);
      const zqRooms = (await send('GET', `/api/units?orgId=${zhangqiao}&kind=handling_room`, admin)).json().items;
      assert.deepEqual(zqRooms.map((u: { departmentCode: string }) => u.departmentCode).sort(), ['natural_resources', 'planning', 'public_security']);
      const dsx = (await send('GET', `/api/windows?orgId=${otherCounty}`, await t.login('dsx_zhuren'))).json().items;
      assert.deepEqual(dsx.map((w: { units: { kind: string }[] }) => w.units[0]!.kind), ['acceptance_desk', 'handling_window', 'handling_window']);
      const villages = await t.ctx.db.selectFrom('orgs').selectAll().where('level', '=', 'village').execute();
      assert.equal(villages.length, 10);
      for (const v of villages) {
        const rota = (await send('GET', `/api/orgs/${v.id}/duty-rota`, admin)).json();
        assert.deepEqual(rota.days.map((d: { weekday: number }) => d.weekday), [1, 2, 3, 4, 5], v.name);
        assert.equal(v.opening_hours, OPENING_HOURS.village);
        assert.ok(await villageRoomOf(t.ctx, v.id), v.name);
      }
      const hl = (await send('GET', `/api/orgs/${village}/duty-rota`, admin)).json();
      assert.ok(hl.days.map((d: { displayName: string }) => d.displayName).includes('黄村干'));
    });

    it('keeps every existing demo account with its org and role, and gives all staff a badge', async () => {
      for (const u of DEMO_USERS) {
        const row = await t.ctx.db.selectFrom('users').innerJoin('orgs', 'orgs.id', 'users.org_id').select(['orgs.code', 'users.id']).where('username', '=', u.username).executeTakeFirstOrThrow();
        assert.equal(row.code, u.org, u.username);
        const roles = await t.ctx.db.selectFrom('user_roles').select('role').where('user_id', '=', row.id).execute();
        assert.deepEqual(roles.map((r) => r.role), u.roles, u.username);
      }
      const badge = (await send('GET', `/api/staff/${await userIdByName(t.ctx, 'chuangkou')}/profile`, admin)).json();
      assert.equal(badge.staffNo, 'DHS-05');
      assert.equal(badge.displayName, '赵窗口');
      assert.deepEqual(badge.windows.map((w: { number: string; sign: string; post: string }) => [w.number, w.sign, w.post]), [['2', '民政低保', 'A']]);
      const orgsWithHours = await t.ctx.db.selectFrom('orgs').select(['level', 'opening_hours']).execute();
      assert.ok(orgsWithHours.every((o) => o.opening_hours === OPENING_HOURS[o.level as keyof typeof OPENING_HOURS]));
      await t.login('xian_minzheng_a', DEMO_PASSWORD); // new accounts share the demo password
    });
  });

  describe('departments', () => {
    it('creates a township station under its county department, audited', async () => {
      const veterans = await deptId(county, 'veterans');
      const before = await auditCount('department.create');
      const res = await send('POST', '/api/departments', townManager, { orgId: town, code: 'veterans', name: '退役军人服务站', parentId: veterans });
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual({ ...res.json(), id: '', createdAt: '', updatedAt: '' }, {
        id: '', orgId: town, code: 'veterans', name: '退役军人服务站', parentId: veterans, createdAt: '', updatedAt: '', version: 1,
      });
      assert.equal(await auditCount('department.create'), before + 1);
      const got = await send('GET', `/api/departments/${res.json().id}`, clerk);
      assert.equal(got.statusCode, 200);
      assert.equal(got.json().name, '退役军人服务站');
    });

    it('refuses a duplicate code, a parent not above, a village org; nothing written', async () => {
      const veterans = await deptId(county, 'veterans');
      await refused(async () => send('POST', '/api/departments', townManager, { orgId: town, code: 'civil_affairs', name: '民政办二' }), 409,
        [{ pointer: '#/code', code: 'DUPLICATE' }]);
      await refused(async () => send('POST', '/api/departments', townManager, { orgId: town, code: 'tax', name: '税务所', parentId: await deptId(town, 'civil_affairs') }), 422,
        [{ pointer: '#/parentId', code: 'PARENT_NOT_ABOVE', detail: '上级部门不存在，或不是上级机构（如县）的部门' }]);
      await refused(async () => send('POST', '/api/departments', admin, { orgId: county, code: 'sports', name: '体育局', parentId: veterans }), 422,
        [{ pointer: '#/parentId', code: 'PARENT_NOT_ABOVE' }]);
      await refused(async () => send('POST', '/api/departments', admin, { orgId: town, code: 'tax', name: '税务所', parentId: 'no-such' }), 422,
        [{ pointer: '#/parentId', code: 'PARENT_NOT_ABOVE' }]);
      await refused(async () => send('POST', '/api/departments', admin, { orgId: village, code: 'tax', name: '税务' }), 422,
        [{ pointer: '#/orgId', code: 'NO_DEPARTMENTS_IN_VILLAGE', detail: '村（社区）不设部门，部门设在县和乡镇（站所）' }]);
      await refused(async () => send('POST', '/api/departments', admin, { orgId: town, code: 'Bad Code', name: 'x' }), 400, [{ pointer: '#/code', code: 'FORMAT' }]);
      await refused(async () => send('POST', '/api/departments', admin, { orgId: town, code: 'sports', name: '   ' }), 422, [{ pointer: '#/name', code: 'REQUIRED' }]);
    });

    it('renames with a version check; a clerk may read but not change; another county sees nothing', async () => {
      const id = await deptId(town, 'justice');
      const ok = await send('PATCH', `/api/departments/${id}`, townManager, { name: '司法所（公共法律服务站）', version: 1 });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().version, 2);
      await refused(async () => send('PATCH', `/api/departments/${id}`, townManager, { name: '又改', version: 1 }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
      await refused(async () => send('PATCH', `/api/departments/${id}`, clerk, { name: '窗口改', version: 2 }), 403);
      await refused(async () => send('PATCH', `/api/departments/${id}`, otherManager, { name: '外县改', version: 2 }), 404, [], true);
      await refused(async () => send('GET', `/api/departments/${id}`, otherManager), 404, [], true);
      await refused(async () => send('GET', `/api/departments?orgId=${town}`, otherManager), 404, [{ pointer: '#/query/orgId', code: 'ORG_NOT_FOUND' }], true);
      const theirs = (await send('GET', '/api/departments', otherManager)).json().items as { orgId: string }[];
      assert.ok(theirs.length > 0);
      const otherOrgs = new Set((await t.ctx.db.selectFrom('orgs').select('id').where('code', 'like', '341126%').execute()).map((o) => o.id));
      assert.ok(theirs.every((d) => otherOrgs.has(d.orgId)));
      // Unlinking a station from its county department.
      const unlinked = await send('PATCH', `/api/departments/${id}`, townManager, { parentId: null, version: 2 });
      assert.equal(unlinked.json().parentId, null);
    });
  });

  describe('units', () => {
    it('refuses a unit of the wrong kind for its org, naming the field; nothing written', async () => {
      const civil = await deptId(town, 'civil_affairs');
      const countyCivil = await deptId(county, 'civil_affairs');
      await refused(async () => send('POST', '/api/units', admin, { orgId: village, kind: 'handling_window', name: '村窗口', departmentId: civil }), 422, [
        { pointer: '#/kind', code: 'KIND_NOT_ALLOWED_AT_LEVEL', detail: '村（社区）只能设村便民服务室，不能设办理窗口' },
        { pointer: '#/departmentId', code: 'DEPARTMENT_OTHER_ORG', detail: '所选部门不属于该机构，请选择本机构的部门（站所）' },
      ]);
      await refused(async () => send('POST', '/api/units', admin, { orgId: town, kind: 'village_room', name: '镇里的村室' }), 422, [
        { pointer: '#/kind', code: 'KIND_NOT_ALLOWED_AT_LEVEL', detail: '村便民服务室只能设在村（社区），不能设在乡镇（街道）级机构' },
      ]);
      await refused(async () => send('POST', '/api/units', admin, { orgId: town, kind: 'handling_room', name: '无部门办理室' }), 422, [
        { pointer: '#/departmentId', code: 'DEPARTMENT_REQUIRED' },
      ]);
      await refused(async () => send('POST', '/api/units', admin, { orgId: town, kind: 'handling_window', name: '县部门窗口', departmentId: countyCivil }), 422, [
        { pointer: '#/departmentId', code: 'DEPARTMENT_OTHER_ORG' },
      ]);
      await refused(async () => send('POST', '/api/units', admin, { orgId: town, kind: 'handling_window', name: '假部门窗口', departmentId: 'no-such-department' }), 422, [
        { pointer: '#/departmentId', code: 'DEPARTMENT_OTHER_ORG' },
      ]);
      await refused(async () => send('POST', '/api/units', admin, { orgId: town, kind: 'acceptance_desk', name: '民政受理', departmentId: civil }), 422, [
        { pointer: '#/departmentId', code: 'DEPARTMENT_NOT_ALLOWED' },
      ]);
      await refused(async () => send('POST', '/api/units', admin, { orgId: town, kind: 'counter', name: 'x' }), 400, [{ pointer: '#/kind', code: 'NOT_ALLOWED' }]);
    });

    it('one desk per center, one room per village, one handling unit per department (409)', async () => {
      await refused(async () => send('POST', '/api/units', admin, { orgId: town, kind: 'acceptance_desk', name: '第二受理部' }), 409, [{ pointer: '#/kind', code: 'DUPLICATE' }]);
      await refused(async () => send('POST', '/api/units', admin, { orgId: village, kind: 'village_room', name: '第二服务室' }), 409, [{ pointer: '#/kind', code: 'DUPLICATE' }]);
      const body = await refused(async () => send('POST', '/api/units', admin, { orgId: town, kind: 'handling_room', name: '民政办理室', departmentId: await deptId(town, 'civil_affairs') }), 409,
        [{ pointer: '#/departmentId', code: 'DUPLICATE' }]);
      assert.equal(body.detail, '该部门在本机构已有办理窗口“民政办”，一个部门只设一个办理单位');
    });

    it('creates a handling room with a head, updates it with a version check, audited', async () => {
      const veterans = await deptId(town, 'veterans');
      const head = await userIdByName(t.ctx, 'dhs_sifasuo');
      const created = await send('POST', '/api/units', townManager, { orgId: town, kind: 'handling_room', name: '退役军人服务站', departmentId: veterans, headUserId: head });
      assert.equal(created.statusCode, 201, created.body);
      const unit = created.json();
      assert.deepEqual([unit.kind, unit.kindLabel, unit.departmentCode, unit.headUserId, unit.active, unit.mayAcceptDirectly, unit.mayHandle],
        ['handling_room', '办理室', 'veterans', head, true, false, true]);
      assert.equal((await handlingUnitFor(t.ctx, town, 'veterans'))?.id, unit.id);

      const sid = await refused(async () => send('PATCH', `/api/units/${unit.id}`, townManager, { headUserId: await userIdByName(t.ctx, 'shouli'), version: 1 }), 422,
        [{ pointer: '#/headUserId', code: 'NOT_STAFF_OF_ORG' }]);
      assert.equal(sid.detail, '负责人不存在、已停用或不是本机构的工作人员');

      const updates = await auditCount('unit.update');
      const off = await send('PATCH', `/api/units/${unit.id}`, townManager, { active: false, name: '退役军人服务站（暂停）', version: 1 });
      assert.equal(off.statusCode, 200, off.body);
      assert.deepEqual([off.json().active, off.json().name, off.json().version], [false, '退役军人服务站（暂停）', 2]);
      assert.equal(await handlingUnitFor(t.ctx, town, 'veterans'), undefined);
      await refused(async () => send('PATCH', `/api/units/${unit.id}`, townManager, { active: true, version: 1 }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
      // While it is off, another unit takes the department; turning the first back on then clashes.
      const second = await send('POST', '/api/units', townManager, { orgId: town, kind: 'handling_window', name: '退役军人窗口', departmentId: veterans });
      assert.equal(second.statusCode, 201, second.body);
      await refused(async () => send('PATCH', `/api/units/${unit.id}`, townManager, { active: true, version: 2 }), 409, [{ pointer: '#/active', code: 'DUPLICATE' }]);
      assert.equal(await auditCount('unit.update'), updates + 1);
    });

    it('lists by org, kind and department; reads and refusals across orgs', async () => {
      const rooms = (await send('GET', `/api/units?kind=village_room`, zhuren)).json().items;
      assert.equal(rooms.length, 10);
      const forestry = (await send('GET', `/api/units?departmentId=${await deptId(town, 'forestry')}`, clerk)).json().items;
      assert.deepEqual(forestry.map((u: { name: string }) => u.name), ['林业站']);
      const inactive = (await send('GET', `/api/units?orgId=${town}&active=false`, clerk)).json().items;
      assert.deepEqual(inactive.map((u: { name: string }) => u.name), ['退役军人服务站（暂停）']);
      const desk = await unitByName(county, '综合受理窗口');
      const shouli = await t.login('shouli');
      assert.equal((await send('GET', `/api/units/${desk.id}`, shouli)).statusCode, 200);
      await refused(async () => send('GET', `/api/units/${desk.id}`, clerk), 404, [], true); // a township clerk does not see the county
      await refused(async () => send('GET', `/api/units/${desk.id}`, otherManager), 404, [], true);
      await refused(async () => send('PATCH', `/api/units/${desk.id}`, otherManager, { name: '外县改', version: 1 }), 404, [], true);
      await refused(async () => send('PATCH', `/api/units/${desk.id}`, shouli, { name: '受理员改', version: 1 }), 403);
      await refused(async () => send('GET', `/api/units?orgId=${county}`, otherManager), 404, [{ pointer: '#/query/orgId', code: 'ORG_NOT_FOUND' }], true);
      await refused(async () => send('GET', '/api/units/no-such-unit', admin), 404);
      assert.equal((await send('GET', '/api/units')).statusCode, 401);
    });
  });

  describe('windows and their A/B posts', () => {
    const newWindow = async (over: Record<string, unknown> = {}) => ({
      orgId: town, number: '9', sign: '退役军人', aUserId: await userIdByName(t.ctx, 'dhs_dangqun_a'), bUserId: await userIdByName(t.ctx, 'dhs_dangqun_b'),
      unitIds: [(await unitByName(town, '退役军人窗口')).id], ...over,
    });

    it('refuses a window without posts, naming each post; nothing written', async () => {
      const { aUserId: _a, bUserId: _b, ...noPosts } = await newWindow();
      await refused(async () => send('POST', '/api/windows', townManager, noPosts), 422, [
        { pointer: '#/aUserId', code: 'POST_REQUIRED', detail: '窗口必须设A岗人员：A岗办理，A岗不在时由B岗顶岗' },
        { pointer: '#/bUserId', code: 'POST_REQUIRED', detail: '窗口必须设B岗人员：A岗办理，A岗不在时由B岗顶岗' },
      ]);
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ bUserId: '' })), 422, [{ pointer: '#/bUserId', code: 'POST_REQUIRED' }]);
      const a = await userIdByName(t.ctx, 'dhs_dangqun_a');
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ bUserId: a })), 422, [{ pointer: '#/bUserId', code: 'SAME_PERSON' }]);
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ aUserId: await userIdByName(t.ctx, 'shouli') })), 422,
        [{ pointer: '#/aUserId', code: 'NOT_STAFF_OF_ORG', detail: 'A岗人员不存在或不是本机构的工作人员' }]);
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ bUserId: 'no-such-user' })), 422, [{ pointer: '#/bUserId', code: 'NOT_STAFF_OF_ORG' }]);
    });

    it('refuses units that are missing, of another org or of a kind a window cannot serve', async () => {
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ unitIds: [] })), 422, [{ pointer: '#/unitIds', code: 'UNITS_REQUIRED' }]);
      const room = await unitByName(town, '派出所');
      const countyUnit = await unitByName(county, '民政局窗口');
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ unitIds: [room.id, countyUnit.id] })), 422, [
        { pointer: '#/unitIds/0', code: 'UNIT_KIND' }, { pointer: '#/unitIds/1', code: 'UNIT_NOT_FOUND' },
      ]);
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ number: '2' })), 409,
        [{ pointer: '#/number', code: 'DUPLICATE', detail: '本机构已有该窗口号' }]);
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ number: ' ', sign: '' })), 400, [{ pointer: '#/sign', code: 'REQUIRED' }]);
      await refused(async () => send('POST', '/api/windows', townManager, await newWindow({ number: '  ' })), 422, [{ pointer: '#/number', code: 'REQUIRED' }]);
      await refused(async () => send('POST', '/api/windows', clerk, await newWindow()), 403);
      await refused(async () => send('POST', '/api/windows', otherManager, await newWindow()), 404, [{ pointer: '#/orgId', code: 'ORG_NOT_FOUND' }], true);
    });

    it('creates a window, audited; updates its posts and units with a version check', async () => {
      const before = await auditCount('window.create');
      const res = await send('POST', '/api/windows', townManager, await newWindow());
      assert.equal(res.statusCode, 201, res.body);
      const w = res.json();
      assert.equal(await auditCount('window.create'), before + 1);
      assert.deepEqual([w.number, w.sign, w.aUserName.length > 0, w.units.map((u: { name: string }) => u.name), w.serving.post, w.serving.userId],
        ['9', '退役军人', true, ['退役军人窗口'], 'A', w.aUserId]);
      const b2 = await userIdByName(t.ctx, 'dhs_jisheng_b');
      // The person's units are kept a few seconds per request; a post change here is seen at once.
      const b2Cookie = await t.login('dhs_jisheng_b');
      const b2Units = async () => (await send('GET', '/api/auth/me', b2Cookie)).json().units.map((u: { name: string }) => u.name);
      assert.equal((await b2Units()).includes('退役军人窗口'), false);
      const moved = await send('PATCH', `/api/windows/${w.id}`, townManager, {
        bUserId: b2, unitIds: [(await unitByName(town, '退役军人窗口')).id, (await unitByName(town, '咨询受理部')).id], version: 1,
      });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.deepEqual([moved.json().bUserId, moved.json().units.length, moved.json().version], [b2, 2, 2]);
      assert.equal((await b2Units()).includes('退役军人窗口'), true);
      await refused(async () => send('PATCH', `/api/windows/${w.id}`, townManager, { sign: '旧版本', version: 1 }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
      await refused(async () => send('PATCH', `/api/windows/${w.id}`, townManager, { aUserId: b2, version: 2 }), 422, [{ pointer: '#/bUserId', code: 'SAME_PERSON' }]);
      await refused(async () => send('PATCH', `/api/windows/${w.id}`, townManager, { number: '1', version: 2 }), 409, [{ pointer: '#/number', code: 'DUPLICATE' }]);
      await refused(async () => send('PATCH', `/api/windows/${w.id}`, townManager, { unitIds: [], version: 2 }), 422, [{ pointer: '#/unitIds', code: 'UNITS_REQUIRED' }]);
      const off = await send('PATCH', `/api/windows/${w.id}`, townManager, { active: false, version: 2 });
      assert.deepEqual([off.json().active, off.json().serving.post], [false, 'closed']);
      assert.equal((await b2Units()).includes('退役军人窗口'), false);
      assert.equal((await windowHolder(t.ctx, w.id, t.ctx.now()))?.post, 'closed');
      await refused(async () => send('GET', `/api/windows/${w.id}`, otherManager), 404, [], true);
      await refused(async () => send('PATCH', `/api/windows/${w.id}`, clerk, { sign: '窗口自改', version: 3 }), 403);
    });

    it('B covers while A is away; both away closes the window; cancelling restores A', async () => {
      const win = await windowBySign(town, '民政低保');
      const a = win.a_user_id;
      const view = async () => (await send('GET', `/api/windows/${win.id}`, clerk)).json().serving;
      assert.deepEqual(await view(), { post: 'A', userId: a, name: '赵窗口' });

      const created = await auditCount('absence.create');
      const away = await send('POST', '/api/absences', townManager, {
        userId: a, kind: 'training', startsAt: '2026-03-02T08:00:00+08:00', endsAt: '2026-03-02T18:00:00+08:00', reason: '参加县民政局低保业务培训',
      });
      assert.equal(away.statusCode, 201, away.body);
      assert.deepEqual([away.json().startsAt, away.json().endsAt, away.json().kindLabel], ['2026-03-02T00:00:00.000Z', '2026-03-02T10:00:00.000Z', '培训']);
      assert.equal(await auditCount('absence.create'), created + 1);
      assert.deepEqual((await view()).post, 'B');
      assert.deepEqual(await windowHolder(t.ctx, win.id, t.ctx.now()), { windowId: win.id, orgId: town, post: 'B', userId: win.b_user_id });
      // Later that evening A is back in the books.
      assert.equal((await windowHolder(t.ctx, win.id, new Date('2026-03-02T10:00:00Z')))?.post, 'A');

      const bAway = await send('POST', '/api/absences', townManager, {
        userId: win.b_user_id, kind: 'business_trip', startsAt: '2026-03-01T00:00:00Z', endsAt: '2026-03-04T00:00:00Z', reason: '赴市里送审材料',
      });
      assert.equal(bAway.statusCode, 201, bAway.body);
      assert.deepEqual(await view(), { post: 'closed', userId: null, name: null });
      const board = (await send('GET', '/api/public/orgs/341125101/board')).json();
      assert.deepEqual(board.windows.find((w: { sign: string }) => w.sign === '民政低保'), {
        number: '2', sign: '民政低保', units: ['民政办'], status: 'closed', post: null, staff: null,
      });

      const list = (await send('GET', `/api/absences?orgId=${town}&from=2026-03-02T00:00:00%2B08:00`, townManager)).json().items;
      assert.deepEqual(list.map((x: { userId: string }) => x.userId).sort(), [a, win.b_user_id].sort());
      assert.equal((await send('GET', `/api/absences?userId=${a}`, zhuren)).json().items.length, 1);

      const cancelled = await send('POST', `/api/absences/${away.json().id}/cancel`, townManager);
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      assert.equal(cancelled.json().cancelledAt, t.ctx.now().toISOString());
      assert.equal((await view()).post, 'A');
      await refused(async () => send('POST', `/api/absences/${away.json().id}/cancel`, townManager), 409, [{ pointer: '#/params/id', code: 'ALREADY_CANCELLED' }]);
      const all = (await send('GET', `/api/absences?userId=${a}&includeCancelled=true`, townManager)).json().items;
      assert.equal(all.length, 1);
      assert.equal((await send('GET', `/api/absences?userId=${a}`, townManager)).json().items.length, 0);
      await send('POST', `/api/absences/${bAway.json().id}/cancel`, townManager);
    });

    it('refuses bad absences and absences out of scope', async () => {
      const a = await userIdByName(t.ctx, 'dhs_laodong_a');
      const base = { userId: a, kind: 'leave', startsAt: '2026-03-03T08:30:00+08:00', endsAt: '2026-03-03T17:30:00+08:00', reason: '病假' };
      await refused(async () => send('POST', '/api/absences', townManager, { ...base, endsAt: base.startsAt }), 422,
        [{ pointer: '#/endsAt', code: 'ENDS_BEFORE_START', detail: '结束时间必须晚于开始时间' }]);
      await refused(async () => send('POST', '/api/absences', townManager, { ...base, reason: '  ' }), 422, [{ pointer: '#/reason', code: 'REQUIRED' }]);
      await refused(async () => send('POST', '/api/absences', townManager, { ...base, startsAt: '2026-03-03 08:30' }), 422, [{ pointer: '#/startsAt', code: 'FORMAT' }]);
      await refused(async () => send('POST', '/api/absences', townManager, { ...base, kind: 'holiday' }), 400, [{ pointer: '#/kind', code: 'NOT_ALLOWED' }]);
      await refused(async () => send('POST', '/api/absences', clerk, base), 404, [], true); // a clerk does not manage colleagues
      await refused(async () => send('POST', '/api/absences', otherManager, base), 404, [], true);
      await refused(async () => send('POST', '/api/absences', townManager, { ...base, userId: await userIdByName(t.ctx, 'shouli') }), 404, [], true);
      await refused(async () => send('GET', `/api/absences?userId=${a}`, clerk), 404, [], true);
      await refused(async () => send('GET', `/api/absences?orgId=${town}`, otherManager), 404, [], true);
      await refused(async () => send('GET', '/api/absences?from=yesterday', townManager), 422, [{ pointer: '#/query/from', code: 'FORMAT' }]);
      const ok = await send('POST', '/api/absences', townManager, base);
      assert.equal(ok.statusCode, 201);
      await refused(async () => send('POST', `/api/absences/${ok.json().id}/cancel`, otherManager), 404, [], true);
      await refused(async () => send('POST', `/api/absences/${ok.json().id}/cancel`, clerk), 404, [], true);
    });
  });

  describe('staff badges and photos', () => {
    const photoFiles = () => (existsSync(path.join(dataDir, 'photos')) ? readdirSync(path.join(dataDir, 'photos')) : []);

    it('upserts a badge with a version check; staff numbers are unique', async () => {
      const id = await userIdByName(t.ctx, 'dhs_heliao_b');
      const badge = (await send('GET', `/api/staff/${id}/profile`, clerk)).json();
      assert.equal(badge.staffNo.startsWith('DHS-'), true);
      const res = await send('PUT', `/api/staff/${id}/profile`, townManager, { staffNo: badge.staffNo, title: '合疗经办员', duties: '合疗报销、参保登记', onPublicBoard: true, version: badge.version });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual([res.json().title, res.json().version, res.json().windows[0].post], ['合疗经办员', badge.version + 1, 'B']);
      await refused(async () => send('PUT', `/api/staff/${id}/profile`, townManager, { staffNo: badge.staffNo, version: badge.version }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
      await refused(async () => send('PUT', `/api/staff/${id}/profile`, townManager, { staffNo: badge.staffNo }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
      await refused(async () => send('PUT', `/api/staff/${id}/profile`, townManager, { staffNo: 'DHS-05', version: badge.version + 1 }), 409,
        [{ pointer: '#/staffNo', code: 'DUPLICATE', detail: '工号已被使用' }]);
      await refused(async () => send('PUT', `/api/staff/${id}/profile`, townManager, { staffNo: 'DHS 99', version: badge.version + 1 }), 400, [{ pointer: '#/staffNo', code: 'FORMAT' }]);
      await refused(async () => send('PUT', `/api/staff/${id}/profile`, clerk, { staffNo: 'DHS-99', version: badge.version + 1 }), 403);
      await refused(async () => send('PUT', `/api/staff/${id}/profile`, otherManager, { staffNo: 'DHS-99', version: badge.version + 1 }), 404, [], true);
      await refused(async () => send('GET', `/api/staff/${id}/profile`, otherManager), 404, [], true);

      // A new account has no badge until one is made.
      const created = await send('POST', '/api/users', townManager, {
        username: 'dhs_xinren', displayName: '钱新人', orgId: town, password: 'Xin#ren2026', roles: [{ role: 'window_clerk', orgId: town }],
      });
      assert.equal(created.statusCode, 201, created.body);
      const newId = created.json().id;
      assertProblem(await send('GET', `/api/staff/${newId}/profile`, townManager), 404, [{ pointer: '#/params/userId', code: 'NO_PROFILE' }]);
      const made = await send('PUT', `/api/staff/${newId}/profile`, townManager, { staffNo: 'DHS-30', title: '见习窗口人员' });
      assert.equal(made.statusCode, 201, made.body);
      assert.deepEqual([made.json().staffNo, made.json().onPublicBoard, made.json().photoUrl, made.json().version], ['DHS-30', true, null, 1]);
      const listed = (await send('GET', `/api/staff?orgId=${town}`, clerk)).json().items;
      assert.equal(listed.length, 23); // 18 hall staff, 3 room heads, the center manager and the new one
      assert.ok(listed.some((b: { staffNo: string }) => b.staffNo === 'DHS-30'));
    });

    it('stores an uploaded photo as a file with a random name, serves it, replaces and deletes it', async () => {
      const id = await userIdByName(t.ctx, 'dhs_laodong_a');
      const before = await auditCount('staff_photo.set');
      const res = await send('PUT', `/api/staff/${id}/photo`, townManager, { contentType: 'image/png', dataBase64: PNG.toString('base64') });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().photoUrl, `/api/staff/${id}/photo`);
      assert.equal(await auditCount('staff_photo.set'), before + 1);
      const [first, ...rest] = photoFiles();
      assert.equal(rest.length, 0);
      assert.match(first!, /^[0-9a-f]{32}\.png$/);

      const served = await t.app.inject({ method: 'GET', url: `/api/staff/${id}/photo`, headers: { cookie: clerk } });
      assert.equal(served.statusCode, 200);
      assert.equal(served.headers['content-type'], 'image/png');
      assert.deepEqual(served.rawPayload, PNG);
      const pub = await t.app.inject({ method: 'GET', url: `/api/public/staff/${id}/photo` });
      assert.equal(pub.statusCode, 200);
      assert.deepEqual(pub.rawPayload, PNG);
      assert.equal(pub.headers['x-content-type-options'], 'nosniff');

      const replaced = await send('PUT', `/api/staff/${id}/photo`, townManager, { contentType: 'image/jpeg', dataBase64: JPEG.toString('base64') });
      assert.equal(replaced.statusCode, 200, replaced.body);
      const files = photoFiles();
      assert.equal(files.length, 1);
      assert.notEqual(files[0], first);
      assert.match(files[0]!, /\.jpg$/);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/public/staff/${id}/photo` })).headers['content-type'], 'image/jpeg');

      await refused(async () => send('GET', `/api/staff/${id}/photo`, otherManager), 404, [], true);
      await refused(async () => send('DELETE', `/api/staff/${id}/photo`, clerk), 403);
      const removed = await send('DELETE', `/api/staff/${id}/photo`, townManager);
      assert.equal(removed.statusCode, 204);
      assert.deepEqual(photoFiles(), []);
      assert.equal((await send('GET', `/api/public/staff/${id}/photo`)).statusCode, 404);
      assertProblem(await send('DELETE', `/api/staff/${id}/photo`, townManager), 404, [{ pointer: '#/params/userId', code: 'NO_PHOTO' }]);
    });

    it('refuses what is not a small JPEG or PNG, and a photo without a badge; no file left behind', async () => {
      const id = await userIdByName(t.ctx, 'dhs_laodong_b');
      const put = (body: object) => () => send('PUT', `/api/staff/${id}/photo`, townManager, body);
      const big = Buffer.concat([PNG, Buffer.alloc(200 * 1024)]);
      await refused(put({ contentType: 'image/png', dataBase64: big.toString('base64') }), 422, [{ pointer: '#/dataBase64', code: 'TOO_LARGE' }]);
      await refused(put({ contentType: 'image/png', dataBase64: Buffer.from('GIF89a not allowed').toString('base64') }), 422,
        [{ pointer: '#/dataBase64', code: 'NOT_AN_IMAGE', detail: '文件不是 JPEG 或 PNG 图片' }]);
      await refused(put({ contentType: 'image/jpeg', dataBase64: PNG.toString('base64') }), 422, [{ pointer: '#/contentType', code: 'TYPE_MISMATCH' }]);
      await refused(put({ contentType: 'image/png', dataBase64: '%%% not base64 %%%' }), 422, [{ pointer: '#/dataBase64', code: 'BASE64' }]);
      await refused(put({ contentType: 'image/png', dataBase64: '' }), 422, [{ pointer: '#/dataBase64', code: 'BASE64' }]);
      await refused(put({ contentType: 'image/gif', dataBase64: PNG.toString('base64') }), 400, [{ pointer: '#/contentType', code: 'NOT_ALLOWED' }]);
      await refused(async () => send('PUT', `/api/staff/${id}/photo`, otherManager, { contentType: 'image/png', dataBase64: PNG.toString('base64') }), 404, [], true);
      const noBadge = await userIdByName(t.ctx, 'lingdao');
      await refused(async () => send('PUT', `/api/staff/${noBadge}/photo`, admin, { contentType: 'image/png', dataBase64: PNG.toString('base64') }), 409,
        [{ pointer: '#/params/userId', code: 'NO_PROFILE' }]);
      assert.deepEqual(photoFiles(), []);
    });
  });

  describe('village duty rota', () => {
    it('replaces the week with cadres of that village, audited; refuses outsiders, weekends and non-villages', async () => {
      const cadre = await t.login('huanglong');
      const neighbour = await t.login('ranjiaying_1');
      const rota = (await send('GET', `/api/orgs/${village}/duty-rota`, cadre)).json();
      assert.equal(rota.todayUserId, rota.days[0].userId); // the test clock stands on a Monday morning
      const [c1, c2] = [rota.days[0].userId, rota.days[1].userId];
      await refused(async () => send('PUT', `/api/orgs/${village}/duty-rota`, townManager, { days: [{ weekday: 1, userId: await userIdByName(t.ctx, 'ranjiaying_1') }] }), 422,
        [{ pointer: '#/days/0/userId', code: 'NOT_MEMBER', detail: '值班人员不存在或不是本村（社区）的村干部' }]);
      await refused(async () => send('PUT', `/api/orgs/${village}/duty-rota`, townManager, { days: [{ weekday: 6, userId: c1 }, { weekday: 1, userId: c1 }, { weekday: 1, userId: c2 }] }), 422,
        [{ pointer: '#/days/0/weekday', code: 'WEEKDAY' }, { pointer: '#/days/2/weekday', code: 'DUPLICATE' }]);
      await refused(async () => send('PUT', `/api/orgs/${town}/duty-rota`, townManager, { days: [] }), 422, [{ pointer: '#/params/orgId', code: 'NOT_A_VILLAGE' }]);
      await refused(async () => send('PUT', `/api/orgs/${village}/duty-rota`, cadre, { days: [] }), 403);
      await refused(async () => send('PUT', `/api/orgs/${village}/duty-rota`, otherManager, { days: [] }), 404, [{ pointer: '#/params/orgId', code: 'ORG_NOT_FOUND' }], true);
      await refused(async () => send('GET', `/api/orgs/${village}/duty-rota`, neighbour), 404, [], true);

      const set = await auditCount('duty_rota.set');
      const res = await send('PUT', `/api/orgs/${village}/duty-rota`, townManager, { days: [{ weekday: 3, userId: c2 }, { weekday: 1, userId: c2 }, { weekday: 5, userId: c1 }] });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().days.map((d: { weekday: number; weekdayLabel: string; userId: string }) => [d.weekday, d.weekdayLabel, d.userId]),
        [[1, '周一', c2], [3, '周三', c2], [5, '周五', c1]]);
      assert.equal(res.json().todayUserId, c2);
      assert.equal(await auditCount('duty_rota.set'), set + 1);
    });
  });

  describe('the public board (no sign-in)', () => {
    it('shows the center, its windows with the badge on duty now, and its rooms; no user names', async () => {
      const res = await send('GET', '/api/public/orgs/341125101/board');
      assert.equal(res.statusCode, 200, res.body);
      const board = res.json();
      assert.deepEqual(board.org, {
        code: '341125101', name: '大汉山镇', level: 'township', levelLabel: '乡镇（街道）',
        address: '大汉山镇人民政府一楼便民服务中心', phone: '0550-4100001', openingHours: OPENING_HOURS.township,
      });
      assert.equal(board.asOf, t.ctx.now().toISOString());
      const civil = board.windows.find((w: { sign: string }) => w.sign === '民政低保');
      assert.deepEqual(civil, {
        number: '2', sign: '民政低保', units: ['民政办'], status: 'open', post: 'A',
        staff: { name: '赵窗口', staffNo: 'DHS-05', title: '窗口负责人', duties: '最低生活保障、特困人员供养、临时救助、高龄津贴', photoUrl: null },
      });
      assert.ok(board.windows.every((w: { status: string; staff: unknown }) => w.status === 'open' && w.staff !== null));
      assert.deepEqual(board.handlingRooms.map((r: { name: string }) => r.name).sort(), ['司法所', '派出所', '财政所'].sort());
      assert.equal(board.villageRoom, null);
      for (const secret of ['chuangkou', 'dhs_', 'username', 'password', '"id"']) assert.ok(!res.body.includes(secret), `board leaks ${secret}`);
    });

    it('hides a badge taken off the board; a village shows today\'s cadre; unknown codes are 404', async () => {
      const id = await userIdByName(t.ctx, 'dhs_nonglin_a');
      const badge = (await send('GET', `/api/staff/${id}/profile`, townManager)).json();
      await send('PUT', `/api/staff/${id}/profile`, townManager, { staffNo: badge.staffNo, onPublicBoard: false, version: badge.version });
      const board = (await send('GET', '/api/public/orgs/341125101/board')).json();
      assert.deepEqual(board.windows.find((w: { sign: string }) => w.sign === '农林水利').staff, null);

      const hl = (await send('GET', '/api/public/orgs/341125101001/board')).json();
      assert.equal(hl.org.openingHours, OPENING_HOURS.village);
      assert.deepEqual(hl.windows, []);
      assert.equal(hl.villageRoom.name, '便民服务室');
      assert.equal(hl.villageRoom.weekday, 1);
      const rota = (await send('GET', `/api/orgs/${village}/duty-rota`, admin)).json();
      const monday = (await send('GET', `/api/staff/${rota.days[0].userId}/profile`, admin)).json();
      assert.deepEqual(hl.villageRoom.onDutyToday, { name: monday.displayName, staffNo: monday.staffNo, title: monday.title, duties: monday.duties, photoUrl: null });

      const other = (await send('GET', '/api/public/orgs/341125101002/board')).json();
      assert.equal(other.villageRoom.rota.length, 5);
      t.clock.advance(5 * 86_400_000); // to Saturday
      const weekend = (await send('GET', '/api/public/orgs/341125101002/board')).json();
      assert.deepEqual([weekend.villageRoom.weekday, weekend.villageRoom.onDutyToday], [6, null]);
      t.clock.advance(-5 * 86_400_000);

      assertProblem(await send('GET', '/api/public/orgs/999999/board'), 404);
      assertProblem(await send('GET', '/api/public/staff/no-such-user/photo'), 404);
    });
  });

  describe('look-ups for case handling', () => {
    it('finds the handling unit of a department, the desk, the windows serving a unit and who holds them', async () => {
      assert.equal((await handlingUnitFor(t.ctx, town, 'forestry'))?.name, '林业站');
      assert.equal((await handlingUnitFor(t.ctx, town, 'forestry'))?.kind, 'handling_window');
      assert.equal((await handlingUnitFor(t.ctx, town, 'public_security'))?.kind, 'handling_room');
      assert.equal(await handlingUnitFor(t.ctx, town, 'tax'), undefined);
      assert.equal((await handlingUnitFor(t.ctx, county, 'planning'))?.name, '规划局办理室');
      assert.equal((await acceptanceDeskOf(t.ctx, county))?.name, '综合受理窗口');
      assert.equal(await acceptanceDeskOf(t.ctx, village), undefined);
      assert.equal((await villageRoomOf(t.ctx, village))?.kind, 'village_room');
      const forestry = (await handlingUnitFor(t.ctx, town, 'forestry'))!;
      const [windowId] = await windowsServing(t.ctx, forestry.id);
      const nonglin = await windowBySign(town, '农林水利');
      assert.equal(windowId, nonglin.id);
      assert.deepEqual(await windowHolder(t.ctx, nonglin.id, t.ctx.now()), { windowId: nonglin.id, orgId: town, post: 'A', userId: nonglin.a_user_id });
      assert.equal(await windowHolder(t.ctx, 'no-such-window', t.ctx.now()), undefined);
      assert.equal('department_code' in forestry, false);
    });
  });

  it('re-running the demo seed after all these changes adds nothing and undoes nothing', async () => {
    const before = await snapshot();
    const again = await seedDemo(t.ctx);
    assert.deepEqual(again.network, { users: 0, departments: 0, units: 0, windows: 0, profiles: 0, rotaDays: 0, openingHours: 0 });
    assert.deepEqual(await snapshot(), before);
  });

  it('documents every route in OpenAPI; public routes need no session', async () => {
    const doc = (await send('GET', '/api/openapi.json')).json();
    for (const p of ['/api/departments', '/api/departments/{id}', '/api/units', '/api/units/{id}', '/api/windows', '/api/windows/{id}', '/api/absences',
      '/api/absences/{id}/cancel', '/api/staff', '/api/staff/{userId}/profile', '/api/staff/{userId}/photo', '/api/orgs/{id}/duty-rota',
      '/api/public/orgs/{code}/board', '/api/public/staff/{userId}/photo']) assert.ok(doc.paths[p], p);
    assert.deepEqual(doc.paths['/api/public/orgs/{code}/board'].get.security, []);
    for (const url of ['/api/departments', '/api/windows', '/api/absences', '/api/staff']) assert.equal((await send('GET', url)).statusCode, 401, url);
  });
});
