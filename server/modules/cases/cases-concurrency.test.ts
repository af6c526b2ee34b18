// Reliability R1 (docs: reliability.md): many clients act on one case at the same moment. The
// optimistic version makes exactly one of them win each round; the rest get 409 problem+json and
// change nothing; the history equals the winners' actions, in order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest } from '../../../test/helpers.ts';
import { caseTestApp, idWithChecksum, type CaseTestApp, type Json } from './test-support.ts';

const CLIENTS = 50;
const ROUNDS = 200;

describe(`cases: conflicting actions on one case (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  before(async () => {
    t = await caseTestApp();
  });
  after(async () => {
    await t.close();
  });

  it(`${CLIENTS} clients × ${ROUNDS} rounds: exactly one winner per round, the others 409, the history is the winners'`, async () => {
    const post = async (user: string, url: string, body: Json) => {
      const res = await t.send('POST', url, user, body);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const created = await t.send('POST', '/api/cases', 'shouli', {
      itemId: await t.itemId('T-CL-002V'), channel: 'counter', applicant: { name: '孙立新', idNumber: idWithChecksum('34112519700808123'), phone: '13900001111' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().case.id;
    let r = await post('shouli', `/api/cases/${id}/accept`, { version: 1 });
    r = await post('shouli', `/api/cases/${id}/transfer`, { version: r.case.version });
    r = await post('xian_canlian', `/api/cases/${id}/receive`, { version: r.case.version });
    assert.equal(r.case.state, 'handling');
    const start = r.case.version;
    await t.as('xian_canlian');

    const winners: { round: number; action: string; reason: string | null; client: number }[] = [];
    const started = Date.now();
    let conflicts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const version = start + round;
      const suspend = round % 2 === 0;
      const bodies = Array.from({ length: CLIENTS }, (_, client) => (suspend
        ? { version, procedure: client % 2 ? 'site_survey' : 'expert_review', reason: `第${round}轮-客户端${client}`, expectedDays: (client % 5) + 1 }
        : { version, opinion: `第${round}轮-客户端${client}恢复` }));
      const answers = await Promise.all(bodies.map((body) => t.send('POST', `/api/cases/${id}/${suspend ? 'suspend' : 'resume'}`, 'xian_canlian', body)));
      const won = answers.flatMap((a, client) => (a.statusCode === 200 ? [client] : []));
      assert.equal(won.length, 1, `round ${round}: ${won.length} winners; statuses ${[...new Set(answers.map((a) => a.statusCode))]}`);
      for (const a of answers) {
        if (a.statusCode === 200) continue;
        assert.equal(a.statusCode, 409, a.body);
        assert.match(String(a.headers['content-type']), /^application\/problem\+json/);
        assert.equal(a.json().code, 'STALE_VERSION');
        conflicts++;
      }
      const client = won[0]!;
      const answer = answers[client]!.json();
      assert.equal(answer.case.version, version + 1);
      assert.equal(answer.case.state, suspend ? 'suspended' : 'handling');
      winners.push({ round, action: suspend ? 'suspend' : 'resume', reason: suspend ? `第${round}轮-客户端${client}` : null, client });
    }
    const ms = Date.now() - started;

    const row = await t.ctx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.version, start + ROUNDS);
    assert.equal(row.state, 'handling');
    assert.equal(JSON.parse(row.snapshot).version, row.version);
    const events = await t.ctx.db.selectFrom('case_events').selectAll().where('case_id', '=', id).orderBy('seq').execute();
    assert.equal(events.length, start + ROUNDS, 'one event per winning action, none for the losers');
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: events.length }, (_, i) => i + 1));
    const tail = events.slice(start);
    assert.deepEqual(tail.map((e) => e.action), winners.map((w) => w.action));
    assert.deepEqual(tail.map((e) => (e.action === 'suspend' ? JSON.parse(e.data).reason : null)), winners.map((w) => w.reason));
    assert.deepEqual(tail.map((e) => e.opinion).filter(Boolean), winners.filter((w) => w.action === 'resume').map((w) => `第${w.round}轮-客户端${w.client}恢复`));
    const audits = await t.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', id).execute();
    assert.equal(audits.length, events.length, 'exactly one audit row per winning action');
    assert.equal(conflicts, ROUNDS * (CLIENTS - 1));
    console.log(`# R1 ${engineUnderTest}: ${ROUNDS} rounds × ${CLIENTS} clients = ${ROUNDS * CLIENTS} requests in ${ms} ms (${Math.round((ROUNDS * CLIENTS) / (ms / 1000))} req/s)`);
  });
});
