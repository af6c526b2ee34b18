// GET /api/batches answers per-state and per-kind counts (the list's tab badges), in the person's scope,
// whatever page or state is asked for.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest } from '../../../test/helpers.ts';
import { caseTestApp, idWithChecksum, type CaseTestApp, type Json } from '../cases/test-support.ts';

describe(`batches: counts per state and kind on the list (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  let serial = 0;
  before(async () => {
    t = await caseTestApp();
  });
  after(() => t.close());

  async function acceptedCase(cadre: string): Promise<string> {
    serial++;
    const res = await t.send('POST', '/api/cases', cadre, {
      itemId: await t.itemId('341125-SF-001'), channel: 'village_room', attachments: ['调解申请书'],
      applicant: { name: '李四', idNumber: idWithChecksum(`34112519700101${String(100 + serial).slice(-3)}`), phone: `1370000${String(1000 + serial).slice(-4)}` },
    });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json().case;
    assert.equal((await t.send('POST', `/api/cases/${c.id}/accept`, cadre, { version: c.version })).statusCode, 200);
    return c.id;
  }
  async function batch(cadre: string, send: boolean): Promise<Json> {
    const made = await t.send('POST', '/api/batches', cadre, { kind: 'outgoing', caseIds: [await acceptedCase(cadre)] });
    assert.equal(made.statusCode, 201, made.body);
    if (!send) return made.json();
    const sent = await t.send('POST', `/api/batches/${made.json().id}/send`, cadre, { version: made.json().version });
    assert.equal(sent.statusCode, 200, sent.body);
    return sent.json();
  }
  const list = async (who: string, query = ''): Promise<Json> => {
    const r = await t.send('GET', `/api/batches${query}`, who);
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };

  it('counts every state and kind in scope, independent of the page and of the state asked for', async () => {
    await batch('huanglong', false);
    await batch('huanglong', true);
    await batch('huanglong', true);
    const cancelled = await batch('huanglong', false);
    assert.equal((await t.send('POST', `/api/batches/${cancelled.id}/cancel`, 'huanglong', { version: cancelled.version })).statusCode, 200);

    const all = await list('huanglong', '?pageSize=1');
    assert.equal(all.items.length, 1);
    assert.equal(all.total, 4);
    assert.deepEqual(all.counts, { all: 4, byState: { draft: 1, sent: 2, checked: 0, cancelled: 1 }, byKind: { outgoing: 4, return: 0 } });

    const sent = await list('huanglong', '?state=sent');
    assert.equal(sent.total, 2);
    assert.deepEqual(sent.counts.byState, all.counts.byState, 'the tabs keep their numbers while one is open');
    assert.deepEqual(sent.counts.byKind, { outgoing: 2, return: 0 });
    const returns = await list('huanglong', '?kind=return');
    assert.deepEqual(returns.counts.byState, { draft: 0, sent: 0, checked: 0, cancelled: 0 });

    // The township desk sees its villages' batches; drafts stay in the village but are counted in its scope the same way the list is.
    const desk = await list('dhs_shouli_1');
    assert.equal(desk.counts.all, desk.total);
    assert.equal(desk.counts.byState.sent, 2);
    // Another village's cadre sees none of them; nor does another township.
    assert.equal((await list('huanglong_2')).counts.all, 4, 'a second cadre of the same village');
    assert.equal((await list('zq_shouli_1')).counts.all, 0);
    assert.deepEqual((await list('admin')).counts, { all: 0, byState: { draft: 0, sent: 0, checked: 0, cancelled: 0 }, byKind: { outgoing: 0, return: 0 } });
  });
});
