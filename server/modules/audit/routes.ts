import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import { hasPermission, scopeOf } from '../../domain/roles.ts';
import { Forbidden } from '../../errors.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { listOrgs } from '../orgs/repo.ts';
import { search } from './repo.ts';
import { verifyAuditChain } from './service.ts';

const AuditRowView = Type.Object({
  seq: Type.Integer(), at: Type.String(), userId: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]), orgId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.String(), action: Type.String(), objectType: Type.String(), objectId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(), requestId: Type.String(), detail: Type.String(), hash: Type.String(),
});

const IsoMoment = Type.String({ format: 'date-time' });

export function registerAuditRoutes(app: App, ctx: AppContext): void {
  app.get('/api/audit', {
    schema: {
      tags: ['audit'], summary: '审计日志查询（审计员）',
      querystring: Type.Object({
        from: Type.Optional(IsoMoment), to: Type.Optional(IsoMoment),
        action: Type.Optional(Type.String({ maxLength: 64 })), userId: Type.Optional(Type.String({ maxLength: 64 })),
        beforeSeq: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
        limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|[1-4][0-9]{2}|500)$' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ items: Type.Array(AuditRowView) }) }),
    },
  }, async (request) => {
    const meta = signedIn(request);
    if (!hasPermission(meta.actor.roles, 'audit.read')) throw new Forbidden('只有审计员可以查看审计日志');
    const scope = scopeOf(meta.actor.roles, 'audit.read');
    const seesAll = meta.actor.roles.some((g) => g.role === 'auditor' && g.orgPath.split('/').length === 3);
    const orgIds = seesAll ? undefined : (await listOrgs(ctx.db, scope, {})).map((o) => o.id);
    const q = request.query;
    const rows = await search(ctx.db, {
      from: q.from && new Date(q.from).toISOString(), to: q.to && new Date(q.to).toISOString(),
      action: q.action, userId: q.userId, orgIds, beforeSeq: q.beforeSeq ? Number(q.beforeSeq) : undefined,
      limit: Number(q.limit ?? 100),
    });
    return {
      items: rows.map((r) => ({
        seq: Number(r.seq), at: r.at, userId: r.user_id, username: r.username, orgId: r.org_id, ip: r.ip,
        action: r.action, objectType: r.object_type, objectId: r.object_id, outcome: r.outcome,
        requestId: r.request_id, detail: r.detail, hash: r.hash,
      })),
    };
  });

  app.get('/api/audit/verify', {
    schema: {
      tags: ['audit'], summary: '校验审计日志哈希链（审计员）',
      response: withProblems({ 200: Type.Object({ ok: Type.Boolean(), rows: Type.Integer(), seq: Type.Optional(Type.Integer()), reason: Type.Optional(Type.String()) }) }),
    },
  }, async (request) => {
    const meta = signedIn(request);
    if (!hasPermission(meta.actor.roles, 'audit.read')) throw new Forbidden('只有审计员可以校验审计日志');
    return verifyAuditChain(ctx.db, ctx.config.secret);
  });
}
