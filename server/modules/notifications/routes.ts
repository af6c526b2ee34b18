import Type, { type TSchema } from 'typebox';
import type { AppContext } from '../../context.ts';
import type { NotificationTable } from '../../db/schema.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { configuredSenders } from './channels.ts';
import { contactsOf, inbox, markAllRead, markRead, setContacts, unreadCount } from './service.ts';
import { startOutboxWorker } from './worker.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const NotificationView = Type.Object({
  id: Type.String(), kind: Type.String({ description: 'signal = 监察信号' }), signalId: Nullable(Type.String()),
  title: Type.String(), body: Type.String(), link: Nullable(Type.String()), createdAt: Type.String(), readAt: Nullable(Type.String()),
});
const present = (n: NotificationTable) => ({
  id: n.id, kind: n.kind, signalId: n.signal_id, title: n.title, body: n.body, link: n.link, createdAt: n.created_at, readAt: n.read_at,
});
const ContactsView = Type.Object({
  email: Nullable(Type.String({ description: '邮箱（脱敏）' })), mobile: Nullable(Type.String({ description: '手机号（脱敏），供短信网关发送' })),
});

/** Notifications: the inbox and contacts routes, and the outbox worker (when the server listens). */
export function registerNotifications(app: App, ctx: AppContext): void {
  const senders = configuredSenders(ctx.config.notify);
  let stop: (() => void) | null = null;
  app.addHook('onListen', async () => {
    if (ctx.config.notify.workerSeconds > 0 && senders.size > 0) stop = startOutboxWorker(ctx, senders, ctx.config.notify.workerSeconds, app.log);
  });
  app.addHook('onClose', async () => {
    stop?.();
    for (const s of senders.values()) s.close?.();
  });

  app.get('/api/notifications', {
    schema: {
      tags: ['notifications'], summary: '我的通知（站内信），新的在前',
      querystring: Type.Object({
        unread: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
        page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
        pageSize: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ total: Type.Integer(), unread: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(), items: Type.Array(NotificationView) }) }),
    },
  }, async (request) => {
    const q = { unread: request.query.unread === 'true', page: Number(request.query.page ?? 1), pageSize: Number(request.query.pageSize ?? 20) };
    const r = await inbox(ctx, signedIn(request), q);
    return { total: r.total, unread: r.unread, page: q.page, pageSize: q.pageSize, items: r.rows.map(present) };
  });

  app.get('/api/notifications/unread-count', {
    schema: { tags: ['notifications'], summary: '未读通知数', response: withProblems({ 200: Type.Object({ unread: Type.Integer() }) }) },
  }, async (request) => ({ unread: await unreadCount(ctx, signedIn(request)) }));

  app.post('/api/notifications/:id/read', {
    schema: { tags: ['notifications'], summary: '标记为已读', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: withProblems({ 200: NotificationView }) },
  }, async (request) => present(await markRead(ctx, signedIn(request), request.params.id)));

  app.post('/api/notifications/read-all', {
    schema: { tags: ['notifications'], summary: '全部标记为已读', response: withProblems({ 200: Type.Object({ marked: Type.Integer() }) }) },
  }, async (request) => ({ marked: await markAllRead(ctx, signedIn(request)) }));

  app.get('/api/notifications/contacts', {
    schema: { tags: ['notifications'], summary: '我的通知联系方式（邮箱、手机号，脱敏显示）', response: withProblems({ 200: ContactsView }) },
  }, async (request) => contactsOf(ctx, signedIn(request)));

  app.put('/api/notifications/contacts', {
    schema: {
      tags: ['notifications'], summary: '设置本人的通知邮箱和手机号（加密保存；null 表示删除，不提交则不变）',
      body: Type.Object({
        email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
        mobile: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
      }, { additionalProperties: false }),
      response: withProblems({ 200: ContactsView }),
    },
  }, async (request) => setContacts(ctx, signedIn(request), request.body));
}
