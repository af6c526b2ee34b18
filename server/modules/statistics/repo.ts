// SQL for statistics: the facts of a period read from cases (by the two set-once moments, through
// the partial indexes of migration 0007), the summary tables written by the rollup, and the report
// reads over summary and live tail. An org subtree is a prefix of org_path, written so each engine
// uses its index: LIKE 'prefix%' on PostgreSQL (text_pattern_ops), a range on SQLite (whose LIKE
// ignores case and so cannot use a plain index).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Db } from '../../db/index.ts';
import { engineOf } from '../../db/index.ts';
import type { Tx } from '../../db/transaction.ts';
import { RUNNING_STATES, STORED_KEYS, type StoredMeasures } from '../../domain/statistics.ts';

type Runner = Db | Tx;
const any = (db: Runner) => db as unknown as Kysely<any>;

/** The upper bound of every path that starts with `prefix` (which ends in '/', so the next character is '0'). */
export const pathUpperBound = (prefix: string): string => `${prefix.slice(0, -1)}0`;

/** What a report is limited to. Columns are named per source by `cols`. */
export interface StatFilter {
  orgPath: string;
  /** An exact-scope reader (a clerk, a cadre): only cases accepted at the org itself. */
  orgId?: string;
  unitIds?: string[];
  itemId?: string;
  channel?: string;
}

interface Cols { path: string; org: string; unit: string; item: string; channel: string }
const CASE_COLS: Cols = { path: 'accepting_org_path', org: 'accepting_org_id', unit: 'accepting_unit_id', item: 'item_id', channel: 'channel' };
const STAT_COLS: Cols = { path: 'org_path', org: 'org_id', unit: 'unit_id', item: 'item_id', channel: 'channel' };

/** `pathIndex: false` keeps SQLite off the path index (unary +) where another index is far narrower. */
function filterSql(db: Runner, f: StatFilter | null, c: Cols, pathIndex = true): RawBuilder<unknown>[] {
  if (!f) return [];
  const col = (name: string) => sql.ref(name);
  const parts: RawBuilder<unknown>[] = [];
  if (engineOf(db) === 'postgres') parts.push(sql`${col(c.path)} like ${`${f.orgPath}%`}`);
  else if (pathIndex) parts.push(sql`${col(c.path)} >= ${f.orgPath} and ${col(c.path)} < ${pathUpperBound(f.orgPath)}`);
  else parts.push(sql`+${col(c.path)} >= ${f.orgPath} and +${col(c.path)} < ${pathUpperBound(f.orgPath)}`);
  if (f.orgId) parts.push(sql`${col(c.org)} = ${f.orgId}`);
  if (f.unitIds) parts.push(f.unitIds.length ? sql`${col(c.unit)} in (${sql.join(f.unitIds)})` : sql`1 = 0`);
  if (f.itemId) parts.push(sql`${col(c.item)} = ${f.itemId}`);
  if (f.channel) parts.push(sql`${col(c.channel)} = ${f.channel}`);
  return parts;
}

const and = (parts: RawBuilder<unknown>[]) => (parts.length ? sql`and ${sql.join(parts, sql` and `)}` : sql``);

// ---- facts from cases ----

export interface FactKey {
  org_id: string;
  org_path: string;
  unit_id: string;
  item_id: string;
  channel: string;
}

export interface AcceptedRow extends FactKey { accepted_at: string }
export interface EndedRow extends FactKey {
  state: string;
  decision: string | null;
  accepted_at: string | null;
  due_at: string | null;
  decided_at: string | null;
  finished_at: string;
}

const KEY_SELECT = sql`accepting_org_id as org_id, accepting_org_path as org_path, accepting_unit_id as unit_id, item_id, channel`;

/** Cases accepted in [from, to), through cases_stat_accepted. */
export function acceptedQuery(db: Runner, from: string, to: string, f: StatFilter | null) {
  return sql<AcceptedRow>`select ${KEY_SELECT}, accepted_at from cases
    where accepted_at >= ${from} and accepted_at < ${to} ${and(filterSql(db, f, CASE_COLS))}`;
}

/** Cases that ended (finished, refused, withdrawn) in [from, to), through cases_stat_finished. */
export function endedQuery(db: Runner, from: string, to: string, f: StatFilter | null) {
  return sql<EndedRow>`select ${KEY_SELECT}, state, decision, accepted_at, due_at, decided_at, finished_at from cases
    where finished_at >= ${from} and finished_at < ${to} ${and(filterSql(db, f, CASE_COLS))}`;
}

export async function acceptedRows(db: Runner, from: string, to: string, f: StatFilter | null): Promise<AcceptedRow[]> {
  return (await acceptedQuery(db, from, to, f).execute(db)).rows;
}

export async function endedRows(db: Runner, from: string, to: string, f: StatFilter | null): Promise<EndedRow[]> {
  return (await endedQuery(db, from, to, f).execute(db)).rows;
}

// ---- the rollup's writes ----

export type DayRow = FactKey & StoredMeasures & { day: string };

export interface RollupDayState { day: string; rolled_at: string; final: number; checksum: string; rows: number }

/** Serialises rollups of one key across processes (PostgreSQL); SQLite writers are serial already. */
async function lock(tx: Tx, key: string): Promise<void> {
  if (engineOf(tx) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(tx);
}

const CHUNK = 500;

/**
 * Replaces one day's rows, unless a newer computation is already stored. An unchanged day only gets
 * its rolled_at and final flag refreshed. Returns whether the rows were rewritten.
 */
export async function writeDay(tx: Tx, day: string, rows: DayRow[], state: Omit<RollupDayState, 'day'>): Promise<'written' | 'unchanged' | 'stale'> {
  await lock(tx, `stat_day:${day}`);
  const have = await tx.selectFrom('stat_rollup_days').selectAll().where('day', '=', day).executeTakeFirst();
  if (have && Date.parse(have.rolled_at) > Date.parse(state.rolled_at)) return 'stale';
  if (have && have.checksum === state.checksum) {
    await tx.updateTable('stat_rollup_days').set({ rolled_at: state.rolled_at, final: Math.max(have.final, state.final) as 0 | 1 }).where('day', '=', day).execute();
    return 'unchanged';
  }
  await tx.deleteFrom('stat_day').where('day', '=', day).execute();
  for (let i = 0; i < rows.length; i += CHUNK) await tx.insertInto('stat_day').values(rows.slice(i, i + CHUNK)).execute();
  const values = { day, rolled_at: state.rolled_at, final: state.final as 0 | 1, checksum: state.checksum, rows: state.rows };
  await tx.insertInto('stat_rollup_days').values(values)
    .onConflict((oc) => oc.column('day').doUpdateSet({ rolled_at: values.rolled_at, final: values.final, checksum: values.checksum, rows: values.rows }))
    .execute();
  return 'written';
}

export async function dayStates(db: Runner, from: string, to: string): Promise<RollupDayState[]> {
  return db.selectFrom('stat_rollup_days').selectAll().where('day', '>=', from).where('day', '<=', to).orderBy('day').execute() as Promise<RollupDayState[]>;
}

export async function monthSource(db: Runner, month: string): Promise<string | undefined> {
  return (await db.selectFrom('stat_rollup_months').select('source').where('month', '=', month).executeTakeFirst())?.source;
}

export async function builtMonths(db: Runner, months: string[]): Promise<Set<string>> {
  if (months.length === 0) return new Set();
  const rows = await db.selectFrom('stat_rollup_months').select('month').where('month', 'in', months).execute();
  return new Set(rows.map((r) => r.month));
}

const sums = STORED_KEYS.map((k) => `sum(${k}) as ${k}`).join(', ');

/** Rebuilds a month's rows (both month tables) from its day rows, in one transaction. */
export async function rebuildMonth(tx: Tx, month: string, first: string, last: string, source: string, builtAt: string): Promise<void> {
  await lock(tx, `stat_month:${month}`);
  await tx.deleteFrom('stat_month').where('month', '=', month).execute();
  await tx.deleteFrom('stat_month_unit').where('month', '=', month).execute();
  await sql`insert into stat_month (month, org_id, org_path, unit_id, item_id, channel, ${sql.raw(STORED_KEYS.join(', '))})
    select ${month}, org_id, org_path, unit_id, item_id, channel, ${sql.raw(sums)} from stat_day
    where day >= ${first} and day <= ${last} group by org_id, org_path, unit_id, item_id, channel`.execute(tx);
  await sql`insert into stat_month_unit (month, org_id, org_path, unit_id, channel, ${sql.raw(STORED_KEYS.join(', '))})
    select ${month}, org_id, org_path, unit_id, channel, ${sql.raw(sums)} from stat_day
    where day >= ${first} and day <= ${last} group by org_id, org_path, unit_id, channel`.execute(tx);
  await tx.insertInto('stat_rollup_months').values({ month, built_at: builtAt, source })
    .onConflict((oc) => oc.column('month').doUpdateSet({ built_at: builtAt, source })).execute();
}

// ---- report reads ----

/** The column a report groups by, per source. */
export type GroupColumn = 'org' | 'unit' | 'item' | 'channel' | 'period';

export interface SummaryRow extends StoredMeasures { g: string; org_path: string | null; channel: string }

/**
 * Sums of the summary over whole months (stat_month, or stat_month_unit when no item is involved)
 * or final days (stat_day), grouped by one column and the channel.
 */
export function summaryQuery(db: Runner, source: 'stat_month' | 'stat_month_unit' | 'stat_day', periods: string[], f: StatFilter, group: GroupColumn) {
  const period = source === 'stat_day' ? 'day' : 'month';
  const g = {
    org: sql`org_id`, unit: sql`unit_id`, item: sql`item_id`, channel: sql`channel`,
    period: source === 'stat_day' ? sql`substr(day, 1, 7)` : sql`month`,
  }[group];
  const path = group === 'org' ? sql`org_path` : sql`null`;
  return sql<SummaryRow>`select ${g} as g, ${path} as org_path, channel, ${sql.raw(sums)} from ${sql.table(source)}
    where ${sql.ref(period)} in (${sql.join(periods)}) ${and(filterSql(db, f, STAT_COLS))}
    group by ${g}, ${group === 'org' ? sql`org_path, ` : sql``}channel`;
}

export async function summaryRows(db: Runner, source: 'stat_month' | 'stat_month_unit' | 'stat_day', periods: string[], f: StatFilter, group: GroupColumn): Promise<SummaryRow[]> {
  if (periods.length === 0) return [];
  return (await summaryQuery(db, source, periods, f, group).execute(db)).rows;
}

const RUNNING = sql.raw(`(${RUNNING_STATES.map((s) => `'${s}'`).join(', ')})`);

export interface OverdueRow { g: string | null; org_path: string | null; channel: string; n: number }

/** Running cases past their due moment now, through the partial index cases_stat_open_due (its state list is repeated literally). */
export function overdueQuery(db: Runner, now: string, f: StatFilter, group: GroupColumn) {
  const g = { org: sql`accepting_org_id`, unit: sql`accepting_unit_id`, item: sql`item_id`, channel: sql`channel`, period: sql`null` }[group];
  const path = group === 'org' ? sql`accepting_org_path` : sql`null`;
  return sql<OverdueRow>`select ${g} as g, ${path} as org_path, channel, count(*) as n from cases
    where state in ${RUNNING} and due_at < ${now} ${and(filterSql(db, f, CASE_COLS, false))}
    group by ${g}, ${group === 'org' ? sql`accepting_org_path, ` : sql``}channel`;
}

export async function overdueRows(db: Runner, now: string, f: StatFilter, group: GroupColumn): Promise<OverdueRow[]> {
  return (await overdueQuery(db, now, f, group).execute(db)).rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export interface SignalRow { g: string | null; org_path: string | null; channel: string; level: string; n: number }

/**
 * Supervision signals raised in [from, to) on cases that match the filter (the case's accepting org,
 * unit, item and channel), by colour; revoked ones do not count. Through the signals' raised_at index.
 */
export function signalQuery(db: Runner, from: string, to: string, f: StatFilter, group: GroupColumn) {
  const g = { org: sql`cases.accepting_org_id`, unit: sql`cases.accepting_unit_id`, item: sql`cases.item_id`, channel: sql`cases.channel`, period: sql`null` }[group];
  const path = group === 'org' ? sql`cases.accepting_org_path` : sql`null`;
  const caseCols: Cols = {
    path: 'cases.accepting_org_path', org: 'cases.accepting_org_id', unit: 'cases.accepting_unit_id', item: 'cases.item_id', channel: 'cases.channel',
  };
  return sql<SignalRow>`select ${g} as g, ${path} as org_path, cases.channel as channel, signals.level as level, count(*) as n
    from signals inner join cases on cases.id = signals.case_id
    where signals.raised_at >= ${from} and signals.raised_at < ${to} and signals.status <> 'revoked'
      ${and(filterSql(db, f, caseCols, false))}
    group by ${g}, ${group === 'org' ? sql`cases.accepting_org_path, ` : sql``}cases.channel, signals.level`;
}

export async function signalRows(db: Runner, from: string, to: string, f: StatFilter, group: GroupColumn): Promise<SignalRow[]> {
  return (await signalQuery(db, from, to, f, group).execute(db)).rows.map((r) => ({ ...r, n: Number(r.n) }));
}

// ---- look-ups ----

export async function findOrg(db: Runner, id: string) {
  return db.selectFrom('orgs').select(['id', 'code', 'name', 'level', 'path', 'parent_id']).where('id', '=', id).executeTakeFirst();
}

export async function orgsByIds(db: Runner, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('orgs').select(['id', 'code', 'name', 'level', 'path']).where('id', 'in', ids).execute();
}

export async function childOrgs(db: Runner, id: string) {
  return db.selectFrom('orgs').select(['id', 'code', 'name', 'level', 'path']).where('parent_id', '=', id).orderBy('code').execute();
}

export async function findUnit(db: Runner, id: string) {
  return db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id')
    .select(['units.id', 'units.name', 'units.org_id', 'orgs.path as org_path', 'orgs.name as org_name']).where('units.id', '=', id).executeTakeFirst();
}

export async function unitsByIds(db: Runner, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id')
    .select(['units.id', 'units.name', 'orgs.name as org_name', 'orgs.code as org_code']).where('units.id', 'in', ids).execute();
}

export async function findWindow(db: Runner, id: string) {
  return db.selectFrom('windows').innerJoin('orgs', 'orgs.id', 'windows.org_id')
    .select(['windows.id', 'windows.number', 'windows.sign', 'windows.org_id', 'orgs.path as org_path']).where('windows.id', '=', id).executeTakeFirst();
}

/** Windows (counters) of a subtree and the units each serves. */
export async function windowUnits(db: Runner, orgPath: string) {
  const rows = await any(db).selectFrom('windows').innerJoin('orgs', 'orgs.id', 'windows.org_id')
    .innerJoin('window_units', 'window_units.window_id', 'windows.id')
    .select(['windows.id', 'windows.number', 'windows.sign', 'orgs.name as org_name', 'window_units.unit_id'])
    .where('orgs.path', 'like', `${orgPath}%`).orderBy('orgs.path').orderBy('windows.number').execute();
  return rows as { id: string; number: string; sign: string; org_name: string; unit_id: string }[];
}

export async function unitsOfWindow(db: Runner, windowId: string): Promise<string[]> {
  const rows = await db.selectFrom('window_units').select('unit_id').where('window_id', '=', windowId).execute();
  return rows.map((r) => r.unit_id);
}

export async function findItem(db: Runner, id: string) {
  return db.selectFrom('catalog_items').select(['id', 'code', 'name']).where('id', '=', id).executeTakeFirst();
}

export async function itemsByIds(db: Runner, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('catalog_items').select(['id', 'code', 'name', 'proxy_category']).where('id', 'in', ids).execute();
}
