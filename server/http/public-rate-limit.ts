// Every public (no sign-in) /api/ route is limited per client address, with the counter in the
// database (modules/auth/rate-limit.ts), so every app instance sees the same count. A route either
// takes the shared default (config.publicRateLimitPerMinute a minute, in a bucket per route or per
// `family`), sets its own `max`, or says its service counts itself ('in-service': sign-in and case
// lookup, which also audit refusals). Static files, /healthz and /readyz are not public /api/ routes.
// Staff use the public catalog at the counter, often many behind one office address: a request with a
// live session is counted per signed-in user instead of per address.
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { findSession } from '../modules/auth/repo.ts';
import { enforce, waitText, type Limit } from '../modules/auth/rate-limit.ts';
import { sessionTokenHash } from '../modules/auth/tokens.ts';
import { sessionToken } from './session.ts';
import type { App } from './types.ts';

export const PUBLIC_WINDOW_SECONDS = 60;

export interface PublicRouteLimit {
  method: string;
  url: string;
  /** null: the service limits it itself. */
  family: string | null;
  max: number | null;
}

const registered = new WeakMap<object, PublicRouteLimit[]>();

/** Every public /api/ route and how it is limited (tests check each one answers 429). */
export function publicRouteLimits(app: App): PublicRouteLimit[] {
  return registered.get(app) ?? [];
}

/** `user:<id>` for a live session (read only: the session is not touched), else `ip:<address>`. */
async function whoCounts(ctx: AppContext, request: FastifyRequest): Promise<string> {
  const token = sessionToken(ctx.config, request);
  if (token) {
    const session = await findSession(ctx.db, sessionTokenHash(ctx.config.secret, token));
    const now = ctx.now().getTime();
    if (session && now - Date.parse(session.last_seen_at) <= ctx.config.sessionIdleMinutes * 60_000
      && now - Date.parse(session.created_at) <= ctx.config.sessionMaxHours * 3_600_000) return `user:${session.user_id}`;
  }
  return `ip:${request.ip}`;
}

export async function publicLimitFor(ctx: AppContext, request: FastifyRequest): Promise<Limit | null> {
  const config = request.routeOptions.config;
  const url = request.routeOptions.url;
  if (!config?.public || !url?.startsWith('/api/') || config.rateLimit === 'in-service') return null;
  const family = config.rateLimit?.family ?? `public:${url}`;
  return { key: `${family}:${await whoCounts(ctx, request)}`, max: config.rateLimit?.max ?? ctx.config.publicRateLimitPerMinute, windowSeconds: PUBLIC_WINDOW_SECONDS };
}

/** Register before the routes (the onRoute hook only sees routes added after it). */
export function registerPublicRateLimits(app: App, ctx: AppContext): void {
  const list: PublicRouteLimit[] = [];
  registered.set(app, list);
  app.addHook('onRoute', (route) => {
    const config = route.config as { public?: boolean; rateLimit?: { family?: string; max?: number } | 'in-service' } | undefined;
    if (!config?.public || !route.url.startsWith('/api/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      const own = config.rateLimit === 'in-service';
      list.push({
        method, url: route.url,
        family: own ? null : (config.rateLimit as { family?: string } | undefined)?.family ?? `public:${route.url}`,
        max: own ? null : (config.rateLimit as { max?: number } | undefined)?.max ?? ctx.config.publicRateLimitPerMinute,
      });
    }
  });
  app.addHook('onRequest', async (request) => {
    const limit = await publicLimitFor(ctx, request);
    if (!limit) return;
    await enforce(ctx.db, [limit], ctx.now(), { detail: (wait) => `查询过于频繁，请 ${waitText(wait)}后再试` });
  });
}
