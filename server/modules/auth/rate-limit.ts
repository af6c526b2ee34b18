// Fixed-window counters kept in the database, so every app instance sees the same count.
import { sql } from 'kysely';
import type { Tx } from '../../db/transaction.ts';

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
