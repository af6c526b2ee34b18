// Group commit on SQLite: many transactions share one fsync, yet each is answered only once it is on
// disk, a failing one takes only itself back, and a failed group commit fails every member.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { ServiceUnavailable } from '../errors.ts';
import { openDatabase, type DatabaseHandle } from './index.ts';
import { groupCommitOf } from './sqlite-group-commit.ts';
import { inTransaction } from './transaction.ts';

describe('SQLite group commit', () => {
  let dir: string;
  let file: string;
  let handle: DatabaseHandle;
  /** A second connection: sees only what was committed. */
  let other: Sqlite.Database;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bianmin-gc-'));
    file = path.join(dir, 'gc.db');
    handle = await openDatabase({ kind: 'sqlite', file });
    await sql`create table parent (id integer primary key)`.execute(handle.db);
    await sql`create table item (id integer primary key, name text not null unique,
      parent_id integer references parent(id) deferrable initially deferred)`.execute(handle.db);
    await sql`insert into parent (id) values (1)`.execute(handle.db);
    await groupCommitOf(handle.db)!.flush();
    other = new Sqlite(file, { readonly: true });
  });

  after(async () => {
    other.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = () => (other.prepare('select name from item order by name').all() as { name: string }[]).map((r) => r.name);
  const insert = (name: string, parentId = 1) => (tx: Parameters<Parameters<typeof inTransaction>[1]>[0]) =>
    sql`insert into item (name, parent_id) values (${name}, ${parentId})`.execute(tx);

  test('the SQLite handle uses group commit', () => {
    assert.ok(groupCommitOf(handle.db));
  });

  test('concurrent transactions share one commit, and each answer comes only after it is on disk', async () => {
    const stats = groupCommitOf(handle.db)!.stats;
    const commitsBefore = stats.commits;
    {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        inTransaction(handle.db, async (tx) => {
          await insert(`a${String(i).padStart(2, '0')}`)(tx);
          return i;
        }).then((v) => {
          // Answered: the other connection must already see it.
          assert.ok(names().includes(`a${String(v).padStart(2, '0')}`), `a${v} answered before it was committed`);
          return v;
        })));
      assert.equal(answers.length, 20);
      const commits = stats.commits - commitsBefore;
      assert.ok(commits >= 1 && commits < 20, `20 transactions took ${commits} commits`);
    }
    assert.equal(names().filter((n) => n.startsWith('a')).length, 20);
  });

  test('a failing transaction rolls back only itself; the rest of its group commits', async () => {
    const results = await Promise.allSettled([
      inTransaction(handle.db, insert('b1')),
      inTransaction(handle.db, async (tx) => {
        await insert('b2')(tx);
        throw new Error('the work failed');
      }),
      inTransaction(handle.db, insert('b3')),
      // A constraint failure inside the transaction: only this one.
      inTransaction(handle.db, insert('b1')),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    assert.deepEqual(names().filter((n) => n.startsWith('b')), ['b1', 'b3']);
  });

  test('a group whose commit fails fails every member (503) and leaves none of their writes', async () => {
    // A deferred foreign key is checked at the outer COMMIT: the whole group fails there.
    const results = await Promise.allSettled([
      inTransaction(handle.db, insert('c1')),
      inTransaction(handle.db, insert('c2', 99)),
      inTransaction(handle.db, insert('c3')),
    ]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok((r as PromiseRejectedResult).reason instanceof ServiceUnavailable);
    }
    assert.deepEqual(names().filter((n) => n.startsWith('c')), []);
    // The connection is usable again afterwards.
    await inTransaction(handle.db, insert('c4'));
    assert.deepEqual(names().filter((n) => n.startsWith('c')), ['c4']);
  });

  test('a group rolled back behind the driver\'s back fails its members instead of reporting success', async () => {
    const lost = inTransaction(handle.db, insert('f1'));
    // Runs inside the open group, after f1's transaction released the connection and before the commit.
    await sql`select 1`.execute(handle.db);
    handle.sqlite!.exec('rollback');
    await assert.rejects(lost, ServiceUnavailable);
    assert.deepEqual(names().filter((n) => n.startsWith('f')), []);
    // And the next transaction starts a fresh group that commits.
    await inTransaction(handle.db, insert('f2'));
    assert.deepEqual(names().filter((n) => n.startsWith('f')), ['f2']);
  });

  test('reads between transactions see the open group; plain writes are committed with it', async () => {
    const write = inTransaction(handle.db, insert('d1'));
    await sql`insert into item (name, parent_id) values ('d2', 1)`.execute(handle.db);
    const seen = await sql<{ n: number }>`select count(*) as n from item where name like 'd%'`.execute(handle.db);
    assert.equal(seen.rows[0]!.n, 2);
    await write;
    await groupCommitOf(handle.db)!.flush();
    assert.deepEqual(names().filter((n) => n.startsWith('d')), ['d1', 'd2']);
  });
});
