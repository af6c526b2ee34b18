// Writes made by the system itself (demo data, first set-up), outside any user's authority but still audited.
import { randomUUID } from 'node:crypto';
import type { AppContext, RequestMeta } from '../context.ts';
import type { OrgLevel, OrgTable } from '../db/schema.ts';
import { inTransaction, type Tx } from '../db/transaction.ts';
import { childPath } from '../domain/org-tree.ts';
import type { Role } from '../domain/roles.ts';
import { recordAudit } from '../modules/audit/service.ts';
import { hashPassword } from '../modules/auth/password.ts';
import * as orgRepo from '../modules/orgs/repo.ts';
import * as userRepo from '../modules/users/repo.ts';

export function systemMeta(source: string): RequestMeta {
  return { actor: null, ip: '127.0.0.1', requestId: `${source}-${randomUUID()}` };
}

export async function insertOrgAsSystem(
  ctx: AppContext, meta: RequestMeta,
  o: { code: string; name: string; level: OrgLevel; parent: OrgTable | null; address?: string; phone?: string; openingHours?: string },
): Promise<OrgTable> {
  const id = randomUUID();
  const at = ctx.now().toISOString();
  const org: OrgTable = {
    id, code: o.code, name: o.name, level: o.level, parent_id: o.parent?.id ?? null, path: childPath(o.parent?.path ?? null, id),
    address: o.address ?? null, phone: o.phone ?? null, opening_hours: o.openingHours ?? null, created_at: at, updated_at: at, version: 1,
  };
  await inTransaction(ctx.db, async (tx) => {
    await orgRepo.insertOrg(tx, org);
    await recordAudit(ctx, tx, meta, { action: 'org.create', objectType: 'org', objectId: id, username: 'system', detail: { code: o.code, name: o.name } });
  });
  return org;
}

export interface SystemUser {
  username: string;
  displayName: string;
  org: OrgTable;
  roles: Role[];
}

/**
 * Creates an account as the system. Pass `passwordHash` when creating many accounts with one
 * password (demo data): argon2 costs about 40 ms a hash, so hash once and reuse it.
 */
export async function insertUserAsSystem(
  ctx: AppContext, meta: RequestMeta,
  u: SystemUser & ({ password: string } | { passwordHash: string }),
): Promise<string> {
  const passwordHash = 'passwordHash' in u ? u.passwordHash : await hashPassword(u.password);
  return inTransaction(ctx.db, (tx) => writeUserAsSystem(ctx, tx, meta, u, passwordHash));
}

/** The same, inside the caller's transaction. */
export async function writeUserAsSystem(ctx: AppContext, tx: Tx, meta: RequestMeta, u: SystemUser, passwordHash: string): Promise<string> {
  const id = randomUUID();
  const at = ctx.now().toISOString();
  await userRepo.insertUser(tx, {
    id, username: u.username, username_key: userRepo.usernameKey(u.username), display_name: u.displayName, org_id: u.org.id,
    password_hash: passwordHash, password_changed_at: at, failed_logins: 0, locked_until: null, disabled: 0,
    created_at: at, updated_at: at, version: 1,
  });
  await userRepo.replaceGrants(tx, id, u.roles.map((role) => ({ role, orgId: u.org.id })), at);
  await recordAudit(ctx, tx, meta, {
    action: 'user.create', objectType: 'user', objectId: id, username: 'system',
    detail: { username: u.username, roles: u.roles.map((r) => `${r}@${u.org.id}`) },
  });
  return id;
}
