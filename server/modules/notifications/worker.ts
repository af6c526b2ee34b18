// The outbox worker: claims due messages with a lease (on PostgreSQL FOR UPDATE SKIP LOCKED, so no two
// processes hold the same row; SQLite has one writer), sends each through its channel, and marks it
// sent — or schedules the next attempt with exponential back-off, giving up after the last one. A row
// is marked sent exactly once; a process killed after sending but before marking leaves the row to be
// sent again once its lease ends, with the same delivery id for the receiver to drop the repeat.
import type { AppContext } from '../../context.ts';
import type { NotificationOutboxTable } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { runPeriodically } from '../../ops/periodic.ts';
import { openPii } from '../../security/pii-crypto.ts';
import type { OutboundChannel } from './channels.ts';

export const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 6 * 3_600_000;
const CONCURRENCY = 8;

export interface DeliveryResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

/** When the next attempt is due after `attempts` tries: base × 2^(attempts − 1), at most 6 hours. */
export function backoffMs(baseSeconds: number, attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, baseSeconds * 1000 * 2 ** Math.max(0, attempts - 1));
}

async function claim(ctx: AppContext, channels: string[], limit: number, now: Date): Promise<NotificationOutboxTable[]> {
  if (channels.length === 0) return [];
  const at = now.toISOString();
  return inTransaction(ctx.db, async (tx) => {
    let due = tx.selectFrom('notification_outbox').select('id')
      .where('sent_at', 'is', null).where('failed_at', 'is', null).where('next_attempt_at', '<=', at)
      .where('channel', 'in', channels)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
      .orderBy('next_attempt_at').limit(limit);
    if (ctx.engine === 'postgres') due = due.forUpdate().skipLocked();
    const ids = (await due.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    return tx.updateTable('notification_outbox')
      .set((eb) => ({ claimed_until: new Date(now.getTime() + LEASE_MS).toISOString(), attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids).returningAll().execute();
  });
}

async function addressOf(ctx: AppContext, userId: string, channel: string): Promise<string | null> {
  const row = await ctx.db.selectFrom('notification_contacts').select('address_sealed').where('user_id', '=', userId).where('channel', '=', channel).executeTakeFirst();
  return row ? openPii(ctx.config.secret, row.address_sealed) : null;
}

async function deliverOne(ctx: AppContext, senders: Map<string, OutboundChannel>, row: NotificationOutboxTable): Promise<'sent' | 'retried' | 'failed'> {
  const sender = senders.get(row.channel)!;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  try {
    await sender.send({ deliveryId: row.id, title: String(payload.title ?? ''), text: String(payload.text ?? ''), payload }, await addressOf(ctx, row.recipient_user_id, row.channel));
  } catch (err) {
    const at = ctx.now();
    const giveUp = row.attempts >= ctx.config.notify.maxAttempts;
    await ctx.db.updateTable('notification_outbox').set({
      claimed_until: null, last_error: String((err as Error).message ?? err).slice(0, 500),
      ...(giveUp ? { failed_at: at.toISOString() } : { next_attempt_at: new Date(at.getTime() + backoffMs(ctx.config.notify.retryBaseSeconds, row.attempts)).toISOString() }),
    }).where('id', '=', row.id).where('sent_at', 'is', null).execute();
    return giveUp ? 'failed' : 'retried';
  }
  await ctx.db.updateTable('notification_outbox').set({ sent_at: ctx.now().toISOString(), claimed_until: null, last_error: null })
    .where('id', '=', row.id).where('sent_at', 'is', null).execute();
  return 'sent';
}

/** Sends what is due now, page by page, until nothing due is left unclaimed. */
export async function deliverDue(ctx: AppContext, senders: Map<string, OutboundChannel>, opts: { limit?: number } = {}): Promise<DeliveryResult> {
  const limit = opts.limit ?? 100;
  const result: DeliveryResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
  for (;;) {
    const rows = await claim(ctx, [...senders.keys()], limit, ctx.now());
    result.claimed += rows.length;
    for (let i = 0; i < rows.length; i += CONCURRENCY) {
      const outcomes = await Promise.all(rows.slice(i, i + CONCURRENCY).map((r) => deliverOne(ctx, senders, r)));
      for (const o of outcomes) result[o]++;
    }
    if (rows.length < limit) return result;
  }
}

/** Runs the worker every `seconds` in this process (and once at start) until stopped. */
export function startOutboxWorker(ctx: AppContext, senders: Map<string, OutboundChannel>, seconds: number, log: { error: (m: string) => void }): () => void {
  return runPeriodically(seconds, async () => {
    await deliverDue(ctx, senders);
  }, (err) => log.error(`通知发送失败，稍后重试：${(err as Error).message}`), { immediately: true });
}
