// Account administration: create, read, change roles, disable, unlock, reset password. All audited.
import { randomUUID } from 'node:crypto';
import type { Actor, AppContext, RequestMeta } from '../../context.ts';
import type { UserTable } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { checkPassword } from '../../domain/password-policy.ts';
import { can, canGrant, incompatibleRoles, ROLE_DEFINITIONS, scopeOf, type Grant, type Role } from '../../domain/roles.ts';
import { Conflict, Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import { hashPassword } from '../auth/password.ts';
import { deleteSessionsOfUser } from '../auth/repo.ts';
import { forgetGrantsOf } from '../auth/service.ts';
import * as orgs from '../orgs/repo.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import * as repo from './repo.ts';

type Meta = RequestMeta & { actor: Actor };

export interface RoleRequest {
  role: Role;
  orgId: string;
}

/** Resolves requested grants to org paths and checks the manager may hand out each one. */
async function resolveGrants(ctx: AppContext, meta: Meta, requested: RoleRequest[], pointer: string): Promise<Grant[]> {
  const errors: FieldError[] = [];
  const grants: Grant[] = [];
  for (const [i, r] of requested.entries()) {
    const org = await orgs.findOrg(ctx.db, r.orgId);
    if (!org || !can(meta.actor.roles, 'orgs.read', org.path)) {
      errors.push({ pointer: `${pointer}/${i}/orgId`, code: 'ORG_NOT_FOUND', detail: '机构不存在或不在您的管辖范围内' });
    } else if (!canGrant(meta.actor.roles, r.role, org.path)) {
      errors.push({ pointer: `${pointer}/${i}/role`, code: 'ROLE_NOT_GRANTABLE', detail: `您无权在该机构授予“${ROLE_DEFINITIONS[r.role].label}”角色` });
    } else if (grants.some((g) => g.role === r.role && g.orgId === r.orgId)) {
      errors.push({ pointer: `${pointer}/${i}`, code: 'DUPLICATE', detail: '同一角色和机构重复出现' });
    } else {
      grants.push({ role: r.role, orgId: org.id, orgPath: org.path });
    }
  }
  const clash = incompatibleRoles(grants.map((g) => g.role));
  if (clash) {
    errors.push({ pointer, code: 'ROLES_INCOMPATIBLE', detail: `“${ROLE_DEFINITIONS[clash[0]].label}”与“${ROLE_DEFINITIONS[clash[1]].label}”不能由同一人担任` });
  }
  if (errors.length) throw new Invalid(errors.map((e) => e.detail).join('；'), errors);
  return grants;
}

/** Loads a user the actor may act on with `permission`; anything else is 404 (and audited). */
async function loadInScope(ctx: AppContext, meta: Meta, id: string, permission: 'users.read' | 'users.manage') {
  const user = await repo.findById(ctx.db, id);
  const org = user ? await orgs.findOrg(ctx.db, user.org_id) : undefined;
  if (user && org && can(meta.actor.roles, permission, org.path)) return user;
  if (user && org && permission === 'users.manage' && can(meta.actor.roles, 'users.read', org.path)) {
    throw new Forbidden('您可以查看该用户，但无权修改');
  }
  if (user) await denyAsNotFound(ctx, meta, 'user', id, '用户不存在或不在您的管辖范围内');
  throw new NotFound('用户不存在或不在您的管辖范围内');
}

export interface NewUser {
  id?: string;
  username: string;
  displayName: string;
  orgId: string;
  password: string;
  roles: RoleRequest[];
}

export async function createUser(ctx: AppContext, meta: Meta, input: NewUser) {
  const org = await orgs.findOrg(ctx.db, input.orgId);
  if (!org || !can(meta.actor.roles, 'users.manage', org.path)) {
    throw new Invalid('所属机构不存在或不在您的管理范围内', [{ pointer: '#/orgId', code: 'ORG_NOT_FOUND', detail: '所属机构不存在或不在您的管理范围内' }]);
  }
  const username = input.username.normalize('NFKC').trim();
  const errors = checkPassword(input.password, username);
  if (errors.length) throw new Invalid(errors.map((e) => e.detail).join('；'), errors);
  const grants = await resolveGrants(ctx, meta, input.roles, '#/roles');
  const passwordHash = await hashPassword(input.password);
  const at = ctx.now().toISOString();
  const user: UserTable = {
    id: input.id ?? randomUUID(), username, username_key: repo.usernameKey(username), display_name: input.displayName.trim(),
    org_id: org.id, password_hash: passwordHash, password_changed_at: at, failed_logins: 0, locked_until: null,
    disabled: 0, created_at: at, updated_at: at, version: 1,
  };
  return inTransaction(ctx.db, async (tx) => {
    if (await repo.findByUsername(tx, username)) {
      throw new Conflict(`用户名“${username}”已被使用，请换一个`, [{ pointer: '#/username', code: 'DUPLICATE', detail: '用户名已被使用（不区分大小写）' }]);
    }
    if (await repo.findById(tx, user.id)) {
      throw new Conflict('用户编号已存在', [{ pointer: '#/id', code: 'DUPLICATE', detail: '用户编号已存在' }]);
    }
    await repo.insertUser(tx, user);
    await repo.replaceGrants(tx, user.id, grants, at);
    await recordAudit(ctx, tx, meta, {
      action: 'user.create', objectType: 'user', objectId: user.id,
      detail: { username, orgId: org.id, roles: grants.map((g) => `${g.role}@${g.orgId}`) },
    });
    return { user, grants };
  });
}

export async function getUser(ctx: AppContext, meta: Meta, id: string) {
  const user = await loadInScope(ctx, meta, id, 'users.read');
  return { user, grants: await repo.grantsOf(ctx.db, id) };
}

export async function listUsers(ctx: AppContext, meta: Meta, q: { orgId?: string; q?: string; page: number; pageSize: number }) {
  const { total, rows } = await repo.listUsers(ctx.db, {
    scope: scopeOf(meta.actor.roles, 'users.read'), orgId: q.orgId, q: q.q,
    limit: q.pageSize, offset: (q.page - 1) * q.pageSize,
  });
  const grants = await repo.grantsOfUsers(ctx.db, rows.map((u) => u.id));
  const items = rows.map((u) => ({ user: u, grants: grants.get(u.id) ?? [] }));
  return { total, items };
}

function assertNotSelf(meta: Meta, id: string, what: string) {
  if (meta.actor.userId === id) throw new Forbidden(`不能${what}自己的账号，请由其他管理员操作`);
}

function staleVersion(): Conflict {
  return new Conflict('该用户刚被他人修改，请刷新后重试', [{ pointer: '#/version', code: 'STALE_VERSION', detail: '版本已过期，请刷新' }]);
}

export async function setRoles(ctx: AppContext, meta: Meta, id: string, input: { roles: RoleRequest[]; version: number }) {
  assertNotSelf(meta, id, '修改');
  const user = await loadInScope(ctx, meta, id, 'users.manage');
  const before = await repo.grantsOf(ctx.db, id);
  // Removing a role needs the same right as granting it.
  const kept = new Set(input.roles.map((r) => `${r.role}@${r.orgId}`));
  const removedErrors = before.filter((g) => !kept.has(`${g.role}@${g.orgId}`) && !canGrant(meta.actor.roles, g.role, g.orgPath));
  if (removedErrors.length) throw new Forbidden(`您无权撤销“${ROLE_DEFINITIONS[removedErrors[0]!.role].label}”角色`);
  const grants = await resolveGrants(ctx, meta, input.roles.filter((r) => !before.some((g) => g.role === r.role && g.orgId === r.orgId)), '#/roles');
  const all = [...before.filter((g) => kept.has(`${g.role}@${g.orgId}`)), ...grants];
  const clash = incompatibleRoles(all.map((g) => g.role));
  if (clash) throw new Invalid(`“${ROLE_DEFINITIONS[clash[0]].label}”与“${ROLE_DEFINITIONS[clash[1]].label}”不能由同一人担任`, [{ pointer: '#/roles', code: 'ROLES_INCOMPATIBLE', detail: '角色冲突' }]);
  const at = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await repo.updateUser(tx, id, input.version, {}, at))) throw staleVersion();
    await repo.replaceGrants(tx, id, all, at);
    await recordAudit(ctx, tx, meta, {
      action: 'user.roles.change', objectType: 'user', objectId: id,
      detail: { before: before.map((g) => `${g.role}@${g.orgId}`), after: all.map((g) => `${g.role}@${g.orgId}`) },
    });
  });
  forgetGrantsOf(ctx, id);
  return getUser(ctx, meta, user.id);
}

export async function setDisabled(ctx: AppContext, meta: Meta, id: string, input: { disabled: boolean; version: number }) {
  assertNotSelf(meta, id, input.disabled ? '停用' : '启用');
  await loadInScope(ctx, meta, id, 'users.manage');
  const at = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await repo.updateUser(tx, id, input.version, { disabled: input.disabled ? 1 : 0 }, at))) throw staleVersion();
    if (input.disabled) await deleteSessionsOfUser(tx, id);
    await recordAudit(ctx, tx, meta, { action: input.disabled ? 'user.disable' : 'user.enable', objectType: 'user', objectId: id });
  });
  return getUser(ctx, meta, id);
}

export async function unlockUser(ctx: AppContext, meta: Meta, id: string) {
  await loadInScope(ctx, meta, id, 'users.manage');
  await inTransaction(ctx.db, async (tx) => {
    await repo.clearFailedLogins(tx, id);
    await recordAudit(ctx, tx, meta, { action: 'user.unlock', objectType: 'user', objectId: id });
  });
  return getUser(ctx, meta, id);
}

export async function resetPassword(ctx: AppContext, meta: Meta, id: string, input: { password: string; version: number }) {
  assertNotSelf(meta, id, '重置');
  const user = await loadInScope(ctx, meta, id, 'users.manage');
  const errors = checkPassword(input.password, user.username);
  if (errors.length) throw new Invalid(errors.map((e) => e.detail).join('；'), errors);
  const passwordHash = await hashPassword(input.password);
  const at = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await repo.updateUser(tx, id, input.version, { password_hash: passwordHash, password_changed_at: at, failed_logins: 0, locked_until: null }, at))) throw staleVersion();
    await deleteSessionsOfUser(tx, id);
    await recordAudit(ctx, tx, meta, { action: 'user.password.reset', objectType: 'user', objectId: id });
  });
  return getUser(ctx, meta, id);
}
