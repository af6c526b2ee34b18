// The sign-in cookie, and the hook that turns it into request.actor before anything else runs.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Actor, AppContext, RequestMeta } from '../context.ts';
import { Unauthorized } from '../errors.ts';
import { authenticateSession, PasswordExpired, type PasswordAge } from '../modules/auth/service.ts';
import type { App } from './types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's password age (null on public routes). */
    passwordAge: PasswordAge | null;
  }
}

/** What a session whose password has expired may still do: see who it is, change the password, sign out. */
const ALLOWED_WITH_EXPIRED_PASSWORD = new Set(['GET /api/auth/me', 'POST /api/auth/password', 'POST /api/auth/logout']);

/** `__Host-` and `Secure` unless an operator explicitly allowed plain HTTP on a network address. */
export function secureCookies(config: Config): boolean {
  return !(config.allowInsecureHttp && !config.tls);
}

export function cookieName(config: Config): string {
  return secureCookies(config) ? '__Host-bianmin_sid' : 'bianmin_sid';
}

export function setSessionCookie(config: Config, reply: FastifyReply, token: string): void {
  reply.setCookie(cookieName(config), token, {
    path: '/', httpOnly: true, secure: secureCookies(config), sameSite: 'strict',
  });
}

export function clearSessionCookie(config: Config, reply: FastifyReply): void {
  reply.clearCookie(cookieName(config), { path: '/', httpOnly: true, secure: secureCookies(config), sameSite: 'strict' });
  reply.header('Clear-Site-Data', '"cookies", "storage"');
}

export function sessionToken(config: Config, request: FastifyRequest): string | undefined {
  return request.cookies[cookieName(config)];
}

export function metaOf(request: FastifyRequest): RequestMeta {
  return { actor: request.actor, ip: request.ip, requestId: request.id };
}

/** For handlers behind the sign-in hook, where an actor always exists. */
export function signedIn(request: FastifyRequest): RequestMeta & { actor: Actor } {
  if (!request.actor) throw new Unauthorized('请先登录', 'NOT_SIGNED_IN');
  return { actor: request.actor, ip: request.ip, requestId: request.id };
}

export function registerSessionHook(app: App, ctx: AppContext): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('passwordAge', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/docs') || request.routeOptions.config?.public) return;
    if (!request.routeOptions.url) return; // unknown route: the 404 handler answers
    try {
      const { actor, password } = await authenticateSession(ctx, sessionToken(ctx.config, request));
      request.actor = actor;
      request.passwordAge = password;
    } catch (err) {
      if (err instanceof Unauthorized && err.code !== 'NOT_SIGNED_IN') clearSessionCookie(ctx.config, reply);
      throw err;
    }
    // 等保 periodic change: an expired password signs in, but the session does nothing else until it is changed.
    if (request.passwordAge.expired && !ALLOWED_WITH_EXPIRED_PASSWORD.has(`${request.method} ${request.routeOptions.url}`)) {
      throw new PasswordExpired(request.passwordAge.maxAgeDays);
    }
  });
}
