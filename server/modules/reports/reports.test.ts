import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { engineUnderTest } from '../../../test/helpers.ts';
import { assertProblem, caseTestApp, idWithChecksum, type CaseTestApp, type Json } from '../cases/test-support.ts';
import { proxyCountsQuery } from './repo.ts';
import { monthBounds } from './service.ts';

describe(`reports: 代办服务月报表 for a village and a township (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  let village: string;
  let township: string;
  let otherVillage: string;
  let serial = 0;

  const applicant = () => {
    serial++;
    return { name: `李${serial}`, idNumber: idWithChecksum(`34112519700101${String(100 + serial).slice(-3)}`) };
  };

  async function register(user: string, code: string, channel: string, extra: Json = {}): Promise<string> {
    const r = await t.send('POST', '/api/cases', user, { itemId: await t.itemId(code), channel, applicant: applicant(), ...extra });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().case.id;
  }

  async function act(user: string, id: string, action: string, fields: Json = {}): Promise<Json> {
    const d = await t.send('GET', `/api/cases/${id}`, user);
    assert.equal(d.statusCode, 200, d.body);
    const r = await t.send('POST', `/api/cases/${id}/${action}`, user, { version: d.json().version, ...fields });
    assert.equal(r.statusCode, 200, `${action} by ${user}: ${r.body}`);
    return r.json();
  }

  const report = (user: string, orgId: string, month: string, format?: string) =>
    t.send('GET', `/api/reports/proxy-monthly?orgId=${orgId}&month=${month}${format ? `&format=${format}` : ''}`, user);

  before(async () => {
    t = await caseTestApp();
    const orgs = await t.ctx.db.selectFrom('orgs').select(['id', 'code']).where('code', 'in', ['341125101', '341125101001', '341125101002']).execute();
    const id = (code: string) => orgs.find((o) => o.code === code)!.id;
    [township, village, otherVillage] = [id('341125101'), id('341125101001'), id('341125101002')];

    // Monday 2 March 2026, 09:00 Shanghai. 黄龙村:
    // c1 人民调解 (民情诉求) accepted and finished in March, through the township's 司法所 and back.
    const c1 = await register('huanglong', '341125-SF-001', 'village_room');
    await act('huanglong', c1, 'accept');
    await act('huanglong', c1, 'transfer');
    await act('dhs_shouli_1', c1, 'receive');
    await act('dhs_shouli_1', c1, 'transfer');
    await act('dhs_sifasuo', c1, 'receive');
    await act('dhs_sifasuo', c1, 'complete_stage');
    await act('dhs_sifasuo', c1, 'decide', { outcome: 'approve' });
    await act('dhs_sifasuo', c1, 'reply');
    await act('dhs_shouli_1', c1, 'reply');
    t.clock.advance(24 * 3_600_000);
    await act('huanglong', c1, 'deliver', { method: 'village_cadre' });
    // c2 人民调解 registered as 代办 for an elderly villager, accepted, still open.
    const c2 = await register('huanglong', '341125-SF-001', 'proxy', { proxy: { reason: '年老体弱', consent: true } });
    await act('huanglong', c2, 'accept');
    // c3 劳务输出 (公益服务) accepted, then withdrawn: accepted, neither finished nor open.
    const c3 = await register('huanglong', '341125-RS-004', 'village_room');
    await act('huanglong', c3, 'accept');
    await act('huanglong', c3, 'withdraw', { reason: '已自行外出务工' });
    // c4 临时救助 (社会救助) registered, never accepted: not counted.
    await register('huanglong', '341125-MZ-003', 'village_room');
    // 冉家营村: c7 户口迁移 (证件办理) accepted. The township center itself: c8 医保报销 (缴费报销) accepted at its desk.
    const c7 = await register('ranjiaying_1', '341125-GA-002', 'village_room');
    await act('ranjiaying_1', c7, 'accept');
    const c8 = await register('dhs_shouli_1', '341125-YB-002', 'counter');
    await act('dhs_shouli_1', c8, 'accept');

    // c5 土地流转备案 (农业生产) accepted at 23:30 on 31 March (Shanghai); c6 at 00:10 on 1 April.
    const now = t.clock.now().getTime();
    t.clock.advance(Date.parse('2026-03-31T15:20:00Z') - now);
    const c5 = await register('huanglong', '341125-NY-003', 'village_room');
    t.clock.advance(10 * 60_000);
    await act('huanglong', c5, 'accept');
    t.clock.advance(20 * 60_000);
    const c6 = await register('huanglong', '341125-NY-003', 'village_room');
    t.clock.advance(20 * 60_000);
    await act('huanglong', c6, 'accept');
    t.clock.advance(3 * 24 * 3_600_000); // filled in on Saturday 4 April
  });
  after(async () => {
    await t.close();
  });

  const row = (r: Json, category: string) => {
    const c = r.categories.find((x: Json) => x.category === category);
    return [c.accepted, c.acceptedByProxy, c.finished, c.inProgress];
  };

  it('counts a village’s month by proxy category: accepted, of them 代办, finished, in progress at the month’s end', async () => {
    const res = await report('huanglong', village, '2026-03');
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.equal(r.title, '黄龙村代办服务月报表');
    assert.deepEqual(r.period, { from: '2026-03-01', to: '2026-03-31' });
    assert.deepEqual(r.categories.map((c: Json) => c.label), ['证件办理', '缴费报销', '公益服务', '民情诉求', '社会救助', '农业生产', '其他（代办清单外事项）']);
    assert.deepEqual(row(r, 'petitions'), [2, 1, 1, 1]);
    assert.deepEqual(row(r, 'public_welfare'), [1, 0, 0, 0]);
    assert.deepEqual(row(r, 'farming'), [1, 0, 0, 1], '23:30 on 31 March is March in Shanghai');
    assert.deepEqual(row(r, 'social_assistance'), [0, 0, 0, 0], 'registered but never accepted');
    assert.deepEqual(row(r, 'documents'), [0, 0, 0, 0], 'another village’s case');
    assert.deepEqual(row(r, 'payments'), [0, 0, 0, 0], 'the township center’s own case');
    assert.deepEqual([r.total.accepted, r.total.acceptedByProxy, r.total.finished, r.total.inProgress, r.total.finishRate], [4, 1, 1, 2, 25]);
    assert.deepEqual(r.units.map((u: Json) => [u.name, u.accepted]), [['黄龙村', 4]]);

    const april = (await report('huanglong', village, '2026-04')).json();
    assert.deepEqual(row(april, 'farming'), [1, 0, 0, 2], '00:10 on 1 April is April; the March one is still open');
    assert.deepEqual(row(april, 'petitions'), [0, 0, 0, 1], 'the open 代办 case carries over');
    assert.deepEqual([april.total.accepted, april.total.finished, april.total.inProgress, april.total.finishRate], [1, 0, 3, 0]);
    const february = (await report('huanglong', village, '2026-02')).json();
    assert.deepEqual([february.total.accepted, february.total.inProgress, february.total.finishRate], [0, 0, null]);
  });

  it('counts a township’s month over its own center and every village, with a line each', async () => {
    const r = (await report('dhs_shouli_1', township, '2026-03')).json();
    assert.equal(r.title, '大汉山镇代办服务月报表');
    assert.deepEqual(row(r, 'documents'), [1, 0, 0, 1]);
    assert.deepEqual(row(r, 'payments'), [1, 0, 0, 1]);
    assert.deepEqual(row(r, 'petitions'), [2, 1, 1, 1]);
    assert.deepEqual([r.total.accepted, r.total.acceptedByProxy, r.total.finished, r.total.inProgress], [6, 1, 1, 4]);
    const units = r.units.map((u: Json) => [u.name, u.own, u.accepted, u.finished, u.inProgress]);
    assert.deepEqual(units[0], ['大汉山镇便民服务中心（本级）', true, 1, 0, 1]);
    assert.deepEqual(units.find((u: Json[]) => u[0] === '黄龙村'), ['黄龙村', false, 4, 1, 2]);
    assert.deepEqual(units.find((u: Json[]) => u[0] === '冉家营村'), ['冉家营村', false, 1, 0, 1]);
    assert.equal(units.length, 9, 'the center and its 8 villages, each on the report even when empty');
    // The desk also reads its villages' reports.
    assert.equal((await report('dhs_shouli_1', village, '2026-03')).statusCode, 200);
  });

  it('downloads the official layout as Excel: title, unit, period, the table, signature lines', async () => {
    const res = await t.send('GET', `/api/reports/proxy-monthly?orgId=${township}&month=2026-03&format=xlsx`, 'zhuren');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="proxy-monthly-341125101-2026-03\.xlsx"; filename\*=UTF-8''/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((res as unknown as { rawPayload: Buffer }).rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('代办服务月报表')!;
    assert.equal(ws.getCell('A1').value, '大汉山镇代办服务月报表');
    assert.equal(ws.getCell('A2').value, '填报单位：大汉山镇便民服务中心');
    assert.equal(ws.getCell('E2').value, '统计期间：2026年3月1日至2026年3月31日');
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    assert.deepEqual(values(3), ['序号', '代办类别', '受理件数', '其中代办件数', '办结件数', '在办件数', '办结率', '备注']);
    assert.deepEqual(values(4).slice(0, 7), [1, '证件办理', 1, 0, 0, 1, 0]);
    assert.deepEqual(values(7).slice(0, 7), [4, '民情诉求', 2, 1, 1, 1, 0.5]);
    assert.deepEqual(values(10).slice(0, 7), [7, '其他（代办清单外事项）', 0, 0, 0, 0, '—']);
    assert.deepEqual(values(11).slice(1, 7), ['合计', 6, 1, 1, 4, 0.167], 'the rate as the JSON rounds it, shown 16.7%');
    assert.equal(ws.getCell('H1').master.address, 'A1', 'the title spans the table');
    assert.equal(ws.getCell('H11').border?.bottom?.style, 'thin', 'the table has borders');
    assert.equal(ws.getRow(11).font?.bold, true, 'the total line is bold');
    assert.equal(ws.getCell('G4').numFmt, '0.0%');
    assert.equal(ws.getCell('A13').value, '分村（中心）统计');
    assert.deepEqual(values(15).slice(0, 6), [1, '大汉山镇便民服务中心（本级）', 1, 0, 0, 1]);
    const text = ws.getSheetValues().flat().map(String).join('\n');
    assert.match(text, /填表人：/);
    assert.match(text, /负责人：/);
    assert.match(text, /审核人：/);
    assert.match(text, /填报日期：2026年4月4日/);
    const exported = await t.ctx.db.selectFrom('audit_log').select(['detail']).where('action', '=', 'report.export').execute();
    assert.equal(exported.length, 1, 'the download is audited');
    assert.deepEqual(JSON.parse(exported[0]!.detail), { report: 'proxy-monthly', org: '341125101', month: '2026-03', format: 'xlsx' });

    const v = await t.send('GET', `/api/reports/proxy-monthly?orgId=${village}&month=2026-03&format=xlsx`, 'huanglong');
    const vb = new ExcelJS.Workbook();
    await vb.xlsx.load((v as unknown as { rawPayload: Buffer }).rawPayload as unknown as ExcelJS.Buffer);
    assert.equal(vb.getWorksheet('代办服务月报表')!.getCell('A2').value, '填报单位：大汉山镇黄龙村便民服务室');
  });

  it('shows a report only to those whose case scope covers the org (and the township desk for its villages); others 404, audited', async () => {
    for (const [user, org] of [['huanglong', village], ['dhs_zhuren', township], ['zhuren', village], ['jiancha', township], ['lingdao', village]] as const) {
      assert.equal((await report(user, org, '2026-03')).statusCode, 200, `${user}`);
    }
    const denied = () => t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'access.denied').where('object_type', '=', 'report').execute();
    for (const [user, org] of [['huanglong', township], ['huanglong', otherVillage], ['ranjiaying_1', village], ['zq_shouli_1', village], ['zq_zhuren', township], ['admin', village], ['auditor', village], ['dsx_zhuren', township]] as const) {
      const before = (await denied()).length;
      for (const format of [undefined, 'xlsx']) {
        const body = assertProblem(await report(user, org, '2026-03', format), 404);
        assert.equal(body.detail, '机构不存在或不在您的管辖范围内');
      }
      assert.equal((await denied()).length, before + 2, `${user}: each denial audited`);
    }
    const exports = (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'report.export').execute()).length;
    assertProblem(await report('huanglong', village, '2026-13'), 400, [{ pointer: '#/query/month', code: 'FORMAT' }]);
    assertProblem(await report('huanglong', village, '2026-3'), 400, [{ pointer: '#/query/month', code: 'FORMAT' }]);
    assertProblem(await report('huanglong', village, '2026-03', 'pdf'), 400, [{ pointer: '#/query/format', code: 'NOT_ALLOWED' }]);
    const county = (await t.ctx.db.selectFrom('orgs').select('id').where('code', '=', '341125').executeTakeFirstOrThrow()).id;
    assertProblem(await report('zhuren', county, '2026-03', 'xlsx'), 422, [{ pointer: '#/query/orgId', code: 'ORG_LEVEL' }]);
    assertProblem(await report('zhuren', 'no-such-org', '2026-03'), 404);
    assertProblem(await t.send('GET', `/api/reports/proxy-monthly?orgId=${village}&month=2026-03`, null), 401);
    assert.equal((await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'report.export').execute()).length, exports, 'no refused export is recorded as one');
  });

  it('reads the month through the report index, not the whole cases table', async () => {
    const { from, to } = monthBounds('2026-03');
    const path = (await t.ctx.db.selectFrom('orgs').select('path').where('id', '=', township).executeTakeFirstOrThrow()).path;
    const compiled = proxyCountsQuery(t.ctx.db, path, from, to).compile();
    if (engineUnderTest === 'sqlite') {
      const plan = t.handle.sqlite!.prepare(`explain query plan ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as { detail: string }[];
      assert.ok(plan.some((p) => /SEARCH cases USING INDEX cases_report_accepting/.test(p.detail)), JSON.stringify(plan));
    } else {
      // The demo tables are tiny, so the planner would rightly scan; with scans off it must find the index.
      const plan = await t.ctx.db.transaction().execute(async (tx) => {
        await sql`set local enable_seqscan = off`.execute(tx);
        return sql.raw<{ 'QUERY PLAN': string }>(`explain ${compiled.sql.replace(/\$(\d+)/g, (_, i) => `'${String(compiled.parameters[Number(i) - 1])}'`)}`).execute(tx);
      });
      assert.ok(plan.rows.some((p) => /cases_report_accepting/.test(p['QUERY PLAN'])), JSON.stringify(plan.rows));
    }
  });
});
