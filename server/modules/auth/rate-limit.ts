// Fixed-window counters kept in the database, so every app instance sees the same count.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { TooManyRequests } from '../../errors.ts';

export interface Limit {
  key: string;
  max: number;
  windowSeconds: number;
}

/** Counts one hit atomically; returns the seconds to wait when the limit is exceeded, else 0. */
export async function hit(tx: Tx, limit: Limit, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - limit.windowSeconds * 1000).toISOString();
  const at = now.toISOString();
  const bump = () =>
    tx.updateTable('rate_limits')
      .set({
        hits: sql`case when window_start <= ${cutoff} then 1 else hits + 1 end`,
        window_start: sql`case when window_start <= ${cutoff} then ${at} else window_start end`,
      })
      .where('key', '=', limit.key)
      .returning(['hits', 'window_start'])
      .executeTakeFirst();
  let row = await bump();
  if (!row) {
    await tx.insertInto('rate_limits').values({ key: limit.key, window_start: at, hits: 0 })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    row = await bump();
  }
  if (!row || row.hits <= limit.max) return 0;
  return Math.max(1, Math.ceil((Date.parse(row.window_start) + limit.windowSeconds * 1000 - now.getTime()) / 1000));
}

/** No limit's window is longer (the longest today is an hour): a counter older than this is dead. */
export const MAX_WINDOW_SECONDS = 24 * 3600;

/** Deletes counters whose window ended long ago (one row per address and route family would otherwise pile up). */
export async function purgeStaleCounters(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - MAX_WINDOW_SECONDS * 1000).toISOString();
  const r = await inTransaction(db, (tx) => tx.deleteFrom('rate_limits').where('window_start', '<', cutoff).executeTakeFirst());
  return Number(r.numDeletedRows);
}

/** "30 秒" under two minutes, else whole minutes rounded up: what a person reads in a 429 detail. */
export function waitText(seconds: number): string {
  return seconds < 120 ? `${Math.max(1, Math.ceil(seconds))} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
}

export interface EnforceOptions {
  /** The 429 detail in Chinese, given the seconds to wait (waitText formats them). */
  detail: (waitSeconds: number) => string;
  /** Runs in the counting transaction when refused (an audit row), told which limit refused. */
  onDenied?: (tx: Tx, refusedBy: Limit) => Promise<unknown>;
}

/**
 * Counts one hit on every limit in one transaction; when any is exceeded, runs onDenied there and
 * throws a 429 (problem+json with `Retry-After`, see http/problem.ts) for the longest wait.
 */
export async function enforce(db: Db, limits: Limit[], now: Date, opts: EnforceOptions): Promise<void> {
  const wait = await inTransaction(db, async (tx) => {
    let longest = 0;
    let refusedBy: Limit | null = null;
    for (const limit of limits) {
      const w = await hit(tx, limit, now);
      if (w > longest) [longest, refusedBy] = [w, limit];
    }
    if (refusedBy && opts.onDenied) await opts.onDenied(tx, refusedBy);
    return longest;
  });
  if (wait > 0) throw new TooManyRequests(opts.detail(wait), wait);
}
