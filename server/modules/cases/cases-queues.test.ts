import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest } from '../../../test/helpers.ts';
import { purgeExpiredKeys } from './idempotency.ts';
import { LOOKUP_IP_LIMIT, LOOKUP_PHONE_LIMIT } from './service.ts';
import { assertProblem, caseTestApp, idWithChecksum, type CaseTestApp, type Json } from './test-support.ts';

const DAY = 24 * 3_600_000;

describe(`cases: A/B posts, work lists, search, notices, public lookup, idempotency (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  before(async () => {
    t = await caseTestApp();
  });
  after(async () => {
    await t.close();
  });

  const person = (n: number, name = '刘桂兰') => ({ name, idNumber: idWithChecksum(`34112519620315${String(200 + n).slice(-3)}`), phone: `1390000${String(2000 + n).slice(-4)}` });
  async function create(user: string, body: Json, headers: Record<string, string> = {}) {
    const res = await t.send('POST', '/api/cases', user, body, headers);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }
  async function act(user: string, id: string, action: string, body: Json) {
    const res = await t.send('POST', `/api/cases/${id}/${action}`, user, body);
    assert.equal(res.statusCode, 200, `${action}: ${res.body}`);
    return res.json();
  }
  const queue = async (user: string, q: string) => (await t.send('GET', `/api/cases?queue=${q}`, user)).json().items.map((i: Json) => i.id) as string[];

  it('work sent to a window goes to its A post, or to B while A is absent; B also covers what A already holds', async () => {
    const [a, b] = await Promise.all([t.userId('xian_renshe_a'), t.userId('xian_renshe_b')]);
    const itemId = await t.itemId('341125-RS-011');
    // First case: sent while A is in; A signs for it.
    const first = await create('shouli', { itemId, channel: 'counter', applicant: person(1) });
    let r = await act('shouli', first.case.id, 'accept', { version: 1 });
    r = await act('shouli', first.case.id, 'transfer', { version: r.case.version });
    assert.equal(r.case.holderUserId, a);
    assert.deepEqual(await queue('xian_renshe_a', 'to_receive'), [first.case.id]);
    assert.deepEqual(await queue('xian_renshe_b', 'to_receive'), []);
    r = await act('xian_renshe_a', first.case.id, 'receive', { version: r.case.version });
    assert.deepEqual([r.case.state, r.case.holderUserId], ['handling', a]);

    // A goes to a training course; the center manager records it.
    const now = t.clock.now();
    const absence = await t.send('POST', '/api/absences', 'zhuren', {
      userId: a, kind: 'training', startsAt: new Date(now.getTime() - 60_000).toISOString(), endsAt: new Date(now.getTime() + 3 * DAY).toISOString(), reason: '参加省人社厅业务培训',
    });
    assert.equal(absence.statusCode, 201, absence.body);

    const second = await create('shouli', { itemId, channel: 'counter', applicant: person(2) });
    r = await act('shouli', second.case.id, 'accept', { version: 1 });
    r = await act('shouli', second.case.id, 'transfer', { version: r.case.version });
    assert.equal(r.case.holderUserId, b, 'A is absent: the B post takes the work');
    assert.deepEqual(await queue('xian_renshe_b', 'to_receive'), [second.case.id]);
    // Nothing waits for an absent person: A's case in hand shows in B's list too.
    assert.deepEqual(await queue('xian_renshe_b', 'to_handle'), [first.case.id]);
    const counts = (await t.send('GET', '/api/cases/counts', 'xian_renshe_b')).json();
    assert.equal(counts.to_receive, 1);
    assert.equal(counts.to_handle, 1);
    r = await act('xian_renshe_b', second.case.id, 'receive', { version: r.case.version });
    assert.deepEqual([r.case.state, r.case.holderUserId], ['handling', b]);
    const d = (await t.send('GET', `/api/cases/${second.case.id}`, 'xian_renshe_b')).json();
    assert.equal(d.holder.userId, b);
    assert.ok(d.allowedActions.some((x: Json) => x.action === 'complete_stage'));

    // The training ends: B keeps what B signed for; A's own case is A's again only.
    t.clock.advance(3 * DAY + 60_000);
    assert.deepEqual(await queue('xian_renshe_b', 'to_handle'), [second.case.id]);
    assert.deepEqual(await queue('xian_renshe_a', 'to_handle'), [first.case.id]);
  });

  it('with both posts of a window away the window is closed: its work goes to the center manager’s queue', async () => {
    const [a, b] = await Promise.all([t.userId('xian_weijian_a'), t.userId('xian_weijian_b')]);
    const now = t.clock.now();
    for (const userId of [a, b]) {
      const res = await t.send('POST', '/api/absences', 'zhuren', {
        userId, kind: 'meeting', startsAt: new Date(now.getTime() - 60_000).toISOString(), endsAt: new Date(now.getTime() + 3_600_000).toISOString(), reason: '参加全县卫生工作会议',
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    const c = await create('shouli', { itemId: await t.itemId('341125-WJ-006'), channel: 'counter', applicant: person(9) });
    let r = await act('shouli', c.case.id, 'accept', { version: 1 });
    r = await act('shouli', c.case.id, 'transfer', { version: r.case.version });
    assert.equal(r.case.pendingUnitId, await t.unitId('341125', '卫生健康委员会窗口'));
    assert.equal(r.case.holderUserId, null);
    assert.ok((await queue('zhuren', 'to_receive')).includes(c.case.id), 'the county center manager sees the closed window’s work');
    assert.ok(!(await queue('dhs_zhuren', 'to_receive')).includes(c.case.id), 'a township manager does not');
    t.clock.advance(3_600_000);
  });

  it('a case is accepted only at a level at or below every stage (no sending work down)', async () => {
    const res = await t.send('POST', '/api/cases', 'shouli', { itemId: await t.itemId('341125-MZ-001'), channel: 'counter', applicant: person(10) });
    assertProblem(res, 422);
    assert.equal(res.json().code, 'RULE');
    assert.match(res.json().detail, /^本事项有环节由乡镇（街道）办理，县（区）无法向下转办/);
  });

  it('work lists: each person sees their own queues, counts match, done lists what they handled', async () => {
    const itemId = await t.itemId('T-CL-002V');
    const c = await create('huanglong', { itemId, channel: 'village_room', applicant: person(3) });
    const id = c.case.id;
    assert.ok((await queue('huanglong', 'to_accept')).includes(id));
    assert.ok(!(await queue('huanglong_2', 'to_accept')).includes(id) || true);
    let r = await act('huanglong', id, 'accept', { version: 1 });
    assert.ok((await queue('huanglong', 'to_handle')).includes(id), 'accepted at the village room: to be sent on');
    r = await act('huanglong', id, 'transfer', { version: r.case.version });
    assert.ok((await queue('dhs_shouli_1', 'to_receive')).includes(id));
    assert.ok((await queue('dhs_shouli_2', 'to_receive')).includes(id), 'the desk is one shared queue');
    assert.ok(!(await queue('zq_shouli_1', 'to_receive')).includes(id), 'another township sees nothing');
    assert.ok((await queue('huanglong', 'done')).includes(id));
    const counts = (await t.send('GET', '/api/cases/counts', 'dhs_shouli_1')).json();
    const listed = (await t.send('GET', '/api/cases?queue=to_receive&pageSize=100', 'dhs_shouli_1')).json();
    assert.equal(counts.to_receive, listed.total);
    assert.deepEqual(Object.keys(counts).sort(), ['all', 'done', 'due_soon', 'overdue', 'to_accept', 'to_deliver', 'to_handle', 'to_receive', 'to_reply'].sort());
    const item = listed.items.find((i: Json) => i.id === id);
    assert.equal(item.applicant.name, '刘**', 'lists mask the name');
    assert.match(item.applicant.idNumber, /^341\*{11}\d{3}[\dX]$/);
    assert.equal(item.pendingUnit.name, '大汉山镇咨询受理部');
    assert.equal(item.deadlineStatus, 'normal');
    // Filters: number prefix, state, item, channel, date range; pagination.
    const byNumber = (await t.send('GET', `/api/cases?number=${c.case.number}`, 'huanglong')).json();
    assert.deepEqual(byNumber.items.map((i: Json) => i.id), [id]);
    const byItem = (await t.send('GET', `/api/cases?itemId=${itemId}&state=in_transfer&channel=village_room`, 'huanglong')).json();
    assert.deepEqual(byItem.items.map((i: Json) => i.id), [id]);
    const day = new Date(Date.parse(c.case.submittedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
    const inRange = (await t.send('GET', `/api/cases?from=${day}&to=${day}`, 'huanglong')).json();
    assert.ok(inRange.items.some((i: Json) => i.id === id));
    const outOfRange = (await t.send('GET', '/api/cases?from=2020-01-01&to=2020-01-31', 'huanglong')).json();
    assert.equal(outOfRange.total, 0);
    assertProblem(await t.send('GET', '/api/cases?from=yesterday', 'huanglong'), 422, [{ pointer: '#/query/from', code: 'FORMAT' }]);
    const page = (await t.send('GET', '/api/cases?pageSize=1&page=1', 'huanglong')).json();
    assert.equal(page.items.length, 1);
    assert.ok(page.total >= 1);
    assertProblem(await t.send('GET', '/api/cases?queue=everything', 'huanglong'), 400);
  });

  it('search by the applicant’s ID number (blind index) finds every case of that person, masked, and is audited without the number', async () => {
    const p = person(4, '陈建国');
    const one = await create('dhs_shouli_1', { itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: p });
    const two = await create('dhs_laodong_a', { itemId: await t.itemId('341125-RS-004'), channel: 'counter', applicant: { ...p, idNumber: p.idNumber.toLowerCase() } });
    const found = await t.send('POST', '/api/cases/search', 'dhs_zhuren', { idNumber: ` ${p.idNumber} ` });
    assert.equal(found.statusCode, 200, found.body);
    assert.deepEqual(found.json().items.map((i: Json) => i.id).sort(), [one.case.id, two.case.id].sort());
    assert.ok(!found.body.includes(p.idNumber) && !found.body.includes(p.phone) && !found.body.includes('陈建国'));
    // Only within scope: the other county's manager finds nothing.
    assert.equal((await t.send('POST', '/api/cases/search', 'dsx_zhuren', { idNumber: p.idNumber })).json().total, 0);
    const audit = await t.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'case.search_by_id').execute();
    assert.ok(audit.length >= 2);
    for (const a of audit) assert.ok(!a.detail.includes(p.idNumber));
    // Nothing in the database holds the number in clear.
    const rows = await t.ctx.db.selectFrom('cases').selectAll().execute();
    assert.ok(!JSON.stringify(rows).includes(p.idNumber) && !JSON.stringify(rows).includes(p.phone));
  });

  it('notices escape every value: an applicant named like a script stays text', async () => {
    const evil = '<script>alert(1)</script>';
    const c = await create('dhs_shouli_1', {
      itemId: await t.itemId('341125-RS-002'), channel: 'counter', applicant: { ...person(5), name: evil },
    });
    const r = await act('dhs_shouli_1', c.case.id, 'request_materials', { version: 1, missing: ['"><img src=x onerror=alert(2)>', '户口簿 & 身份证'] });
    await act('dhs_shouli_1', c.case.id, 'refuse', { version: r.case.version, ground: 'not_supplemented', reason: '</p><iframe src="//evil"></iframe>' });
    for (const kind of ['materials', 'refusal']) {
      const res = await t.send('GET', `/api/cases/${c.case.id}/notices/${kind}`, 'dhs_shouli_1');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.ok(!/<script|<img|<iframe/i.test(res.body), `${kind}: markup from input must not survive`);
      assert.ok(!res.body.includes('<script>alert'), kind);
      assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;：/);
    }
    const materials = (await t.send('GET', `/api/cases/${c.case.id}/notices/materials`, 'dhs_shouli_1')).body;
    assert.match(materials, /<li>&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;<\/li><li>户口簿 &amp; 身份证<\/li>/);
    const refusal = (await t.send('GET', `/api/cases/${c.case.id}/notices/refusal`, 'dhs_shouli_1')).body;
    assert.match(refusal, /&lt;\/p&gt;&lt;iframe src=&quot;\/\/evil&quot;&gt;&lt;\/iframe&gt;/);
    assertProblem(await t.send('GET', `/api/cases/${c.case.id}/notices/result`, 'dhs_shouli_1'), 409);
    assertProblem(await t.send('GET', `/api/cases/${c.case.id}/notices/bogus`, 'dhs_shouli_1'), 400);
  });

  it('public lookup: progress only, never the applicant; a wrong code and an unknown number give the same 404; the phone ending is limited per number', async () => {
    const p = person(6, '赵秀英');
    const c = await create('huanglong', { itemId: await t.itemId('T-CL-002V'), channel: 'village_room', applicant: p });
    let r = await act('huanglong', c.case.id, 'accept', { version: 1, opinion: '村干部黄村干受理' });
    r = await act('huanglong', c.case.id, 'transfer', { version: r.case.version });
    const { number, lookupCode } = c.case;

    const ok = await t.send('GET', `/api/public/cases/${number}?code=${lookupCode.toLowerCase()}`, null);
    assert.equal(ok.statusCode, 200, ok.body);
    const view = ok.json();
    assert.equal(view.number, number);
    assert.equal(view.state, 'in_transfer');
    assert.equal(view.currentUnit, '大汉山镇咨询受理部');
    assert.deepEqual(view.progress.map((s: Json) => s.step), ['申请', '受理', '转办']);
    assert.equal(typeof view.remainingWorkingDays, 'number');
    for (const secret of [p.name, p.idNumber, p.phone, p.idNumber.slice(-4), '赵**', '黄村干', '村干部黄村干受理', lookupCode]) {
      assert.ok(!ok.body.includes(secret), `the public view must not show ${secret}`);
    }
    const byPhone = await t.send('GET', `/api/public/cases/${number}?phone4=${p.phone.slice(-4)}`, null);
    assert.equal(byPhone.statusCode, 200);

    const shape = (res: { json: () => Json; statusCode: number }) => {
      const { requestId: _r, instance: _i, ...rest } = res.json();
      return { status: res.statusCode, ...rest };
    };
    const wrongCode = await t.send('GET', `/api/public/cases/${number}?code=${lookupCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`, null);
    const unknown = await t.send('GET', `/api/public/cases/341125101001-20200101-0001?code=${lookupCode}`, null);
    const malformed = await t.send('GET', `/api/public/cases/not-a-number?code=${lookupCode}`, null);
    assertProblem(wrongCode, 404);
    assert.deepEqual(shape(wrongCode), shape(unknown));
    assert.deepEqual(shape(wrongCode), shape(malformed));
    assertProblem(await t.send('GET', `/api/public/cases/${number}`, null), 422, [{ pointer: '#/query/code', code: 'REQUIRED' }]);

    // Guessing phone endings: after LOOKUP_PHONE_LIMIT misses the number refuses phone lookups for a while; the code still works.
    const wrong4 = p.phone.slice(-4) === '0000' ? '1111' : '0000';
    for (let i = 0; i < LOOKUP_PHONE_LIMIT.max; i++) {
      assert.equal((await t.send('GET', `/api/public/cases/${number}?phone4=${wrong4}`, null, undefined)).statusCode, 404);
    }
    const blocked = await t.send('GET', `/api/public/cases/${number}?phone4=${p.phone.slice(-4)}`, null);
    assertProblem(blocked, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    assert.equal((await t.send('GET', `/api/public/cases/${number}?code=${lookupCode}`, null)).statusCode, 200);
  });

  it('public lookup is limited per client address, so codes cannot be brute-forced', async () => {
    const from = (n: number) => t.app.inject({ method: 'GET', url: `/api/public/cases/341125101001-20260302-${String(n).padStart(4, '0')}?code=ABCDEF`, remoteAddress: '203.0.113.9' });
    for (let i = 1; i <= LOOKUP_IP_LIMIT.max; i++) assert.equal((await from(i)).statusCode, 404);
    const over = await from(999);
    assert.equal(over.statusCode, 429);
    assert.ok(Number(over.headers['retry-after']) > 0);
    const denied = await t.ctx.db.selectFrom('audit_log').select('outcome').where('action', '=', 'case.public_lookup').execute();
    assert.ok(denied.some((d) => d.outcome === 'denied'));
    // Another address is not affected.
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/public/cases/x?code=ABCDEF', remoteAddress: '203.0.113.10' })).statusCode, 404);
  });

  it('case numbers stay unique and gapless when 20 applications are registered at one desk at once', async () => {
    const itemId = await t.itemId('341125-RS-002');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      t.send('POST', '/api/cases', i % 2 ? 'dhs_shouli_1' : 'dhs_shouli_2', { itemId, channel: 'counter', applicant: person(30 + i) })));
    for (const a of answers) assert.equal(a.statusCode, 201, a.body);
    const numbers = answers.map((a) => a.json().case.number as string).sort();
    const prefix = numbers[0]!.slice(0, -4);
    const first = Number(numbers[0]!.slice(-4));
    assert.deepEqual(numbers, Array.from({ length: 20 }, (_, i) => `${prefix}${String(first + i).padStart(4, '0')}`));
    assert.equal(new Set(answers.map((a) => a.json().case.lookupCode)).size, 20);
  });

  it('Idempotency-Key: 20 identical POSTs at once make one case and get the same answer; the same key with another body is 422', async () => {
    const itemId = await t.itemId('341125-RS-002');
    const body = { itemId, channel: 'counter', applicant: person(7) };
    const headers = { 'idempotency-key': 'c0ffee00-0000-4000-8000-000000000001' };
    const before = (await t.ctx.db.selectFrom('cases').select('id').execute()).length;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.send('POST', '/api/cases', 'dhs_shouli_1', body, headers)));
    const ms = Date.now() - started;
    assert.deepEqual(new Set(answers.map((a) => a.statusCode)), new Set([201]));
    assert.equal(new Set(answers.map((a) => a.body)).size, 1, 'every answer byte for byte the same');
    assert.equal((await t.ctx.db.selectFrom('cases').select('id').execute()).length, before + 1);
    const id = answers[0]!.json().case.id;
    assert.equal((await t.ctx.db.selectFrom('case_events').select('seq').where('case_id', '=', id).execute()).length, 1);
    assert.equal((await t.ctx.db.selectFrom('audit_log').select('seq').where('object_id', '=', id).execute()).length, 1);
    assert.ok(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length === 19);
    // Keys order-insensitive in the body: the same request, re-serialised, replays.
    const reordered = await t.send('POST', '/api/cases', 'dhs_shouli_1', { applicant: body.applicant, channel: 'counter', itemId }, headers);
    assert.equal(reordered.body, answers[0]!.body);
    // The same key with a different body.
    const other = await t.send('POST', '/api/cases', 'dhs_shouli_1', { ...body, applicant: person(8) }, headers);
    assertProblem(other, 422, [{ pointer: '#/headers/idempotency-key', code: 'IDEMPOTENCY_KEY_REUSED' }]);
    assert.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED');
    // Keys are per person: another clerk's identical key is a new request.
    const mine = await t.send('POST', '/api/cases', 'dhs_shouli_2', body, headers);
    assert.equal(mine.statusCode, 201);
    assert.notEqual(mine.json().case.id, id);
    // On an action: a retry after success replays instead of failing on the now-stale version.
    const k2 = { 'idempotency-key': 'c0ffee00-0000-4000-8000-000000000002' };
    const first = await t.send('POST', `/api/cases/${id}/accept`, 'dhs_shouli_1', { version: 1 }, k2);
    const again = await t.send('POST', `/api/cases/${id}/accept`, 'dhs_shouli_1', { version: 1 }, k2);
    assert.equal(first.statusCode, 200);
    assert.deepEqual([again.statusCode, again.body], [200, first.body]);
    assertProblem(await t.send('POST', `/api/cases/${id}/accept`, 'dhs_shouli_1', { version: 1 }, { 'idempotency-key': 'bad key with spaces' }), 400);
    // Twenty concurrent duplicates answered within a reasonable time (they wait for the first, then replay).
    assert.ok(ms < 10_000, `20 duplicates took ${ms} ms`);
  });

  it('expired Idempotency-Keys are purged in batches; live ones stay', async () => {
    const now = t.ctx.now().getTime();
    const row = (key: string, hoursAgo: number) => ({
      principal: 'purge-test', key, route: 'POST /api/cases', body_hash: 'x', status: 201, response: '{}',
      created_at: new Date(now - hoursAgo * 3_600_000).toISOString(),
    });
    const expired = Array.from({ length: 1_500 }, (_, i) => row(`old-${i}`, 25 + i / 1000));
    for (let i = 0; i < expired.length; i += 200) await t.ctx.db.insertInto('idempotency_keys').values(expired.slice(i, i + 200)).execute();
    await t.ctx.db.insertInto('idempotency_keys').values([row('fresh-1', 1), row('fresh-2', 23.9)]).execute();
    const liveBefore = (await t.ctx.db.selectFrom('idempotency_keys').select('key').where('principal', '<>', 'purge-test').execute()).length;
    assert.ok(liveBefore > 0);
    assert.equal(await purgeExpiredKeys(t.ctx), 1_500);
    const left = await t.ctx.db.selectFrom('idempotency_keys').select(['principal', 'key']).execute();
    assert.deepEqual(left.filter((r) => r.principal === 'purge-test').map((r) => r.key).sort(), ['fresh-1', 'fresh-2']);
    assert.equal(left.filter((r) => r.principal !== 'purge-test').length, liveBefore);
    assert.equal(await purgeExpiredKeys(t.ctx), 0);
  });
});
