// Village batches (定期报送) as use cases. A village cadre builds a batch of the village room's
// accepted cases and sends it: every case is transferred to the township's acceptance desk in one
// transaction. The desk signs for the batch case by case (签收 = the case's receive action) and marks
// it checked; a case not there by then is flagged missing at once. Results come back the same way:
// the desk builds a return batch (回送) of the cases decided and back at the desk, sending it replies
// every case down to the village room; the cadre signs for it and hands each result over (送达 by
// the village cadre). Case actions go through the cases module's actOnCaseIn (inside the batch's transaction), so events, versions and
// audit rows are exactly those of a single action.
//
// Who: the village's cadres send outgoing batches and receive return batches; the township desk's
// clerks the other way round; center managers over the village read them. Anyone else gets 404,
// audited as access.denied.
import { randomUUID } from 'node:crypto';
import type { Actor as SessionActor, AppContext, RequestMeta } from '../../context.ts';
import type { BatchCaseStatus, BatchCaseTable, BatchKind, BatchState, BatchTable } from '../../db/schema.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { shanghaiDate } from '../../domain/calendar.ts';
import { CASE_STATE_LABELS, type CaseState } from '../../domain/case-lifecycle.ts';
import { AppError, Conflict, Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import type { TxHooks } from '../cases/idempotency.ts';
import { actOnCaseIn } from '../cases/service.ts';
import { acceptanceDeskOf, villageRoomOf } from '../network/service.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import * as repo from './repo.ts';

type Meta = RequestMeta & { actor: SessionActor };
type Runner = AppContext['db'] | Tx;

export const BATCH_NOT_FOUND = '批次不存在或不在您的管辖范围内';
export const STALE_BATCH = '批次已被他人处理，请刷新后重试';

export const BATCH_KIND_LABELS: Record<BatchKind, string> = { outgoing: '报送（村→乡镇）', return: '回送（乡镇→村）' };
export const BATCH_STATE_LABELS: Record<BatchState, string> = { draft: '未发出', sent: '已发出', checked: '已清点', cancelled: '已作废' };
export const BATCH_CASE_STATUS_LABELS: Record<BatchCaseStatus, string> = {
  listed: '已列入', sent: '在途（待签收）', received: '已签收', missing: '缺件', returned: '已退回', withdrawn: '已撤回', delivered: '已送达', cancelled: '已作废',
};
/** The manifest's number mark: 报送 (PS) up, 回送 (HS) down. */
export const BATCH_MARKS: Record<BatchKind, string> = { outgoing: 'PS', return: 'HS' };
export const MAX_BATCH_CASES = 200;

export const BATCH_ACTIONS = ['send', 'cancel', 'receive', 'check', 'deliver'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

const withCode = <E extends AppError>(error: E, code: string): E => Object.assign(error, { code });

function invalid(errors: FieldError[]): Invalid {
  return withCode(new Invalid(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 处输入有误，请逐项修改后重新提交`, errors), errors[0]?.code ?? 'INVALID');
}

function stale(): Conflict {
  return withCode(new Conflict(STALE_BATCH, [{ pointer: '#/version', code: 'STALE_VERSION', detail: STALE_BATCH }]), 'STALE_VERSION');
}

/** `341125101001-PS-20261125-01`: sender org code, kind, Shanghai date, daily sequence (at least two digits). */
export function formatBatchNumber(orgCode: string, kind: BatchKind, day: string, sequence: number): string {
  return `${orgCode}-${BATCH_MARKS[kind]}-${day}-${String(sequence).padStart(2, '0')}`;
}

// ---- who may do what ----

interface Place {
  village_org_id: string;
  village_org_path: string;
  township_org_id: string;
}

const isCadreOf = (actor: SessionActor, villageOrgId: string) => actor.roles.some((g) => g.role === 'village_cadre' && g.orgId === villageOrgId);
const isClerkOf = (actor: SessionActor, townshipOrgId: string) => actor.roles.some((g) => g.role === 'acceptance_clerk' && g.orgId === townshipOrgId);
const isManagerOver = (actor: SessionActor, villagePath: string) =>
  actor.roles.some((g) => g.role === 'center_manager' && villagePath.startsWith(g.orgPath));

/** The sending side: the village's cadres for an outgoing batch, the township desk's clerks for a return batch. */
const isSender = (actor: SessionActor, kind: BatchKind, p: Place) => (kind === 'outgoing' ? isCadreOf(actor, p.village_org_id) : isClerkOf(actor, p.township_org_id));
const isReceiver = (actor: SessionActor, kind: BatchKind, p: Place) => (kind === 'outgoing' ? isClerkOf(actor, p.township_org_id) : isCadreOf(actor, p.village_org_id));

export function mayRead(actor: SessionActor, p: Place): boolean {
  return isCadreOf(actor, p.village_org_id) || isClerkOf(actor, p.township_org_id) || isManagerOver(actor, p.village_org_path);
}

/** What the person may do with the batch now (for the UI; each use case checks again). */
export function allowedActions(actor: SessionActor, b: BatchTable, rows: Pick<BatchCaseTable, 'status'>[]): BatchAction[] {
  const out: BatchAction[] = [];
  if (isSender(actor, b.kind, b) && b.state === 'draft') out.push('send', 'cancel');
  if (isReceiver(actor, b.kind, b) && (b.state === 'sent' || b.state === 'checked')) {
    if (rows.some((r) => r.status === 'sent' || r.status === 'missing')) out.push('receive');
    if (b.state === 'sent') out.push('check');
    if (b.kind === 'return' && rows.some((r) => r.status === 'received')) out.push('deliver');
  }
  return out;
}

const SENDER_LABEL: Record<BatchKind, string> = { outgoing: '本村的村干部', return: '乡镇咨询受理部的受理员' };
const RECEIVER_LABEL: Record<BatchKind, string> = { outgoing: '乡镇咨询受理部的受理员', return: '本村的村干部' };

function mustBeSender(actor: SessionActor, b: BatchTable, what: string) {
  if (!isSender(actor, b.kind, b)) throw withCode(new Forbidden(`只有${SENDER_LABEL[b.kind]}可以${what}本批次`), 'NOT_SENDER');
}

function mustBeReceiver(actor: SessionActor, b: BatchTable, what: string) {
  if (!isReceiver(actor, b.kind, b)) throw withCode(new Forbidden(`只有${RECEIVER_LABEL[b.kind]}可以${what}本批次的办件`), 'NOT_RECEIVER');
}

function mustBeIn(b: BatchTable, states: BatchState[], what: string) {
  if (!states.includes(b.state)) {
    throw withCode(new Conflict(`本批次${BATCH_STATE_LABELS[b.state]}，不能${what}`, [{ pointer: '#/state', code: 'BATCH_STATE', detail: `批次状态：${BATCH_STATE_LABELS[b.state]}` }]), 'BATCH_STATE');
  }
}

/** A batch the person may read; otherwise 404, audited when it exists. */
async function visibleBatch(ctx: AppContext, meta: Meta, id: string): Promise<BatchTable> {
  const b = await repo.findBatch(ctx.db, id);
  if (b && mayRead(meta.actor, b)) return b;
  if (b) return denyAsNotFound(ctx, meta, 'batch', id, BATCH_NOT_FOUND);
  throw new NotFound(BATCH_NOT_FOUND);
}

// ---- reading ----

export interface BatchCaseLine extends BatchCaseTable {
  item_name: string;
  applicant_name: string;
  case_state: CaseState;
  case_version: number;
}

export interface BatchDetail {
  batch: BatchTable;
  cases: BatchCaseLine[];
  orgs: Map<string, { id: string; code: string; name: string }>;
  units: Map<string, string>;
  names: Map<string, string>;
  allowedActions: BatchAction[];
}

async function detailOf(db: Runner, actor: SessionActor, batch: BatchTable): Promise<BatchDetail> {
  const rows = await repo.batchCases(db, batch.id);
  const facts = await repo.caseFacts(db, rows.map((r) => r.case_id));
  const cases = rows.map((r) => {
    const f = facts.get(r.case_id)!;
    return { ...r, item_name: f.item_name, applicant_name: f.applicant_name, case_state: f.state as CaseState, case_version: f.version };
  });
  const orgs = await repo.orgsById(db, [batch.village_org_id, batch.township_org_id]);
  const unitRows = await db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id').select(['units.id', 'units.name', 'orgs.name as org_name'])
    .where('units.id', 'in', [batch.village_unit_id, batch.desk_unit_id]).execute();
  const people = [batch.created_by, batch.sent_by, batch.checked_by, batch.cancelled_by, ...rows.flatMap((r) => [r.signed_by, r.flagged_by, r.delivered_by])]
    .filter((x): x is string => !!x);
  const nameRows = people.length ? await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [...new Set(people)]).execute() : [];
  return {
    batch, cases, orgs,
    units: new Map(unitRows.map((u) => [u.id, `${u.org_name}${u.name}`])),
    names: new Map(nameRows.map((u) => [u.id, u.display_name])),
    allowedActions: allowedActions(actor, batch, rows),
  };
}

export async function getBatch(ctx: AppContext, meta: Meta, id: string): Promise<BatchDetail> {
  return detailOf(ctx.db, meta.actor, await visibleBatch(ctx, meta, id));
}

/** The printable manifest: the same facts, and an audit row (it carries applicants' names). */
export async function manifestOf(ctx: AppContext, meta: Meta, id: string): Promise<BatchDetail & { printedAt: string }> {
  const detail = await getBatch(ctx, meta, id);
  await inTransaction(ctx.db, (tx) => recordAudit(ctx, tx, meta, {
    action: 'batch.manifest', objectType: 'batch', objectId: id, detail: { number: detail.batch.number },
  }));
  return { ...detail, printedAt: ctx.now().toISOString() };
}

export interface BatchListQuery {
  kind?: BatchKind;
  state?: BatchState;
  villageId?: string;
  page: number;
  pageSize: number;
}

export async function listBatches(ctx: AppContext, meta: Meta, q: BatchListQuery) {
  const roles = meta.actor.roles;
  const filter: repo.BatchFilter = {
    villageOrgIds: roles.filter((g) => g.role === 'village_cadre').map((g) => g.orgId),
    townshipOrgIds: roles.filter((g) => g.role === 'acceptance_clerk').map((g) => g.orgId),
    managerPaths: roles.filter((g) => g.role === 'center_manager').map((g) => g.orgPath),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.state ? { state: q.state } : {}),
    ...(q.villageId ? { villageId: q.villageId } : {}),
  };
  const none = filter.villageOrgIds.length + filter.townshipOrgIds.length + filter.managerPaths.length === 0;
  if (none) return { total: 0, rows: [], missing: new Map<string, number>(), orgs: new Map(), byKindAndState: [] };
  const [total, rows, byKindAndState] = await Promise.all([
    repo.countBatches(ctx.db, filter),
    repo.listBatches(ctx.db, filter, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }),
    repo.countBatchesByKindAndState(ctx.db, filter),
  ]);
  const [missing, orgs] = await Promise.all([
    repo.missingCounts(ctx.db, rows.map((r) => r.id)),
    repo.orgsById(ctx.db, rows.flatMap((r) => [r.village_org_id, r.township_org_id])),
  ]);
  return { total, rows, missing, orgs, byKindAndState };
}

// ---- where a batch runs: the village, its room, the township desk ----

interface Route {
  village: { id: string; code: string; name: string; path: string };
  township: { id: string; code: string; name: string };
  villageUnitId: string;
  deskUnitId: string;
}

/** The village a new batch is for: the one named, or the cadre's only village. */
async function routeFor(ctx: AppContext, meta: Meta, kind: BatchKind, villageId: string | undefined): Promise<Route> {
  const roleNeeded = kind === 'outgoing' ? 'village_cadre' : 'acceptance_clerk';
  if (villageId === undefined) {
    const own = meta.actor.roles.filter((g) => g.role === 'village_cadre').map((g) => g.orgId);
    if (kind === 'outgoing' && own.length === 1) villageId = own[0]!;
    else if (kind === 'outgoing' && own.length === 0) throw withCode(new Forbidden('只有村干部可以建立报送批次'), 'NOT_SENDER');
    else throw invalid([{ pointer: '#/villageId', code: 'REQUIRED', detail: kind === 'outgoing' ? '您在多个村任职，请选择村' : '请选择回送的村' }]);
  }
  const village = (await repo.orgsById(ctx.db, [villageId])).get(villageId);
  const township = village?.parent_id ? (await repo.orgsById(ctx.db, [village.parent_id])).get(village.parent_id) : undefined;
  const place = village && township ? { village_org_id: village.id, village_org_path: village.path, township_org_id: township.id } : null;
  if (!village || village.level !== 'village' || !township || !place || !isSender(meta.actor, kind, place)) {
    if (place && village?.level === 'village' && mayRead(meta.actor, place)) {
      throw withCode(new Forbidden(`只有${SENDER_LABEL[kind]}可以建立${kind === 'outgoing' ? '报送' : '回送'}批次`), 'NOT_SENDER');
    }
    throw invalid([{
      pointer: '#/villageId', code: 'NOT_YOUR_VILLAGE',
      detail: roleNeeded === 'village_cadre' ? '您不是该村的村干部，不能为该村建立报送批次' : '该村不属于您所在乡镇，不能向该村回送',
    }]);
  }
  const [room, desk] = await Promise.all([villageRoomOf(ctx, village.id), acceptanceDeskOf(ctx, township.id)]);
  if (!room) throw invalid([{ pointer: '#/villageId', code: 'NO_VILLAGE_ROOM', detail: `${village.name}尚未设立便民服务室，请联系中心管理员` }]);
  if (!desk) throw invalid([{ pointer: '#/villageId', code: 'NO_DESK', detail: `${township.name}尚未设立咨询受理部，请联系中心管理员` }]);
  return { village, township, villageUnitId: room.id, deskUnitId: desk.id };
}

/** Why each listed case may not go into the batch ([] when all may), and the facts read to decide. */
async function caseErrors(db: Runner, kind: BatchKind, route: Route, caseIds: string[]): Promise<{ errors: FieldError[]; facts: Map<string, repo.CaseFacts> }> {
  const [facts, listed] = await Promise.all([repo.caseFacts(db, caseIds), repo.listedIn(db, caseIds)]);
  const errors: FieldError[] = [];
  const firstAt = new Map<string, number>();
  caseIds.forEach((id, i) => {
    const pointer = `#/caseIds/${i}`;
    const seen = firstAt.get(id);
    if (seen !== undefined) {
      errors.push({ pointer, code: 'DUPLICATE', detail: `第 ${i + 1} 项与第 ${seen + 1} 项是同一办件，一个办件在批次中只能列一次` });
      return;
    }
    firstAt.set(id, i);
    const c = facts.get(id);
    // Unknown and another village's cases get the same answer: a batch reveals nothing beyond the village.
    if (!c || c.accepting_unit_id !== route.villageUnitId) {
      errors.push({ pointer, code: 'NOT_THIS_VILLAGE', detail: `第 ${i + 1} 项不是${route.village.name}便民服务室受理的办件，不能列入本村批次` });
      return;
    }
    const ready = kind === 'outgoing'
      ? c.state === 'accepted' && c.current_unit_id === route.villageUnitId && c.pending_unit_id === null
      : c.state === 'decided' && c.current_unit_id === route.deskUnitId;
    if (!ready) {
      const label = CASE_STATE_LABELS[c.state as CaseState] ?? c.state;
      errors.push({
        pointer, code: 'NOT_READY',
        detail: kind === 'outgoing'
          ? `办件 ${c.number} 当前为“${label}”，只有已在本村受理、尚未报送的办件才能列入报送批次`
          : `办件 ${c.number} 当前为“${label}”，只有已回复到${route.township.name}咨询受理部、待回送本村的办件才能列入回送批次`,
      });
      return;
    }
    const other = listed.get(id);
    if (other) errors.push({ pointer, code: 'IN_OPEN_BATCH', detail: `办件 ${c.number} 已列入未发出的批次 ${other}，不能重复列入` });
  });
  return { errors, facts };
}

// ---- building a batch ----

export interface NewBatch {
  kind: BatchKind;
  villageId?: string;
  caseIds: string[];
  note?: string;
}

/** The partial unique index that keeps a case in one unsent batch (not the Idempotency-Key's, which replays). */
const listedTwice = (err: unknown) => {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e?.code === '23505') return e.constraint === 'batch_cases_listed_once';
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && String(e.message).includes('batch_cases.case_id');
};

export async function createBatch(ctx: AppContext, meta: Meta, input: NewBatch, hooks: TxHooks<BatchDetail> | null = null): Promise<BatchDetail> {
  const route = await routeFor(ctx, meta, input.kind, input.villageId);
  if (input.caseIds.length === 0) throw invalid([{ pointer: '#/caseIds', code: 'REQUIRED', detail: '请至少列入一个办件' }]);
  const note = input.note?.trim() || null;
  try {
    return await inTransaction(ctx.db, async (tx) => {
      await hooks?.begin(tx);
      const { errors, facts } = await caseErrors(tx, input.kind, route, input.caseIds);
      if (errors.length) throw invalid(errors);
      const at = ctx.now().toISOString();
      const senderCode = input.kind === 'outgoing' ? route.village.code : route.township.code;
      const day = shanghaiDate(at).replaceAll('-', '');
      const number = formatBatchNumber(senderCode, input.kind, day, await repo.nextBatchSequence(tx, senderCode, input.kind, day));
      const materials = await repo.materialsOf(tx, input.caseIds);
      const id = randomUUID();
      const rows: BatchCaseTable[] = input.caseIds.map((caseId, position) => {
        const names = materials.get(caseId) ?? [];
        return {
          batch_id: id, case_id: caseId, position, case_number: facts.get(caseId)!.number,
          materials: JSON.stringify(names), materials_count: names.length, status: 'listed', sent_version: null,
          signed_at: null, signed_by: null, flagged_at: null, flagged_by: null, delivered_at: null, delivered_by: null,
        };
      });
      const batch: BatchTable = {
        id, number, kind: input.kind, state: 'draft',
        village_org_id: route.village.id, village_org_path: route.village.path, village_unit_id: route.villageUnitId,
        township_org_id: route.township.id, desk_unit_id: route.deskUnitId,
        case_count: rows.length, materials_count: rows.reduce((n, r) => n + r.materials_count, 0), note,
        created_at: at, created_by: meta.actor.userId, sent_at: null, sent_by: null, checked_at: null, checked_by: null,
        cancelled_at: null, cancelled_by: null, updated_at: at, version: 1,
      };
      await repo.insertBatch(tx, batch);
      await repo.insertBatchCases(tx, rows);
      await recordAudit(ctx, tx, meta, {
        action: 'batch.create', objectType: 'batch', objectId: id,
        detail: { number, kind: input.kind, villageId: route.village.id, cases: rows.map((r) => r.case_number) },
      });
      const detail = await detailOf(tx, meta.actor, batch);
      await hooks?.end(tx, detail);
      return detail;
    });
  } catch (err) {
    // Another batch listed one of these cases at the same moment (the partial unique index).
    if (listedTwice(err)) {
      const detail = '其中有办件刚被列入另一个批次，请刷新后重试';
      throw withCode(new Conflict(detail, [{ pointer: '#/caseIds', code: 'IN_OPEN_BATCH', detail }]), 'IN_OPEN_BATCH');
    }
    throw err;
  }
}

// ---- sending: every case moves in one transaction ----

export async function sendBatch(ctx: AppContext, meta: Meta, id: string, input: { version: number }, hooks: TxHooks<BatchDetail> | null = null): Promise<BatchDetail> {
  const b = await visibleBatch(ctx, meta, id);
  mustBeSender(meta.actor, b, '发出');
  mustBeIn(b, ['draft'], '再次发出');
  if (input.version !== b.version) throw stale();
  return inTransaction(ctx.db, async (tx) => {
    await hooks?.begin(tx);
    const at = ctx.now().toISOString();
    if (!(await repo.updateBatch(tx, id, b.version, { state: 'sent', sent_at: at, sent_by: meta.actor.userId, updated_at: at, version: b.version + 1 }))) throw stale();
    const rows = await repo.batchCases(tx, id);
    const route = await routeOfBatch(tx, b);
    // Cases may have moved since the batch was built (withdrawn, returned …): name each, move none.
    const checked = await caseErrors(tx, b.kind, route, rows.map((r) => r.case_id));
    const errors = checked.errors
      .filter((e) => e.code !== 'IN_OPEN_BATCH')
      .map((e) => ({ ...e, pointer: e.pointer.replace('#/caseIds/', '#/cases/'), code: 'CASE_CHANGED' }));
    if (errors.length) {
      throw withCode(new Conflict(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 个办件已发生变化，请从批次中去除后重建`, errors), 'CASE_CHANGED');
    }
    const facts = checked.facts;
    const opinion = `${b.kind === 'outgoing' ? '定期报送' : '办结回送'}（批次 ${b.number}）`;
    for (const r of rows) {
      const version = facts.get(r.case_id)!.version;
      const write = b.kind === 'outgoing'
        ? await actOnCaseIn(ctx, tx, meta, r.case_id, 'transfer', { version, unitId: b.village_unit_id, to: b.desk_unit_id, opinion })
        : await actOnCaseIn(ctx, tx, meta, r.case_id, 'reply', { version, unitId: b.desk_unit_id, opinion });
      await repo.updateBatchCase(tx, id, r.case_id, ['listed'], { status: 'sent', sent_version: write.row.version });
      await repo.setCaseBatch(tx, r.case_id, id);
    }
    await recordAudit(ctx, tx, meta, {
      action: 'batch.send', objectType: 'batch', objectId: id,
      detail: { number: b.number, kind: b.kind, cases: rows.length, materials: b.materials_count },
    });
    const detail = await detailOf(tx, meta.actor, (await repo.findBatch(tx, id))!);
    await hooks?.end(tx, detail);
    return detail;
  });
}

async function routeOfBatch(db: Runner, b: BatchTable): Promise<Route> {
  const orgs = await repo.orgsById(db, [b.village_org_id, b.township_org_id]);
  const v = orgs.get(b.village_org_id)!;
  const t = orgs.get(b.township_org_id)!;
  return { village: v, township: t, villageUnitId: b.village_unit_id, deskUnitId: b.desk_unit_id };
}

export async function cancelBatch(ctx: AppContext, meta: Meta, id: string, input: { version: number }, hooks: TxHooks<BatchDetail> | null = null): Promise<BatchDetail> {
  const b = await visibleBatch(ctx, meta, id);
  mustBeSender(meta.actor, b, '作废');
  mustBeIn(b, ['draft'], '作废（已发出的批次由接收方清点）');
  if (input.version !== b.version) throw stale();
  return inTransaction(ctx.db, async (tx) => {
    await hooks?.begin(tx);
    const at = ctx.now().toISOString();
    if (!(await repo.updateBatch(tx, id, b.version, { state: 'cancelled', cancelled_at: at, cancelled_by: meta.actor.userId, updated_at: at, version: b.version + 1 }))) throw stale();
    await repo.cancelBatchCases(tx, id);
    await recordAudit(ctx, tx, meta, { action: 'batch.cancel', objectType: 'batch', objectId: id, detail: { number: b.number } });
    const detail = await detailOf(tx, meta.actor, (await repo.findBatch(tx, id))!);
    await hooks?.end(tx, detail);
    return detail;
  });
}

// ---- receiving: case by case, then the check ----

async function listedCase(db: Runner, b: BatchTable, caseId: string): Promise<BatchCaseTable> {
  const row = await repo.batchCase(db, b.id, caseId);
  if (!row || row.status === 'cancelled') {
    throw withCode(new NotFound('该办件不在本批次中', [{ pointer: '#/caseId', code: 'NOT_IN_BATCH', detail: '该办件不在本批次中' }]), 'NOT_IN_BATCH');
  }
  return row;
}

/**
 * 签收 one case of a sent batch. Outgoing: the case's own receive action at the township desk.
 * Return: the reply needed no sign-for, so this records that the cadre has the result in hand.
 */
export async function receiveBatchCase(
  ctx: AppContext, meta: Meta, id: string, caseId: string, input: { opinion?: string }, hooks: TxHooks<BatchDetail> | null = null,
): Promise<BatchDetail> {
  const b = await visibleBatch(ctx, meta, id);
  mustBeReceiver(meta.actor, b, '签收');
  mustBeIn(b, ['sent', 'checked'], '签收');
  const row = await listedCase(ctx.db, b, caseId);
  if (row.status !== 'sent' && row.status !== 'missing') {
    throw withCode(new Conflict(`办件 ${row.case_number} ${BATCH_CASE_STATUS_LABELS[row.status]}，不需再签收`, [{ pointer: '#/caseId', code: 'NOT_IN_TRANSIT', detail: BATCH_CASE_STATUS_LABELS[row.status] }]), 'NOT_IN_TRANSIT');
  }
  return inTransaction(ctx.db, async (tx) => {
    await hooks?.begin(tx);
    const at = ctx.now().toISOString();
    if (!(await repo.touchBatch(tx, id, ['sent', 'checked'], at))) throw stale();
    if (b.kind === 'outgoing') {
      const version = (await repo.caseFacts(tx, [caseId])).get(caseId)!.version;
      await actOnCaseIn(ctx, tx, meta, caseId, 'receive', {
        version, unitId: b.desk_unit_id, opinion: input.opinion ?? `按批次 ${b.number} 签收`,
      });
    } else {
      await recordAudit(ctx, tx, meta, {
        action: 'batch.case_received', objectType: 'batch', objectId: id, detail: { number: b.number, case: row.case_number, caseId },
      });
    }
    if (!(await repo.updateBatchCase(tx, id, caseId, ['sent', 'missing'], { status: 'received', signed_at: at, signed_by: meta.actor.userId }))) {
      throw withCode(new Conflict('该办件已被他人签收，请刷新后查看'), 'NOT_IN_TRANSIT');
    }
    const detail = await detailOf(tx, meta.actor, (await repo.findBatch(tx, id))!);
    await hooks?.end(tx, detail);
    return detail;
  });
}

/**
 * The receiver has checked the batch against its manifest: every case not signed for is flagged
 * missing now (its status, an audit row each — the supervision hook — and the batch shows them).
 * An outgoing case signed through the case's own page, sent back (退回) or withdrawn is recorded so.
 */
export async function checkBatch(
  ctx: AppContext, meta: Meta, id: string, input: { version: number; opinion?: string }, hooks: TxHooks<BatchDetail> | null = null,
): Promise<BatchDetail> {
  const b = await visibleBatch(ctx, meta, id);
  mustBeReceiver(meta.actor, b, '清点');
  mustBeIn(b, ['sent'], '再次清点');
  if (input.version !== b.version) throw stale();
  return inTransaction(ctx.db, async (tx) => {
    await hooks?.begin(tx);
    const at = ctx.now().toISOString();
    if (!(await repo.updateBatch(tx, id, b.version, { state: 'checked', checked_at: at, checked_by: meta.actor.userId, updated_at: at, version: b.version + 1 }))) throw stale();
    const rows = (await repo.batchCases(tx, id)).filter((r) => r.status === 'sent');
    const facts = await repo.caseFacts(tx, rows.map((r) => r.case_id));
    const missing: string[] = [];
    for (const r of rows) {
      const c = facts.get(r.case_id)!;
      if (b.kind === 'return' && c.state === 'finished') {
        // Handed over from the case's own page before the batch was signed: it arrived.
        const handed = await repo.lastEventOf(tx, r.case_id, 'deliver');
        await repo.updateBatchCase(tx, id, r.case_id, ['sent'], { status: 'delivered', delivered_at: handed?.at ?? at, delivered_by: handed?.user_id ?? null });
        continue;
      }
      const stillComing = b.kind === 'return' || (c.state === 'in_transfer' && c.pending_unit_id === b.desk_unit_id);
      if (stillComing) {
        missing.push(r.case_number);
        await repo.updateBatchCase(tx, id, r.case_id, ['sent'], { status: 'missing', flagged_at: at, flagged_by: meta.actor.userId });
        await recordAudit(ctx, tx, meta, {
          action: 'batch.case_missing', objectType: 'case', objectId: r.case_id,
          detail: { batch: b.number, batchId: id, case: r.case_number, kind: b.kind, ...(input.opinion ? { opinion: input.opinion } : {}) },
        });
        continue;
      }
      const answer = await repo.firstAnswerAfter(tx, r.case_id, r.sent_version ?? 0);
      const status: BatchCaseStatus = answer?.action === 'return' ? 'returned' : answer?.action === 'withdraw' ? 'withdrawn' : 'received';
      await repo.updateBatchCase(tx, id, r.case_id, ['sent'], {
        status, ...(status === 'received' && answer ? { signed_at: answer.at, signed_by: answer.user_id } : {}),
      });
    }
    await recordAudit(ctx, tx, meta, {
      action: 'batch.check', objectType: 'batch', objectId: id,
      detail: { number: b.number, cases: b.case_count, missing },
    });
    const detail = await detailOf(tx, meta.actor, (await repo.findBatch(tx, id))!);
    await hooks?.end(tx, detail);
    return detail;
  });
}

// ---- handing over (return batches) ----

export async function deliverBatchCase(
  ctx: AppContext, meta: Meta, id: string, caseId: string, input: { opinion?: string }, hooks: TxHooks<BatchDetail> | null = null,
): Promise<BatchDetail> {
  const b = await visibleBatch(ctx, meta, id);
  if (b.kind !== 'return') {
    throw withCode(new Conflict('报送批次中的办件由乡镇办理，办结后随回送批次送回本村再送达'), 'NOT_A_RETURN_BATCH');
  }
  mustBeReceiver(meta.actor, b, '送达');
  mustBeIn(b, ['sent', 'checked'], '送达');
  const row = await listedCase(ctx.db, b, caseId);
  if (row.status !== 'received') {
    const detail = row.status === 'delivered' ? `办件 ${row.case_number} 已送达` : `请先签收办件 ${row.case_number}，再送达申请人`;
    throw withCode(new Conflict(detail, [{ pointer: '#/caseId', code: 'NOT_SIGNED', detail }]), 'NOT_SIGNED');
  }
  return inTransaction(ctx.db, async (tx) => {
    await hooks?.begin(tx);
    const at = ctx.now().toISOString();
    if (!(await repo.touchBatch(tx, id, ['sent', 'checked'], at))) throw stale();
    const version = (await repo.caseFacts(tx, [caseId])).get(caseId)!.version;
    await actOnCaseIn(ctx, tx, meta, caseId, 'deliver', {
      version, unitId: b.village_unit_id, method: 'village_cadre', opinion: input.opinion ?? `村干部送达（回送批次 ${b.number}）`,
    });
    if (!(await repo.updateBatchCase(tx, id, caseId, ['received'], { status: 'delivered', delivered_at: at, delivered_by: meta.actor.userId }))) {
      throw withCode(new Conflict('该办件已被他人送达，请刷新后查看'), 'NOT_SIGNED');
    }
    const detail = await detailOf(tx, meta.actor, (await repo.findBatch(tx, id))!);
    await hooks?.end(tx, detail);
    return detail;
  });
}

// ---- candidates for a new batch ----

export async function batchCandidates(ctx: AppContext, meta: Meta, kind: BatchKind, villageId: string | undefined, limit: number) {
  const route = await routeFor(ctx, meta, kind, villageId);
  const rows = await repo.candidateCases(ctx.db, kind, route.villageUnitId, route.deskUnitId, limit);
  return { route, rows };
}
