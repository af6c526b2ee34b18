import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { engineUnderTest, testEnv, type TestEnv } from '../../../test/helpers.ts';
import { inTransaction } from '../../db/transaction.ts';
import { recordAudit, verifyAuditChain } from './service.ts';

const meta = { actor: null, ip: '10.0.0.7', requestId: 'req-1' };

/** What an attacker with database access would do first: switch the guard off. */
async function disableGuards(env: TestEnv) {
  if (env.ctx.engine === 'postgres') {
    await sql`alter table audit_log disable trigger user`.execute(env.ctx.db);
  } else {
    await sql`drop trigger audit_log_no_update`.execute(env.ctx.db);
    await sql`drop trigger audit_log_no_delete`.execute(env.ctx.db);
  }
}

async function appendRows(env: TestEnv, n: number) {
  for (let i = 0; i < n; i++) {
    await inTransaction(env.ctx.db, (tx) =>
      recordAudit(env.ctx, tx, meta, { action: 'test.event', objectType: 'thing', objectId: `t${i}`, detail: { i } }),
    );
  }
}

describe(`audit trail (${engineUnderTest})`, () => {
  let env: TestEnv;
  before(async () => {
    env = await testEnv({ seed: false });
    await appendRows(env, 10);
  });
  after(() => env.close());

  it('writes rows with a time, request id, IP and outcome, chained from the first', async () => {
    const rows = await env.ctx.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    assert.equal(rows.length, 10);
    assert.deepEqual(rows.map((r) => Number(r.seq)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(rows[0]!.prev_hash, '');
    assert.equal(rows[1]!.prev_hash, rows[0]!.hash);
    assert.match(rows[0]!.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(rows[0]!.ip, '10.0.0.7');
    assert.equal(rows[0]!.request_id, 'req-1');
    assert.equal(rows[0]!.outcome, 'ok');
    assert.deepEqual(await verifyAuditChain(env.ctx.db, env.ctx.config.secret), { ok: true, rows: 10 });
  });

  it('masks ID and phone numbers before they are stored', async () => {
    await inTransaction(env.ctx.db, (tx) =>
      recordAudit(env.ctx, tx, meta, { action: 'test.pii', objectType: 'thing', detail: { id: '11010519491231002X', phone: '13812341234' } }),
    );
    const row = await env.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'test.pii').executeTakeFirstOrThrow();
    assert.equal(row.detail, '{"id":"110***********002X","phone":"138****1234"}');
  });

  it('refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) at the database', async () => {
    await assert.rejects(env.ctx.db.updateTable('audit_log').set({ action: 'x' }).where('seq', '=', 1).execute(), /append-only/);
    await assert.rejects(env.ctx.db.deleteFrom('audit_log').where('seq', '=', 1).execute(), /append-only/);
    if (env.ctx.engine === 'postgres') await assert.rejects(sql`truncate audit_log`.execute(env.ctx.db), /append-only/);
  });

  it('rolls the business change back when the audit insert fails', async () => {
    const before = await env.ctx.db.selectFrom('orgs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await assert.rejects(inTransaction(env.ctx.db, async (tx) => {
      await tx.insertInto('orgs').values({
        id: 'o-rollback', code: 'RB', name: '回滚', level: 'county', parent_id: null, path: '/o-rollback/',
        address: null, phone: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', version: 1,
      }).execute();
      // A row that violates NOT NULL stands in for any failure of the audit write.
      await recordAudit(env.ctx, tx, { ...meta, ip: null as unknown as string }, { action: 'org.create', objectType: 'org' });
    }));
    const afterCount = await env.ctx.db.selectFrom('orgs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
    assert.equal((await verifyAuditChain(env.ctx.db, env.ctx.config.secret)).ok, true);
  });
});

describe(`audit chain tampering is found at the exact row (${engineUnderTest})`, () => {
  const cases: [string, (env: TestEnv) => Promise<void>, number][] = [
    ['one changed byte', async (env) => {
      const row = await env.ctx.db.selectFrom('audit_log').select('detail').where('seq', '=', 4).executeTakeFirstOrThrow();
      await env.ctx.db.updateTable('audit_log').set({ detail: row.detail.replace('3', '4') }).where('seq', '=', 4).execute();
    }, 4],
    ['one deleted row', async (env) => {
      await env.ctx.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
    }, 6],
    ['two swapped rows', async (env) => {
      await env.ctx.db.updateTable('audit_log').set({ seq: -1 }).where('seq', '=', 3).execute();
      await env.ctx.db.updateTable('audit_log').set({ seq: 3 }).where('seq', '=', 7).execute();
      await env.ctx.db.updateTable('audit_log').set({ seq: 7 }).where('seq', '=', -1).execute();
    }, 3],
    ['the last row deleted', async (env) => {
      await env.ctx.db.deleteFrom('audit_log').where('seq', '=', 8).execute();
    }, 8],
  ];
  for (const [name, tamper, expectedSeq] of cases) {
    it(name, async () => {
      const env = await testEnv({ seed: false });
      try {
        await appendRows(env, 8);
        await disableGuards(env);
        await tamper(env);
        const result = await verifyAuditChain(env.ctx.db, env.ctx.config.secret, 3);
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.seq, expectedSeq, JSON.stringify(result));
      } finally {
        await env.close();
      }
    });
  }

  it('a different secret cannot verify the chain', async () => {
    const env = await testEnv({ seed: false });
    try {
      await appendRows(env, 2);
      const result = await verifyAuditChain(env.ctx.db, 'another-secret-of-enough-length-000000');
      assert.deepEqual(result.ok ? null : result.seq, 1);
    } finally {
      await env.close();
    }
  });
});
