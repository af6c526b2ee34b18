// SQL for cases: the case row (flattened columns + snapshot JSON), its events, the orgs it passed
// through, case-number counters, stored idempotent answers, work-list queries and the unit look-ups
// that turn a signed-in person into the units they work at.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/index.ts';
import type {
  CaseEventTable, CaseTable, Database, IdempotencyKeyTable, OrgLevel, UnitKind,
} from '../../db/schema.ts';
import { orgInScope, type OrgScope } from '../../db/scope.ts';
import type { Tx } from '../../db/transaction.ts';

type Runner = Db | Tx;

// ---- units as case handling sees them ----

export interface UnitInfo {
  id: string;
  kind: UnitKind;
  name: string;
  active: 0 | 1;
  head_user_id: string | null;
  org_id: string;
  org_code: string;
  org_name: string;
  org_path: string;
  org_level: OrgLevel;
  org_parent_id: string | null;
  department_code: string | null;
}

function unitInfoQuery(db: Runner) {
  return db.selectFrom('units')
    .innerJoin('orgs', 'orgs.id', 'units.org_id')
    .leftJoin('departments', 'departments.id', 'units.department_id')
    .select([
      'units.id', 'units.kind', 'units.name', 'units.active', 'units.head_user_id',
      'orgs.id as org_id', 'orgs.code as org_code', 'orgs.name as org_name', 'orgs.path as org_path',
      'orgs.level as org_level', 'orgs.parent_id as org_parent_id', 'departments.code as department_code',
    ]);
}

export async function unitInfo(db: Runner, id: string): Promise<UnitInfo | undefined> {
  return unitInfoQuery(db).where('units.id', '=', id).executeTakeFirst();
}

export async function unitInfos(db: Runner, ids: string[]): Promise<Map<string, UnitInfo>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (unique.length === 0) return new Map();
  const rows = await unitInfoQuery(db).where('units.id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Active units of the given kinds in the given orgs. */
export async function activeUnitsOfOrgs(db: Runner, orgIds: string[], kinds: UnitKind[]): Promise<UnitInfo[]> {
  if (orgIds.length === 0 || kinds.length === 0) return [];
  return unitInfoQuery(db).where('units.org_id', 'in', orgIds).where('units.kind', 'in', kinds).where('units.active', '=', 1)
    .orderBy('orgs.path').orderBy('units.created_at').orderBy('units.id').execute();
}

/** Active handling windows served by an active window (counter) where the user holds the A or B post. */
export async function windowUnitsOfUser(db: Runner, userId: string): Promise<(UnitInfo & { window_id: string; a_user_id: string; b_user_id: string })[]> {
  return unitInfoQuery(db)
    .innerJoin('window_units', 'window_units.unit_id', 'units.id')
    .innerJoin('windows', 'windows.id', 'window_units.window_id')
    .select(['windows.id as window_id', 'windows.a_user_id', 'windows.b_user_id'])
    .where('windows.active', '=', 1).where('units.active', '=', 1).where('units.kind', '=', 'handling_window')
    .where((eb) => eb.or([eb('windows.a_user_id', '=', userId), eb('windows.b_user_id', '=', userId)]))
    .orderBy('windows.number').execute();
}

export async function displayNames(db: Runner, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export async function orgsByIds(db: Runner, ids: string[]) {
  const unique = [...new Set(ids.filter(Boolean))];
  if (unique.length === 0) return new Map<string, { id: string; code: string; name: string; level: OrgLevel; path: string; address: string | null; phone: string | null }>();
  const rows = await db.selectFrom('orgs').select(['id', 'code', 'name', 'level', 'path', 'address', 'phone']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

// ---- case numbers ----

/** The next daily sequence of an org, race-free: one atomic upsert inside the case's transaction. */
export async function nextSequence(tx: Tx, orgCode: string, day: string): Promise<number> {
  const row = await tx.insertInto('case_counters').values({ org_code: orgCode, day, last: 1 })
    .onConflict((oc) => oc.columns(['org_code', 'day']).doUpdateSet({ last: sql<number>`case_counters.last + 1` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last);
}

// ---- cases ----

export async function findCase(db: Runner, id: string): Promise<CaseTable | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCaseByNumber(db: Runner, number: string): Promise<CaseTable | undefined> {
  return db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirst();
}

export async function insertCase(tx: Tx, row: CaseTable): Promise<void> {
  await tx.insertInto('cases').values(row).execute();
}

/** Optimistic write: changes nothing and returns false when another action got there first. */
export async function updateCase(tx: Tx, id: string, version: number, changes: Partial<CaseTable>): Promise<boolean> {
  const result = await tx.updateTable('cases').set(changes).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records that a case reached these orgs (it stays visible to them afterwards). */
export async function addCaseOrgs(tx: Tx, caseId: string, orgs: { id: string; path: string }[]): Promise<void> {
  if (orgs.length === 0) return;
  await tx.insertInto('case_orgs').values(orgs.map((o) => ({ case_id: caseId, org_id: o.id, org_path: o.path })))
    .onConflict((oc) => oc.columns(['case_id', 'org_id']).doNothing()).execute();
}

function scoped(eb: ExpressionBuilder<Database, 'cases'>, scope: OrgScope) {
  return eb.exists(
    eb.selectFrom('case_orgs').select('case_orgs.case_id')
      .whereRef('case_orgs.case_id', '=', 'cases.id')
      .where((e) => orgInScope(e, { path: 'case_orgs.org_path', id: 'case_orgs.org_id' }, scope)),
  );
}

/** The case, if it passed through an org in the scope. */
export async function findCaseInScope(db: Runner, caseId: string, scope: OrgScope): Promise<CaseTable | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', caseId).where((eb) => scoped(eb, scope)).executeTakeFirst();
}

/** Replaces the co-handling units of the case's current stage. */
export async function replaceCohandlers(tx: Tx, caseId: string, unitIds: string[]): Promise<void> {
  await tx.deleteFrom('case_cohandlers').where('case_id', '=', caseId).execute();
  if (unitIds.length === 0) return;
  await tx.insertInto('case_cohandlers').values([...new Set(unitIds)].map((unit_id) => ({ case_id: caseId, unit_id }))).execute();
}

export async function insertEvent(tx: Tx, row: CaseEventTable): Promise<void> {
  await tx.insertInto('case_events').values(row).execute();
}

export async function eventsOf(db: Runner, caseId: string): Promise<CaseEventTable[]> {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}

// ---- work lists and search ----

/** Which unit column a unit filter applies to: where the case is, or where it is being sent. */
export interface UnitFilter {
  /** Units whose whole queue the person works (desk, room, village room). */
  shared: string[];
  /** Window units: only cases held by one of `holders`, or by nobody. */
  windows: string[];
  holders: string[];
  /** Orgs (path prefixes) of a center manager: cases at a closed window (held by nobody) come to them. */
  managerPaths: string[];
}

export interface CaseWhere {
  scope: OrgScope;
  states?: string[];
  /** Work queue: the unit filter over current_unit_id (or pending_unit_id for sign-for). */
  at?: { column: 'current' | 'pending' | 'either'; units: UnitFilter; cohandling?: boolean };
  /** Cases this person acted on that are no longer in their hands (已办). */
  doneBy?: { userId: string; units: string[] };
  overdueAt?: string;
  dueSoonAt?: string;
  number?: string;
  idIndex?: string;
  itemId?: string;
  unitId?: string;
  channel?: string;
  from?: string;
  to?: string;
}

type CaseQuery = SelectQueryBuilder<Database, 'cases', object>;

const RUNNING: readonly string[] = ['accepted', 'in_transfer', 'handling'];
const ENDED: readonly string[] = ['finished', 'refused', 'withdrawn'];

function unitCondition(eb: ExpressionBuilder<Database, 'cases'>, column: 'cases.current_unit_id' | 'cases.pending_unit_id', kindColumn: 'cases.current_unit_kind' | 'cases.pending_unit_kind', u: UnitFilter) {
  const parts = [];
  if (u.shared.length) parts.push(eb(column, 'in', u.shared));
  if (u.windows.length) {
    parts.push(eb.and([
      eb(column, 'in', u.windows),
      eb.or([eb('cases.holder_user_id', 'is', null), ...(u.holders.length ? [eb('cases.holder_user_id', 'in', u.holders)] : [])]),
    ]));
  }
  for (const p of u.managerPaths) {
    const orgPath = column === 'cases.current_unit_id' ? 'cases.current_org_path' : null;
    parts.push(eb.and([
      eb(kindColumn, '=', 'handling_window'),
      eb('cases.holder_user_id', 'is', null),
      orgPath ? eb(orgPath, 'like', `${p}%`) : eb.exists(
        eb.selectFrom('units as pu').innerJoin('orgs as po', 'po.id', 'pu.org_id').select('pu.id')
          .whereRef('pu.id', '=', 'cases.pending_unit_id').where('po.path', 'like', `${p}%`),
      ),
    ]));
  }
  return eb.or(parts);
}

function applyWhere(q: CaseQuery, w: CaseWhere): CaseQuery {
  q = q.where((eb) => scoped(eb, w.scope));
  if (w.states) q = q.where('cases.state', 'in', w.states.length ? w.states : ['-']);
  if (w.at) {
    const { column, units, cohandling } = w.at;
    const mine = [...units.shared, ...units.windows];
    q = q.where((eb) => {
      const current = unitCondition(eb, 'cases.current_unit_id', 'cases.current_unit_kind', units);
      const pending = unitCondition(eb, 'cases.pending_unit_id', 'cases.pending_unit_kind', units);
      const at = column === 'current' ? current : column === 'pending' ? pending : eb.or([current, pending]);
      if (!cohandling || mine.length === 0) return at;
      // A parallel stage's other departments: their part is theirs to do while another unit holds the case.
      return eb.or([at, eb.exists(eb.selectFrom('case_cohandlers').select('case_cohandlers.case_id')
        .whereRef('case_cohandlers.case_id', '=', 'cases.id').where('case_cohandlers.unit_id', 'in', mine))]);
    });
  }
  if (w.doneBy) {
    const { userId, units } = w.doneBy;
    q = q.where((eb) => eb.and([
      eb.exists(eb.selectFrom('case_events').select('case_events.case_id')
        .whereRef('case_events.case_id', '=', 'cases.id').where('case_events.user_id', '=', userId)),
      // Not waiting in one of their queues: ended, or neither held by nor being sent to their units
      // (a case they sent on and that awaits the receiver's sign-for is done for them).
      units.length === 0 ? eb('cases.id', 'is not', null) : eb.or([
        eb('cases.state', 'in', ENDED),
        eb.and([
          eb.or([eb('cases.current_unit_id', 'not in', units), eb('cases.state', '=', 'in_transfer')]),
          eb.or([eb('cases.pending_unit_id', 'is', null), eb('cases.pending_unit_id', 'not in', units)]),
        ]),
      ]),
    ]));
  }
  if (w.overdueAt) q = q.where('cases.state', 'in', RUNNING).where('cases.due_at', '<', w.overdueAt);
  if (w.dueSoonAt) {
    q = q.where('cases.state', 'in', RUNNING).where('cases.due_soon_at', '<=', w.dueSoonAt).where('cases.due_at', '>=', w.dueSoonAt);
  }
  if (w.number) q = q.where('cases.number', 'like', `${w.number.replace(/[\\%_]/g, '')}%`);
  if (w.idIndex) q = q.where('cases.applicant_id_index', '=', w.idIndex);
  if (w.itemId) q = q.where('cases.item_id', '=', w.itemId);
  if (w.unitId) q = q.where((eb) => eb.or([eb('cases.current_unit_id', '=', w.unitId!), eb('cases.pending_unit_id', '=', w.unitId!)]));
  if (w.channel) q = q.where('cases.channel', '=', w.channel);
  if (w.from) q = q.where('cases.submitted_at', '>=', w.from);
  if (w.to) q = q.where('cases.submitted_at', '<', w.to);
  return q;
}

export type CaseListRow = Pick<CaseTable,
  'id' | 'number' | 'item_id' | 'item_code' | 'item_name' | 'channel' | 'state' | 'stage_index' | 'applicant_name' |
  'applicant_id_masked' | 'applicant_phone_masked' | 'current_unit_id' | 'pending_unit_id' | 'accepting_unit_id' |
  'owner_user_id' | 'holder_user_id' | 'submitted_at' | 'accepted_at' | 'due_at' | 'due_soon_at' | 'decided_at' |
  'finished_at' | 'version'>;

export async function listCases(db: Runner, w: CaseWhere, page: { limit: number; offset: number; order: 'due' | 'recent' }): Promise<CaseListRow[]> {
  let q = applyWhere(db.selectFrom('cases') as CaseQuery, w).select([
    'cases.id', 'cases.number', 'cases.item_id', 'cases.item_code', 'cases.item_name', 'cases.channel', 'cases.state',
    'cases.stage_index', 'cases.applicant_name', 'cases.applicant_id_masked', 'cases.applicant_phone_masked',
    'cases.current_unit_id', 'cases.pending_unit_id', 'cases.accepting_unit_id', 'cases.owner_user_id', 'cases.holder_user_id',
    'cases.submitted_at', 'cases.accepted_at', 'cases.due_at', 'cases.due_soon_at', 'cases.decided_at', 'cases.finished_at', 'cases.version',
  ]) as unknown as SelectQueryBuilder<Database, 'cases', CaseListRow>;
  q = page.order === 'due'
    // NULLs sort differently on the two engines: put cases without a due moment last on both.
    ? q.orderBy(sql`case when cases.due_at is null then 1 else 0 end`).orderBy('cases.due_at').orderBy('cases.submitted_at').orderBy('cases.id')
    : q.orderBy('cases.submitted_at', 'desc').orderBy('cases.number', 'desc');
  return q.limit(page.limit).offset(page.offset).execute();
}

export async function countCases(db: Runner, w: CaseWhere): Promise<number> {
  const row = await applyWhere(db.selectFrom('cases') as CaseQuery, w)
    .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number((row as { n: number }).n);
}

// ---- idempotency keys ----

export async function findIdempotencyKey(db: Runner, principal: string, key: string): Promise<IdempotencyKeyTable | undefined> {
  return db.selectFrom('idempotency_keys').selectAll().where('principal', '=', principal).where('key', '=', key).executeTakeFirst();
}

/** Drops this key's row if it is older than `cutoff`, so an expired key can be used afresh. */
export async function dropExpiredKey(tx: Tx, principal: string, key: string, cutoff: string): Promise<void> {
  await tx.deleteFrom('idempotency_keys').where('principal', '=', principal).where('key', '=', key).where('created_at', '<', cutoff).execute();
}

/** Deletes up to `limit` keys older than the cutoff (oldest first); returns how many went. */
export async function purgeIdempotencyKeys(db: Db, cutoff: string, limit: number): Promise<number> {
  const old = db.selectFrom('idempotency_keys').select(['principal', 'key']).where('created_at', '<', cutoff).orderBy('created_at').limit(limit);
  const r = await db.deleteFrom('idempotency_keys')
    .where((eb) => eb(eb.refTuple('principal', 'key'), 'in', old.$asTuple('principal', 'key')))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Claims a key for this transaction; a concurrent claim of the same key waits, then fails unique. */
export async function insertIdempotencyKey(tx: Tx, row: IdempotencyKeyTable): Promise<void> {
  await tx.insertInto('idempotency_keys').values(row).execute();
}

export async function completeIdempotencyKey(tx: Tx, principal: string, key: string, status: number, response: string): Promise<void> {
  await tx.updateTable('idempotency_keys').set({ status, response }).where('principal', '=', principal).where('key', '=', key).execute();
}

// ---- rate limits (the auth module's counters; read here for the per-case lookup limit) ----

export async function rateLimitState(db: Runner, key: string): Promise<{ hits: number; window_start: string } | undefined> {
  return db.selectFrom('rate_limits').select(['hits', 'window_start']).where('key', '=', key).executeTakeFirst();
}
