import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest } from '../../../test/helpers.ts';
import { assertProblem, caseTestApp, idWithChecksum, type CaseTestApp, type Json, type Res } from '../cases/test-support.ts';
import { sweep } from './sweep.ts';

const DAY = 86_400_000;

describe(`supervision: signals, sweep, follow-up, rules and summary (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  let serial = 0;
  let county: string;
  let village: string;
  before(async () => {
    t = await caseTestApp();
    const orgs = await t.ctx.db.selectFrom('orgs').select(['id', 'code']).where('code', 'in', ['341125', '341125101001']).execute();
    county = orgs.find((o) => o.code === '341125')!.id;
    village = orgs.find((o) => o.code === '341125101001')!.id;
  });
  after(async () => {
    await t.close();
  });

  const applicant = () => {
    serial++;
    return { name: '李四', idNumber: idWithChecksum(`34112519700101${String(100 + serial).slice(-3)}`), phone: `1390001${String(1000 + serial).slice(-4)}` };
  };

  async function villageCase(accept = true): Promise<Json> {
    const res = await t.send('POST', '/api/cases', 'huanglong', { itemId: await t.itemId('341125-SF-001'), channel: 'village_room', applicant: applicant() });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json().case;
    if (!accept) return c;
    const ok = await t.send('POST', `/api/cases/${c.id}/accept`, 'huanglong', { version: c.version });
    assert.equal(ok.statusCode, 200, ok.body);
    return ok.json().case;
  }

  const put = async (user: string, payload: unknown): Promise<Res> => {
    const cookie = await t.as(user);
    return t.app.inject({ method: 'PUT', url: '/api/supervision/rules', headers: { cookie }, payload: payload as object }) as unknown as Promise<Res>;
  };
  const watch = (caseId: string) => t.ctx.db.selectFrom('case_watch').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  const signalsOf = (caseId: string) => t.ctx.db.selectFrom('signals').selectAll().where('case_id', '=', caseId).orderBy('rule').execute();

  it('a case write keeps the next threshold moment in case_watch, and removes it at the end', async () => {
    const draft = await villageCase(false);
    assert.equal(await watch(draft.id), undefined, 'nothing to watch before acceptance');
    const accepted = await t.send('POST', `/api/cases/${draft.id}/accept`, 'huanglong', { version: draft.version });
    const w = await watch(draft.id);
    assert.ok(w, 'watched once accepted');
    assert.ok(Date.parse(w.next_at) > t.clock.now().getTime());
    const withdrawn = await t.send('POST', `/api/cases/${draft.id}/withdraw`, 'huanglong', { version: accepted.json().case.version, reason: '申请人撤回' });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal(await watch(draft.id), undefined);
    assert.deepEqual(await signalsOf(draft.id), []);
  });

  it('a refusal with a placeholder reason gets a red card at once, inside the refusal\'s transaction', async () => {
    const c = await villageCase(false);
    const res = await t.send('POST', `/api/cases/${c.id}/refuse`, 'huanglong', { version: c.version, ground: 'ineligible', reason: '无' });
    assert.equal(res.statusCode, 200, res.body);
    const s = await signalsOf(c.id);
    assert.deepEqual(s.map((x) => [x.rule, x.level, x.stage_index]), [['no_reason', 'red', -1]]);
    assert.equal(s[0]!.responsible_user_id, await t.userId('huanglong'), 'the cadre who refused answers for it');
    const steps = await t.ctx.db.selectFrom('signal_steps').selectAll().where('signal_id', '=', s[0]!.id).execute();
    assert.deepEqual(steps.map((x) => x.step), ['raise']);
  });

  let overdue: Json;
  it('the sweep raises the overdue cards once, names the unit and its head, notifies, and moves the case on', async () => {
    overdue = await villageCase();
    const w = await watch(overdue.id);
    assert.ok(w);
    t.clock.advance(40 * DAY);
    const res = await t.send('POST', '/api/supervision/sweep', 'jiancha');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.ok(body.raised >= 2, res.body);
    const s = await signalsOf(overdue.id);
    assert.deepEqual(s.map((x) => [x.rule, x.level]), [['case_overdue', 'red'], ['stage_overdue', 'yellow']]);
    const room = await t.ctx.db.selectFrom('units').select(['id', 'head_user_id']).where('id', '=', await t.unitId('341125101001', '便民服务室')).executeTakeFirstOrThrow();
    const head = room.head_user_id!;
    assert.ok(head);
    for (const x of s) {
      assert.equal(x.unit_id, room.id);
      assert.equal(x.head_user_id, head, 'the room\'s head');
      assert.equal(x.responsible_user_id, null, 'a village room is a shared queue');
      assert.equal(x.status, 'open');
      assert.match(x.basis, /\p{Script=Han}/u);
      assert.ok(Date.parse(x.feedback_due_at) > Date.parse(x.raised_at));
    }
    const inbox = await t.ctx.db.selectFrom('notifications').select(['user_id', 'signal_id']).where('signal_id', 'in', s.map((x) => x.id)).execute();
    assert.equal(inbox.length, 2);
    assert.ok(inbox.every((n) => n.user_id === head));
    assert.equal(await watch(overdue.id), undefined, 'nothing further can fall due by default: no longer watched');
    const again = await t.send('POST', '/api/supervision/sweep', 'jiancha');
    assert.equal(again.json().raised, 0);
    assert.equal((await signalsOf(overdue.id)).length, 2);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'supervision.sweep').execute();
    assert.equal(audit.length, 2);
  });

  it('concurrent sweeps over the same due cases raise each signal once and notify once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await villageCase()).id);
    t.clock.advance(40 * DAY);
    const results = await Promise.all(Array.from({ length: 5 }, () => sweep(t.ctx, { pageSize: 2 })));
    const signals = await t.ctx.db.selectFrom('signals').select(['id', 'case_id', 'rule']).where('case_id', 'in', ids).execute();
    assert.equal(signals.length, 12);
    assert.equal(results.reduce((n, r) => n + r.raised, 0), signals.length + 0 * 1, 'the raised counts add up to the signals, none twice');
    const inbox = await t.ctx.db.selectFrom('notifications').select('signal_id').where('signal_id', 'in', signals.map((s) => s.id)).execute();
    assert.equal(inbox.length, 12);
  });

  it('only supervisors and admins sweep on demand', async () => {
    assertProblem(await t.send('POST', '/api/supervision/sweep', 'huanglong'), 403);
  });

  let signalId: string;
  it('lists signals in the reader\'s scope only, with filters and pages', async () => {
    const all = await t.send('GET', '/api/supervision/signals?pageSize=100', 'jiancha');
    assert.equal(all.statusCode, 200, all.body);
    assert.ok(all.json().total >= 15);
    const red = await t.send('GET', `/api/supervision/signals?level=red&caseId=${overdue.id}`, 'jiancha');
    assert.deepEqual(red.json().items.map((x: Json) => x.rule), ['case_overdue']);
    signalId = red.json().items[0].id;
    assert.equal(red.json().items[0].levelLabel, '红牌');
    const page = await t.send('GET', '/api/supervision/signals?pageSize=2&page=2&status=active', 'jiancha');
    assert.equal(page.json().items.length, 2);
    // A cadre of another village sees none of them; a desk clerk of the county sees only the county's own.
    const other = await t.send('GET', '/api/supervision/signals', 'dhs_shouli_1');
    assert.equal(other.statusCode, 200);
    const huanglong = await t.send('GET', '/api/supervision/signals', 'huanglong');
    assert.ok(huanglong.json().total >= 15, 'the village room\'s own cadre sees its cards');
    const countyClerk = await t.send('GET', '/api/supervision/signals', 'shouli');
    assert.equal(countyClerk.json().total, 0);
    assertProblem(await t.send('GET', '/api/supervision/signals?from=yesterday', 'jiancha'), 422, [{ pointer: '#/query/from', code: 'FORMAT' }]);
    const today = t.clock.now().toISOString().slice(0, 10);
    assert.ok((await t.send('GET', `/api/supervision/signals?from=2026-01-01&to=${today}`, 'jiancha')).json().total >= 15);
    // Another county's org: 404, audited.
    const otherCounty = await t.ctx.db.selectFrom('orgs').select('id').where('code', '=', '341126').executeTakeFirstOrThrow();
    assertProblem(await t.send('GET', `/api/supervision/signals?orgId=${otherCounty.id}`, 'huanglong'), 404);
  });

  it('follow-up: the unit acknowledges, explains and rectifies; the supervisor closes; stale versions and wrong sides are refused', async () => {
    const get = async (user: string) => {
      const r = await t.send('GET', `/api/supervision/signals/${signalId}`, user);
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    };
    const head = 'dhs_zhuren';
    let s = await get(head);
    assert.deepEqual(s.allowedSteps, ['acknowledge', 'explain', 'rectify', 'appeal']);
    assert.equal(s.case.id, overdue.id);
    assert.ok(s.headName);
    assertProblem(await t.send('POST', `/api/supervision/signals/${signalId}/close`, head, { version: s.version }), 403);
    assertProblem(await t.send('POST', `/api/supervision/signals/${signalId}/acknowledge`, 'jiancha', { version: s.version }), 403);
    assertProblem(await t.send('POST', `/api/supervision/signals/${signalId}/acknowledge`, head, { version: s.version + 5 }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
    let r = await t.send('POST', `/api/supervision/signals/${signalId}/acknowledge`, head, { version: s.version });
    assert.equal(r.statusCode, 200, r.body);
    assertProblem(await t.send('POST', `/api/supervision/signals/${signalId}/close`, 'jiancha', { version: r.json().version }), 409);
    assertProblem(await t.send('POST', `/api/supervision/signals/${signalId}/explain`, head, { version: r.json().version, text: ' ' }), 422, [{ pointer: '#/text', code: 'INVALID_INPUT' }]);
    r = await t.send('POST', `/api/supervision/signals/${signalId}/explain`, head, { version: r.json().version, text: '调解员外出培训，未及时办理' });
    assert.equal(r.statusCode, 200, r.body);
    r = await t.send('POST', `/api/supervision/signals/${signalId}/rectify`, 'huanglong', { version: r.json().version, text: '已补办并建立代班制度' });
    assert.equal(r.statusCode, 200, r.body);
    r = await t.send('POST', `/api/supervision/signals/${signalId}/close`, 'jiancha', { version: r.json().version, text: '核销' });
    assert.equal(r.statusCode, 200, r.body);
    s = r.json();
    assert.equal(s.status, 'closed');
    assert.ok(s.closedAt);
    assert.deepEqual(s.steps.map((x: Json) => x.step), ['raise', 'acknowledge', 'explain', 'rectify', 'close']);
    assert.deepEqual(s.allowedSteps, []);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', signalId).orderBy('seq').execute();
    assert.deepEqual(audit.map((a) => a.action), ['signal.acknowledge', 'signal.explain', 'signal.rectify', 'signal.close']);
    // Steps are append-only.
    await assert.rejects(t.ctx.db.updateTable('signal_steps').set({ text: 'x' }).where('signal_id', '=', signalId).execute());
    // Someone outside the scope: 404, audited.
    assertProblem(await t.send('GET', `/api/supervision/signals/${signalId}`, 'shouli'), 404);
    const denied = await t.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'access.denied').where('object_id', '=', signalId).execute();
    assert.equal(denied.length, 1);
  });

  it('appeal: rejected once, then escalated; a second appeal is refused; a supervisor revokes', async () => {
    const list = await t.send('GET', `/api/supervision/signals?caseId=${overdue.id}&level=yellow`, 'jiancha');
    const id = list.json().items[0].id;
    let v = list.json().items[0].version;
    const step = async (user: string, name: string, text?: string, status = 200) => {
      const r = await t.send('POST', `/api/supervision/signals/${id}/${name}`, user, { version: v, ...(text ? { text } : {}) });
      assert.equal(r.statusCode, status, r.body);
      if (status === 200) v = r.json().version;
      return r.json();
    };
    assert.equal((await step('dhs_zhuren', 'appeal', '本环节时限设置有误')).status, 'appealed');
    assert.equal((await step('jiancha', 'reject_appeal', '时限设置无误')).status, 'acknowledged');
    await step('dhs_zhuren', 'appeal', '再次申诉', 409);
    assert.equal((await step('jiancha', 'escalate', '移交县监察室督办')).status, 'escalated');
    assert.equal((await step('jiancha', 'revoke', '经复核，系统时限设置有误')).status, 'revoked');
    await step('dhs_zhuren', 'acknowledge', undefined, 409);
  });

  it('rules: read what is in force, change to a preset or a full configuration (audited, versioned), refuse bad input and stale versions', async () => {
    const r0 = await t.send('GET', `/api/supervision/rules?orgId=${county}`, 'jiancha');
    assert.equal(r0.statusCode, 200, r0.body);
    assert.equal(r0.json().inForce.version, 0);
    assert.equal(r0.json().version, 0);
    assert.ok(r0.json().presets.zhanjiang);
    const first = await put('jiancha', { orgId: county, version: 0, preset: 'zhanjiang' });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().version, 1);
    assert.equal(first.json().inForce.config.levels.case_oversight_overdue, 'red');
    // A village inherits its county's rules.
    const v = await t.send('GET', `/api/supervision/rules?orgId=${village}`, 'jiancha');
    assert.equal(v.json().inForce.orgId, county);
    assert.equal(v.json().inForce.inherited, true);
    assertProblem(await put('jiancha', { orgId: county, version: 0, preset: 'chengdu' }), 409, [{ pointer: '#/version', code: 'STALE_VERSION' }]);
    const bad = { ...first.json().inForce.config, warning: { days: 99, fraction: 0.2 }, levels: { ...first.json().inForce.config.levels, case_near: 'orange' } };
    assertProblem(await put('jiancha', { orgId: county, version: 1, config: bad }), 422,
      [{ pointer: '#/config/levels/case_near', code: 'INVALID' }, { pointer: '#/config/warning/days', code: 'INVALID' }]);
    const custom = { ...first.json().inForce.config, preset: 'custom', oversightDays: 5 };
    const ok = await put('jiancha', { orgId: county, version: 1, config: custom });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json().history.map((h: Json) => h.version), [2, 1]);
    const audit = await t.ctx.db.selectFrom('audit_log').select('detail').where('action', '=', 'supervision.rules').orderBy('seq').execute();
    assert.equal(audit.length, 2);
    assert.equal(JSON.parse(audit[1]!.detail).before.preset, 'zhanjiang');
    // Only supervisors change rules.
    assertProblem(await put('zhuren', { orgId: county, version: 2, preset: 'default' }), 404);
    // Back to the default for the tests that follow.
    const back = await put('jiancha', { orgId: county, version: 2, preset: 'default' });
    assert.equal(back.statusCode, 200, back.body);
  });

  it('the summary counts open signals by org and level, the newest signals and the overdue cases', async () => {
    const res = await t.send('GET', `/api/supervision/summary?orgId=${county}`, 'jiancha');
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json();
    assert.ok(s.open.red >= 7 && s.open.yellow >= 6, res.body);
    assert.ok(s.byOrg.length >= 1);
    assert.ok(s.newest.length > 0 && s.newest.length <= 10);
    assert.ok(s.overdueCases >= 7);
    const mine = await t.send('GET', '/api/supervision/summary', 'shouli');
    assert.deepEqual(mine.json().open, { warning: 0, yellow: 0, red: 0 });
  });

  it('the live stream sends the summary, then each new signal (not the ones raised before it connected)', async () => {
    t.clock.advance(60_000);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const cookie = await t.as('jiancha');
    const ctl = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/supervision/stream?orgId=${county}`, { headers: { cookie }, signal: ctl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 15_000;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`stream: no ${pattern} in ${text.slice(0, 500)}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += new TextDecoder().decode(value);
      }
    };
    try {
      await readUntil(/event: summary\ndata: \{.*"overdueCases"/);
      const c = await villageCase(false);
      const refused = await t.send('POST', `/api/cases/${c.id}/refuse`, 'huanglong', { version: c.version, ground: 'ineligible', reason: '/' });
      assert.equal(refused.statusCode, 200);
      // Raised by the hook (another process's signals arrive the same way, by the poll).
      await readUntil(new RegExp(`event: signal\\ndata: \\{[^\\n]*"caseId":"${c.id}"`));
      assert.equal((text.match(/event: signal\n/g) ?? []).length, 1, 'only the signal raised after connecting');
    } finally {
      // A failed assertion must not leave the stream open (the test process would never end).
      ctl.abort();
    }
  });
});
