// SQL for the service network: departments, units, windows and the units they serve, staff badges,
// absences and the village duty rota.
import type { Db } from '../../db/index.ts';
import { orgInScope, type OrgScope } from '../../db/scope.ts';
import type {
  AbsenceTable, DepartmentTable, DutyRotaTable, StaffProfileTable, UnitKind, UnitTable, WindowTable,
} from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';

type Runner = Db | Tx;

/** Optimistic update of a versioned row: false when the version moved on (or the row is gone). */
async function updateVersioned<T extends 'departments' | 'units' | 'windows'>(
  tx: Tx, table: T, id: string, version: number, changes: Record<string, unknown>, at: string,
): Promise<boolean> {
  const result = await (tx as Tx).updateTable(table as 'units')
    .set({ ...changes, updated_at: at, version: version + 1 })
    .where('id', '=', id).where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- departments ----

export async function findDepartment(db: Runner, id: string): Promise<DepartmentTable | undefined> {
  return db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDepartmentByCode(db: Runner, orgId: string, code: string): Promise<DepartmentTable | undefined> {
  return db.selectFrom('departments').selectAll().where('org_id', '=', orgId).where('code', '=', code).executeTakeFirst();
}

export async function listDepartments(db: Runner, scope: OrgScope, filter: { orgId?: string; code?: string }): Promise<DepartmentTable[]> {
  let q = db.selectFrom('departments').innerJoin('orgs', 'orgs.id', 'departments.org_id').selectAll('departments')
    .where((eb) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, scope));
  if (filter.orgId) q = q.where('departments.org_id', '=', filter.orgId);
  if (filter.code) q = q.where('departments.code', '=', filter.code);
  return q.orderBy('orgs.path').orderBy('departments.code').execute();
}

/** Departments of the orgs whose path starts with `pathPrefix` (a subtree). */
export async function departmentsInSubtree(db: Runner, pathPrefix: string): Promise<(DepartmentTable & { org_path: string })[]> {
  return db.selectFrom('departments').innerJoin('orgs', 'orgs.id', 'departments.org_id')
    .selectAll('departments').select('orgs.path as org_path')
    .where('orgs.path', 'like', `${pathPrefix}%`).execute();
}

export async function departmentsOfOrgs(db: Runner, orgIds: string[]): Promise<DepartmentTable[]> {
  if (orgIds.length === 0) return [];
  return db.selectFrom('departments').selectAll().where('org_id', 'in', orgIds).execute();
}

export async function insertDepartment(tx: Tx, row: DepartmentTable): Promise<void> {
  await tx.insertInto('departments').values(row).execute();
}

export async function updateDepartment(tx: Tx, id: string, version: number, changes: Partial<DepartmentTable>, at: string): Promise<boolean> {
  return updateVersioned(tx, 'departments', id, version, changes, at);
}

/** Re-points a station at another county department (or none) without touching its version: the tree moved, not the record. */
export async function setDepartmentParent(tx: Tx, id: string, parentId: string | null): Promise<void> {
  await tx.updateTable('departments').set({ parent_id: parentId }).where('id', '=', id).execute();
}

// ---- units ----

export interface UnitRow extends UnitTable {
  department_code: string | null;
  department_name: string | null;
}

function unitsQuery(db: Runner) {
  return db.selectFrom('units').leftJoin('departments', 'departments.id', 'units.department_id')
    .selectAll('units').select(['departments.code as department_code', 'departments.name as department_name']);
}

export async function findUnit(db: Runner, id: string): Promise<UnitRow | undefined> {
  return unitsQuery(db).where('units.id', '=', id).executeTakeFirst();
}

export async function unitsByIds(db: Runner, ids: string[]): Promise<UnitRow[]> {
  if (ids.length === 0) return [];
  return unitsQuery(db).where('units.id', 'in', ids).execute();
}

export interface UnitFilter {
  orgId?: string;
  kind?: UnitKind;
  departmentId?: string;
  active?: boolean;
}

export async function listUnits(db: Runner, scope: OrgScope, filter: UnitFilter): Promise<UnitRow[]> {
  let q = unitsQuery(db).innerJoin('orgs', 'orgs.id', 'units.org_id')
    .where((eb) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, scope));
  if (filter.orgId) q = q.where('units.org_id', '=', filter.orgId);
  if (filter.kind) q = q.where('units.kind', '=', filter.kind);
  if (filter.departmentId) q = q.where('units.department_id', '=', filter.departmentId);
  if (filter.active !== undefined) q = q.where('units.active', '=', filter.active ? 1 : 0);
  return q.orderBy('orgs.path').orderBy('units.kind').orderBy('units.name').execute();
}

/** The active units of an org (optionally of one kind), oldest first. */
export async function activeUnitsOf(db: Runner, orgId: string, kinds: UnitKind[]): Promise<UnitRow[]> {
  return unitsQuery(db).where('units.org_id', '=', orgId).where('units.active', '=', 1).where('units.kind', 'in', kinds)
    .orderBy('units.created_at').orderBy('units.id').execute();
}

/** The active handling window or room of the department with `code` in the org. */
export async function activeHandlingUnitsFor(db: Runner, orgId: string, departmentCode: string): Promise<UnitRow[]> {
  return unitsQuery(db).where('units.org_id', '=', orgId).where('units.active', '=', 1)
    .where('units.kind', 'in', ['handling_window', 'handling_room'])
    .where('departments.code', '=', departmentCode)
    .orderBy('units.created_at').orderBy('units.id').execute();
}

export async function activeUnitsOfDepartment(db: Runner, departmentId: string): Promise<UnitTable[]> {
  return db.selectFrom('units').selectAll().where('department_id', '=', departmentId).where('active', '=', 1).execute();
}

export async function insertUnit(tx: Tx, row: UnitTable): Promise<void> {
  await tx.insertInto('units').values(row).execute();
}

export async function updateUnit(tx: Tx, id: string, version: number, changes: Partial<UnitTable>, at: string): Promise<boolean> {
  return updateVersioned(tx, 'units', id, version, changes, at);
}

// ---- windows ----

export async function findWindow(db: Runner, id: string): Promise<WindowTable | undefined> {
  return db.selectFrom('windows').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWindowByNumber(db: Runner, orgId: string, number: string): Promise<WindowTable | undefined> {
  return db.selectFrom('windows').selectAll().where('org_id', '=', orgId).where('number', '=', number).executeTakeFirst();
}

export async function listWindows(db: Runner, scope: OrgScope, filter: { orgId?: string; active?: boolean }): Promise<WindowTable[]> {
  let q = db.selectFrom('windows').innerJoin('orgs', 'orgs.id', 'windows.org_id').selectAll('windows')
    .where((eb) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, scope));
  if (filter.orgId) q = q.where('windows.org_id', '=', filter.orgId);
  if (filter.active !== undefined) q = q.where('windows.active', '=', filter.active ? 1 : 0);
  return q.orderBy('orgs.path').orderBy('windows.number').execute();
}

export async function windowsOfOrg(db: Runner, orgId: string, activeOnly: boolean): Promise<WindowTable[]> {
  let q = db.selectFrom('windows').selectAll().where('org_id', '=', orgId);
  if (activeOnly) q = q.where('active', '=', 1);
  return q.orderBy('number').execute();
}

/** Windows where the user holds the A or B post. */
export async function windowsOfUser(db: Runner, userId: string): Promise<WindowTable[]> {
  return db.selectFrom('windows').selectAll()
    .where((eb) => eb.or([eb('a_user_id', '=', userId), eb('b_user_id', '=', userId)]))
    .orderBy('number').execute();
}

export async function windowIdsServingUnit(db: Runner, unitId: string): Promise<string[]> {
  const rows = await db.selectFrom('window_units').innerJoin('windows', 'windows.id', 'window_units.window_id')
    .select('windows.id').where('window_units.unit_id', '=', unitId).where('windows.active', '=', 1)
    .orderBy('windows.number').execute();
  return rows.map((r) => r.id);
}

/** The units each window serves, in one query. */
export async function unitsOfWindows(db: Runner, windowIds: string[]): Promise<Map<string, UnitRow[]>> {
  const byWindow = new Map<string, UnitRow[]>();
  if (windowIds.length === 0) return byWindow;
  const rows = await unitsQuery(db).innerJoin('window_units', 'window_units.unit_id', 'units.id')
    .select('window_units.window_id').where('window_units.window_id', 'in', windowIds)
    .orderBy('units.kind').orderBy('units.name').execute();
  for (const r of rows) {
    const { window_id, ...unit } = r;
    byWindow.set(window_id, [...(byWindow.get(window_id) ?? []), unit]);
  }
  return byWindow;
}

export async function insertWindow(tx: Tx, row: WindowTable): Promise<void> {
  await tx.insertInto('windows').values(row).execute();
}

export async function updateWindow(tx: Tx, id: string, version: number, changes: Partial<WindowTable>, at: string): Promise<boolean> {
  return updateVersioned(tx, 'windows', id, version, changes, at);
}

export async function replaceWindowUnits(tx: Tx, windowId: string, unitIds: string[]): Promise<void> {
  await tx.deleteFrom('window_units').where('window_id', '=', windowId).execute();
  if (unitIds.length === 0) return;
  await tx.insertInto('window_units').values(unitIds.map((unit_id) => ({ window_id: windowId, unit_id }))).execute();
}

// ---- people ----

export interface PersonRow {
  id: string;
  display_name: string;
  org_id: string;
  disabled: 0 | 1;
}

export async function peopleByIds(db: Runner, ids: string[]): Promise<Map<string, PersonRow>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name', 'org_id', 'disabled']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Users of an org who hold the village cadre role there: who may stand on its duty rota. */
export async function villageCadresOf(db: Runner, orgId: string): Promise<string[]> {
  const rows = await db.selectFrom('users').innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select('users.id').where('users.org_id', '=', orgId).where('user_roles.org_id', '=', orgId)
    .where('user_roles.role', '=', 'village_cadre').where('users.disabled', '=', 0).execute();
  return rows.map((r) => r.id);
}

// ---- staff badges ----

export async function findProfile(db: Runner, userId: string): Promise<StaffProfileTable | undefined> {
  return db.selectFrom('staff_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function findProfileByStaffNo(db: Runner, staffNo: string): Promise<StaffProfileTable | undefined> {
  return db.selectFrom('staff_profiles').selectAll().where('staff_no', '=', staffNo).executeTakeFirst();
}

export async function profilesOf(db: Runner, userIds: string[]): Promise<Map<string, StaffProfileTable>> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('staff_profiles').selectAll().where('user_id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.user_id, r]));
}

export async function listProfiles(db: Runner, scope: OrgScope, filter: { orgId?: string }) {
  let q = db.selectFrom('staff_profiles')
    .innerJoin('users', 'users.id', 'staff_profiles.user_id')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .selectAll('staff_profiles').select(['users.display_name', 'users.org_id'])
    .where((eb) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, scope));
  if (filter.orgId) q = q.where('users.org_id', '=', filter.orgId);
  return q.orderBy('orgs.path').orderBy('staff_profiles.staff_no').execute();
}

export async function insertProfile(tx: Tx, row: StaffProfileTable): Promise<void> {
  await tx.insertInto('staff_profiles').values(row).execute();
}

export async function updateProfile(tx: Tx, userId: string, version: number, changes: Partial<StaffProfileTable>, at: string): Promise<boolean> {
  const result = await tx.updateTable('staff_profiles')
    .set({ ...changes, updated_at: at, version: version + 1 })
    .where('user_id', '=', userId).where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- absences ----

export async function findAbsence(db: Runner, id: string): Promise<AbsenceTable | undefined> {
  return db.selectFrom('absences').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertAbsence(tx: Tx, row: AbsenceTable): Promise<void> {
  await tx.insertInto('absences').values(row).execute();
}

/** Marks an absence cancelled; false when it already was. */
export async function cancelAbsence(tx: Tx, id: string, at: string, by: string): Promise<boolean> {
  const result = await tx.updateTable('absences').set({ cancelled_at: at, cancelled_by: by })
    .where('id', '=', id).where('cancelled_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface AbsenceFilter {
  userId?: string;
  orgId?: string;
  /** Absences still running at or after this moment. */
  from?: string;
  /** Absences starting before this moment. */
  to?: string;
  includeCancelled: boolean;
}

export async function listAbsences(db: Runner, scope: OrgScope, filter: AbsenceFilter) {
  let q = db.selectFrom('absences')
    .innerJoin('users', 'users.id', 'absences.user_id')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .selectAll('absences').select(['users.display_name', 'users.org_id'])
    .where((eb) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, scope));
  if (filter.userId) q = q.where('absences.user_id', '=', filter.userId);
  if (filter.orgId) q = q.where('users.org_id', '=', filter.orgId);
  if (filter.from) q = q.where('absences.ends_at', '>', filter.from);
  if (filter.to) q = q.where('absences.starts_at', '<', filter.to);
  if (!filter.includeCancelled) q = q.where('absences.cancelled_at', 'is', null);
  return q.orderBy('absences.starts_at').orderBy('absences.id').limit(500).execute();
}

/** Uncancelled absences of these users that cover `at` (starts_at <= at < ends_at). */
export async function absencesCovering(db: Runner, userIds: string[], at: string): Promise<AbsenceTable[]> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return [];
  return db.selectFrom('absences').selectAll()
    .where('user_id', 'in', unique).where('cancelled_at', 'is', null)
    .where('starts_at', '<=', at).where('ends_at', '>', at)
    .execute();
}

// ---- duty rota ----

export async function rotaOf(db: Runner, orgId: string): Promise<DutyRotaTable[]> {
  return db.selectFrom('duty_rota').selectAll().where('org_id', '=', orgId).orderBy('weekday').execute();
}

export async function replaceRota(tx: Tx, orgId: string, rows: DutyRotaTable[]): Promise<void> {
  await tx.deleteFrom('duty_rota').where('org_id', '=', orgId).execute();
  if (rows.length > 0) await tx.insertInto('duty_rota').values(rows).execute();
}
