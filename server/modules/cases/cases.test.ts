import assert from 'node:assert/strict';
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
});
