import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { engineUnderTest } from '../../../test/helpers.ts';
import { datesBetween, dayBounds, monthOf, nextDate, shanghaiDate } from '../../domain/statistics.ts';
import { assertProblem, caseTestApp, type CaseTestApp, type Json } from '../cases/test-support.ts';
import * as repo from './repo.ts';
import { rollupDays } from './rollup.ts';
import { insertSyntheticCases, type SyntheticCase } from './synthetic.ts';

// The seed's half-year table for one town (domain.md §8): windows 10,835 accepted / 10,697 finished
// (98.7%), village rooms 19,687 / 19,372 (98.4%), proxy 19,248 / 18,939 (98.4%). The cases below
// reproduce exactly those figures for 大汉山镇 in the first half of 2026, plus refusals, withdrawals,
// late and denied cases, and open cases of which some are overdue on 1 July.
const H1 = datesBetween('2026-01-01', '2026-06-30');
const addDays = (date: string, n: number) => { let d = date; for (let i = 0; i < n; i++) d = nextDate(d); return d; };
const at = (date: string, hh: number) => new Date(`${date}T${String(hh).padStart(2, '0')}:30:00+08:00`).toISOString();

type Place = { orgId: string; orgPath: string; unitId: string; unitKind: 'handling_window' | 'village_room' };

function generate(channel: string, accepted: number, finished: number, places: Place[], items: string[]): SyntheticCase[] {
  const out: SyntheticCase[] = [];
  for (let i = 0; i < accepted; i++) {
    const day = H1[(i * 7 + channel.length) % H1.length]!;
    const place = places[i % places.length]!;
    const acceptedAt = at(day, 8 + (i % 9));
    const base = { ...place, itemId: items[i % items.length]!, channel, submittedAt: acceptedAt, acceptedAt };
    if (i < finished) {
      let fd = addDays(day, i % 9);
      if (fd > '2026-06-30') fd = '2026-06-30';
      const finishedAt = at(fd, 17);
      const late = i % 40 === 0;
      out.push({
        ...base, state: 'finished', finishedAt, decidedAt: finishedAt, decision: i % 25 === 0 ? 'denied' : 'approved',
        dueAt: late ? new Date(Date.parse(acceptedAt) - 60_000).toISOString() : dayBounds(addDays(day, 20)).to,
      });
    } else {
      out.push({ ...base, state: 'handling', finishedAt: null, decidedAt: null, decision: null, dueAt: i % 2 ? '2026-06-20T15:59:59.999Z' : '2026-07-20T15:59:59.999Z' });
    }
  }
  return out;
}

/** An independent count of the generated cases: accepted and finished in [from, to] by a key. */
function reference(cases: SyntheticCase[], from: string, to: string, key: (c: SyntheticCase) => string) {
  const out = new Map<string, { accepted: number; finished: number }>();
  const get = (k: string) => out.get(k) ?? (out.set(k, { accepted: 0, finished: 0 }), out.get(k)!);
  for (const c of cases) {
    if (c.acceptedAt) { const d = shanghaiDate(c.acceptedAt); if (d >= from && d <= to) get(key(c)).accepted++; }
    if (c.finishedAt && c.state === 'finished') { const d = shanghaiDate(c.finishedAt); if (d >= from && d <= to) get(key(c)).finished++; }
  }
  return out;
}

describe(`statistics: the seed's half-year table, by channel, org, month and item; summary and live agree (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  let town: { id: string; path: string };
  let villages: { id: string; path: string; code: string; name: string }[];
  let all: SyntheticCase[];
  let windowUnits: Place[];
  let items: string[];

  const get = (user: string, query: string) => t.send('GET', `/api/statistics?${query}`, user);
  const h1 = (extra = '') => `orgId=${town.id}&from=2026-01-01&to=2026-06-30${extra}`;
  const strip = (r: Json) => ({ ...r, source: undefined, generatedAt: undefined });
  const line = (r: Json) => [r.label, r.accepted, r.finished, r.finishRate];

  before(async () => {
    t = await caseTestApp();
    const db = t.ctx.db;
    const townRow = await db.selectFrom('orgs').select(['id', 'path']).where('code', '=', '341125101').executeTakeFirstOrThrow();
    town = townRow;
    villages = await db.selectFrom('orgs').select(['id', 'path', 'code', 'name']).where('parent_id', '=', town.id).orderBy('code').execute();
    const rooms = await db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id').select(['units.id as unitId', 'orgs.id as orgId', 'orgs.path as orgPath'])
      .where('orgs.parent_id', '=', town.id).where('units.kind', '=', 'village_room').orderBy('orgs.code').execute();
    const windows = await db.selectFrom('units').select(['units.id as unitId']).where('org_id', '=', town.id).where('kind', '=', 'handling_window').orderBy('name').execute();
    windowUnits = windows.map((w) => ({ orgId: town.id, orgPath: town.path, unitId: w.unitId, unitKind: 'handling_window' }));
    const roomPlaces: Place[] = rooms.map((r) => ({ ...r, unitKind: 'village_room' }));
    items = (await db.selectFrom('catalog_items').select('id').where('code', 'in', ['341125-MZ-001', '341125-RS-004', '341125-YB-002', '341125-GA-002', '341125-SF-001']).orderBy('code').execute()).map((r) => r.id);
    all = [
      ...generate('counter', 10_835, 10_697, windowUnits, items),
      ...generate('village_room', 19_687, 19_372, roomPlaces, items),
      ...generate('proxy', 19_248, 18_939, roomPlaces, items),
    ];
    // 20 refusals at the windows and 7 withdrawals before acceptance in the villages: not accepted, not finished.
    for (let i = 0; i < 20; i++) all.push({ ...windowUnits[0]!, itemId: items[0]!, channel: 'counter', state: 'refused', submittedAt: at(H1[i * 3]!, 9), acceptedAt: null, dueAt: null, decidedAt: null, decision: null, finishedAt: at(H1[i * 3]!, 11) });
    for (let i = 0; i < 7; i++) all.push({ ...roomPlaces[1]!, itemId: items[1]!, channel: 'village_room', state: 'withdrawn', submittedAt: at(H1[i * 5]!, 9), acceptedAt: null, dueAt: null, decidedAt: null, decision: null, finishedAt: at(H1[i * 5]!, 15) });
    await insertSyntheticCases(db, all, { prefix: 'h1', createdBy: await t.userId('admin') });
    // Filled in on Wednesday 1 July 2026, 10:00 in Shanghai.
    t.clock.advance(Date.parse('2026-07-01T02:00:00Z') - t.clock.now().getTime());
  });
  after(async () => {
    await t.close();
  });

  let live: Json;

  it('produces the seed’s rows by channel, read live from cases before any rollup', async () => {
    const res = await get('dhs_zhuren', h1());
    assert.equal(res.statusCode, 200, res.body);
    live = res.json();
    assert.deepEqual(live.rows.map(line), [
      ['窗口受理', 10_835, 10_697, 98.7],
      ['村便民服务室受理', 19_687, 19_372, 98.4],
      ['代办', 19_248, 18_939, 98.4],
      ['网上申请', 0, 0, null],
    ]);
    assert.deepEqual([live.total.accepted, live.total.finished, live.total.finishRate], [49_770, 49_008, 98.5]);
    assert.deepEqual([live.total.acceptedByProxy, live.total.finishedByProxy], [19_248, 18_939]);
    assert.equal(live.rows[2].acceptedByProxy, 19_248);
    assert.equal(live.rows[0].acceptedByProxy, 0);
    assert.deepEqual([live.total.refused, live.total.withdrawn], [20, 7]);
    const finished = all.filter((c) => c.state === 'finished');
    assert.equal(live.total.denied, finished.filter((c) => c.decision === 'denied').length);
    const onTime = finished.filter((c) => Date.parse(c.decidedAt!) <= Date.parse(c.dueAt!)).length;
    assert.equal(live.total.finishedOnTime, onTime);
    assert.equal(live.total.onTimeRate, Math.floor((onTime * 2000 + finished.length) / (2 * finished.length)) / 10);
    assert.ok(live.total.avgWorkingDays > 2 && live.total.avgWorkingDays < 7, String(live.total.avgWorkingDays));
    const overdue = all.filter((c) => c.state === 'handling' && c.dueAt! < '2026-07-01').length;
    assert.equal(live.total.overdueNow, overdue);
    assert.equal(live.rows.reduce((s: number, r: Json) => s + r.overdueNow, 0), overdue);
    assert.deepEqual(live.source, { months: [], days: 0, live: [{ from: '2026-01-01', to: '2026-06-30' }] });
    assert.equal(live.period.label, '2026年上半年');
  });

  it('rolls the half year up (admin trigger, audited); the summary gives the same figures; a second run changes nothing', async () => {
    assertProblem(await t.send('POST', '/api/statistics/rollup', 'huanglong', { from: '2026-01-01', to: '2026-06-30' }), 403);
    assertProblem(await t.send('POST', '/api/statistics/rollup', 'admin', { from: '2026-06-30', to: '2026-01-01' }), 422, [{ pointer: '#/to', code: 'PERIOD_ORDER' }]);
    assertProblem(await t.send('POST', '/api/statistics/rollup', 'admin', { from: '2026-07-01', to: '2026-07-09' }), 422, [{ pointer: '#/to', code: 'FUTURE' }]);
    const res = await t.send('POST', '/api/statistics/rollup', 'admin', { from: '2026-01-01', to: '2026-06-30' });
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.deepEqual([r.days, r.written, r.final, r.monthsRebuilt], [181, 181, 181, ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']]);
    const audit = await t.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'statistics.rollup').execute();
    assert.equal(audit.length, 1);

    const summary = (await get('dhs_zhuren', h1())).json();
    assert.deepEqual(summary.source, { months: ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'], days: 0, live: [] });
    assert.deepEqual(strip(summary), strip(live));

    const again = (await t.send('POST', '/api/statistics/rollup', 'admin', { from: '2026-01-01', to: '2026-06-30' })).json();
    assert.deepEqual([again.written, again.unchanged, again.monthsRebuilt], [0, 181, []]);
  });

  it('groups by org: the center’s own line (the windows) and a line per village, each as an independent count says', async () => {
    const r = (await get('dhs_zhuren', h1('&groupBy=org'))).json();
    assert.equal(r.rows.length, 9);
    assert.deepEqual(line(r.rows[0]), ['大汉山镇便民服务中心（本级）', 10_835, 10_697, 98.7]);
    assert.equal(r.rows[0].own, true);
    const ref = reference(all, '2026-01-01', '2026-06-30', (c) => c.orgId);
    for (const [i, v] of villages.entries()) {
      const e = ref.get(v.id)!;
      assert.deepEqual([r.rows[i + 1].label, r.rows[i + 1].accepted, r.rows[i + 1].finished], [v.name, e.accepted, e.finished]);
    }
    assert.deepEqual([r.total.accepted, r.total.finished], [49_770, 49_008]);
    // From the county, the town is one line with all of it.
    const countyId = (await t.ctx.db.selectFrom('orgs').select('id').where('code', '=', '341125').executeTakeFirstOrThrow()).id;
    const county = (await get('lingdao', `orgId=${countyId}&from=2026-01-01&to=2026-06-30&groupBy=org`)).json();
    const dhs = county.rows.find((x: Json) => x.key === town.id);
    assert.deepEqual([dhs.accepted, dhs.finished, dhs.finishRate], [49_770, 49_008, 98.5]);
  });

  it('groups by month and by item (the monthly report by item), over whole months, part months and a live tail', async () => {
    const byMonth = (await get('lingdao', h1('&groupBy=month'))).json();
    const refMonth = reference(all, '2026-01-01', '2026-06-30', (c) => monthOf(shanghaiDate(c.acceptedAt ?? c.finishedAt!)));
    const refFinishedMonth = reference(all, '2026-01-01', '2026-06-30', (c) => (c.finishedAt ? monthOf(shanghaiDate(c.finishedAt)) : 'x'));
    assert.deepEqual(byMonth.rows.map((x: Json) => x.label), ['2026年1月', '2026年2月', '2026年3月', '2026年4月', '2026年5月', '2026年6月']);
    for (const row of byMonth.rows) {
      assert.equal(row.accepted, refMonth.get(row.key)!.accepted, row.key);
      assert.equal(row.finished, refFinishedMonth.get(row.key)!.finished, row.key);
    }

    const march = (await get('lingdao', `orgId=${town.id}&from=2026-03-01&to=2026-03-31&groupBy=item`)).json();
    assert.deepEqual(march.source.months, ['2026-03']);
    const refItem = reference(all, '2026-03-01', '2026-03-31', (c) => c.itemId);
    assert.equal(march.rows.length, items.length);
    for (const row of march.rows) assert.deepEqual([row.accepted, row.finished], [refItem.get(row.key)!.accepted, refItem.get(row.key)!.finished]);

    // Mid-March to mid-April: day rows, no month row.
    const part = (await get('lingdao', `orgId=${town.id}&from=2026-03-15&to=2026-04-14&groupBy=channel`)).json();
    assert.deepEqual([part.source.months, part.source.days], [[], 31]);
    const refPart = reference(all, '2026-03-15', '2026-04-14', (c) => c.channel);
    for (const row of part.rows.slice(0, 3)) assert.deepEqual([row.accepted, row.finished], [refPart.get(row.key)!.accepted, refPart.get(row.key)!.finished]);

    // Today is read live: a case accepted this morning counts at once, June from the month summary.
    const extra: SyntheticCase = { ...windowUnits[0]!, itemId: items[0]!, channel: 'counter', state: 'handling', submittedAt: '2026-07-01T01:00:00Z', acceptedAt: '2026-07-01T01:30:00Z', dueAt: '2026-07-15T15:59:59.999Z', decidedAt: null, decision: null, finishedAt: null };
    await insertSyntheticCases(t.ctx.db, [extra], { prefix: 'today', createdBy: await t.userId('admin') });
    const tail = (await get('lingdao', `orgId=${town.id}&from=2026-06-01&to=2026-07-01&groupBy=channel`)).json();
    assert.deepEqual(tail.source, { months: ['2026-06'], days: 0, live: [{ from: '2026-07-01', to: '2026-07-01' }] });
    assert.equal(tail.rows[0].accepted, reference(all, '2026-06-01', '2026-06-30', (c) => c.channel).get('counter')!.accepted + 1);
  });

  it('filters by unit, window, item and channel', async () => {
    const unit = windowUnits[0]!.unitId;
    const r = (await get('lingdao', h1(`&unitId=${unit}&groupBy=unit`))).json();
    const ref = reference(all, '2026-01-01', '2026-06-30', (c) => c.unitId).get(unit)!;
    assert.equal(r.rows.length, 1);
    assert.deepEqual([r.rows[0].accepted, r.rows[0].finished], [ref.accepted, ref.finished]);
    const win = await t.ctx.db.selectFrom('window_units').select('window_id').where('unit_id', '=', unit).executeTakeFirstOrThrow();
    const w = (await get('lingdao', h1(`&windowId=${win.window_id}`))).json();
    assert.ok(w.total.accepted >= ref.accepted);
    assert.match(w.filters.window, /号窗口/);
    const byWindow = (await get('lingdao', h1('&groupBy=window'))).json();
    assert.ok(byWindow.rows.some((x: Json) => x.key === win.window_id));
    assert.equal(byWindow.rows.find((x: Json) => x.key === 'none').accepted, 19_687 + 19_248, 'village rooms have no window');
    const item = (await get('lingdao', h1(`&itemId=${items[2]}&channel=proxy`))).json();
    const refItem = reference(all.filter((c) => c.channel === 'proxy'), '2026-01-01', '2026-06-30', (c) => c.itemId).get(items[2]!)!;
    assert.deepEqual([item.total.accepted, item.total.finished], [refItem.accepted, refItem.finished]);
    assert.equal(item.filters.channel, '代办');
  });

  it('counts supervision signals by colour on the cases it counts: raised in the period, not revoked, by channel', async () => {
    const n = (c: SyntheticCase) => all.indexOf(c);
    const counter = all.filter((c) => c.channel === 'counter' && c.state === 'finished').slice(0, 3);
    const proxy = all.filter((c) => c.channel === 'proxy' && c.state === 'finished').slice(0, 2);
    const signal = (c: SyntheticCase, rule: string, level: string, raisedAt: string, status = 'open') => ({
      id: `sig-${n(c)}-${rule}`, case_id: `h1-${n(c)}`, case_number: `h1-${n(c)}`, item_name: '合成办件', stage_index: -1, stage_name: null,
      rule, level, rule_org_id: null, rule_version: 1, basis: '测试', deadline_at: null,
      unit_id: c.unitId, unit_name: '测试单位', org_id: c.orgId, org_path: c.orgPath, responsible_user_id: null, head_user_id: null,
      raised_at: raisedAt, feedback_due_at: raisedAt, status, appealed: 0, closed_at: null, updated_at: raisedAt, version: 1,
    });
    await t.ctx.db.insertInto('signals').values([
      signal(counter[0]!, 'case_due_soon', 'warning', '2026-03-02T01:00:00.000Z'),
      signal(counter[1]!, 'case_overdue', 'red', '2026-03-03T01:00:00.000Z'),
      signal(counter[2]!, 'stage_overdue', 'yellow', '2026-03-04T01:00:00.000Z', 'revoked'),
      signal(proxy[0]!, 'stage_overdue', 'yellow', '2026-04-01T01:00:00.000Z'),
      // 30 June 23:30 in Shanghai is inside the half year; 1 July 00:30 is not.
      signal(proxy[1]!, 'case_overdue', 'red', '2026-06-30T15:30:00.000Z', 'closed'),
      signal(proxy[1]!, 'no_reason', 'red', '2026-06-30T16:30:00.000Z'),
    ] as never).execute();
    const r = (await get('dhs_zhuren', h1())).json();
    assert.deepEqual(r.total.signals, { warning: 1, yellow: 1, red: 2 });
    assert.deepEqual(r.rows.map((x: Json) => [x.label, x.signals]), [
      ['窗口受理', { warning: 1, yellow: 0, red: 1 }],
      ['村便民服务室受理', { warning: 0, yellow: 0, red: 0 }],
      ['代办', { warning: 0, yellow: 1, red: 1 }],
      ['网上申请', { warning: 0, yellow: 0, red: 0 }],
    ]);
    const byMonth = (await get('dhs_zhuren', h1('&groupBy=month'))).json();
    assert.deepEqual(byMonth.total.signals, { warning: 1, yellow: 1, red: 2 });
    assert.ok(byMonth.rows.every((x: Json) => x.signals === null));
    assert.deepEqual((await get('dhs_zhuren', h1('&channel=proxy'))).json().total.signals, { warning: 0, yellow: 1, red: 1 });
  });

  it('refuses bad filters with 422, a pointer and a Chinese sentence; unknown parameters 400', async () => {
    assertProblem(await get('lingdao', `from=2026-01-01&to=2026-06-30`), 422, [{ pointer: '#/query/orgId', code: 'REQUIRED' }]);
    assertProblem(await get('lingdao', `orgId=${town.id}&from=2026-02-30&to=2026-06-30`), 422, [{ pointer: '#/query/from', code: 'DATE' }]);
    assertProblem(await get('lingdao', `orgId=${town.id}&from=2026-06-30&to=2026-01-01`), 422, [{ pointer: '#/query/to', code: 'PERIOD_ORDER' }]);
    assertProblem(await get('lingdao', h1('&groupBy=person&channel=window')), 422, [{ pointer: '#/query/groupBy', code: 'NOT_ALLOWED' }, { pointer: '#/query/channel', code: 'NOT_ALLOWED' }]);
    const otherUnit = (await t.ctx.db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id').select('units.id').where('orgs.code', '=', '341125102').executeTakeFirstOrThrow()).id;
    assertProblem(await get('lingdao', h1(`&unitId=${otherUnit}`)), 422, [{ pointer: '#/query/unitId', code: 'NOT_IN_ORG' }]);
    const otherWindow = (await t.ctx.db.selectFrom('windows').innerJoin('orgs', 'orgs.id', 'windows.org_id').select('windows.id').where('orgs.code', '=', '341125').executeTakeFirstOrThrow()).id;
    assertProblem(await get('lingdao', h1(`&windowId=${otherWindow}`)), 422, [{ pointer: '#/query/windowId', code: 'NOT_IN_ORG' }]);
    assertProblem(await get('lingdao', h1('&itemId=no-such-item')), 422, [{ pointer: '#/query/itemId', code: 'NOT_FOUND' }]);
    assertProblem(await get('lingdao', h1('&colour=red')), 400, [{ pointer: '#/query/colour', code: 'UNKNOWN_FIELD' }]);
    assertProblem(await get('lingdao', h1('&format=pdf')), 400);
  });

  it('is org-scoped: another township’s manager gets 404 (audited); a clerk or cadre sees only their own org’s cases', async () => {
    const denied = () => t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'access.denied').where('object_type', '=', 'statistics').execute();
    const before = (await denied()).length;
    for (const user of ['zq_zhuren', 'dsx_zhuren', 'admin']) {
      const body = assertProblem(await get(user, h1()), 404);
      assert.equal(body.detail, '机构不存在或不在您的管辖范围内');
    }
    assertProblem(await get('zq_zhuren', h1('&format=xlsx')), 404);
    assert.equal((await denied()).length, before + 4);
    assertProblem(await t.send('GET', `/api/statistics?${h1()}`, null), 401);

    const clerk = (await get('dhs_shouli_1', h1())).json();
    assert.equal(clerk.ownOnly, true);
    assert.deepEqual([clerk.total.accepted, clerk.total.finished], [10_835, 10_697], 'the township desk: cases accepted at the township itself');
    const huanglong = villages.find((v) => v.code === '341125101001')!;
    const cadre = (await get('huanglong', `orgId=${huanglong.id}&from=2026-01-01&to=2026-06-30`)).json();
    const ref = reference(all, '2026-01-01', '2026-06-30', (c) => c.orgId).get(huanglong.id)!;
    assert.deepEqual([cadre.total.accepted, cadre.total.finished], [ref.accepted, ref.finished]);
    assertProblem(await get('huanglong', h1()), 404);
  });

  it('downloads the half-year report by channel in the official layout (title, unit, period, table, totals, signatures)', async () => {
    const res = await get('dhs_zhuren', h1('&groupBy=channel&format=xlsx'));
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="statistics-341125101-2026-01-01-2026-06-30-channel\.xlsx"; filename\*=UTF-8''/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((res as unknown as { rawPayload: Buffer }).rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('办件统计表')!;
    assert.equal(ws.getCell('A1').value, '大汉山镇2026年上半年办件统计表（按渠道）');
    assert.equal(ws.getCell('M1').master.address, 'A1');
    assert.equal(ws.getCell('A2').value, '填报单位：大汉山镇便民服务中心');
    assert.equal(ws.getCell('H2').value, '统计期间：2026年1月1日至2026年6月30日');
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    assert.deepEqual(values(3), ['序号', '受理渠道', '受理件数', '其中代办', '办结件数', '办结率', '按时办结率', '平均办理用时（工作日）', '不予受理', '不予许可', '撤回', '超期在办', '备注']);
    assert.deepEqual(values(4).slice(0, 6), [1, '窗口受理', 10_835, 0, 10_697, 0.987]);
    assert.deepEqual(values(5).slice(0, 6), [2, '村便民服务室受理', 19_687, 0, 19_372, 0.984]);
    assert.deepEqual(values(6).slice(0, 6), [3, '代办', 19_248, 19_248, 18_939, 0.984]);
    assert.deepEqual(values(7).slice(0, 7), [4, '网上申请', 0, 0, 0, '—', '—']);
    assert.deepEqual(values(8).slice(1, 6), ['合计', 49_770, 19_248, 49_008, 0.985]);
    assert.equal(ws.getRow(8).font?.bold, true);
    assert.equal(ws.getCell('F4').numFmt, '0.0%');
    assert.equal(ws.getCell('M8').border?.right?.style, 'thin');
    const text = ws.getSheetValues().flat().map(String).join('\n');
    for (const s of ['填表人：', '审核人：', '负责人：', '填报日期：2026年7月1日']) assert.ok(text.includes(s), s);
    const exported = await t.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'report.export').execute();
    assert.deepEqual(JSON.parse(exported.at(-1)!.detail), { report: 'statistics', org: '341125101', from: '2026-01-01', to: '2026-06-30', groupBy: 'channel', format: 'xlsx' });
  });

  it('downloads the report by org and the monthly report by item in the same layout', async () => {
    const county = (await t.ctx.db.selectFrom('orgs').select('id').where('code', '=', '341125').executeTakeFirstOrThrow()).id;
    const load = async (q: string) => {
      const res = await get('lingdao', q);
      assert.equal(res.statusCode, 200, res.body);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((res as unknown as { rawPayload: Buffer }).rawPayload as unknown as ExcelJS.Buffer);
      return wb.getWorksheet('办件统计表')!;
    };
    const byOrg = await load(`orgId=${county}&from=2026-01-01&to=2026-06-30&groupBy=org&format=xlsx`);
    assert.equal(byOrg.getCell('A1').value, '示范县2026年上半年办件统计表（按机构）');
    assert.equal(byOrg.getCell('B3').value, '机构');
    const rows = (byOrg.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    const dhs = rows.find((r) => r[1] === '大汉山镇')!;
    assert.deepEqual(dhs.slice(2, 6), [49_770, 19_248, 49_008, 0.985]);
    const byItem = await load(`orgId=${town.id}&from=2026-03-01&to=2026-03-31&groupBy=item&format=xlsx`);
    assert.equal(byItem.getCell('A1').value, '大汉山镇2026年3月办件统计表（按事项）');
    assert.equal(byItem.getCell('B3').value, '服务事项');
    assert.match(String(byItem.getCell('M4').value), /^341125-/, 'the item code in 备注');
  });

  it('several rollups of the same days at once leave one consistent summary', async () => {
    const more: SyntheticCase[] = [];
    for (let i = 0; i < 30; i++) more.push({ ...windowUnits[1]!, itemId: items[3]!, channel: 'counter', state: 'finished', submittedAt: at('2026-06-29', 9), acceptedAt: at('2026-06-29', 9), dueAt: dayBounds('2026-07-10').to, decidedAt: at('2026-06-30', 10), decision: 'approved', finishedAt: at('2026-06-30', 10) });
    await insertSyntheticCases(t.ctx.db, more, { prefix: 'late', createdBy: await t.userId('admin') });
    all.push(...more);
    const results = await Promise.all([0, 1, 2].map(() => rollupDays(t.ctx, ['2026-06-29', '2026-06-30'])));
    assert.ok(results.every((r) => r.written + r.unchanged + r.stale === 2));
    assert.ok(results.some((r) => r.monthsRebuilt.includes('2026-06')));
    const r = (await get('lingdao', h1())).json();
    assert.deepEqual(r.source.months.length, 6);
    assert.deepEqual([r.rows[0].accepted, r.rows[0].finished], [10_835 + 30, 10_697 + 30]);
    const days = await t.ctx.db.selectFrom('stat_day').select((eb) => eb.fn.countAll<number>().as('n')).where('day', '=', '2026-06-30').executeTakeFirstOrThrow();
    const distinct = new Set(all.filter((c) => (c.acceptedAt && shanghaiDate(c.acceptedAt) === '2026-06-30') || (c.finishedAt && shanghaiDate(c.finishedAt) === '2026-06-30'))
      .map((c) => `${c.unitId}|${c.itemId}|${c.channel}`));
    assert.equal(Number(days.n), distinct.size, 'no key twice');
  });

  it('reads through the intended indexes on both engines (EXPLAIN)', async () => {
    const day = dayBounds('2026-03-02');
    const filter = { orgPath: town.path };
    const checks: [string, { sql: string; parameters: readonly unknown[] }, RegExp][] = [
      ['rollup: accepted of a day', repo.acceptedQuery(t.ctx.db, day.from, day.to, null).compile(t.ctx.db), /cases_stat_accepted/],
      ['rollup: ended of a day', repo.endedQuery(t.ctx.db, day.from, day.to, null).compile(t.ctx.db), /cases_stat_finished/],
      ['overdue now', repo.overdueQuery(t.ctx.db, '2026-07-01T02:00:00Z', { orgPath: '/' }, 'channel').compile(t.ctx.db), /cases_stat_open_due/],
      ['month summary by item', repo.summaryQuery(t.ctx.db, 'stat_month', ['2026-03'], filter, 'item').compile(t.ctx.db), /stat_month_path|stat_month_pk|sqlite_autoindex_stat_month_1/],
      ['month summary by org', repo.summaryQuery(t.ctx.db, 'stat_month_unit', ['2026-01', '2026-02'], filter, 'org').compile(t.ctx.db), /stat_month_unit_path|stat_month_unit_pk|sqlite_autoindex_stat_month_unit_1/],
      ['day summary', repo.summaryQuery(t.ctx.db, 'stat_day', ['2026-03-02'], filter, 'channel').compile(t.ctx.db), /stat_day_pk|sqlite_autoindex_stat_day_1/],
    ];
    for (const [name, compiled, index] of checks) {
      let plan: string;
      if (engineUnderTest === 'sqlite') {
        plan = (t.handle.sqlite!.prepare(`explain query plan ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as { detail: string }[]).map((p) => p.detail).join('\n');
        assert.doesNotMatch(plan, /SCAN (cases|stat_\w+)\b(?! USING)/, `${name}: ${plan}`);
      } else {
        // The test tables are small, so the planner would rightly scan; with scans off it must find the index.
        const rows = await t.ctx.db.transaction().execute(async (tx) => {
          await sql`set local enable_seqscan = off`.execute(tx);
          return sql.raw<{ 'QUERY PLAN': string }>(`explain ${compiled.sql.replace(/\$(\d+)/g, (_, i) => `'${String(compiled.parameters[Number(i) - 1])}'`)}`).execute(tx);
        });
        plan = rows.rows.map((p) => p['QUERY PLAN']).join('\n');
        assert.doesNotMatch(plan, /Seq Scan on (cases|stat_)/, `${name}: ${plan}`);
      }
      assert.match(plan, index, `${name}: ${plan}`);
    }
  });
});
