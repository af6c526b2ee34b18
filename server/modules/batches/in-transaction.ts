// A batch moves many cases in one transaction, each through the cases module's own use case
// (actOnCase: lifecycle rules, optimistic version, event, audit row). actOnCase opens its own
// transaction on ctx.db; given a context whose database *is* the batch's open transaction, that
// "transaction" simply joins the batch's, and every read it makes sees the batch's earlier writes
// (on SQLite a read through the pool would even wait forever for the one connection the batch holds).
//
// The cleaner shape is an export from the cases module that takes the transaction (see
// docs/batches.md, "For the cases module"); until then this adapter keeps the batch all-or-nothing.
import type { AppContext } from '../../context.ts';
import type { Db } from '../../db/index.ts';
import type { Tx } from '../../db/transaction.ts';

/** The context for running another module's use case inside `tx`: its own `transaction()` runs in `tx`. */
export function contextIn(ctx: AppContext, tx: Tx): AppContext {
  const db = new Proxy(tx, {
    get(target, prop) {
      if (prop === 'transaction') {
        return () => ({ execute: <T>(work: (t: Tx) => Promise<T>) => work(target) });
      }
      // Kysely keeps its state in private fields: methods must run on the real object.
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...ctx, db: db as unknown as Db };
}
