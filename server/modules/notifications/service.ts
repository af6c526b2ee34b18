// The in-app inbox (every user sees only their own notifications) and the contact addresses the
// outbound channels use (a user sets their own; sealed with SM4, shown masked).
import { maskMobile } from '../../../shared/validators/mask.ts';
import { validateMobile } from '../../../shared/validators/mobile.ts';
import type { Actor as SessionActor, AppContext, RequestMeta } from '../../context.ts';
import type { NotificationTable } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { Invalid, NotFound, type FieldError } from '../../errors.ts';
import { sealPii } from '../../security/pii-crypto.ts';
import { recordAudit } from '../audit/service.ts';

type Meta = RequestMeta & { actor: SessionActor };

export const NOTIFICATION_NOT_FOUND = '通知不存在';

export async function inbox(ctx: AppContext, meta: Meta, q: { unread?: boolean; page: number; pageSize: number }) {
  let base = ctx.db.selectFrom('notifications').where('user_id', '=', meta.actor.userId);
  if (q.unread) base = base.where('read_at', 'is', null);
  const [total, unread, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    unreadCount(ctx, meta),
    base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
  ]);
  return { total: Number(total.n), unread, rows };
}

export async function unreadCount(ctx: AppContext, meta: Meta): Promise<number> {
  const r = await ctx.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', meta.actor.userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function markRead(ctx: AppContext, meta: Meta, id: string): Promise<NotificationTable> {
  return inTransaction(ctx.db, async (tx) => {
    const n = await tx.selectFrom('notifications').selectAll().where('id', '=', id).where('user_id', '=', meta.actor.userId).executeTakeFirst();
    if (!n) throw Object.assign(new NotFound(NOTIFICATION_NOT_FOUND), { code: 'NOT_FOUND' });
    if (n.read_at) return n;
    const at = ctx.now().toISOString();
    await tx.updateTable('notifications').set({ read_at: at }).where('id', '=', id).where('read_at', 'is', null).execute();
    await recordAudit(ctx, tx, meta, { action: 'notification.read', objectType: 'notification', objectId: id });
    return { ...n, read_at: at };
  });
}

export async function markAllRead(ctx: AppContext, meta: Meta): Promise<number> {
  return inTransaction(ctx.db, async (tx) => {
    const r = await tx.updateTable('notifications').set({ read_at: ctx.now().toISOString() })
      .where('user_id', '=', meta.actor.userId).where('read_at', 'is', null).executeTakeFirst();
    const n = Number(r.numUpdatedRows);
    if (n > 0) await recordAudit(ctx, tx, meta, { action: 'notification.read_all', objectType: 'notification', detail: { count: n } });
    return n;
  });
}

// ---- contacts ----

const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;
const maskEmail = (e: string) => {
  const [name, domain] = e.split('@') as [string, string];
  return `${name.slice(0, 1)}***@${domain}`;
};

export async function contactsOf(ctx: AppContext, meta: Meta): Promise<{ email: string | null; mobile: string | null }> {
  const rows = await ctx.db.selectFrom('notification_contacts').select(['channel', 'address_masked']).where('user_id', '=', meta.actor.userId).execute();
  return { email: rows.find((r) => r.channel === 'smtp')?.address_masked ?? null, mobile: rows.find((r) => r.channel === 'webhook')?.address_masked ?? null };
}

/** Sets (a string) or removes (null) one's own e-mail address and mobile number; absent fields stay. */
export async function setContacts(ctx: AppContext, meta: Meta, input: { email?: string | null; mobile?: string | null }) {
  const errors: FieldError[] = [];
  const changes: { channel: 'smtp' | 'webhook'; value: string | null; masked: string | null }[] = [];
  if (input.email !== undefined) {
    const v = input.email?.trim() || null;
    if (v && !EMAIL.test(v)) errors.push({ pointer: '#/email', code: 'FORMAT', detail: '邮箱格式不正确，应形如 name@example.gov.cn' });
    else changes.push({ channel: 'smtp', value: v, masked: v ? maskEmail(v) : null });
  }
  if (input.mobile !== undefined) {
    const v = input.mobile?.trim() || null;
    const checked = v ? validateMobile(v) : null;
    if (checked && !checked.ok) errors.push({ pointer: '#/mobile', code: checked.code, detail: checked.detail });
    else changes.push({ channel: 'webhook', value: checked?.ok ? checked.value : null, masked: checked?.ok ? maskMobile(checked.value) : null });
  }
  if (errors.length) throw new Invalid(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 处输入有误，请逐项修改后重新提交`, errors);
  await inTransaction(ctx.db, async (tx) => {
    const at = ctx.now().toISOString();
    for (const c of changes) {
      await tx.deleteFrom('notification_contacts').where('user_id', '=', meta.actor.userId).where('channel', '=', c.channel).execute();
      if (c.value) {
        await tx.insertInto('notification_contacts').values({
          user_id: meta.actor.userId, channel: c.channel, address_sealed: sealPii(ctx.config.secret, c.value), address_masked: c.masked!, updated_at: at,
        }).execute();
      }
    }
    await recordAudit(ctx, tx, meta, {
      action: 'notification.contacts', objectType: 'user', objectId: meta.actor.userId,
      detail: Object.fromEntries(changes.map((c) => [c.channel === 'smtp' ? 'email' : 'mobile', c.masked])),
    });
  });
  return contactsOf(ctx, meta);
}
