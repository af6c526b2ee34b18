import Type from 'typebox';
import type { Actor, AppContext } from '../../context.ts';
import { withProblems } from '../../http/problem.ts';
import { runPeriodically } from '../../ops/periodic.ts';
import { clearSessionCookie, metaOf, sessionToken, setSessionCookie, signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { presentActor, ActorView } from '../users/presenter.ts';
import { membershipsOf } from '../cases/actors.ts';
import { purgeStaleCounters } from './rate-limit.ts';
import { changePassword, login, logout, type PasswordAge } from './service.ts';

const UNIT_KINDS = ['acceptance_desk', 'handling_window', 'handling_room', 'village_room'] as const;

const MyUnit = Type.Object({
  id: Type.String(),
  name: Type.String({ description: '单位名称（不含机构名），如 咨询受理部、民政窗口' }),
  kind: Type.Unsafe<(typeof UNIT_KINDS)[number]>({ type: 'string', enum: [...UNIT_KINDS] }),
  department: Type.Union([Type.String(), Type.Null()], { description: '办理窗口、办理室的部门代码' }),
  post: Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Null()], { description: '办理窗口：本人是 A 岗还是 B 岗' }),
  org: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), level: Type.String() }),
});

/** The signed-in person, the units they work at now, and their password's age (等保 periodic change). */
const SessionView = Type.Object({
  ...ActorView.properties,
  units: Type.Array(MyUnit, { description: '本人此刻所在的受理、办理单位（由岗位和角色决定）' }),
  passwordExpired: Type.Boolean({ description: '密码已超过最长使用天数：只能修改密码或退出' }),
  passwordChangedDaysAgo: Type.Integer({ description: '距上次修改密码的天数' }),
  passwordExpiresInDays: Type.Union([Type.Integer(), Type.Null()], { description: '7 天内到期时为剩余天数，否则为 null' }),
  passwordMaxAgeDays: Type.Integer({ description: '密码最长使用天数；0 表示不过期' }),
});

async function presentSession(ctx: AppContext, actor: Actor, password: PasswordAge) {
  const units = (await membershipsOf(ctx, actor)).map((m) => ({
    id: m.info.id, name: m.info.name, kind: m.info.kind, department: m.info.department_code, post: m.post?.post ?? null,
    org: { id: m.info.org_id, code: m.info.org_code, name: m.info.org_name, level: m.info.org_level },
  }));
  return {
    ...presentActor(actor), units,
    passwordExpired: password.expired, passwordChangedDaysAgo: password.daysSinceChange,
    passwordExpiresInDays: password.expiresInDays, passwordMaxAgeDays: password.maxAgeDays,
  };
}

const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64, description: '用户名' }),
  password: Type.String({ minLength: 1, maxLength: 128, description: '密码' }),
}, { additionalProperties: false });

const PasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 128 }),
  newPassword: Type.String({ minLength: 1, maxLength: 256 }),
}, { additionalProperties: false });

export function registerAuthRoutes(app: App, ctx: AppContext): void {
  app.post('/api/auth/login', {
    // Counted (and refusals audited) in login(): per address and per account.
    config: { public: true, rateLimit: 'in-service' },
    schema: {
      tags: ['auth'], summary: '登录（用户名 + 密码）；成功后设置会话 Cookie',
      body: LoginBody, response: withProblems({ 200: SessionView }),
    },
  }, async (request, reply) => {
    const { token, actor, password } = await login(ctx, metaOf(request), { ...request.body, previousToken: sessionToken(ctx.config, request) });
    setSessionCookie(ctx.config, reply, token);
    return presentSession(ctx, actor, password);
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: '退出登录，会话立即失效', response: withProblems({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await logout(ctx, signedIn(request), sessionToken(ctx.config, request) ?? '');
    clearSessionCookie(ctx.config, reply);
    return reply.code(204).send(null);
  });

  app.get('/api/auth/me', {
    schema: {
      tags: ['auth'], summary: '当前登录用户、角色、所在单位；密码是否过期（过期时其他接口答复 403 PASSWORD_EXPIRED）或 7 天内到期',
      response: withProblems({ 200: SessionView }),
    },
  }, async (request) => presentSession(ctx, signedIn(request).actor, request.passwordAge!));

  app.post('/api/auth/password', {
    schema: {
      tags: ['auth'], summary: '修改本人密码；成功后所有会话失效，需重新登录',
      body: PasswordBody, response: withProblems({ 204: Type.Null() }),
    },
  }, async (request, reply) => {
    await changePassword(ctx, signedIn(request), request.body);
    clearSessionCookie(ctx.config, reply);
    return reply.code(204).send(null);
  });

  // Expired rate-limit counters are dead weight: purge them hourly.
  let stopPurge: (() => void) | null = null;
  app.addHook('onReady', async () => {
    stopPurge = runPeriodically(3600, async () => {
      const n = await purgeStaleCounters(ctx.db, ctx.now());
      if (n > 0) app.log.info(`已清理 ${n} 个过期的访问频率计数`);
    }, (err) => app.log.error({ err }, '清理访问频率计数失败，将在下次重试'));
  });
  app.addHook('onClose', async () => stopPurge?.());
}
