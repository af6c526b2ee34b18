import type { Transaction } from 'kysely';
import { ServiceUnavailable } from '../errors.ts';
import type { Database } from './schema.ts';
import type { Db } from './index.ts';
import { groupCommitOf } from './sqlite-group-commit.ts';

export type Tx = Transaction<Database>;

const MAX_ATTEMPTS = 5;

/** Serialization failures, deadlocks and a busy SQLite file are worth another try; nothing else is. */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * Runs `work` in one transaction, retrying retryable conflicts; after the last try the caller gets 503.
 * Resolves only once the transaction is durable (on SQLite, once its group commit is on disk).
 * Given a transaction instead of the database, `work` simply runs in it.
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  // Already inside the caller's transaction (a use case run by another one, e.g. a batch): join it.
  if (db.isTransaction) return work(db as Tx);
  const groupCommit = groupCommitOf(db);
  for (let attempt = 1; ; attempt++) {
    try {
      if (!groupCommit) return await db.transaction().execute(work);
      let durable: Promise<void> = Promise.resolve();
      const result = await db.transaction().execute(async (tx) => {
        const r = await work(tx);
        durable = groupCommit.currentGroup();
        return r;
      });
      await durable.catch((err: unknown) => {
        if (isRetryable(err)) throw err;
        throw new ServiceUnavailable('数据库写入失败，本次操作没有保存，请稍后重试', 1);
      });
      return result;
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt >= MAX_ATTEMPTS) throw new ServiceUnavailable('数据库繁忙，请稍后重试', 1);
      await new Promise((r) => setTimeout(r, 10 * 2 ** attempt * Math.random()));
    }
  }
}
