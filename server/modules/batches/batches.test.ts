import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest } from '../../../test/helpers.ts';
import { assertProblem, caseTestApp, idWithChecksum, type CaseTestApp, type Json, type Res } from '../cases/test-support.ts';

const HOUR = 3_600_000;

describe(`batches: 定期报送 between a village room and its township desk (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  let village: string;
  let otherVillage: string;
  let villageRoom: string;
  let townDesk: string;
  let serial = 0;
  before(async () => {
    t = await caseTestApp();
    const ids = await t.ctx.db.selectFrom('orgs').select(['id', 'code']).where('code', 'in', ['341125101001', '341125101002']).execute();
    village = ids.find((o) => o.code === '341125101001')!.id;
    otherVillage = ids.find((o) => o.code === '341125101002')!.id;
    villageRoom = await t.unitId('341125101001', '便民服务室');
    townDesk = await t.unitId('341125101', '咨询受理部');
  });
  after(async () => {
    await t.close();
  });

  const applicant = () => {
    serial++;
    return { name: `王${'一二三四五六七八九十'[serial % 10]}`, idNumber: idWithChecksum(`34112519600101${String(100 + serial).slice(-3)}`), phone: `1390000${String(1000 + serial).slice(-4)}` };
  };

  /** Registers and accepts a case at a village room; returns its id. */
  async function acceptedCase(cadre = 'huanglong', code = '341125-SF-001', attachments = ['调解申请书', '身份证复印件']): Promise<string> {
    const res = await t.send('POST', '/api/cases', cadre, { itemId: await t.itemId(code), channel: 'village_room', applicant: applicant(), attachments });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json().case;
    const ok = await t.send('POST', `/api/cases/${c.id}/accept`, cadre, { version: c.version });
    assert.equal(ok.statusCode, 200, ok.body);
    return c.id;
  }

  async function act(user: string, id: string, action: string, fields: Json = {}): Promise<Json> {
    const d = await t.send('GET', `/api/cases/${id}`, user);
    assert.equal(d.statusCode, 200, d.body);
    const r = await t.send('POST', `/api/cases/${id}/${action}`, user, { version: d.json().version, ...fields });
    assert.equal(r.statusCode, 200, `${action} by ${user}: ${r.body}`);
    return r.json();
  }

  async function caseRow(id: string) {
    return t.ctx.db.selectFrom('cases').select(['state', 'version', 'current_unit_id', 'pending_unit_id', 'batch_id']).where('id', '=', id).executeTakeFirstOrThrow();
  }

  /** Everything a refused request must leave as it was. */
  async function state() {
    const db = t.ctx.db;
    const [batches, rows, counters, events, audit, cases] = await Promise.all([
      db.selectFrom('batches').select(['id', 'state', 'version']).orderBy('id').execute(),
      db.selectFrom('batch_cases').select(['batch_id', 'case_id', 'status']).orderBy('batch_id').orderBy('case_id').execute(),
      db.selectFrom('batch_counters').selectAll().orderBy('org_code').execute(),
      db.selectFrom('case_events').select(['case_id', 'seq']).orderBy('case_id').orderBy('seq').execute(),
      db.selectFrom('audit_log').select(['seq', 'action']).where('action', '!=', 'access.denied').orderBy('seq').execute(),
      db.selectFrom('cases').select(['id', 'state', 'version', 'batch_id']).orderBy('id').execute(),
    ]);
    return { batches, rows, counters, events, audit, cases };
  }

  async function refusedWithoutChange(run: () => Promise<Res>, status: number, errors?: { pointer: string; code: string }[]): Promise<Json> {
    const before = await state();
    const res = await run();
    const body = assertProblem(res, status, errors);
    assert.deepEqual(await state(), before, 'a refused request changes nothing');
    return body;
  }

  const create = (user: string, body: Json, headers?: Record<string, string>) => t.send('POST', '/api/batches', user, body, headers);
  const auditRows = (action: string, objectId: string) =>
    t.ctx.db.selectFrom('audit_log').select(['action', 'user_id', 'outcome', 'detail']).where('action', '=', action).where('object_id', '=', objectId).execute();

  it('builds an outgoing batch with its manifest, sends every case to the township desk at once, signs case by case and flags the missing one', async () => {
    const [a, b, c] = [await acceptedCase(), await acceptedCase('huanglong', '341125-SF-001', ['调解申请书']), await acceptedCase('huanglong', '341125-SF-001', [])];
    const candidates = await t.send('GET', '/api/batches/candidates?kind=outgoing', 'huanglong');
    assert.equal(candidates.statusCode, 200, candidates.body);
    for (const id of [a, b, c]) assert.ok(candidates.json().items.some((x: Json) => x.caseId === id));

    const made = await create('huanglong', { kind: 'outgoing', caseIds: [a, b, c], note: '<b>周一</b> & 材料' });
    assert.equal(made.statusCode, 201, made.body);
    const batch = made.json();
    assert.match(batch.number, /^341125101001-PS-20260302-\d{2}$/);
    assert.deepEqual([batch.kind, batch.state, batch.village.id, batch.villageUnitId, batch.deskUnitId], ['outgoing', 'draft', village, villageRoom, townDesk]);
    assert.deepEqual(batch.cases.map((x: Json) => [x.caseId, x.position, x.materialsCount, x.status]), [[a, 0, 2, 'listed'], [b, 1, 1, 'listed'], [c, 2, 0, 'listed']]);
    assert.deepEqual(batch.cases[0].materials, ['调解申请书', '身份证复印件']);
    assert.equal(batch.materialsCount, 3);
    assert.match(batch.cases[0].applicantName, /^王\*$/, 'names leave masked');
    assert.deepEqual(batch.allowedActions, ['send', 'cancel']);
    assert.equal((await caseRow(a)).state, 'accepted', 'building a batch moves nothing');

    const manifest = await t.send('GET', `/api/batches/${batch.id}/manifest`, 'huanglong');
    assert.equal(manifest.statusCode, 200);
    assert.match(String(manifest.headers['content-type']), /^text\/html/);
    assert.ok(manifest.body.includes(batch.number));
    assert.ok(manifest.body.includes('备注：&lt;b&gt;周一&lt;/b&gt; &amp; 材料'), 'the note is escaped');
    assert.ok(!manifest.body.includes('<b>周一'));
    assert.ok(!/<script/i.test(manifest.body));
    assert.match(manifest.body, /@page \{ size: A4 landscape/);
    assert.match(manifest.body, /合计 3 件/);
    assert.equal((await auditRows('batch.manifest', batch.id)).length, 1);

    t.clock.advance(HOUR);
    const sent = await t.send('POST', `/api/batches/${batch.id}/send`, 'huanglong', { version: batch.version });
    assert.equal(sent.statusCode, 200, sent.body);
    assert.equal(sent.json().state, 'sent');
    assert.equal(sent.json().sentAt, t.clock.now().toISOString());
    assert.equal(sent.json().sentBy.id, await t.userId('huanglong'));
    for (const id of [a, b, c]) {
      const row = await caseRow(id);
      assert.deepEqual([row.state, row.current_unit_id, row.pending_unit_id, row.batch_id], ['in_transfer', villageRoom, townDesk, batch.id]);
      const events = await t.ctx.db.selectFrom('case_events').select(['seq', 'action', 'to_unit_id', 'opinion']).where('case_id', '=', id).orderBy('seq').execute();
      assert.equal(row.version, events.length, 'one event per version');
      assert.deepEqual(events.at(-1), { seq: 3, action: 'transfer', to_unit_id: villageRoom, opinion: `定期报送（批次 ${batch.number}）` });
      assert.equal((await auditRows('case.transfer', id)).length, 1);
    }
    assert.equal((await auditRows('batch.send', batch.id)).length, 1);
    assert.deepEqual(sent.json().cases.map((x: Json) => [x.status, x.sentVersion]), [['sent', 3], ['sent', 3], ['sent', 3]]);

    // The township desk signs for two; the third is not in the bag.
    t.clock.advance(HOUR);
    const r1 = await t.send('POST', `/api/batches/${batch.id}/cases/${a}/receive`, 'dhs_shouli_1', {});
    assert.equal(r1.statusCode, 200, r1.body);
    assert.deepEqual(await caseRow(a).then((r) => [r.state, r.current_unit_id]), ['accepted', townDesk]);
    const r2 = await t.send('POST', `/api/batches/${batch.id}/cases/${b}/receive`, 'dhs_shouli_2', { opinion: '材料齐全' });
    assert.equal(r2.statusCode, 200, r2.body);
    const view = r2.json();
    assert.deepEqual(view.cases.map((x: Json) => x.status), ['received', 'received', 'sent']);
    assert.equal(view.cases[1].signedBy.id, await t.userId('dhs_shouli_2'));
    assert.deepEqual(view.allowedActions, ['receive', 'check']);

    const checked = await t.send('POST', `/api/batches/${batch.id}/check`, 'dhs_shouli_1', { version: view.version, opinion: '第 3 件未见材料' });
    assert.equal(checked.statusCode, 200, checked.body);
    const cj = checked.json();
    assert.deepEqual([cj.state, cj.missingCount], ['checked', 1]);
    assert.deepEqual(cj.cases.map((x: Json) => x.status), ['received', 'received', 'missing']);
    assert.equal(cj.cases[2].flaggedAt, t.clock.now().toISOString());
    const flagged = await auditRows('batch.case_missing', c);
    assert.equal(flagged.length, 1, 'one audit row per missing case: the supervision hook');
    assert.equal(flagged[0]!.user_id, await t.userId('dhs_shouli_1'));
    assert.equal(JSON.parse(flagged[0]!.detail).batch, batch.number);
    const checkAudit = await auditRows('batch.check', batch.id);
    assert.deepEqual(JSON.parse(checkAudit[0]!.detail).missing, [cj.cases[2].number]);
    assert.equal((await caseRow(c)).state, 'in_transfer', 'a missing case stays in transfer until found');
    const list = await t.send('GET', '/api/batches?state=checked', 'dhs_shouli_1');
    assert.equal(list.json().items.find((x: Json) => x.id === batch.id).missingCount, 1);
    const printed = await t.send('GET', `/api/batches/${batch.id}/manifest`, 'dhs_shouli_1');
    assert.match(printed.body, /class="missing"/);

    // Found later: signed for, still marked as once flagged.
    t.clock.advance(HOUR);
    const late = await t.send('POST', `/api/batches/${batch.id}/cases/${c}/receive`, 'dhs_shouli_1', {});
    assert.equal(late.statusCode, 200, late.body);
    assert.equal(late.json().cases[2].status, 'received');
    assert.equal(late.json().cases[2].flaggedAt, cj.cases[2].flaggedAt);
    assert.equal((await caseRow(c)).state, 'accepted');

    // Signing twice is a conflict and changes nothing.
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${batch.id}/cases/${c}/receive`, 'dhs_shouli_1', {}), 409, [
      { pointer: '#/caseId', code: 'NOT_IN_TRANSIT' },
    ]);
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${batch.id}/check`, 'dhs_shouli_1', { version: late.json().version }), 409, [
      { pointer: '#/state', code: 'BATCH_STATE' },
    ]);
  });

  it('refuses a case listed twice, a case of another village, a case not ready and a case already in an unsent batch — naming #/caseIds/i, saving nothing', async () => {
    const a = await acceptedCase();
    const b = await acceptedCase();
    const theirs = await acceptedCase('ranjiaying_1');
    const unaccepted = (await t.send('POST', '/api/cases', 'huanglong', { itemId: await t.itemId('341125-SF-001'), channel: 'village_room', applicant: applicant() })).json().case.id;

    await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', caseIds: [a, b, a] }), 422, [
      { pointer: '#/caseIds/2', code: 'DUPLICATE' },
    ]);
    const other = await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', caseIds: [theirs, a] }), 422, [
      { pointer: '#/caseIds/0', code: 'NOT_THIS_VILLAGE' },
    ]);
    assert.equal(other.errors[0].detail, '第 1 项不是黄龙村便民服务室受理的办件，不能列入本村批次');
    await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', caseIds: [a, 'no-such-case'] }), 422, [
      { pointer: '#/caseIds/1', code: 'NOT_THIS_VILLAGE' },
    ]);
    await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', caseIds: [unaccepted] }), 422, [
      { pointer: '#/caseIds/0', code: 'NOT_READY' },
    ]);
    // Every problem at once.
    await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', caseIds: [a, theirs, a, unaccepted] }), 422, [
      { pointer: '#/caseIds/1', code: 'NOT_THIS_VILLAGE' },
      { pointer: '#/caseIds/2', code: 'DUPLICATE' },
      { pointer: '#/caseIds/3', code: 'NOT_READY' },
    ]);
    await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', caseIds: [] }), 400, [{ pointer: '#/caseIds', code: 'TOO_FEW' }]);
    await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', villageId: otherVillage, caseIds: [theirs] }), 422, [
      { pointer: '#/villageId', code: 'NOT_YOUR_VILLAGE' },
    ]);

    const first = await create('huanglong', { kind: 'outgoing', caseIds: [a] });
    assert.equal(first.statusCode, 201, first.body);
    const again = await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', caseIds: [b, a] }), 422, [
      { pointer: '#/caseIds/1', code: 'IN_OPEN_BATCH' },
    ]);
    assert.ok(again.errors[0].detail.includes(first.json().number));

    // Cancelling the draft frees the case.
    const cancelled = await t.send('POST', `/api/batches/${first.json().id}/cancel`, 'huanglong', { version: first.json().version });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.deepEqual([cancelled.json().state, cancelled.json().cases[0].status], ['cancelled', 'cancelled']);
    const second = await create('huanglong', { kind: 'outgoing', caseIds: [b, a] });
    assert.equal(second.statusCode, 201, second.body);
    assert.ok(second.json().number > first.json().number, 'numbers rise through the day');
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${first.json().id}/send`, 'huanglong', { version: cancelled.json().version }), 409, [
      { pointer: '#/state', code: 'BATCH_STATE' },
    ]);
    await t.send('POST', `/api/batches/${second.json().id}/cancel`, 'huanglong', { version: second.json().version });
  });

  it('sends all or nothing: a stale version or a case that changed since the batch was built moves no case', async () => {
    const a = await acceptedCase();
    const b = await acceptedCase();
    const made = (await create('huanglong', { kind: 'outgoing', caseIds: [a, b] })).json();
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${made.id}/send`, 'huanglong', { version: made.version + 1 }), 409, [
      { pointer: '#/version', code: 'STALE_VERSION' },
    ]);
    // The villager withdraws the second application before the batch leaves.
    await act('huanglong', b, 'withdraw', { reason: '申请人不再申请' });
    const body = await refusedWithoutChange(() => t.send('POST', `/api/batches/${made.id}/send`, 'huanglong', { version: made.version }), 409, [
      { pointer: '#/cases/1', code: 'CASE_CHANGED' },
    ]);
    assert.match(body.detail, /已撤回/);
    assert.equal((await caseRow(a)).state, 'accepted', 'the first case did not move either');
    await t.send('POST', `/api/batches/${made.id}/cancel`, 'huanglong', { version: made.version });
  });

  it('builds, sends and signs once when many try at the same moment', async () => {
    const a = await acceptedCase();
    const made = await Promise.all(Array.from({ length: 10 }, (_, i) => create(i % 2 ? 'huanglong' : 'huanglong_2', { kind: 'outgoing', caseIds: [a] })));
    const won = made.filter((r) => r.statusCode === 201);
    assert.equal(won.length, 1, made.map((r) => r.statusCode).join(','));
    for (const r of made.filter((x) => x.statusCode !== 201)) {
      // SQLite serializes the writers (the loser sees the first batch: 422); PostgreSQL's unique index stops a true race (409).
      assert.ok([409, 422].includes(r.statusCode), r.body);
      assert.equal(assertProblem(r, r.statusCode).errors[0].code, 'IN_OPEN_BATCH');
    }
    assert.equal((await t.ctx.db.selectFrom('batch_cases').select('batch_id').where('case_id', '=', a).execute()).length, 1);

    const batch = won[0]!.json();
    const sends = await Promise.all(Array.from({ length: 10 }, () => t.send('POST', `/api/batches/${batch.id}/send`, 'huanglong', { version: batch.version })));
    assert.deepEqual(sends.map((r) => r.statusCode).sort(), [200, ...Array(9).fill(409)]);
    for (const r of sends.filter((x) => x.statusCode === 409)) assertProblem(r, 409);
    assert.equal((await caseRow(a)).version, 3, 'transferred once');
    assert.equal((await auditRows('batch.send', batch.id)).length, 1);

    const signs = await Promise.all(['dhs_shouli_1', 'dhs_shouli_2', 'dhs_shouli_1', 'dhs_shouli_2'].map((u) =>
      t.send('POST', `/api/batches/${batch.id}/cases/${a}/receive`, u, {})));
    assert.deepEqual(signs.map((r) => r.statusCode).sort(), [200, 409, 409, 409]);
    assert.deepEqual(await caseRow(a).then((r) => [r.state, r.version]), ['accepted', 4]);
    assert.equal((await auditRows('case.receive', a)).length, 1);
  });

  it('replays an Idempotency-Key: one batch, the same answer; another body with the key is 422', async () => {
    const a = await acceptedCase();
    const key = { 'idempotency-key': `batch-${a}` };
    const answers = await Promise.all(Array.from({ length: 5 }, () => create('huanglong', { kind: 'outgoing', caseIds: [a] }, key)));
    for (const r of answers) assert.equal(r.statusCode, 201, r.body);
    assert.equal(new Set(answers.map((r) => r.body)).size, 1, 'every answer is the first one');
    assert.equal((await t.ctx.db.selectFrom('batch_cases').select('batch_id').where('case_id', '=', a).execute()).length, 1);
    await refusedWithoutChange(() => create('huanglong', { kind: 'outgoing', caseIds: [a], note: '不同' }, key), 422, [
      { pointer: '#/headers/idempotency-key', code: 'IDEMPOTENCY_KEY_REUSED' },
    ]);
    const made = answers[0]!.json();
    const sendKey = { 'idempotency-key': `send-${a}` };
    const s1 = await t.send('POST', `/api/batches/${made.id}/send`, 'huanglong', { version: made.version }, sendKey);
    const s2 = await t.send('POST', `/api/batches/${made.id}/send`, 'huanglong', { version: made.version }, sendKey);
    assert.equal(s1.statusCode, 200, s1.body);
    assert.deepEqual([s2.statusCode, s2.body, s2.headers['idempotent-replayed']], [200, s1.body, 'true']);
    assert.equal((await caseRow(a)).version, 3, 'transferred once');
  });

  it('lets only the village’s cadres, the township desk and managers over the village see a batch; others get 404, audited', async () => {
    const a = await acceptedCase();
    const made = (await create('huanglong', { kind: 'outgoing', caseIds: [a] })).json();
    for (const user of ['huanglong', 'huanglong_2', 'dhs_shouli_1', 'dhs_zhuren', 'zhuren']) {
      const r = await t.send('GET', `/api/batches/${made.id}`, user);
      assert.equal(r.statusCode, 200, `${user}: ${r.body}`);
      const listed = await t.send('GET', '/api/batches', user);
      assert.ok(listed.json().items.some((x: Json) => x.id === made.id), `${user} lists it`);
    }
    const denied = (userId: string) => t.ctx.db.selectFrom('audit_log').select('seq')
      .where('action', '=', 'access.denied').where('object_type', '=', 'batch').where('object_id', '=', made.id).where('user_id', '=', userId).execute();
    for (const user of ['ranjiaying_1', 'zq_shouli_1', 'zq_zhuren', 'chuangkou', 'shouli', 'jiancha', 'lingdao', 'admin', 'auditor', 'dsx_zhuren']) {
      const uid = await t.userId(user);
      const before = (await denied(uid)).length;
      for (const url of [`/api/batches/${made.id}`, `/api/batches/${made.id}/manifest`]) {
        assertProblem(await t.send('GET', url, user), 404);
      }
      const send = await t.send('POST', `/api/batches/${made.id}/send`, user, { version: made.version });
      assertProblem(send, 404);
      assert.equal((await denied(uid)).length, before + 3, `${user}: every denial audited`);
      const listed = await t.send('GET', '/api/batches', user);
      assert.ok(!listed.json().items.some((x: Json) => x.id === made.id), `${user} does not list it`);
    }
    // In scope but not the sender: forbidden, and nothing changes.
    for (const user of ['dhs_shouli_1', 'zhuren']) {
      await refusedWithoutChange(() => t.send('POST', `/api/batches/${made.id}/send`, user, { version: made.version }), 403);
    }
    const sent = (await t.send('POST', `/api/batches/${made.id}/send`, 'huanglong', { version: made.version })).json();
    for (const user of ['huanglong', 'zhuren']) {
      await refusedWithoutChange(() => t.send('POST', `/api/batches/${made.id}/cases/${a}/receive`, user, {}), 403);
      await refusedWithoutChange(() => t.send('POST', `/api/batches/${made.id}/check`, user, { version: sent.version }), 403);
    }
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${made.id}/cases/no-such-case/receive`, 'dhs_shouli_1', {}), 404, [
      { pointer: '#/caseId', code: 'NOT_IN_BATCH' },
    ]);
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${made.id}/cases/${a}/deliver`, 'huanglong', {}), 409);
    // A township clerk cannot build an outgoing batch, nor a cadre a return batch.
    await refusedWithoutChange(() => create('dhs_shouli_1', { kind: 'outgoing', villageId: village, caseIds: [a] }), 403);
    await refusedWithoutChange(() => create('huanglong', { kind: 'return', villageId: village, caseIds: [a] }), 403);
    await refusedWithoutChange(() => create('zq_shouli_1', { kind: 'return', villageId: village, caseIds: [a] }), 422, [
      { pointer: '#/villageId', code: 'NOT_YOUR_VILLAGE' },
    ]);
    await refusedWithoutChange(() => create('dhs_shouli_1', { kind: 'return', caseIds: [a] }), 422, [{ pointer: '#/villageId', code: 'REQUIRED' }]);

    // Candidates and the list answer the same way.
    assertProblem(await t.send('GET', `/api/batches/candidates?kind=return&villageId=${village}`, 'zq_shouli_1'), 422, [
      { pointer: '#/villageId', code: 'NOT_YOUR_VILLAGE' },
    ]);
    assertProblem(await t.send('GET', '/api/batches/candidates?kind=outgoing', 'shouli'), 403);
    assertProblem(await t.send('GET', '/api/batches/candidates?kind=sideways', 'huanglong'), 400, [{ pointer: '#/query/kind', code: 'NOT_ALLOWED' }]);
    assertProblem(await t.send('GET', '/api/batches?pageSize=500', 'huanglong'), 400, [{ pointer: '#/query/pageSize', code: 'FORMAT' }]);
    assertProblem(await t.send('GET', '/api/batches', null), 401);
    const filtered = (await t.send('GET', `/api/batches?kind=return&villageId=${village}`, 'dhs_shouli_1')).json();
    assert.ok(filtered.items.every((x: Json) => x.kind === 'return' && x.village.id === village));
    assert.deepEqual((await t.send('GET', '/api/batches', 'admin')).json(), {
      total: 0, page: 1, pageSize: 20, items: [],
      counts: { all: 0, byState: { draft: 0, sent: 0, checked: 0, cancelled: 0 }, byKind: { outgoing: 0, return: 0 } },
    });
  });

  it('brings results back in a return batch: replied down to the village room at once, signed by the cadre, handed over to each villager', async () => {
    const room = await t.unitId('341125101', '司法所');
    const ids = [await acceptedCase(), await acceptedCase()];
    const out = (await create('huanglong', { kind: 'outgoing', caseIds: ids })).json();
    await t.send('POST', `/api/batches/${out.id}/send`, 'huanglong', { version: out.version });
    for (const id of ids) {
      assert.equal((await t.send('POST', `/api/batches/${out.id}/cases/${id}/receive`, 'dhs_shouli_1', {})).statusCode, 200);
      const moved = await act('dhs_shouli_1', id, 'transfer');
      assert.equal(moved.case.pendingUnitId, room, 'the desk sends it to the township 司法所 room');
      await act('dhs_sifasuo', id, 'receive');
      await act('dhs_sifasuo', id, 'complete_stage', { opinion: '调解成功' });
      await act('dhs_sifasuo', id, 'decide', { outcome: 'approve' });
      const back = await act('dhs_sifasuo', id, 'reply');
      assert.deepEqual([back.case.state, back.case.currentUnitId], ['decided', townDesk]);
    }
    const candidates = (await t.send('GET', `/api/batches/candidates?kind=return&villageId=${village}`, 'dhs_shouli_1')).json();
    assert.deepEqual(candidates.items.map((x: Json) => x.caseId).filter((id: string) => ids.includes(id)).sort(), [...ids].sort());

    // Only cases decided and back at the desk may go back.
    const fresh = await acceptedCase();
    await refusedWithoutChange(() => create('dhs_shouli_1', { kind: 'return', villageId: village, caseIds: [ids[0], fresh] }), 422, [
      { pointer: '#/caseIds/1', code: 'NOT_READY' },
    ]);
    const made = await create('dhs_shouli_1', { kind: 'return', villageId: village, caseIds: ids });
    assert.equal(made.statusCode, 201, made.body);
    const back = made.json();
    assert.match(back.number, /^341125101-HS-20260302-\d{2}$/);
    t.clock.advance(HOUR);
    const sent = await t.send('POST', `/api/batches/${back.id}/send`, 'dhs_shouli_1', { version: back.version });
    assert.equal(sent.statusCode, 200, sent.body);
    for (const id of ids) {
      const row = await caseRow(id);
      assert.deepEqual([row.state, row.current_unit_id, row.batch_id], ['ready_for_delivery', villageRoom, back.id]);
      const last = await t.ctx.db.selectFrom('case_events').select(['action', 'opinion']).where('case_id', '=', id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(last, { action: 'reply', opinion: `办结回送（批次 ${back.number}）` });
    }
    // Handing over needs the cadre's sign-for first.
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${back.id}/cases/${ids[0]}/deliver`, 'huanglong', {}), 409, [
      { pointer: '#/caseId', code: 'NOT_SIGNED' },
    ]);
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${back.id}/cases/${ids[0]}/receive`, 'dhs_shouli_1', {}), 403);
    const signed = await t.send('POST', `/api/batches/${back.id}/cases/${ids[0]}/receive`, 'huanglong', {});
    assert.equal(signed.statusCode, 200, signed.body);
    assert.equal((await auditRows('batch.case_received', back.id)).length, 1);
    const checked = await t.send('POST', `/api/batches/${back.id}/check`, 'huanglong', { version: signed.json().version });
    assert.deepEqual(checked.json().cases.map((x: Json) => x.status), ['received', 'missing']);
    assert.equal((await auditRows('batch.case_missing', ids[1]!)).length, 1);

    t.clock.advance(HOUR);
    const handed = await t.send('POST', `/api/batches/${back.id}/cases/${ids[0]}/deliver`, 'huanglong', { opinion: '已交本人' });
    assert.equal(handed.statusCode, 200, handed.body);
    assert.equal(handed.json().cases[0].status, 'delivered');
    const finished = await t.send('GET', `/api/cases/${ids[0]}`, 'huanglong');
    assert.equal(finished.json().state, 'finished');
    const last = finished.json().events.at(-1);
    assert.deepEqual([last.action, last.data.method, last.opinion], ['deliver', 'village_cadre', '已交本人']);
    // A result handed over from the case's own page counts as delivered at the check, not missing.
    const third = await acceptedCase();
    const out3 = (await create('huanglong', { kind: 'outgoing', caseIds: [third] })).json();
    await t.send('POST', `/api/batches/${out3.id}/send`, 'huanglong', { version: out3.version });
    await act('dhs_shouli_1', third, 'receive');
    await act('dhs_shouli_1', third, 'transfer');
    for (const step of ['receive', 'complete_stage']) await act('dhs_sifasuo', third, step);
    await act('dhs_sifasuo', third, 'decide', { outcome: 'approve' });
    await act('dhs_sifasuo', third, 'reply');
    const back3 = (await create('dhs_shouli_1', { kind: 'return', villageId: village, caseIds: [third] })).json();
    const sent3 = (await t.send('POST', `/api/batches/${back3.id}/send`, 'dhs_shouli_1', { version: back3.version })).json();
    await act('huanglong', third, 'deliver', { method: 'village_cadre' });
    const checked3 = (await t.send('POST', `/api/batches/${back3.id}/check`, 'huanglong', { version: sent3.version })).json();
    assert.deepEqual([checked3.cases[0].status, checked3.missingCount], ['delivered', 0]);
    assert.equal(checked3.cases[0].deliveredBy.id, await t.userId('huanglong'));

    // The missing one, once found and signed, is handed over too.
    await t.send('POST', `/api/batches/${back.id}/cases/${ids[1]}/receive`, 'huanglong', {});
    const second = await t.send('POST', `/api/batches/${back.id}/cases/${ids[1]}/deliver`, 'huanglong', {});
    assert.equal(second.statusCode, 200, second.body);
    assert.equal((await caseRow(ids[1]!)).state, 'finished');
    await refusedWithoutChange(() => t.send('POST', `/api/batches/${back.id}/cases/${ids[1]}/deliver`, 'huanglong', {}), 409, [
      { pointer: '#/caseId', code: 'NOT_SIGNED' },
    ]);
  });

  it('records a case signed on its own page, or sent back (退回), as such at the check — not as missing', async () => {
    const [a, b] = [await acceptedCase(), await acceptedCase()];
    const made = (await create('huanglong', { kind: 'outgoing', caseIds: [a, b] })).json();
    const sent = (await t.send('POST', `/api/batches/${made.id}/send`, 'huanglong', { version: made.version })).json();
    await act('dhs_shouli_1', a, 'receive');
    await act('dhs_shouli_1', b, 'return', { reason: '材料不清晰，请重新扫描' });
    const checked = await t.send('POST', `/api/batches/${made.id}/check`, 'dhs_shouli_1', { version: sent.version });
    assert.equal(checked.statusCode, 200, checked.body);
    assert.deepEqual(checked.json().cases.map((x: Json) => x.status), ['received', 'returned']);
    assert.equal(checked.json().missingCount, 0);
    assert.equal(checked.json().cases[0].signedBy.id, await t.userId('dhs_shouli_1'));
    // The returned case is back at the village room and may travel in a new batch.
    const again = await create('huanglong', { kind: 'outgoing', caseIds: [b] });
    assert.equal(again.statusCode, 201, again.body);
  });
});
