// SQL for village batches: the batch row, its listed cases, the daily number counter, and the case
// facts a batch needs (eligibility, materials, what happened to a case after it was sent).
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { BatchCaseStatus, BatchCaseTable, BatchKind, BatchState, BatchTable, CaseTable } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';

type Runner = Db | Tx;

export async function findBatch(db: Runner, id: string): Promise<BatchTable | undefined> {
  return db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertBatch(tx: Tx, row: BatchTable): Promise<void> {
  await tx.insertInto('batches').values(row).execute();
}

export async function insertBatchCases(tx: Tx, rows: BatchCaseTable[]): Promise<void> {
  if (rows.length) await tx.insertInto('batch_cases').values(rows).execute();
}

/** Optimistic write on the batch: false when another change got there first. */
export async function updateBatch(tx: Tx, id: string, version: number, changes: Partial<BatchTable>): Promise<boolean> {
  const r = await tx.updateTable('batches').set(changes).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Takes the batch's row lock (PostgreSQL) for a per-case change that does not bump the version, so
 * it serializes with the check; false when the batch is no longer in one of `states`.
 */
export async function touchBatch(tx: Tx, id: string, states: BatchState[], at: string): Promise<boolean> {
  const r = await tx.updateTable('batches').set({ updated_at: at }).where('id', '=', id).where('state', 'in', states).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function batchCases(db: Runner, batchId: string): Promise<BatchCaseTable[]> {
  return db.selectFrom('batch_cases').selectAll().where('batch_id', '=', batchId).orderBy('position').execute();
}

export async function batchCase(db: Runner, batchId: string, caseId: string): Promise<BatchCaseTable | undefined> {
  return db.selectFrom('batch_cases').selectAll().where('batch_id', '=', batchId).where('case_id', '=', caseId).executeTakeFirst();
}

export async function updateBatchCase(
  tx: Tx, batchId: string, caseId: string, from: BatchCaseStatus[], changes: Partial<BatchCaseTable>,
): Promise<boolean> {
  const r = await tx.updateTable('batch_cases').set(changes)
    .where('batch_id', '=', batchId).where('case_id', '=', caseId).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function cancelBatchCases(tx: Tx, batchId: string): Promise<void> {
  await tx.updateTable('batch_cases').set({ status: 'cancelled' }).where('batch_id', '=', batchId).execute();
}

/** The next daily number of a sender org and kind, race-free: one atomic upsert inside the batch's transaction. */
export async function nextBatchSequence(tx: Tx, orgCode: string, kind: BatchKind, day: string): Promise<number> {
  const row = await tx.insertInto('batch_counters').values({ org_code: orgCode, kind, day, last: 1 })
    .onConflict((oc) => oc.columns(['org_code', 'kind', 'day']).doUpdateSet({ last: sql<number>`batch_counters.last + 1` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last);
}

export type CaseFacts = Pick<CaseTable,
  'id' | 'number' | 'state' | 'version' | 'item_name' | 'applicant_name' | 'accepting_unit_id' | 'accepting_org_id' |
  'current_unit_id' | 'pending_unit_id'>;

export async function caseFacts(db: Runner, ids: string[]): Promise<Map<string, CaseFacts>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('cases')
    .select(['id', 'number', 'state', 'version', 'item_name', 'applicant_name', 'accepting_unit_id', 'accepting_org_id', 'current_unit_id', 'pending_unit_id'])
    .where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** For each case, the unsent batch (of any kind) that already lists it. */
export async function listedIn(db: Runner, caseIds: string[]): Promise<Map<string, string>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.selectFrom('batch_cases').innerJoin('batches', 'batches.id', 'batch_cases.batch_id')
    .select(['batch_cases.case_id', 'batches.number'])
    .where('batch_cases.case_id', 'in', [...new Set(caseIds)]).where('batch_cases.status', '=', 'listed').execute();
  return new Map(rows.map((r) => [r.case_id, r.number]));
}

/** The material names recorded on each case's events (application, supplements …), first mention first. */
export async function materialsOf(db: Runner, caseIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(caseIds.map((id) => [id, []]));
  if (caseIds.length === 0) return out;
  const rows = await db.selectFrom('case_events').select(['case_id', 'attachments'])
    .where('case_id', 'in', [...new Set(caseIds)]).orderBy('case_id').orderBy('seq').execute();
  for (const r of rows) {
    const list = out.get(r.case_id)!;
    for (const name of JSON.parse(r.attachments) as string[]) if (!list.includes(name)) list.push(name);
  }
  return out;
}

/** What the receiver did first with a case after the batch sent it: signed for it, sent it back, or it was withdrawn. */
export async function firstAnswerAfter(db: Runner, caseId: string, seq: number) {
  return db.selectFrom('case_events').select(['action', 'at', 'user_id'])
    .where('case_id', '=', caseId).where('seq', '>', seq).where('action', 'in', ['receive', 'return', 'withdraw'])
    .orderBy('seq').limit(1).executeTakeFirst();
}

export async function lastEventOf(db: Runner, caseId: string, action: string) {
  return db.selectFrom('case_events').select(['at', 'user_id']).where('case_id', '=', caseId).where('action', '=', action)
    .orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Cases that may go into a new batch: outgoing — accepted at the village room and still there; return — decided and back at the desk. */
export async function candidateCases(db: Runner, kind: BatchKind, villageUnitId: string, deskUnitId: string, limit: number) {
  let q = db.selectFrom('cases')
    .select(['id', 'number', 'state', 'version', 'item_name', 'applicant_name', 'accepted_at'])
    .where('accepting_unit_id', '=', villageUnitId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('batch_cases').select('batch_cases.case_id')
      .whereRef('batch_cases.case_id', '=', 'cases.id').where('batch_cases.status', '=', 'listed'))));
  q = kind === 'outgoing'
    ? q.where('state', '=', 'accepted').where('current_unit_id', '=', villageUnitId)
    : q.where('state', '=', 'decided').where('current_unit_id', '=', deskUnitId);
  return q.orderBy('accepted_at').orderBy('number').limit(limit).execute();
}

export interface BatchFilter {
  villageOrgIds: string[];
  townshipOrgIds: string[];
  managerPaths: string[];
  kind?: BatchKind;
  state?: BatchState;
  villageId?: string;
}

function filtered(db: Runner, f: BatchFilter) {
  let q = db.selectFrom('batches').where((eb) => eb.or([
    ...(f.villageOrgIds.length ? [eb('village_org_id', 'in', f.villageOrgIds)] : []),
    ...(f.townshipOrgIds.length ? [eb('township_org_id', 'in', f.townshipOrgIds)] : []),
    ...f.managerPaths.map((p) => eb('village_org_path', 'like', `${p}%`)),
  ]));
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.villageId) q = q.where('village_org_id', '=', f.villageId);
  return q;
}

export async function countBatches(db: Runner, f: BatchFilter): Promise<number> {
  const row = await filtered(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Batches per kind and state under the same scope and village, whatever the kind and state filters (the list's tab badges). */
export async function countBatchesByKindAndState(db: Runner, f: BatchFilter): Promise<{ kind: BatchKind; state: BatchState; n: number }[]> {
  const { kind: _kind, state: _state, ...scope } = f;
  const rows = await filtered(db, scope).select(['kind', 'state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['kind', 'state']).execute();
  return rows.map((r) => ({ kind: r.kind, state: r.state, n: Number(r.n) }));
}

export async function listBatches(db: Runner, f: BatchFilter, page: { limit: number; offset: number }): Promise<BatchTable[]> {
  return filtered(db, f).selectAll().orderBy('created_at', 'desc').orderBy('number', 'desc').limit(page.limit).offset(page.offset).execute();
}

/** How many listed cases of each batch are flagged missing now. */
export async function missingCounts(db: Runner, batchIds: string[]): Promise<Map<string, number>> {
  if (batchIds.length === 0) return new Map();
  const rows = await db.selectFrom('batch_cases').select(['batch_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('batch_id', 'in', batchIds).where('status', '=', 'missing').groupBy('batch_id').execute();
  return new Map(rows.map((r) => [r.batch_id, Number(r.n)]));
}

export async function orgsById(db: Runner, ids: string[]) {
  const unique = [...new Set(ids.filter(Boolean))];
  if (unique.length === 0) return new Map<string, { id: string; code: string; name: string; level: string; path: string; parent_id: string | null }>();
  const rows = await db.selectFrom('orgs').select(['id', 'code', 'name', 'level', 'path', 'parent_id']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function setCaseBatch(tx: Tx, caseId: string, batchId: string): Promise<void> {
  await tx.updateTable('cases').set({ batch_id: batchId }).where('id', '=', caseId).execute();
}
