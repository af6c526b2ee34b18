import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppContext } from '../context.ts';
import { perDatabaseCache } from './per-database-cache.ts';

// A context of its own database target, as every app (and test app) has.
let n = 0;
const appOf = () => ({ config: { database: { kind: 'sqlite', file: `/tmp/cache-test-${++n}.db` } }, db: { isTransaction: false } }) as unknown as AppContext;

describe('perDatabaseCache', () => {
  const counter = () => {
    let n = 0;
    return { load: async () => ++n, get count() { return n; } };
  };

  it('loads once within the TTL, again after it', async () => {
    const cache = perDatabaseCache<number>(30);
    const db = appOf();
    const c = counter();
    assert.equal(await cache.get(db, 'k', c.load), 1);
    assert.equal(await cache.get(db, 'k', c.load), 1);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(await cache.get(db, 'k', c.load), 2);
  });

  it('concurrent reads share one load', async () => {
    const cache = perDatabaseCache<number>(1_000);
    const c = counter();
    const db = appOf();
    assert.deepEqual(await Promise.all([cache.get(db, 'k', c.load), cache.get(db, 'k', c.load)]), [1, 1]);
    assert.equal(c.count, 1);
  });

  it('keeps databases and keys apart', async () => {
    const cache = perDatabaseCache<string>(1_000);
    const a = appOf(), b = appOf();
    await cache.get(a, 'k', async () => 'a');
    assert.equal(await cache.get(b, 'k', async () => 'b'), 'b');
    assert.equal(await cache.get(a, 'other', async () => 'a2'), 'a2');
    assert.equal(await cache.get(a, 'k', async () => 'not read'), 'a');
  });

  it('forgets one key or a whole database', async () => {
    const cache = perDatabaseCache<number>(1_000);
    const db = appOf();
    const c = counter();
    await cache.get(db, 'k', c.load);
    await cache.get(db, 'j', c.load);
    cache.forget(db, 'k');
    assert.equal(await cache.get(db, 'k', c.load), 3);
    assert.equal(await cache.get(db, 'j', c.load), 2);
    cache.forget(db);
    assert.equal(await cache.get(db, 'j', c.load), 4);
  });

  it('a use case run inside a transaction (its context carries the transaction as db) finds the entries', async () => {
    const cache = perDatabaseCache<string>(1_000);
    const app = appOf();
    await cache.get(app, 'k', async () => 'read once');
    const inTx = { ...app, db: { isTransaction: true } } as unknown as AppContext;
    assert.equal(await cache.get(inTx, 'k', async () => 'read again'), 'read once');
  });

  it('inside a transaction, a load still running outside it is not waited for (SQLite: it waits for our connection)', async () => {
    const cache = perDatabaseCache<string>(1_000);
    const app = appOf();
    let release!: (v: string) => void;
    const outside = cache.get(app, 'k', () => new Promise<string>((r) => { release = r; }));
    const inTx = { ...app, db: { isTransaction: true } } as unknown as AppContext;
    assert.equal(await cache.get(inTx, 'k', async () => 'own read'), 'own read');
    release('outside read');
    assert.equal(await outside, 'outside read');
    assert.equal(await cache.get(inTx, 'k', async () => 'not read'), 'outside read');
  });

  it('a failed load is not kept', async () => {
    const cache = perDatabaseCache<number>(1_000);
    const db = appOf();
    await assert.rejects(cache.get(db, 'k', async () => { throw new Error('database gone'); }), /database gone/);
    assert.equal(await cache.get(db, 'k', async () => 7), 7);
  });
});
