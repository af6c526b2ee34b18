// Other modules (supervision) react to every case write inside the same transaction, so what they
// derive from a transition (a watch time, a card for a refusal without reason) is never half-written
// or missed. Registration is process-wide and idempotent per function; hooks run in order.
import type { AppContext } from '../../context.ts';
import type { CaseEventTable, CaseTable } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';
import type { CaseSnapshot } from '../../domain/case-lifecycle.ts';

export interface CaseWritten {
  /** The row before the write; null when the case was just registered. */
  before: CaseTable | null;
  after: CaseTable;
  /** `after.snapshot`, already parsed. */
  snapshot: CaseSnapshot;
  event: CaseEventTable;
}

export type CaseWriteHook = (ctx: AppContext, tx: Tx, written: CaseWritten) => Promise<void>;

const hooks = new Set<CaseWriteHook>();

export function onCaseWritten(hook: CaseWriteHook): void {
  hooks.add(hook);
}

export async function runCaseWriteHooks(ctx: AppContext, tx: Tx, written: CaseWritten): Promise<void> {
  for (const hook of hooks) await hook(ctx, tx, written);
}
