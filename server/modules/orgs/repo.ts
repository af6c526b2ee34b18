// SQL for the org tree.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { orgInScope, type OrgScope } from '../../db/scope.ts';
import type { OrgTable } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';

type Runner = Db | Tx;

export async function findOrg(db: Runner, id: string): Promise<OrgTable | undefined> {
  return db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrgByCode(db: Runner, code: string): Promise<OrgTable | undefined> {
  return db.selectFrom('orgs').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listOrgs(db: Runner, scope: OrgScope, filter: { parentId?: string; level?: string }): Promise<OrgTable[]> {
  let q = db.selectFrom('orgs').selectAll().where((eb) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, scope));
  if (filter.parentId) q = q.where('parent_id', '=', filter.parentId);
  if (filter.level) q = q.where('level', '=', filter.level as OrgTable['level']);
  return q.orderBy('path').execute();
}

export async function insertOrg(tx: Tx, org: OrgTable): Promise<void> {
  await tx.insertInto('orgs').values(org).execute();
}

/** Optimistic update: changes nothing and returns false when the version moved on. */
export async function updateOrg(tx: Tx, id: string, version: number, changes: Partial<OrgTable>, at: string): Promise<boolean> {
  const result = await tx.updateTable('orgs')
    .set({ ...changes, updated_at: at, version: version + 1 })
    .where('id', '=', id).where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The org at `oldPath` and everything below it now live under `newPath`: one statement rewrites every path. */
export async function rebaseSubtree(tx: Tx, oldPath: string, newPath: string): Promise<number> {
  const result = await tx.updateTable('orgs')
    .set({ path: sql<string>`cast(${newPath} as text) || substr(path, cast(${oldPath.length + 1} as integer))` })
    .where('path', 'like', `${oldPath}%`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
