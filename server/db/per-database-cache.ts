// A few seconds' memo of what nearly every request reads and what changes rarely (a person's role
// grants and units, work calendars, supervision rules). Kept per database target (the context's
// `config.database`), not per handle: a use case run inside another's transaction has that
// transaction as its `db` and must still find the entries. Test apps have their own targets, so they
// never share. A change made in this process forgets its entries at once; one made by another process
// reaches this one within the TTL. A failed load is forgotten at once.
// A caller inside a transaction never waits for a load still running outside it: on SQLite that load
// waits for the one connection the transaction holds. It reads for itself instead.
import type { AppContext } from '../context.ts';

const MAX_ENTRIES = 10_000;

type Owner = Pick<AppContext, 'config' | 'db'>;

export interface PerDatabaseCache<V> {
  get(ctx: Owner, key: string, load: () => Promise<V>): Promise<V>;
  /** Forgets one key, or every key of that database. */
  forget(ctx: Owner, key?: string): void;
}

export function perDatabaseCache<V>(ttlMs: number): PerDatabaseCache<V> {
  const byDb = new WeakMap<object, Map<string, { until: number; value: Promise<V>; settled: boolean }>>();
  return {
    get(ctx, key, load) {
      const db = ctx.config.database;
      let entries = byDb.get(db);
      if (!entries) byDb.set(db, (entries = new Map()));
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.until > now) {
        if (hit.settled || !ctx.db.isTransaction) return hit.value;
        return load();
      }
      if (entries.size >= MAX_ENTRIES) entries.clear();
      const value = load();
      const entry = { until: now + ttlMs, value, settled: false };
      entries.set(key, entry);
      value.then(() => { entry.settled = true; }, () => { if (entries.get(key) === entry) entries.delete(key); });
      return value;
    },
    forget(ctx, key) {
      if (key === undefined) byDb.delete(ctx.config.database);
      else byDb.get(ctx.config.database)?.delete(key);
    },
  };
}
