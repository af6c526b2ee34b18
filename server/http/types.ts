import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Actor, RequestMeta } from '../context.ts';

export type App = FastifyInstance<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in. */
    public?: boolean;
    /**
     * Public /api/ routes only: the per-address limit (http/public-rate-limit.ts). Absent: the shared
     * default (PUBLIC_RATE_LIMIT_PER_MINUTE) in a bucket of the route's own. `family` shares a bucket
     * between routes; `max` overrides the default; 'in-service' means the service counts (and audits) itself.
     */
    rateLimit?: { family?: string; max?: number } | 'in-service';
  }
}

export type { Actor, RequestMeta };
