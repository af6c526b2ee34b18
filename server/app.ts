// Builds the Fastify app from its modules; main.ts and the tests both call this.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import Type from 'typebox';
import type { AppContext } from './context.ts';
import { pendingMigrations } from './db/migrations/index.ts';
import { loggerOptions } from './http/logging.ts';
import { registerProblemHandlers, sendProblem } from './http/problem.ts';
import { registerPublicRateLimits } from './http/public-rate-limit.ts';
import { registerSecurity } from './http/security.ts';
import { registerSessionHook } from './http/session.ts';
import { registerWebApp } from './http/static.ts';
import type { App } from './http/types.ts';
import { registerAuditRoutes } from './modules/audit/routes.ts';
import { registerAuthRoutes } from './modules/auth/routes.ts';
import { registerBatchRoutes } from './modules/batches/routes.ts';
import { registerCalendarRoutes } from './modules/calendar/routes.ts';
import { registerCaseRoutes } from './modules/cases/routes.ts';
import { registerCatalogRoutes } from './modules/catalog/routes.ts';
import { registerNetworkRoutes } from './modules/network/routes.ts';
import { registerNotifications } from './modules/notifications/routes.ts';
import { registerOrgRoutes } from './modules/orgs/routes.ts';
import { registerReportRoutes } from './modules/reports/routes.ts';
import { registerSupervision } from './modules/supervision/routes.ts';
import { registerStatisticsRoutes } from './modules/statistics/routes.ts';
import { registerUserRoutes } from './modules/users/routes.ts';

export const BODY_LIMIT = 1024 * 1024;

export interface BuildOptions {
  /** Where log lines go (tests capture them); stdout when absent. */
  logStream?: DestinationStream;
  https?: { key: Buffer; cert: Buffer } | null;
  /** The built web app's folder; null serves the API only. Default: web/dist. */
  webRoot?: string | null;
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: loggerOptions(ctx.config.logLevel, options.logStream),
    ...(options.https ? { https: options.https } : {}),
    trustProxy: ctx.config.trustProxy,
    bodyLimit: BODY_LIMIT,
    genReqId: () => randomUUID(),
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  registerProblemHandlers(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: '便民 bianmin API', version: '0.1.0', description: '县、乡镇、村三级便民服务平台接口。错误均为 application/problem+json (RFC 9457)。' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: '__Host-bianmin_sid' } } },
      security: [{ session: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  registerSecurity(app);
  registerSessionHook(app, ctx);
  registerPublicRateLimits(app, ctx);

  app.get('/api/openapi.json', { config: { public: true, rateLimit: { family: 'public-docs' } }, schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { tags: ['ops'], summary: '进程存活', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['ops'], summary: '数据库可用且迁移为最新', response: { 200: Type.Object({ status: Type.Literal('ready'), engine: Type.String() }) } },
  }, async (request, reply) => {
    try {
      const pending = await pendingMigrations(ctx.db);
      if (pending.length > 0) return sendProblem(request, reply, 503, `数据库迁移未完成：${pending.join(', ')}，请运行 npm run db:migrate`);
    } catch {
      return sendProblem(request, reply, 503, '数据库无法访问，请检查数据库服务与 DATABASE_URL');
    }
    return { status: 'ready' as const, engine: ctx.engine };
  });

  registerAuthRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerCalendarRoutes(app, ctx);
  registerCatalogRoutes(app, ctx);
  registerCaseRoutes(app, ctx);
  registerBatchRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerNetworkRoutes(app, ctx);
  // supervision (issue 6) registers here
  registerSupervision(app, ctx);
  registerNotifications(app, ctx);
  // statistics (issue 6) registers here
  registerStatisticsRoutes(app, ctx);
  await registerWebApp(app, options.webRoot);
  return app;
}
