// SQL for the work calendar: the yearly holiday arrangements and each org's local changes.
import type { Db } from '../../db/index.ts';
import { orgInScope, type OrgScope } from '../../db/scope.ts';
import type { CalendarLocalChangeTable, CalendarYearTable } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';

type Runner = Db | Tx;

export async function listYears(db: Runner): Promise<CalendarYearTable[]> {
  return db.selectFrom('calendar_years').selectAll().orderBy('year').execute();
}

export async function findYear(db: Runner, year: number): Promise<CalendarYearTable | undefined> {
  return db.selectFrom('calendar_years').selectAll().where('year', '=', year).executeTakeFirst();
}

export async function upsertYear(tx: Tx, row: CalendarYearTable): Promise<void> {
  await tx.insertInto('calendar_years').values(row)
    .onConflict((oc) => oc.column('year').doUpdateSet({ data: row.data, source: row.source, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

export async function localChangesOf(db: Runner, orgIds: string[]): Promise<CalendarLocalChangeTable[]> {
  if (orgIds.length === 0) return [];
  return db.selectFrom('calendar_local_changes').selectAll().where('org_id', 'in', orgIds).orderBy('date').execute();
}

export async function findLocalChange(db: Runner, orgId: string, date: string): Promise<CalendarLocalChangeTable | undefined> {
  return db.selectFrom('calendar_local_changes').selectAll().where('org_id', '=', orgId).where('date', '=', date).executeTakeFirst();
}

export async function insertLocalChange(tx: Tx, row: CalendarLocalChangeTable): Promise<void> {
  await tx.insertInto('calendar_local_changes').values(row).execute();
}

export async function deleteLocalChange(tx: Tx, orgId: string, date: string): Promise<void> {
  await tx.deleteFrom('calendar_local_changes').where('org_id', '=', orgId).where('date', '=', date).execute();
}

/** Local changes of the orgs in scope, optionally of one org and one year, by date. */
export async function listLocalChanges(db: Runner, scope: OrgScope, filter: { orgId?: string; year?: number }) {
  let q = db.selectFrom('calendar_local_changes').innerJoin('orgs', 'orgs.id', 'calendar_local_changes.org_id')
    .selectAll('calendar_local_changes').select('orgs.name as org_name')
    .where((eb) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, scope));
  if (filter.orgId) q = q.where('calendar_local_changes.org_id', '=', filter.orgId);
  if (filter.year !== undefined) q = q.where('calendar_local_changes.date', 'like', `${filter.year}-%`);
  return q.orderBy('calendar_local_changes.date').orderBy('orgs.path').execute();
}
