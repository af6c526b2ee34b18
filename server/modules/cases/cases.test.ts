import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest } from '../../../test/helpers.ts';
import { assertProblem, caseTestApp, idWithChecksum, type CaseTestApp, type Json, type Res } from './test-support.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe(`cases: the seed's path and the lifecycle over HTTP (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  before(async () => {
    t = await caseTestApp();
  });
  after(async () => {
    await t.close();
  });

  const applicant = (n: number) => ({ name: `张${'一二三四五六七八九十'[n % 10]}`, idNumber: idWithChecksum(`34112519500101${String(100 + n).slice(-3)}`), phone: `1380000${String(1000 + n).slice(-4)}` });

  /** Registers a case and returns a driver that keeps the version in step. */
  async function open(user: string, body: Json) {
    const res = await t.send('POST', '/api/cases', user, body);
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json();
    let version: number = created.case.version;
    const id: string = created.case.id;
    return {
      id, created,
      get version() { return version; },
      async act(who: string, action: string, fields: Json = {}): Promise<Json> {
        const r = await t.send('POST', `/api/cases/${id}/${action}`, who, { version, ...fields });
        assert.equal(r.statusCode, 200, `${action} by ${who}: ${r.body}`);
        version = r.json().case.version;
        return r.json();
      },
      async refused(who: string, action: string, fields: Json = {}): Promise<Res> {
        return t.send('POST', `/api/cases/${id}/${action}`, who, { version, ...fields });
      },
      async detail(who: string): Promise<Json> {
        const r = await t.send('GET', `/api/cases/${id}`, who);
        assert.equal(r.statusCode, 200, r.body);
        return r.json();
      },
    };
  }

  it('walks the seed path: 黄龙村 accepts → 大汉山镇 desk → 代转 county desk → 残联办理室 → replies back → the cadre hands over', async () => {
    const item = await t.itemId('T-CL-002V');
    const villageRoom = await t.unitId('341125101001', '便民服务室');
    const townDesk = await t.unitId('341125101', '咨询受理部');
    const countyDesk = await t.unitId('341125', '综合受理窗口');
    const room = await t.unitId('341125', '残疾人联合会办理室');
    const [cadre, townClerk, countyClerk, officer] = await Promise.all(['huanglong', 'dhs_shouli_1', 'shouli', 'xian_canlian'].map((u) => t.userId(u)));

    // Monday 2 March 2026, 09:00 in Shanghai: the cadre registers a proxy application for an elderly villager.
    const c = await open('huanglong', {
      itemId: item, channel: 'proxy', applicant: applicant(1), proxy: { reason: '年逾八旬、行动不便，委托村代办员代为申请', consent: true },
      attachments: ['居民身份证复印件', '残疾人证复印件'],
    });
    assert.match(c.created.case.number, /^341125101001-20260302-0001$/);
    assert.match(c.created.case.lookupCode, /^[2-9A-HJ-NP-Z]{6}$/);
    assert.equal(c.created.case.state, 'submitted');
    assert.equal(c.created.case.currentUnitId, villageRoom);

    t.clock.advance(10 * 60_000);
    const accepted = await c.act('huanglong', 'accept', { opinion: '材料齐全，予以受理' });
    assert.equal(accepted.case.state, 'accepted');
    assert.equal(accepted.case.ownerUserId, cadre);
    // 15 working days from Monday 2 March: the end of Monday 23 March, Shanghai time.
    const DUE = '2026-03-23T15:59:59.999Z';
    assert.equal(accepted.case.dueAt, DUE);
    assert.equal(accepted.case.acceptedAt, '2026-03-02T01:10:00.000Z');

    t.clock.advance(10 * 60_000);
    const sent = await c.act('huanglong', 'transfer', { opinion: '报送乡镇便民服务中心' });
    assert.equal(sent.case.state, 'in_transfer');
    assert.equal(sent.case.pendingUnitId, townDesk, 'a village room reports to its own township desk');
    assert.equal(sent.case.holderUserId, null, 'a desk is one shared queue');

    // Tuesday: the township desk signs for it and forwards it up to the county (代转).
    t.clock.advance(DAY);
    const inTown = await c.act('dhs_shouli_1', 'receive');
    assert.deepEqual([inTown.case.state, inTown.case.currentUnitId], ['accepted', townDesk]);
    const up = await c.act('dhs_shouli_1', 'transfer', { to: countyDesk, opinion: '本镇无权办理，代转县中心' });
    assert.equal(up.case.pendingUnitId, countyDesk);

    // Wednesday: the county desk signs for it and transfers it to the 残联 handling room, which signs for it.
    t.clock.advance(DAY);
    const inCounty = await c.act('shouli', 'receive');
    assert.deepEqual([inCounty.case.state, inCounty.case.currentUnitId], ['accepted', countyDesk]);
    const toRoom = await c.act('shouli', 'transfer');
    assert.equal(toRoom.case.pendingUnitId, room, 'the desk sends the stage to its own level’s handling unit');
    assert.equal(toRoom.case.holderUserId, officer, 'work sent to a room goes to its head');
    const inRoom = await c.act('xian_canlian', 'receive');
    assert.deepEqual([inRoom.case.state, inRoom.case.currentUnitId, inRoom.case.holderUserId], ['handling', room, officer]);
    assert.equal(inRoom.case.stageDueAt, DUE);

    // Friday: the room handles the stage and decides.
    t.clock.advance(2 * DAY);
    const handled = await c.act('xian_canlian', 'complete_stage', { opinion: '经评估，适配轮椅一台' });
    assert.deepEqual([handled.case.state, handled.case.stageIndex], ['handling', 1]);
    const decided = await c.act('xian_canlian', 'decide', { outcome: 'approve' });
    assert.equal(decided.case.state, 'decided');

    // The reply goes back along the path: county desk, township desk, the village room.
    t.clock.advance(HOUR);
    const r1 = await c.act('xian_canlian', 'reply');
    assert.equal(r1.case.currentUnitId, countyDesk);
    const r2 = await c.act('shouli', 'reply');
    assert.equal(r2.case.currentUnitId, townDesk);
    t.clock.advance(3 * DAY); // Monday 9 March
    const r3 = await c.act('dhs_shouli_1', 'reply');
    assert.deepEqual([r3.case.state, r3.case.currentUnitId], ['ready_for_delivery', villageRoom]);
    const done = await c.act('huanglong', 'deliver', { method: 'village_cadre', opinion: '已送达本人' });
    assert.equal(done.case.state, 'finished');
    assert.equal(done.case.dueAt, DUE, 'no stop, no extension: the due moment never moved');

    const d = await c.detail('huanglong');
    assert.deepEqual(d.events.map((e: Json) => [e.seq, e.action, e.fromState, e.toState, e.userId, e.unitId, e.toUnitId]), [
      [1, 'apply', 'draft', 'submitted', cadre, villageRoom, villageRoom],
      [2, 'accept', 'submitted', 'accepted', cadre, villageRoom, villageRoom],
      [3, 'transfer', 'accepted', 'in_transfer', cadre, villageRoom, villageRoom],
      [4, 'receive', 'in_transfer', 'accepted', townClerk, townDesk, townDesk],
      [5, 'transfer', 'accepted', 'in_transfer', townClerk, townDesk, townDesk],
      [6, 'receive', 'in_transfer', 'accepted', countyClerk, countyDesk, countyDesk],
      [7, 'transfer', 'accepted', 'in_transfer', countyClerk, countyDesk, countyDesk],
      [8, 'receive', 'in_transfer', 'handling', officer, room, room],
      [9, 'complete_stage', 'handling', 'handling', officer, room, room],
      [10, 'decide', 'handling', 'decided', officer, room, room],
      [11, 'reply', 'decided', 'decided', officer, room, countyDesk],
      [12, 'reply', 'decided', 'decided', countyClerk, countyDesk, townDesk],
      [13, 'reply', 'decided', 'ready_for_delivery', townClerk, townDesk, villageRoom],
      [14, 'deliver', 'ready_for_delivery', 'finished', cadre, villageRoom, villageRoom],
    ]);
    assert.deepEqual(d.events.map((e: Json) => e.at), [
      '2026-03-02T01:00:00.000Z', '2026-03-02T01:10:00.000Z', '2026-03-02T01:20:00.000Z',
      '2026-03-03T01:20:00.000Z', '2026-03-03T01:20:00.000Z', '2026-03-04T01:20:00.000Z', '2026-03-04T01:20:00.000Z', '2026-03-04T01:20:00.000Z',
      '2026-03-06T01:20:00.000Z', '2026-03-06T01:20:00.000Z', '2026-03-06T02:20:00.000Z', '2026-03-06T02:20:00.000Z',
      '2026-03-09T02:20:00.000Z', '2026-03-09T02:20:00.000Z',
    ]);
    assert.deepEqual(d.events[4].data, { from: townDesk, to: countyDesk });
    assert.equal(d.events[0].data.proxy.reason, '年逾八旬、行动不便，委托村代办员代为申请');
    assert.deepEqual(d.events[0].attachments, ['居民身份证复印件', '残疾人证复印件']);
    assert.equal(d.events[13].data.method, 'village_cadre');
    assert.equal(d.owner.name, '黄村干');
    assert.equal(d.proxy.agent.userId, cadre);
    assert.deepEqual([d.state, d.dueAt, d.acceptedAt, d.decidedAt, d.finishedAt], ['finished', DUE, '2026-03-02T01:10:00.000Z', '2026-03-06T01:20:00.000Z', '2026-03-09T02:20:00.000Z']);
    // Decided on Friday 6 March with 15 − 4 working days behind it: 11 left when the clock stopped.
    assert.deepEqual({ ...d.deadline }, { dueAt: DUE, provisional: false, limitDays: 15, remainingWorkingDays: 11, status: 'stopped', paused: false, stopped: true });
    assert.deepEqual(d.stages.map((s: Json) => [s.name, s.status, s.startedAt, s.finishedAt]), [['县残联评估适配', 'done', '2026-03-02T01:10:00.000Z', '2026-03-06T01:20:00.000Z']]);
    assert.deepEqual(d.allowedActions, []);
    assert.deepEqual(d.notices.map((n: Json) => n.kind), ['acceptance', 'result']);
    assert.equal(d.applicant.idNumber, '341***********' + applicant(1).idNumber.slice(-4));
    assert.equal(d.applicant.phone, '138****1001');
    // Every step left one audit row in the same transaction.
    const audits = await t.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', c.id).orderBy('seq').execute();
    assert.deepEqual(audits.map((a) => a.action), d.events.map((e: Json) => `case.${e.action}`));
  });

  /** Moves the test clock forward to a moment (never back). */
  function moveTo(iso: string) {
    const ms = Date.parse(iso) - t.clock.now().getTime();
    assert.ok(ms >= 0, `the clock cannot go back to ${iso}`);
    t.clock.advance(ms);
  }
  const caseRow = (id: string) => t.ctx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const eventCount = async (id: string) => (await t.ctx.db.selectFrom('case_events').select('seq').where('case_id', '=', id).execute()).length;
  const caseCount = async () => (await t.ctx.db.selectFrom('cases').select('id').execute()).length;
  const auditCount = async () => (await t.ctx.db.selectFrom('audit_log').select('seq').execute()).length;
  /** Everything about a case a refused request must leave as it was. */
  const frozen = async (id: string) => ({ row: await caseRow(id), events: await eventCount(id) });

  it('one-time notice of every missing material, then supplement: the acceptance date is the day the materials were complete', async () => {
    moveTo('2026-03-16T01:00:00Z'); // Monday 16 March, 09:00
    const c = await open('dhs_shouli_2', { itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: applicant(2) });
    assert.match(c.created.case.number, /^341125101-20260316-\d{4}$/);
    const empty = await c.refused('dhs_shouli_2', 'request_materials', { missing: [] });
    assertProblem(empty, 422, [{ pointer: '#/missing', code: 'INVALID_INPUT' }]);
    const asked = await c.act('dhs_shouli_2', 'request_materials', { missing: ['户口簿（户主页及本人页）复印件', '本人社会保障卡复印件'] });
    assert.deepEqual([asked.case.state, asked.case.acceptedAt, asked.case.dueAt], ['awaiting_materials', null, null]);
    // Only once: a second notice is refused.
    assertProblem(await c.refused('dhs_shouli_2', 'request_materials', { missing: ['另一份材料'] }), 409, []);

    const html = await t.send('GET', `/api/cases/${c.id}/notices/materials`, 'dhs_shouli_2');
    assert.equal(html.statusCode, 200);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.match(html.body, /一次性告知书/);
    assert.match(html.body, /<li>户口簿（户主页及本人页）复印件<\/li><li>本人社会保障卡复印件<\/li>/);
    assert.ok(!html.body.includes(applicant(2).idNumber), 'never the full ID number');
    assertProblem(await t.send('GET', `/api/cases/${c.id}/notices/acceptance`, 'dhs_shouli_2'), 409);

    moveTo('2026-03-18T02:30:00Z'); // Wednesday: the applicant brings the rest.
    const supplemented = await c.act('dhs_shouli_2', 'supplement');
    assert.equal(supplemented.case.state, 'accepted');
    assert.equal(supplemented.case.acceptedAt, '2026-03-18T02:30:00.000Z');
    // 10 working days from Wednesday 18 March: Wednesday 1 April.
    assert.equal(supplemented.case.dueAt, '2026-04-01T15:59:59.999Z');
    const notice = await t.send('GET', `/api/cases/${c.id}/notices/acceptance`, 'dhs_shouli_2');
    assert.match(notice.body, /受理日期<\/th><td>2026年3月18日/);
    assert.match(notice.body, /办结期限<\/th><td>2026年4月1日前/);
    assert.match(notice.body, new RegExp(c.created.case.lookupCode));
  });

  it('refuses to accept only with a written reason (422 at #/reason, nothing changed), and the refusal notice states the rights of review', async () => {
    const c = await open('dhs_shouli_2', { itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: applicant(3) });
    const before = await frozen(c.id);
    const noReason = await c.refused('dhs_shouli_2', 'refuse', { ground: 'ineligible' });
    assertProblem(noReason, 422, [{ pointer: '#/reason', code: 'INVALID_INPUT', detail: '请填写不予受理的理由（书面告知申请人）' }]);
    const blank = await c.refused('dhs_shouli_2', 'refuse', { ground: 'ineligible', reason: '   ' });
    assertProblem(blank, 422, [{ pointer: '#/reason', code: 'INVALID_INPUT' }]);
    const noAgency = await c.refused('dhs_shouli_2', 'refuse', { ground: 'not_competent', reason: '不属于本机关职权' });
    assertProblem(noAgency, 422, [{ pointer: '#/referTo', code: 'INVALID_INPUT' }]);
    assert.deepEqual(await frozen(c.id), before);

    const refused = await c.act('dhs_shouli_2', 'refuse', { ground: 'ineligible', reason: '申请人未达到法定退休年龄，不符合领取条件' });
    assert.equal(refused.case.state, 'refused');
    const html = (await t.send('GET', `/api/cases/${c.id}/notices/refusal`, 'dhs_shouli_2')).body;
    assert.match(html, /不予受理通知书/);
    assert.match(html, /不予受理的理由：申请人未达到法定退休年龄，不符合领取条件/);
    assert.match(html, /六十日内向示范县人民政府或者上一级主管部门申请行政复议/);
    assert.match(html, /六个月内依法向人民法院提起行政诉讼/);
    assert.match(html, /大汉山镇便民不受〔2026〕\d{4}号/);
    assert.match(html, /（印章）/);
    assert.match(html, /首问负责人<\/th><td>[^—<]+<\/td>/, 'refused before acceptance: the clerk who registered it answers for it');
    assert.match(html, /地址：大汉山镇人民政府一楼便民服务中心　电话：0550-4100001/);
    assertProblem(await c.refused('dhs_shouli_2', 'accept'), 409, []);
  });

  it('refuses a direct application to a handling room with the seed’s reason, and creates nothing', async () => {
    const before = await caseCount();
    const res = await t.send('POST', '/api/cases', 'banli', { itemId: await t.itemId('341125-GH-002'), channel: 'counter', applicant: applicant(4) });
    const body = assertProblem(res, 403);
    assert.equal(body.detail, '办理室只办理本级受理部转来的件，不能直接受理申请人的申请');
    assert.equal(body.code, 'UNIT_KIND');
    assert.equal(await caseCount(), before);
  });

  it('refuses a bad ID checksum at the field, with the exact sentence, never echoing the number', async () => {
    const before = await caseCount();
    const res = await t.send('POST', '/api/cases', 'dhs_shouli_2', {
      itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: { name: '王五', idNumber: '110105194912310021', phone: '13800001234' },
    });
    assertProblem(res, 422, [{ pointer: '#/applicant/idNumber', code: 'ID_CHECKSUM', detail: '身份证号码校验位不正确，请核对最后一位' }]);
    assert.ok(!res.body.includes('110105194912310021'));
    const phone = await t.send('POST', '/api/cases', 'dhs_shouli_2', {
      itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: { name: '王五', idNumber: applicant(5).idNumber, phone: '1234' },
    });
    assertProblem(phone, 422, [{ pointer: '#/applicant/phone', code: 'MOBILE_FORMAT' }]);
    assert.equal(await caseCount(), before);
  });

  it('a transfer to a unit that does not handle the item is refused at #/to; an inactive or unknown unit too', async () => {
    const c = await open('dhs_shouli_2', { itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: applicant(6) });
    await c.act('dhs_shouli_2', 'accept');
    const before = await frozen(c.id);
    const wrong = await c.refused('dhs_shouli_2', 'transfer', { to: await t.unitId('341125101', '民政办') });
    assertProblem(wrong, 422, [{ pointer: '#/to', code: 'TRANSFER_RULE', detail: '大汉山镇民政办不承办本事项当前环节“乡镇初审”，请转交承办部门' }]);
    assertProblem(await c.refused('dhs_shouli_2', 'transfer', { to: 'no-such-unit' }), 422, [{ pointer: '#/to', code: 'UNIT_NOT_FOUND' }]);
    assert.deepEqual(await frozen(c.id), before);
  });

  it('a parallel stage (并联审批) waits for every department before a decision', async () => {
    moveTo('2026-03-23T01:00:00Z'); // Monday 23 March
    const c = await open('chuangkou', { itemId: await t.itemId('341125-MZ-004'), channel: 'counter', applicant: applicant(7) });
    const accepted = await c.act('chuangkou', 'accept');
    assert.equal(accepted.case.state, 'handling', 'the window handles the township stage itself');
    const first = await c.act('chuangkou', 'complete_stage', { opinion: '初审同意' });
    assert.deepEqual([first.case.state, first.case.stageIndex], ['accepted', 1]);
    const toDesk = await c.act('chuangkou', 'transfer');
    assert.equal(toDesk.case.pendingUnitId, await t.unitId('341125101', '咨询受理部'));
    await c.act('dhs_shouli_1', 'receive');
    const up = await c.act('dhs_shouli_1', 'transfer');
    assert.equal(up.case.pendingUnitId, await t.unitId('341125', '综合受理窗口'), 'the stage is at county: the desk forwards up (代转)');
    await c.act('shouli', 'receive');
    const toWindow = await c.act('shouli', 'transfer');
    assert.equal(toWindow.case.pendingUnitId, await t.unitId('341125', '民政局窗口'));
    assert.equal(toWindow.case.holderUserId, await t.userId('xian_minzheng_a'), 'work sent to a window goes to its A post');
    await c.act('xian_minzheng_a', 'receive');
    const roomQueue = async () => (await t.send('GET', '/api/cases?queue=to_handle', 'xian_canlian')).json().items.map((i: Json) => i.id);
    assert.ok((await roomQueue()).includes(c.id), 'the co-handling room finds its part in its own work list');
    const civil = await c.act('xian_minzheng_a', 'complete_stage');
    assert.deepEqual([civil.case.stageIndex, civil.event.data.stageComplete], [1, false]);
    const early = await c.refused('xian_minzheng_a', 'decide', { outcome: 'approve' });
    assertProblem(early, 422);
    assert.equal(early.json().code, 'RULE');
    assert.match(early.json().detail, /还有环节“县残联、县民政局并联审核审定”未办完/);
    // The 残联 room completes its part without holding the case.
    const room = await c.act('xian_canlian', 'complete_stage', { opinion: '残疾等级核实无误' });
    assert.deepEqual([room.case.stageIndex, room.event.data.stageComplete, room.event.data.department], [2, true, 'disabled_persons']);
    assert.equal(room.case.currentUnitId, await t.unitId('341125', '民政局窗口'), 'the case stays with the window that holds it');
    assert.ok(!(await roomQueue()).includes(c.id), 'its part done, the room’s list no longer shows it');
    const decided = await c.act('xian_minzheng_a', 'decide', { outcome: 'approve' });
    assert.equal(decided.case.state, 'decided');
  });

  it('suspending for a special procedure stops the clock; resuming moves the due date; an extension only before expiry', async () => {
    moveTo('2026-03-30T01:00:00Z'); // Monday 30 March
    const c = await open('dhs_laodong_a', { itemId: await t.itemId('341125-RS-004'), channel: 'counter', applicant: applicant(8) });
    const accepted = await c.act('dhs_laodong_a', 'accept');
    assert.equal(accepted.case.state, 'handling');
    // 3 working days from Monday 30 March: Thursday 2 April.
    assert.equal(accepted.case.dueAt, '2026-04-02T15:59:59.999Z');
    const noDays = await c.refused('dhs_laodong_a', 'suspend', { procedure: 'site_survey', reason: '现场核实务工意向' });
    assertProblem(noDays, 422, [{ pointer: '#/expectedDays', code: 'INVALID_INPUT' }]);
    await c.act('dhs_laodong_a', 'suspend', { procedure: 'site_survey', reason: '现场核实务工意向', expectedDays: 2 });
    const d1 = await c.detail('dhs_laodong_a');
    assert.equal(d1.deadline.status, 'paused');
    assert.equal(d1.suspension.procedureLabel, '现场勘察');
    moveTo('2026-04-01T03:00:00Z'); // Wednesday: two working days (Tue, Wed) lost
    const resumed = await c.act('dhs_laodong_a', 'resume');
    assert.equal(resumed.case.state, 'handling');
    assert.equal(resumed.case.dueAt, '2026-04-07T15:59:59.999Z', 'Thursday 2 April + 2 working days over the 清明 holiday (3–6 April 2026): Tuesday 7 April');

    // An extension is a center manager's approval over the unit's org, once, before the limit expires.
    assertProblem(await c.refused('dhs_laodong_a', 'extend', { days: 2, reason: '需补充调查' }), 403);
    assertProblem(await c.refused('dsx_zhuren', 'extend', { days: 2, reason: '需补充调查' }), 404);
    const extended = await c.act('dhs_zhuren', 'extend', { days: 2, reason: '需补充调查就业意向' });
    assert.equal(extended.case.dueAt, '2026-04-09T15:59:59.999Z');
    assert.equal(extended.event.unitId, null);
    const again = await c.refused('dhs_zhuren', 'extend', { days: 1, reason: '再延' });
    assertProblem(again, 422);
    assert.equal(again.json().code, 'RULE');

    // Another case, past its limit: too late to extend.
    const late = await open('dhs_laodong_a', { itemId: await t.itemId('341125-RS-004'), channel: 'counter', applicant: applicant(9) });
    const a = await late.act('dhs_laodong_a', 'accept');
    moveTo(new Date(Date.parse(a.case.dueAt) + 60_000).toISOString());
    const expired = await late.refused('dhs_zhuren', 'extend', { days: 2, reason: '逾期后申请延期' });
    assertProblem(expired, 422);
    assert.equal(expired.json().code, 'LIMIT_EXPIRED');
    assert.equal(expired.json().detail, '承诺时限已届满，不能再延期；延期须在期限届满前批准并告知申请人');
    const overdue = await t.send('GET', '/api/cases?queue=overdue', 'dhs_laodong_a');
    assert.ok(overdue.json().items.some((i: Json) => i.id === late.id && i.deadlineStatus === 'overdue'));
  });

  it('an immediate item (即办件) is accepted and finished in one sitting', async () => {
    moveTo('2026-04-13T01:30:00Z'); // Monday 13 April
    const c = await open('dhs_jisheng_a', { itemId: await t.itemId('341125-WJ-001'), channel: 'counter', applicant: applicant(10) });
    const done = await c.act('dhs_jisheng_a', 'finish_immediately', { opinion: '当场办结' });
    assert.deepEqual([done.case.state, done.case.acceptedAt, done.case.dueAt], ['finished', '2026-04-13T01:30:00.000Z', '2026-04-13T15:59:59.999Z']);
    const d = await c.detail('dhs_jisheng_a');
    assert.deepEqual(d.events.map((e: Json) => e.action), ['apply', 'finish_immediately']);
    assert.deepEqual(d.notices.map((n: Json) => n.kind), ['acceptance', 'result']);
    // The fee charged is recorded; charging for a free item (生育登记 is 不收费) is a red card at once.
    const charged = await open('dhs_jisheng_a', { itemId: await t.itemId('341125-WJ-001'), channel: 'counter', applicant: applicant(12) });
    const badFee = await charged.refused('dhs_jisheng_a', 'finish_immediately', { feeCharged: 1.234 });
    assertProblem(badFee, 422, [{ pointer: '#/feeCharged', code: 'INVALID_INPUT' }]);
    const paid = await charged.act('dhs_jisheng_a', 'finish_immediately', { feeCharged: 20 });
    assert.equal(paid.case.state, 'finished');
    const cards = await t.ctx.db.selectFrom('signals').select(['rule', 'level', 'basis']).where('case_id', '=', charged.id).execute();
    assert.deepEqual(cards.map((x) => [x.rule, x.level]), [['fee_mismatch', 'red']]);
    assert.match(cards[0]!.basis, /不收费.*20 元/);
    const free = await open('dhs_jisheng_a', { itemId: await t.itemId('341125-WJ-001'), channel: 'counter', applicant: applicant(13) });
    await free.act('dhs_jisheng_a', 'finish_immediately', { feeCharged: 0 });
    assert.equal((await t.ctx.db.selectFrom('signals').select('id').where('case_id', '=', free.id).execute()).length, 0);
    // A pledged item cannot be finished on the spot.
    const pledged = await open('dhs_laodong_a', { itemId: await t.itemId('341125-RS-004'), channel: 'counter', applicant: applicant(11) });
    const r = await pledged.refused('dhs_laodong_a', 'finish_immediately');
    assertProblem(r, 422);
    assert.equal(r.json().detail, '只有即办件可以当场办结，本事项请按承诺件受理、转办');
  });

  it('the applicant may withdraw before the decision, not after', async () => {
    const c = await open('dhs_shouli_1', { itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: applicant(12) });
    await c.act('dhs_shouli_1', 'accept');
    await c.act('dhs_shouli_1', 'transfer');
    const w = await c.act('dhs_shouli_1', 'withdraw', { reason: '申请人书面申请撤回' });
    assert.deepEqual([w.case.state, w.case.pendingUnitId], ['withdrawn', null]);

    const d = await open('dhs_laodong_a', { itemId: await t.itemId('341125-RS-004'), channel: 'counter', applicant: applicant(13) });
    await d.act('dhs_laodong_a', 'accept');
    await d.act('dhs_laodong_a', 'decide', { outcome: 'deny', reason: '无务工意向' });
    const late = await d.refused('dhs_laodong_a', 'withdraw');
    assertProblem(late, 409);
    assert.equal(late.json().detail, '本件已作出决定，不能再撤回申请');
    const result = (await t.send('GET', `/api/cases/${d.id}/notices/result`, 'dhs_laodong_a')).body;
    assert.match(result, /决定不予许可/);
    assert.match(result, /理由：无务工意向/);
    assert.match(result, /申请行政复议/);
  });

  it('a stale version is a 409 with the exact sentence, and nothing changes', async () => {
    const c = await open('dhs_shouli_1', { itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: applicant(14) });
    await c.act('dhs_shouli_1', 'accept');
    const before = { ...(await frozen(c.id)), audit: await auditCount() };
    const res = await t.send('POST', `/api/cases/${c.id}/transfer`, 'dhs_shouli_1', { version: c.version - 1 });
    const body = assertProblem(res, 409, [{ pointer: '#/version', code: 'STALE_VERSION', detail: '办件已被他人处理，请刷新后重试' }]);
    assert.equal(body.detail, '办件已被他人处理，请刷新后重试');
    assert.deepEqual({ ...(await frozen(c.id)), audit: await auditCount() }, before);
  });

  it('a case\'s history is append-only at the database: UPDATE, DELETE (and on PostgreSQL TRUNCATE) are refused', async () => {
    const event = await t.ctx.db.selectFrom('case_events').select(['case_id', 'seq']).executeTakeFirstOrThrow();
    const row = (q: any) => q.where('case_id', '=', event.case_id).where('seq', '=', event.seq);
    await assert.rejects(row(t.ctx.db.updateTable('case_events').set({ opinion: 'x' })).execute(), /append-only/);
    await assert.rejects(row(t.ctx.db.deleteFrom('case_events')).execute(), /append-only/);
    if (t.ctx.engine === 'postgres') await assert.rejects(sql`truncate case_events`.execute(t.ctx.db), /append-only/);
  });
});
