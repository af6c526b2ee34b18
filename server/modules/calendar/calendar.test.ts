import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest, demoOrgIds, testApp, type TestApp } from '../../../test/helpers.ts';
import { addWorkingDays, isWorkingDay, validateCalendarYear, type CalendarYear } from '../../domain/calendar.ts';
import holidays from '../../domain/holidays/cn-holidays.json' with { type: 'json' };
import { loadCalendar } from './service.ts';

// TEST DATA, NOT OFFICIAL: a plausible 2027 arrangement made up for these tests. The real one is
// whatever the State Council General Office publishes; never ship this.
const TEST_2027: CalendarYear = {
  year: 2027,
  off: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-05', to: '2027-02-12' },
    { name: '国庆节', from: '2027-10-01', to: '2027-10-07' },
  ],
  makeup: ['2027-02-20', '2027-09-25', '2027-10-09'],
};

describe(`work calendar (${engineUnderTest})`, () => {
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

  const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, cookie: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const auditCount = async (action: string) =>
    (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', action).execute()).length;
  const calendarAudit = async () =>
    (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', 'like', 'calendar.%').execute()).length;
  /** Everything a refused calendar request must leave untouched. */
  const snapshot = async () => ({
    years: await t.ctx.db.selectFrom('calendar_years').selectAll().orderBy('year').execute(),
    changes: (await t.ctx.db.selectFrom('calendar_local_changes').select(['org_id', 'date']).execute()).length,
    audit: await calendarAudit(),
  });
  const day = (body: { days: { date: string; working: boolean }[] }, date: string) => body.days.find((d) => d.date === date);

  it('the shipped years are stored by the migration, as official data', async () => {
    const rows = await t.ctx.db.selectFrom('calendar_years').selectAll().orderBy('year').execute();
    assert.deepEqual(rows.map((r) => [r.year, r.source, r.updated_by]), [[2024, 'official', null], [2025, 'official', null], [2026, 'official', null]]);
    const y2025 = JSON.parse(rows[1]!.data) as CalendarYear;
    assert.deepEqual(y2025.off, holidays.years['2025'].off);
    assert.deepEqual(y2025.makeup, holidays.years['2025'].makeup);

    const cal = await loadCalendar(t.ctx);
    assert.equal(isWorkingDay(cal, '2025-10-01'), false);
    assert.ok(holidays.years['2025'].makeup.includes('2025-09-28'));
    assert.equal(isWorkingDay(cal, '2025-09-28'), true); // a Sunday, made up for National Day
  });

  it('the year view has every day with a reason', async () => {
    const res = await send('GET', '/api/calendar/2025', admin);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.days.length, 365);
    assert.equal(body.official, true);
    assert.equal(body.provisional, false);
    assert.equal(body.warning, null); // the clock stands in March 2026
    assert.deepEqual(day(body, '2025-10-01'), { date: '2025-10-01', working: false, reason: '国庆节、中秋节', local: false });
    assert.deepEqual(day(body, '2025-09-28'), { date: '2025-09-28', working: true, reason: '调休上班', local: false });
    assert.deepEqual(day(body, '2025-03-08'), { date: '2025-03-08', working: false, reason: '周末', local: false });
    assert.deepEqual(day(body, '2025-03-10'), { date: '2025-03-10', working: true, reason: '工作日', local: false });
    assert.ok(body.days.every((d: { reason: string }) => d.reason.length > 0));

    const leap = (await send('GET', '/api/calendar/2028', admin)).json();
    assert.equal(leap.days.length, 366);
    assert.equal(leap.official, false);
    assert.equal(leap.provisional, true);
  });

  it('a township sees its county\'s closure; a village\'s own change overrides it', async () => {
    const added = await auditCount('calendar.local_change.add');
    const closure = await send('POST', '/api/calendar/local-changes', admin, { orgId: county, date: '2026-03-04', kind: 'closed', reason: '县城停电，大厅闭厅' });
    assert.equal(closure.statusCode, 201, closure.body);
    assert.deepEqual(closure.json(), { orgId: county, date: '2026-03-04', kind: 'closed', reason: '县城停电，大厅闭厅', createdAt: t.ctx.now().toISOString() });
    const open = await send('POST', '/api/calendar/local-changes', admin, { orgId: village, date: '2026-03-04', kind: 'open', reason: '村服务站自备电源，照常办公' });
    assert.equal(open.statusCode, 201, open.body);
    assert.equal(await auditCount('calendar.local_change.add'), added + 2);

    const ofTown = (await send('GET', `/api/calendar/2026?orgId=${town}`, admin)).json();
    assert.deepEqual(day(ofTown, '2026-03-04'), { date: '2026-03-04', working: false, reason: '县城停电，大厅闭厅', local: true });
    const ofVillage = (await send('GET', `/api/calendar/2026?orgId=${village}`, admin)).json();
    assert.deepEqual(day(ofVillage, '2026-03-04'), { date: '2026-03-04', working: true, reason: '村服务站自备电源，照常办公', local: true });
    const national = (await send('GET', '/api/calendar/2026', admin)).json();
    assert.deepEqual(day(national, '2026-03-04'), { date: '2026-03-04', working: true, reason: '工作日', local: false });
    const other = (await loadCalendar(t.ctx, otherCounty));
    assert.equal(isWorkingDay(other, '2026-03-04'), true);
  });

  it('a due date moves across a local closure', async () => {
    const start = '2026-03-02T09:00:00+08:00'; // Monday
    const plain = addWorkingDays(await loadCalendar(t.ctx), start, 3);
    assert.equal(plain.due.toISOString(), '2026-03-05T15:59:59.999Z');
    const ofTown = addWorkingDays(await loadCalendar(t.ctx, town), start, 3);
    assert.deepEqual(ofTown, { due: new Date('2026-03-06T15:59:59.999Z'), provisional: false });
    const ofVillage = addWorkingDays(await loadCalendar(t.ctx, village), start, 3);
    assert.equal(ofVillage.due.toISOString(), '2026-03-05T15:59:59.999Z');
  });

  it('removes a local change, audited once', async () => {
    const removed = await auditCount('calendar.local_change.remove');
    const res = await send('DELETE', `/api/calendar/local-changes/${village}/2026-03-04`, admin);
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(await auditCount('calendar.local_change.remove'), removed + 1);
    const ofVillage = (await send('GET', `/api/calendar/2026?orgId=${village}`, admin)).json();
    assert.equal(day(ofVillage, '2026-03-04')?.working, false); // the county's closure applies again
    const again = await send('DELETE', `/api/calendar/local-changes/${village}/2026-03-04`, admin);
    assert.equal(again.statusCode, 404);
    const name = (await t.ctx.db.selectFrom('orgs').select('name').where('id', '=', village).executeTakeFirstOrThrow()).name;
    assert.deepEqual(again.json().errors, [{ pointer: '#/params/date', code: 'NOT_FOUND', detail: `${name}在 2026-03-04 没有本地调整` }]);
  });

  it('refuses bad local changes with a pointer and writes nothing', async () => {
    const cases: { payload: object; status: number; errors: object[] }[] = [
      { payload: { orgId: town, date: '2101-01-04', kind: 'closed', reason: '太远' }, status: 422,
        errors: [{ pointer: '#/date', code: 'OUT_OF_RANGE', detail: '日期应在 2000 年至 2100 年之间' }] },
      { payload: { orgId: town, date: '1999-12-31', kind: 'closed', reason: '太早' }, status: 422,
        errors: [{ pointer: '#/date', code: 'OUT_OF_RANGE', detail: '日期应在 2000 年至 2100 年之间' }] },
      { payload: { orgId: town, date: '2026-02-30', kind: 'closed', reason: '没有这天' }, status: 422,
        errors: [{ pointer: '#/date', code: 'FORMAT', detail: '“2026-02-30”不是有效日期（应为 YYYY-MM-DD）' }] },
      { payload: { orgId: town, date: '2026-03-05', kind: 'closed' }, status: 422,
        errors: [{ pointer: '#/reason', code: 'REQUIRED', detail: '请填写调整原因，如“防汛值班”“停电闭厅”' }] },
      { payload: { orgId: town, date: '2026-03-05', kind: 'closed', reason: '   ' }, status: 422,
        errors: [{ pointer: '#/reason', code: 'REQUIRED', detail: '请填写调整原因，如“防汛值班”“停电闭厅”' }] },
      { payload: { orgId: otherCounty, date: '2026-03-05', kind: 'closed', reason: '外县' }, status: 404,
        errors: [{ pointer: '#/orgId', code: 'ORG_NOT_FOUND', detail: '机构不存在或不在您的管辖范围内' }] },
      { payload: { orgId: 'no-such-org', date: '2026-03-05', kind: 'closed', reason: '不存在' }, status: 404,
        errors: [{ pointer: '#/orgId', code: 'ORG_NOT_FOUND', detail: '机构不存在或不在您的管辖范围内' }] },
      { payload: { orgId: county, date: '2026-03-04', kind: 'open', reason: '重复' }, status: 409,
        errors: [{ pointer: '#/date', code: 'DUPLICATE', detail: '该机构在这一天已有本地调整' }] },
    ];
    for (const c of cases) {
      const before = await snapshot();
      const res = await send('POST', '/api/calendar/local-changes', admin, c.payload);
      assert.equal(res.statusCode, c.status, `${JSON.stringify(c.payload)} → ${res.body}`);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.deepEqual(res.json().errors, c.errors, JSON.stringify(c.payload));
      assert.deepEqual(await snapshot(), before);
    }
    const outside = await send('DELETE', `/api/calendar/local-changes/${otherCounty}/2026-03-04`, admin);
    assert.equal(outside.statusCode, 404);
    assert.deepEqual(outside.json().errors, [{ pointer: '#/params/orgId', code: 'ORG_NOT_FOUND', detail: '机构不存在或不在您的管辖范围内' }]);
  });

  it('refuses a bad year: every problem 422 with its pointer, nothing saved', async () => {
    const bad = {
      year: 2027,
      off: [{ name: '春节', from: '2027-02-12', to: '2027-02-05' }, { name: '', from: '2027-10-01', to: '2028-10-07' }],
      makeup: ['2027-02-22'],
    };
    const expected = validateCalendarYear(bad).map((i) => ({ pointer: `#${i.pointer}`, code: 'INVALID', detail: i.detail }));
    assert.deepEqual(expected.map((e) => e.pointer), ['#/off/0/to', '#/off/1/name', '#/off/1/to', '#/makeup/0']);
    const before = await snapshot();
    const res = await send('PUT', '/api/calendar/years/2027', admin, bad);
    assert.equal(res.statusCode, 422);
    assert.deepEqual(res.json().errors, expected);
    assert.equal(res.json().detail, '共有 4 处输入有误，请逐项修改后重新提交');

    const mismatch = await send('PUT', '/api/calendar/years/2028', admin, TEST_2027);
    assert.equal(mismatch.statusCode, 422);
    assert.deepEqual(mismatch.json().errors, [{ pointer: '#/year', code: 'YEAR_MISMATCH', detail: '内容中的年份 2027 与地址中的年份 2028 不一致' }]);

    // One bad year in a file: nothing of it is imported.
    const file = { years: { '2027': { off: TEST_2027.off, makeup: TEST_2027.makeup }, '2028': { off: [], makeup: ['2028-01-03'] } } };
    const imp = await send('POST', '/api/calendar/import', admin, file);
    assert.equal(imp.statusCode, 422);
    assert.deepEqual(imp.json().errors, [{ pointer: '#/years/2028/makeup/0', code: 'INVALID', detail: '调休上班日 2028-01-03 是星期一，应为星期六或星期日' }]);
    const far = await send('POST', '/api/calendar/import', admin, { years: { '2300': { off: [], makeup: [] } } });
    assert.equal(far.statusCode, 422);
    assert.deepEqual(far.json().errors, [{ pointer: '#/years/2300', code: 'OUT_OF_RANGE', detail: '年份应在 2000 至 2100 之间' }]);
    assert.deepEqual(await snapshot(), before);
  });

  it('a window clerk and a center manager cannot enter national years; a clerk cannot manage local changes', async () => {
    const clerk = await t.login('chuangkou'); // window clerk of the township
    const zhuren = await t.login('zhuren'); // center manager of the county
    const before = await snapshot();
    for (const cookie of [clerk, zhuren]) {
      const res = await send('PUT', '/api/calendar/years/2027', cookie, TEST_2027);
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().detail, '只有系统管理员可以录入全国节假日安排');
      assert.equal((await send('POST', '/api/calendar/import', cookie, { years: { '2027': TEST_2027 } })).statusCode, 403);
    }
    const own = await send('POST', '/api/calendar/local-changes', clerk, { orgId: town, date: '2026-03-05', kind: 'closed', reason: '窗口自定' });
    assert.equal(own.statusCode, 403);
    assert.equal(own.json().detail, '您可以查看该机构的工作日历，但无权调整');
    const above = await send('POST', '/api/calendar/local-changes', clerk, { orgId: county, date: '2026-03-05', kind: 'closed', reason: '窗口自定' });
    assert.equal(above.statusCode, 404);
    assert.equal((await send('DELETE', `/api/calendar/local-changes/${county}/2026-03-04`, clerk)).statusCode, 404);
    assert.deepEqual(await snapshot(), before);
    // Reading needs only a signed-in user; an org out of scope is 404.
    assert.equal((await send('GET', `/api/calendar/2026?orgId=${town}`, clerk)).statusCode, 200);
    assert.equal((await send('GET', `/api/calendar/2026?orgId=${county}`, clerk)).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/calendar/2026' })).statusCode, 401);

    const byManager = await send('POST', '/api/calendar/local-changes', zhuren, { orgId: town, date: '2026-03-05', kind: 'closed', reason: '防汛值班' });
    assert.equal(byManager.statusCode, 201, byManager.body);
  });

  it('lists the local changes in the caller\'s scope, by org and year', async () => {
    const list = async (query: string, cookie = admin) => send('GET', `/api/calendar/local-changes${query}`, cookie);
    const names = new Map((await t.ctx.db.selectFrom('orgs').select(['id', 'name']).execute()).map((o) => [o.id, o.name]));
    const all = await list('');
    assert.equal(all.statusCode, 200, all.body);
    assert.deepEqual(all.json().items.map((c: { orgId: string; date: string; kind: string; orgName: string }) => [c.orgId, c.date, c.kind, c.orgName]), [
      [county, '2026-03-04', 'closed', names.get(county)], [town, '2026-03-05', 'closed', names.get(town)],
    ]);
    assert.deepEqual(all.json().items[1], {
      orgId: town, date: '2026-03-05', kind: 'closed', reason: '防汛值班', createdAt: t.ctx.now().toISOString(), orgName: names.get(town),
    });
    assert.deepEqual((await list(`?orgId=${town}`)).json().items.map((c: { date: string }) => c.date), ['2026-03-05']);
    assert.deepEqual((await list(`?orgId=${county}&year=2026`)).json().items.map((c: { date: string }) => c.date), ['2026-03-04']);
    assert.deepEqual((await list('?year=2025')).json().items, []);

    // A township clerk sees its own org's changes only; the county is out of its scope.
    const clerk = await t.login('chuangkou');
    assert.deepEqual((await list('', clerk)).json().items.map((c: { orgId: string }) => c.orgId), [town]);
    const denied = await auditCount('access.denied');
    const outside = await list(`?orgId=${county}`, clerk);
    assert.equal(outside.statusCode, 404);
    assert.match(String(outside.headers['content-type']), /^application\/problem\+json/);
    assert.deepEqual(outside.json().errors, [{ pointer: '#/query/orgId', code: 'ORG_NOT_FOUND', detail: '机构不存在或不在您的管辖范围内' }]);
    assert.equal(await auditCount('access.denied'), denied + 1);
    assert.equal((await list(`?orgId=${otherCounty}`)).statusCode, 404);

    const far = await list('?year=1999');
    assert.equal(far.statusCode, 422);
    assert.deepEqual(far.json().errors, [{ pointer: '#/query/year', code: 'OUT_OF_RANGE', detail: '年份应在 2000 至 2100 之间' }]);
    assert.equal((await list('?year=26')).statusCode, 400);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/calendar/local-changes' })).statusCode, 401);
  });

  it('warns from 1 November; an admin imports 2027 and it stops being provisional', async () => {
    t.clock.advance(Date.parse('2026-11-02T02:00:00Z') - t.ctx.now().getTime());
    const cookie = await t.login('admin'); // the earlier session has expired by now
    const warned = (await send('GET', '/api/calendar/2027', cookie)).json();
    assert.equal(warned.provisional, true);
    assert.equal(warned.warning, '2027 年的节假日安排尚未录入，该年的办理期限暂按周一至周五计算，可能不准；国务院办公厅通知发布后请系统管理员及时录入');
    assert.equal((await loadCalendar(t.ctx)).officialYears.has(2027), false);

    const set = await auditCount('calendar.year.set');
    const res = await send('POST', '/api/calendar/import', cookie, { years: { '2027': { off: TEST_2027.off, makeup: TEST_2027.makeup } } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { years: [TEST_2027] });
    assert.equal(await auditCount('calendar.year.set'), set + 1);
    const row = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'calendar.year.set').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(row.detail), { year: 2027, source: 'admin', via: 'import', replaced: null });

    const view = (await send('GET', '/api/calendar/2027', cookie)).json();
    assert.equal(view.official, true);
    assert.equal(view.provisional, false);
    assert.equal(view.warning, null);
    assert.deepEqual(day(view, '2027-02-08'), { date: '2027-02-08', working: false, reason: '春节', local: false });
    assert.deepEqual(day(view, '2027-02-20'), { date: '2027-02-20', working: true, reason: '调休上班', local: false });
    const due = addWorkingDays(await loadCalendar(t.ctx), '2027-02-04T10:00:00+08:00', 1);
    assert.deepEqual(due, { due: new Date('2027-02-15T15:59:59.999Z'), provisional: false });

    // Correcting it with PUT replaces the stored year and records what it replaced.
    const corrected = { ...TEST_2027, published: '2026-11-01' };
    const put = await send('PUT', '/api/calendar/years/2027', cookie, corrected);
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json(), corrected);
    assert.equal(await auditCount('calendar.year.set'), set + 2);
    const stored = await t.ctx.db.selectFrom('calendar_years').selectAll().where('year', '=', 2027).executeTakeFirstOrThrow();
    assert.equal(stored.source, 'admin');
    assert.deepEqual(JSON.parse(stored.data), corrected);
    const verify = await send('GET', '/api/audit/verify', await t.login('auditor'));
    assert.equal(verify.json().ok, true);
  });
});
