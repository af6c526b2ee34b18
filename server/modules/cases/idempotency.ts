// Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header): the first answer to a
// (principal, key) is stored in the same transaction as the work it reports, so a retry — or twenty
// identical requests at once — gets that answer, byte for byte, and nothing is done twice.
//
// - Before working, a stored answer for the key is replayed (same method, path and body), or the
//   request is refused with 422 IDEMPOTENCY_KEY_REUSED (different method, path or body).
// - The work's transaction first inserts the key row (the claim). A concurrent duplicate blocks on
//   that row's primary key until the first commits, then fails with a unique violation; it rolls
//   back and replays the first answer. On SQLite, BEGIN IMMEDIATE serializes the two outright.
// - Only successful answers are stored: a refusal changes nothing, so a retry simply runs again.
// - A key lives 24 hours; afterwards it may be used afresh.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { AppError, Invalid } from '../../errors.ts';
import { runPeriodically } from '../../ops/periodic.ts';
import * as repo from './repo.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

/** A header that cannot be read is a malformed request (400), not a semantic one. */
class MalformedHeader extends AppError {
  readonly status = 400;
  readonly type = 'bad-request';
  readonly title = '请求格式有误';
}

export interface IdempotencyClaim {
  principal: string;
  key: string;
  route: string;
  hash: string;
}

/** Hooks a service runs inside its transaction: `begin` first, `end` last with the result. */
export interface TxHooks<R> {
  begin(tx: Tx): Promise<void>;
  end(tx: Tx, result: R): Promise<void>;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The request's claim, or null without the header; a malformed key is a 400. */
export function claimOf(request: FastifyRequest, principal: string): IdempotencyClaim | null {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0] ?? '' : raw;
  if (!KEY.test(key)) {
    const detail = 'Idempotency-Key 应为 1 至 255 个可见 ASCII 字符（建议使用 UUID）';
    throw new MalformedHeader(detail, [{ pointer: '#/headers/idempotency-key', code: 'FORMAT', detail }]);
  }
  const route = `${request.method} ${request.url.split('?')[0]}`;
  const hash = createHash('sha256').update(route).update('\n').update(canonicalJson(request.body ?? null)).digest('hex');
  return { principal, key, route, hash };
}

const reused = () => {
  const detail = '该 Idempotency-Key 已用于另一个请求（内容不同）；重试请发送完全相同的请求，新的请求请使用新的 Idempotency-Key';
  return Object.assign(new Invalid(detail, [{ pointer: '#/headers/idempotency-key', code: 'IDEMPOTENCY_KEY_REUSED', detail }]), { code: 'IDEMPOTENCY_KEY_REUSED' });
};

/** The stored answer for the claim's key, if any and not expired; 422 when it answered another request. */
export async function storedAnswer(ctx: AppContext, claim: IdempotencyClaim): Promise<{ status: number; response: string } | null> {
  const row = await repo.findIdempotencyKey(ctx.db, claim.principal, claim.key);
  if (!row || Date.parse(row.created_at) < ctx.now().getTime() - IDEMPOTENCY_TTL_MS) return null;
  if (row.route !== claim.route || row.body_hash !== claim.hash) throw reused();
  return { status: row.status, response: row.response };
}

const PURGE_BATCH = 1000;

/**
 * Deletes the keys past their 24 hours (each is already ignored once expired), a thousand per
 * transaction so a long backlog never holds the write lock for long. Returns how many went.
 */
export async function purgeExpiredKeys(ctx: AppContext): Promise<number> {
  const cutoff = new Date(ctx.now().getTime() - IDEMPOTENCY_TTL_MS).toISOString();
  let total = 0;
  for (;;) {
    const n = await inTransaction(ctx.db, (tx) => repo.purgeIdempotencyKeys(tx, cutoff, PURGE_BATCH));
    total += n;
    if (n < PURGE_BATCH) return total;
  }
}

/** Purges expired keys every `minutes` while the app runs; returns a stop function. */
export function schedulePurge(ctx: AppContext, minutes: number, log: (msg: string, err?: unknown) => void): () => void {
  return runPeriodically(minutes * 60, async () => {
    const n = await purgeExpiredKeys(ctx);
    if (n > 0) log(`已清理 ${n} 个过期的 Idempotency-Key`);
  }, (err) => log('清理过期 Idempotency-Key 失败，将在下次重试', err));
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function sendJson(reply: FastifyReply, status: number, body: string, replayed: boolean) {
  if (replayed) reply.header('Idempotent-Replayed', 'true');
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/**
 * Runs a write and answers it, honouring Idempotency-Key. `work` gets hooks to run inside its
 * transaction (or null without a key); `present` turns its result into the JSON body.
 */
export async function respondOnce<R>(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: string,
  status: number,
  work: (hooks: TxHooks<R> | null) => Promise<R>,
  present: (result: R) => unknown,
) {
  const claim = claimOf(request, principal);
  if (!claim) return sendJson(reply, status, JSON.stringify(present(await work(null))), false);
  const known = await storedAnswer(ctx, claim);
  if (known) return sendJson(reply, known.status, known.response, true);
  let body = '';
  const hooks: TxHooks<R> = {
    async begin(tx) {
      const at = ctx.now();
      await repo.dropExpiredKey(tx, claim.principal, claim.key, new Date(at.getTime() - IDEMPOTENCY_TTL_MS).toISOString());
      await repo.insertIdempotencyKey(tx, {
        principal: claim.principal, key: claim.key, route: claim.route, body_hash: claim.hash, status: 0, response: '', created_at: at.toISOString(),
      });
    },
    async end(tx, result) {
      body = JSON.stringify(present(result));
      await repo.completeIdempotencyKey(tx, claim.principal, claim.key, status, body);
    },
  };
  try {
    await work(hooks);
  } catch (err) {
    // A duplicate that lost the race (unique violation on the key), or one refused because the first
    // already changed the case (a stale version): the first's answer is there now.
    if (isUniqueViolation(err) || err instanceof AppError) {
      const first = await storedAnswer(ctx, claim);
      if (first) return sendJson(reply, first.status, first.response, true);
    }
    throw err;
  }
  return sendJson(reply, status, body, false);
}
