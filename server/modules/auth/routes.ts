import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import { withProblems } from '../../http/problem.ts';
import { clearSessionCookie, metaOf, sessionToken, setSessionCookie, signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { presentActor, ActorView } from '../users/presenter.ts';
import { changePassword, login, logout } from './service.ts';

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
    config: { public: true },
    schema: {
      tags: ['auth'], summary: '登录（用户名 + 密码）；成功后设置会话 Cookie',
      body: LoginBody, response: withProblems({ 200: ActorView }),
    },
  }, async (request, reply) => {
    const { token, actor } = await login(ctx, metaOf(request), { ...request.body, previousToken: sessionToken(ctx.config, request) });
    setSessionCookie(ctx.config, reply, token);
    return presentActor(actor);
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: '退出登录，会话立即失效', response: withProblems({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await logout(ctx, signedIn(request), sessionToken(ctx.config, request) ?? '');
    clearSessionCookie(ctx.config, reply);
    return reply.code(204).send(null);
  });

  app.get('/api/auth/me', {
    schema: { tags: ['auth'], summary: '当前登录用户及其角色', response: withProblems({ 200: ActorView }) },
  }, async (request) => presentActor(signedIn(request).actor));

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
}
