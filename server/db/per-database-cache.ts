// A few seconds' memo of what nearly every request reads and what changes rarely (a person's role
// grants and units, work calendars, supervision rules). Kept per database — its handle, or another
// object standing for it — so test apps and several databases in one process never share entries. A change made in this process forgets its entries at once; one
// made by another process reaches this one within the TTL. A failed load is forgotten at once.

const MAX_ENTRIES = 10_000;

export interface PerDatabaseCache<V> {
  get(db: object, key: string, load: () => Promise<V>): Promise<V>;
  /** Forgets one key, or every key of that database. */
  forget(db: object, key?: string): void;
}

export function perDatabaseCache<V>(ttlMs: number): PerDatabaseCache<V> {
  const byDb = new WeakMap<object, Map<string, { until: number; value: Promise<V> }>>();
  return {
    get(db, key, load) {
      let entries = byDb.get(db);
      if (!entries) byDb.set(db, (entries = new Map()));
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.until > now) return hit.value;
      if (entries.size >= MAX_ENTRIES) entries.clear();
      const value = load();
      const entry = { until: now + ttlMs, value };
      entries.set(key, entry);
      value.catch(() => { if (entries.get(key) === entry) entries.delete(key); });
      return value;
    },
    forget(db, key) {
      if (key === undefined) byDb.delete(db);
      else byDb.get(db)?.delete(key);
    },
  };
}
