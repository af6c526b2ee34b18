// SQL for accounts and their role grants.
import type { Db } from '../../db/index.ts';
import type { UserTable } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';
import type { Grant, Role } from '../../domain/roles.ts';
import { orgInScope, type OrgScope } from '../../db/scope.ts';

type Reader = Db | Tx;

export function usernameKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

export async function findByUsername(db: Reader, username: string): Promise<UserTable | undefined> {
  return db.selectFrom('users').selectAll().where('username_key', '=', usernameKey(username)).executeTakeFirst();
}

export async function findById(db: Reader, id: string): Promise<UserTable | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function grantsOf(db: Reader, userId: string): Promise<Grant[]> {
  return (await grantsOfUsers(db, [userId])).get(userId) ?? [];
}

/** Grants of several users in one query (lists would otherwise ask once per row). */
export async function grantsOfUsers(db: Reader, userIds: string[]): Promise<Map<string, Grant[]>> {
  const byUser = new Map<string, Grant[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db.selectFrom('user_roles')
    .innerJoin('orgs', 'orgs.id', 'user_roles.org_id')
    .select(['user_roles.user_id', 'user_roles.role', 'user_roles.org_id', 'orgs.path'])
    .where('user_roles.user_id', 'in', userIds)
    .orderBy('user_roles.role').orderBy('orgs.path')
    .execute();
  for (const r of rows) {
    const list = byUser.get(r.user_id) ?? [];
    list.push({ role: r.role as Role, orgId: r.org_id, orgPath: r.path });
    byUser.set(r.user_id, list);
  }
  return byUser;
}

export async function insertUser(tx: Tx, user: UserTable): Promise<void> {
  await tx.insertInto('users').values(user).execute();
}

export async function replaceGrants(tx: Tx, userId: string, grants: { role: Role; orgId: string }[], at: string): Promise<void> {
  await tx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (grants.length === 0) return;
  await tx.insertInto('user_roles')
    .values(grants.map((g) => ({ user_id: userId, role: g.role, org_id: g.orgId, created_at: at })))
    .execute();
}

/** Optimistic update: changes nothing and returns false when the version moved on. */
export async function updateUser(tx: Tx, id: string, version: number, changes: Partial<UserTable>, at: string): Promise<boolean> {
  const result = await tx.updateTable('users')
    .set({ ...changes, updated_at: at, version: version + 1 })
    .where('id', '=', id).where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordFailedLogin(tx: Tx, id: string): Promise<number> {
  const row = await tx.updateTable('users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', id)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  return row.failed_logins;
}

export async function lockUser(tx: Tx, id: string, until: string): Promise<void> {
  await tx.updateTable('users').set({ locked_until: until, failed_logins: 0 }).where('id', '=', id).execute();
}

export async function clearFailedLogins(tx: Tx, id: string): Promise<void> {
  await tx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
}

export interface UserListQuery {
  scope: OrgScope;
  orgId?: string;
  q?: string;
  limit: number;
  offset: number;
}

/** Users whose home org lies inside the caller's scope. */
export async function listUsers(db: Reader, query: UserListQuery) {
  let sel = db.selectFrom('users').innerJoin('orgs', 'orgs.id', 'users.org_id')
    .where((eb) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, query.scope));
  if (query.orgId) sel = sel.where('users.org_id', '=', query.orgId);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, '')}%`;
    sel = sel.where((eb) => eb.or([eb('users.username', 'like', like), eb('users.display_name', 'like', like)]));
  }
  const total = await sel.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await sel.selectAll('users').select(['orgs.name as org_name'])
    .orderBy('orgs.path').orderBy('users.username').limit(query.limit).offset(query.offset).execute();
  return { total: Number(total.n), rows };
}
