// Supervision on every case write (apply, every action, batches), inside its transaction: evaluate the
// case as written, raise what is due now (a refusal without reason, a late decision, a skipped stage,
// a fee off the standard — and any deadline already passed), and keep the case's next threshold
// moment in case_watch. The common write costs one upsert (or one delete at the end); a signal costs
// its inserts. Rules and calendars come from the per-process cache.
import type { AppContext } from '../../context.ts';
import type { Tx } from '../../db/transaction.ts';
import { isTerminal, type CaseState } from '../../domain/case-lifecycle.ts';
import { superviseCase, type FeeFacts } from '../../domain/supervision.ts';
import type { CaseWritten } from '../cases/write-hooks.ts';
import { calendarFor, rulesFor } from './cache.ts';
import { raiseSignals, setWatch } from './raise.ts';

/** The fee charged, when the action recorded one (`feeCharged`, in yuan), against the item's published standard. */
async function feeFacts(tx: Tx, written: CaseWritten): Promise<FeeFacts | undefined> {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(written.event.data) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof data.feeCharged !== 'number') return undefined;
  const v = await tx.selectFrom('catalog_item_versions').select('elements')
    .where('item_id', '=', written.after.item_id).where('version', '=', written.after.item_version).executeTakeFirst();
  if (!v) return undefined;
  const fee = (JSON.parse(v.elements) as { fee?: { charged: boolean; amountYuan?: number } }).fee;
  return fee ? { standard: fee, chargedYuan: data.feeCharged } : undefined;
}

export async function superviseCaseWrite(ctx: AppContext, tx: Tx, written: CaseWritten): Promise<void> {
  const { before, after } = written;
  const now = ctx.now();
  const { snapshot } = written;
  const [rules, calendar] = await Promise.all([
    rulesFor(ctx, tx, after.accepting_org_path),
    calendarFor(ctx, tx, after.accepting_org_id),
  ]);
  const sup = superviseCase(snapshot, rules.config, calendar, now, await feeFacts(tx, written));
  if (sup.due.length > 0) {
    // A card raised by this write (a refusal without reason …) answers to whoever made it when nobody holds the case any more.
    const row = after.holder_user_id ? after : { ...after, holder_user_id: written.event.user_id };
    await raiseSignals(ctx, tx, [{ row, snapshot, rules, calendar, due: sup.due }], now);
  }
  const nextAt = isTerminal(after.state as CaseState) ? null : sup.nextAt;
  // A new case without a moment has no watch row to remove.
  if (nextAt === null && before === null) return;
  await setWatch(tx, [{ caseId: after.id, nextAt }]);
}
