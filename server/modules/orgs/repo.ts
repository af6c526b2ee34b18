// SQL for the org tree.
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
