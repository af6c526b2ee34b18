import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { engineUnderTest, freshDatabaseTarget, testEnv, userIdByName, type TestEnv } from '../../test/helpers.ts';
import type { DatabaseTarget } from '../config.ts';
import { openDatabase, type Db } from '../db/index.ts';
import { migrateToLatest } from '../db/migrations/index.ts';
import { inTransaction } from '../db/transaction.ts';
import { recordAudit, verifyAuditChain } from '../modules/audit/service.ts';
import { backupDatabase, restoreDatabase } from './backup.ts';

const TABLES: Record<string, string> = {
  orgs: 'id',
  users: 'id',
  user_roles: 'user_id, role, org_id',
  sessions: 'token_hash',
  rate_limits: 'key',
  audit_log: 'seq',
  audit_head: 'id',
  kysely_migration: 'name',
  kysely_migration_lock: 'id',
};

async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, pk] of Object.entries(TABLES)) {
    out[table] = (await sql.raw(`select * from ${table} order by ${pk}`).execute(db)).rows;
  }
  return out;
}

async function withDb<T>(target: DatabaseTarget, work: (db: Db) => Promise<T>): Promise<T> {
  const handle = await openDatabase(target);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

/** Sessions and rate limits are empty after the demo seed; give every table something to compare. */
async function addRows(env: TestEnv) {
  const userId = await userIdByName(env.ctx, 'admin');
  const at = env.ctx.now().toISOString();
  await env.ctx.db.insertInto('sessions').values({ token_hash: 'h1', user_id: userId, created_at: at, last_seen_at: at, ip: '10.0.0.1' }).execute();
  await env.ctx.db.insertInto('rate_limits').values({ key: 'login:10.0.0.1', window_start: at, hits: 3 }).execute();
  await audit(env, 'test.before');
}

function audit(env: TestEnv, action: string) {
  return inTransaction(env.ctx.db, (tx) =>
    recordAudit(env.ctx, tx, { actor: null, ip: '127.0.0.1', requestId: 'backup-test' }, { action, objectType: 'test' }));
}

function tempDir() {
  return mkdtempSync(path.join(tmpdir(), 'bianmin-backup-'));
}

test('backup then restore into an empty database gives the same rows and a valid audit chain', async () => {
  const env = await testEnv();
  const fresh = await freshDatabaseTarget();
  const dir = tempDir();
  try {
    await addRows(env);
    const before = await snapshot(env.ctx.db);
    assert.ok(before.orgs!.length > 0 && before.users!.length > 0 && before.user_roles!.length > 0 && before.audit_log!.length > 0);

    const { file, bytes, engine } = await backupDatabase(env.ctx.config, path.join(dir, 'b.bak'));
    assert.equal(engine, engineUnderTest);
    assert.equal(bytes, statSync(file).size);
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const { audit: chain } = await restoreDatabase({ ...env.ctx.config, database: fresh.target }, file);
    assert.deepEqual(chain, { ok: true, rows: before.audit_log!.length });
    await withDb(fresh.target, async (db) => {
      assert.deepEqual(await snapshot(db), before);
      // The append-only guard came back with the schema.
      await assert.rejects(db.deleteFrom('audit_log').execute(), /append-only/);
    });
  } finally {
    await env.close();
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a backup taken while audit rows are being written restores to a consistent prefix', async () => {
  const env = await testEnv();
  const fresh = await freshDatabaseTarget();
  const dir = tempDir();
  try {
    await addRows(env);
    let done = false;
    let written = 0;
    const writer = (async () => {
      while (!done) {
        await audit(env, `test.during.${written++}`);
        await tick(); // let the backup's own steps run in between
      }
    })();
    const { file } = await backupDatabase(env.ctx.config, path.join(dir, 'b.bak'));
    done = true;
    await writer;
    assert.ok(written > 0);
    await audit(env, 'test.after');
    const source = await snapshot(env.ctx.db);

    const { audit: chain } = await restoreDatabase({ ...env.ctx.config, database: fresh.target }, file);
    assert.equal(chain.ok, true);
    await withDb(fresh.target, async (db) => {
      const restored = await snapshot(db);
      for (const table of Object.keys(TABLES).filter((t) => t !== 'audit_log' && t !== 'audit_head')) {
        assert.deepEqual(restored[table], source[table], table);
      }
      const rows = restored.audit_log!;
      assert.equal(chain.rows, rows.length);
      assert.deepEqual(rows, source.audit_log!.slice(0, rows.length));
      assert.ok(rows.length < source.audit_log!.length, 'writes after the backup are not in it');
    });
  } finally {
    await env.close();
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('restoring something that is not a valid backup is refused and leaves the target untouched', async () => {
  const env = await testEnv();
  const dir = tempDir();
  try {
    const before = await snapshot(env.ctx.db);
    const junk = path.join(dir, 'junk.bak');
    writeFileSync(junk, 'this is not a backup\n'.repeat(200));
    await assert.rejects(restoreDatabase(env.ctx.config, junk), /不是有效的/);

    // A real backup cut short.
    const { file } = await backupDatabase(env.ctx.config, path.join(dir, 'b.bak'));
    const cut = path.join(dir, 'cut.bak');
    const bytes = readFileSync(file);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await assert.rejects(restoreDatabase(env.ctx.config, cut), /损坏|不是有效的|pg_restore 失败/);

    await assert.rejects(restoreDatabase(env.ctx.config, path.join(dir, 'missing.bak')), /备份文件不存在/);

    if (engineUnderTest === 'sqlite') {
      const other = path.join(dir, 'other.db');
      new Sqlite(other).exec('create table t (x)').close();
      await assert.rejects(restoreDatabase(env.ctx.config, other), /不是便民数据库的备份/);
    }
    assert.deepEqual(await snapshot(env.ctx.db), before);
  } finally {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SQLite: restore into a database that is in use is refused unless forced', { skip: engineUnderTest !== 'sqlite' }, async () => {
  const env = await testEnv();
  const fresh = await freshDatabaseTarget();
  const dir = tempDir();
  try {
    const { file } = await backupDatabase(env.ctx.config, path.join(dir, 'b.bak'));
    const config = { ...env.ctx.config, database: fresh.target };
    const target = await openDatabase(fresh.target);
    await migrateToLatest(target.db);
    try {
      // Another connection in the middle of a write transaction.
      target.sqlite!.exec('BEGIN IMMEDIATE');
      await assert.rejects(restoreDatabase(config, file), /请先停止服务/);
      target.sqlite!.exec('ROLLBACK');
      // An idle open connection, as a running server holds.
      await assert.rejects(restoreDatabase(config, file), /请先停止服务/);
      assert.equal((await target.db.selectFrom('orgs').select('id').execute()).length, 0);

      const { audit: chain } = await restoreDatabase(config, file, { force: true });
      assert.equal(chain.ok, true);
    } finally {
      await target.close();
    }
    await withDb(fresh.target, async (db) => assert.deepEqual(await snapshot(db), await snapshot(env.ctx.db)));
  } finally {
    await env.close();
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
