// Sign-in, sessions and sign-out. Every outcome, good or bad, leaves one audit row.
import type { Actor, AppContext, RequestMeta } from '../../context.ts';
import { perDatabaseCache } from '../../db/per-database-cache.ts';
import { onNetworkChange } from '../network/changes.ts';
import type { UserTable } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { checkPassword } from '../../domain/password-policy.ts';
import { Forbidden, Invalid, Locked, TooManyRequests, Unauthorized } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import * as users from '../users/repo.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { enforce } from './rate-limit.ts';
import * as sessions from './repo.ts';
import { newSessionToken, sessionTokenHash } from './tokens.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 30;
/** Beyond the per-account lock: caps guessing across many accounts from one address, and at one account from many. */
export const IP_LIMIT = { max: 30, windowSeconds: 15 * 60 };
export const ACCOUNT_LIMIT = { max: 20, windowSeconds: 15 * 60 };
/** last_seen_at is written at most this often, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

const WRONG_CREDENTIALS = `用户名或密码错误。连续输错 ${MAX_FAILED_LOGINS} 次，账号将锁定 ${LOCK_MINUTES} 分钟`;

function formatShanghaiTime(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })
      .formatToParts(new Date(iso)).map((p) => [p.type, p.value]),
  );
  return `${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
}

const DAY_MS = 86_400_000;
/** From this many days before expiry, `me` warns (passwordExpiresInDays). */
export const PASSWORD_WARN_DAYS = 7;

/** How old the password is, against the configured maximum age (等保 periodic change). */
export interface PasswordAge {
  changedAt: string;
  /** Whole days since the last change. */
  daysSinceChange: number;
  maxAgeDays: number;
  /** Past its maximum age: the session may only read `me`, change the password and sign out. */
  expired: boolean;
  /** Whole days left (1…7) when it expires within PASSWORD_WARN_DAYS; otherwise null. */
  expiresInDays: number | null;
}

export function passwordAgeOf(maxAgeDays: number, changedAt: string, now: Date): PasswordAge {
  const ageMs = now.getTime() - Date.parse(changedAt);
  const daysSinceChange = Math.max(0, Math.floor(ageMs / DAY_MS));
  if (maxAgeDays <= 0) return { changedAt, daysSinceChange, maxAgeDays: 0, expired: false, expiresInDays: null };
  const leftMs = maxAgeDays * DAY_MS - ageMs;
  const expired = leftMs <= 0;
  const left = Math.ceil(leftMs / DAY_MS);
  return { changedAt, daysSinceChange, maxAgeDays, expired, expiresInDays: !expired && left <= PASSWORD_WARN_DAYS ? left : null };
}

/** Answered by every API but `me`, password change and sign-out while the password is past its age. */
export class PasswordExpired extends Forbidden {
  readonly code = 'PASSWORD_EXPIRED';
  constructor(maxAgeDays: number) {
    super(`密码已超过 ${maxAgeDays} 天未修改，请先修改密码`);
  }
}

export interface LoginResult {
  token: string;
  actor: Actor;
  password: PasswordAge;
}

export async function login(
  ctx: AppContext,
  meta: RequestMeta,
  input: { username: string; password: string; previousToken?: string },
): Promise<LoginResult> {
  const now = ctx.now();
  const key = users.usernameKey(input.username);

  await enforce(ctx.db, [{ key: `login:ip:${meta.ip}`, ...IP_LIMIT }, { key: `login:user:${key}`, ...ACCOUNT_LIMIT }], now, {
    detail: (wait) => `登录尝试过于频繁，请 ${Math.ceil(wait / 60)} 分钟后再试`,
    onDenied: (tx, refusedBy) => recordAudit(ctx, tx, meta, {
      action: 'auth.login', objectType: 'user', username: input.username, outcome: 'denied',
      detail: { reason: refusedBy.key.startsWith('login:ip:') ? 'rate_limited_ip' : 'rate_limited_account' },
    }),
  });

  const user = await users.findByUsername(ctx.db, input.username);
  const locked = user?.locked_until && Date.parse(user.locked_until) > now.getTime() ? user.locked_until : null;
  // Always verify, even for unknown or locked accounts, so timing does not tell them apart.
  const passwordOk = await verifyPassword(user?.password_hash ?? null, input.password);

  if (!user || user.disabled) {
    await inTransaction(ctx.db, (tx) =>
      recordAudit(ctx, tx, meta, {
        action: 'auth.login', objectType: 'user', objectId: user?.id, username: input.username, outcome: 'failed',
        detail: { reason: user ? 'disabled' : 'unknown_user' }, userId: user?.id ?? null, orgId: user?.org_id ?? null,
      }),
    );
    throw new Unauthorized(WRONG_CREDENTIALS, 'BAD_CREDENTIALS');
  }
  const who = { userId: user.id, username: user.username, orgId: user.org_id };

  if (locked) {
    await inTransaction(ctx.db, (tx) =>
      recordAudit(ctx, tx, meta, { action: 'auth.login', objectType: 'user', objectId: user.id, outcome: 'denied', detail: { reason: 'locked' }, ...who }),
    );
    throw new Locked(`账号已锁定，请在 ${formatShanghaiTime(locked)} 之后再试，或请管理员解锁`, (Date.parse(locked) - now.getTime()) / 1000);
  }

  if (!passwordOk) {
    const lockedUntil = await inTransaction(ctx.db, async (tx) => {
      const failures = await users.recordFailedLogin(tx, user.id);
      await recordAudit(ctx, tx, meta, {
        action: 'auth.login', objectType: 'user', objectId: user.id, outcome: 'failed', detail: { reason: 'bad_password', failures }, ...who,
      });
      if (failures < MAX_FAILED_LOGINS) return null;
      const until = new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString();
      await users.lockUser(tx, user.id, until);
      await recordAudit(ctx, tx, meta, {
        action: 'auth.lockout', objectType: 'user', objectId: user.id, detail: { failures, until }, ...who,
      });
      return until;
    });
    if (lockedUntil) {
      throw new Locked(`密码连续输错 ${MAX_FAILED_LOGINS} 次，账号已锁定 ${LOCK_MINUTES} 分钟，请在 ${formatShanghaiTime(lockedUntil)} 之后再试，或请管理员解锁`, LOCK_MINUTES * 60);
    }
    throw new Unauthorized(WRONG_CREDENTIALS, 'BAD_CREDENTIALS');
  }

  const token = newSessionToken();
  const password = passwordAgeOf(ctx.config.passwordMaxAgeDays, user.password_changed_at, now);
  await inTransaction(ctx.db, async (tx) => {
    if (input.previousToken) await sessions.deleteSession(tx, sessionTokenHash(ctx.config.secret, input.previousToken));
    await users.clearFailedLogins(tx, user.id);
    await sessions.insertSession(tx, {
      token_hash: sessionTokenHash(ctx.config.secret, token), user_id: user.id,
      created_at: now.toISOString(), last_seen_at: now.toISOString(), ip: meta.ip,
    });
    await recordAudit(ctx, tx, meta, {
      action: 'auth.login', objectType: 'user', objectId: user.id, ...who,
      ...(password.expired ? { detail: { passwordExpired: true, daysSinceChange: password.daysSinceChange } } : {}),
    });
  });
  // Signing in always reads the grants afresh (an operator may have changed them behind our back).
  forgetGrantsOf(ctx, user.id);
  return { token, actor: await actorOf(ctx, user), password };
}

async function actorOf(ctx: AppContext, user: UserTable): Promise<Actor> {
  return {
    userId: user.id, username: user.username, displayName: user.display_name, orgId: user.org_id,
    roles: await grantsOf(ctx, user.id),
  };
}

// A person's role grants are read on every request, so they are kept for a few seconds. The account row
// itself (disabled, password age) and the session are still read every time, so signing out, disabling
// an account or an expired password end access at once. Role changes forget the entry in this process;
// other processes see them within ACTOR_TTL_MS.
export const ACTOR_TTL_MS = 2_000;
const grants = perDatabaseCache<Actor['roles']>(ACTOR_TTL_MS);
// A grant carries its org's path, which moving an org rewrites.
onNetworkChange((ctx) => grants.forget(ctx));

function grantsOf(ctx: AppContext, userId: string): Promise<Actor['roles']> {
  return grants.get(ctx, userId, () => users.grantsOf(ctx.db, userId));
}

/** After a change to a person's roles: the next request reads them again. */
export function forgetGrantsOf(ctx: AppContext, userId: string): void {
  grants.forget(ctx, userId);
}

/** Resolves a session cookie to its user, ending it when idle too long or too old. */
export async function authenticate(ctx: AppContext, token: string | undefined): Promise<Actor> {
  return (await authenticateSession(ctx, token)).actor;
}

/** As authenticate, with the age of the user's password (the session hook restricts an expired one). */
export async function authenticateSession(ctx: AppContext, token: string | undefined): Promise<{ actor: Actor; password: PasswordAge }> {
  if (!token) throw new Unauthorized('请先登录', 'NOT_SIGNED_IN');
  const tokenHash = sessionTokenHash(ctx.config.secret, token);
  const session = await sessions.findSession(ctx.db, tokenHash);
  if (!session) throw new Unauthorized('登录已失效，请重新登录', 'SESSION_INVALID');
  const now = ctx.now().getTime();
  const idleMs = ctx.config.sessionIdleMinutes * 60_000;
  const maxMs = ctx.config.sessionMaxHours * 3_600_000;
  if (now - Date.parse(session.last_seen_at) > idleMs) {
    await sessions.deleteSession(ctx.db, tokenHash);
    throw new Unauthorized(`超过 ${ctx.config.sessionIdleMinutes} 分钟无操作，登录已超时，请重新登录`, 'SESSION_IDLE');
  }
  if (now - Date.parse(session.created_at) > maxMs) {
    await sessions.deleteSession(ctx.db, tokenHash);
    throw new Unauthorized(`登录已满 ${ctx.config.sessionMaxHours} 小时，请重新登录`, 'SESSION_EXPIRED');
  }
  if (now - Date.parse(session.last_seen_at) > TOUCH_INTERVAL_MS) {
    await sessions.touchSession(ctx.db, tokenHash, new Date(now).toISOString());
  }
  const user = await users.findById(ctx.db, session.user_id);
  if (!user || user.disabled) {
    await sessions.deleteSession(ctx.db, tokenHash);
    throw new Unauthorized('账号已停用，请联系管理员', 'ACCOUNT_DISABLED');
  }
  return { actor: await actorOf(ctx, user), password: passwordAgeOf(ctx.config.passwordMaxAgeDays, user.password_changed_at, new Date(now)) };
}

export async function logout(ctx: AppContext, meta: RequestMeta, token: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    await sessions.deleteSession(tx, sessionTokenHash(ctx.config.secret, token));
    await recordAudit(ctx, tx, meta, { action: 'auth.logout', objectType: 'user', objectId: meta.actor?.userId });
  });
}

/** Changing one's own password needs the current one; every other session of the user ends. */
export async function changePassword(
  ctx: AppContext,
  meta: RequestMeta & { actor: Actor },
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await users.findById(ctx.db, meta.actor.userId);
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new Invalid('当前密码不正确', [{ pointer: '#/currentPassword', code: 'BAD_PASSWORD', detail: '当前密码不正确' }]);
  }
  const problems = checkPassword(input.newPassword, user.username, '#/newPassword');
  if (input.newPassword === input.currentPassword) {
    problems.push({ pointer: '#/newPassword', code: 'PASSWORD_UNCHANGED', detail: '新密码不能与当前密码相同' });
  }
  if (problems.length) throw new Invalid(problems.map((p) => p.detail).join('；'), problems);
  const passwordHash = await hashPassword(input.newPassword);
  const at = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    await tx.updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: at, updated_at: at, version: user.version + 1 })
      .where('id', '=', user.id).execute();
    await sessions.deleteSessionsOfUser(tx, user.id);
    await recordAudit(ctx, tx, meta, { action: 'user.password.change', objectType: 'user', objectId: user.id });
  });
}
