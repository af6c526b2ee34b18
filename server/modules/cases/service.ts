// Case handling use cases: register an application at a counter or village room, take one action on
// a case, read a case and its timeline, the work lists, printable notices, and the public progress
// lookup. The rules are domain/case-lifecycle.ts; this file loads, authorizes, resolves who acts and
// where work goes, and writes the next snapshot, its event and an audit row in one transaction with
// an optimistic version check.
import { randomUUID } from 'node:crypto';
import { validateIdNumber, normalizeIdNumber } from '../../../shared/validators/id-number.ts';
import { maskIdNumber, maskMobile } from '../../../shared/validators/mask.ts';
import { validateMobile } from '../../../shared/validators/mobile.ts';
import type { Actor as SessionActor, AppContext, RequestMeta } from '../../context.ts';
import { perDatabaseCache } from '../../db/per-database-cache.ts';
import type { CaseEventTable, CaseTable } from '../../db/schema.ts';
import type { Db } from '../../db/index.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { countWorkingDays, shanghaiDate, type WorkCalendar } from '../../domain/calendar.ts';
import type { ItemElements } from '../../domain/catalog.ts';
import { DEFAULT_DUE_SOON, readCaseClock, readStageClock, type ClockReading, type DeadlineStatus } from '../../domain/case-clock.ts';
import {
  acceptingUnit, applyAction, CASE_ACTIONS, draftCase, holder, isTerminal, currentStage,
  type CaseAction, type CaseActionType, type CaseItem, type CaseSnapshot, type Channel, type DeliveryMethod, type Refusal,
  type RefusalGround, type SpecialProcedure, type UnitRef,
} from '../../domain/case-lifecycle.ts';
import { formatCaseNumber, generateLookupCode, isLookupCode, lookupCodeMatches, parseCaseNumber } from '../../domain/case-number.ts';
import { mayAcceptDirectly } from '../../domain/network.ts';
import { scopeOf } from '../../domain/roles.ts';
import { AppError, Conflict, Forbidden, Invalid, NotFound, TooManyRequests, type FieldError } from '../../errors.ts';
import { blindIndex, sealPii } from '../../security/pii-crypto.ts';
import { recordAudit } from '../audit/service.ts';
import { enforce, hit } from '../auth/rate-limit.ts';
import { loadCalendar } from '../calendar/service.ts';
import { publishedItem } from '../catalog/service.ts';
import { acceptanceDeskOf, handlingUnitFor } from '../network/service.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import {
  actionsFor, actorAt, candidatesFor, coveredHolders, membershipsOf, pickCandidate, responsibleAt, unitRefOf,
  type Candidate, type Membership,
} from './actors.ts';
import type { TxHooks } from './idempotency.ts';
import * as repo from './repo.ts';
import { runCaseWriteHooks } from './write-hooks.ts';

type Meta = RequestMeta & { actor: SessionActor };

export const CASE_NOT_FOUND = '办件不存在或不在您的管辖范围内';
export const STALE_CASE = '办件已被他人处理，请刷新后重试';

/** The actions taken on an existing case (apply is the registration itself). */
export const CASE_ACTION_TYPES = CASE_ACTIONS.filter((a) => a !== 'apply') as Exclude<CaseActionType, 'apply'>[];

// ---- errors ----

function invalid(errors: FieldError[]): Invalid {
  return new Invalid(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 处输入有误，请逐项修改后重新提交`, errors);
}

const withCode = <E extends AppError>(error: E, code: string): E => Object.assign(error, { code });

function stale(): Conflict {
  return withCode(new Conflict(STALE_CASE, [{ pointer: '#/version', code: 'STALE_VERSION', detail: STALE_CASE }]), 'STALE_VERSION');
}

/**
 * The lifecycle's refusal as an HTTP problem: a wrong state is a conflict (409); a wrong role, unit or
 * kind of unit is forbidden (403); a bad or missing field (with its pointer) and a rule that forbids
 * the action now are 422.
 */
export function refusalError(r: Refusal, pointerBase = '#'): AppError {
  const code = r.code.toUpperCase();
  const pointer = r.pointer === '/unit' ? '/unitId' : r.pointer;
  const errors = pointer ? [{ pointer: `${pointerBase}${pointer}`, code, detail: r.detail }] : [];
  switch (r.code) {
    case 'invalid_state':
      return withCode(new Conflict(r.detail, errors), code);
    case 'forbidden_role':
    case 'wrong_unit':
    case 'unit_kind':
      return withCode(new Forbidden(r.detail, errors), code);
    default:
      return withCode(new Invalid(r.detail, errors), code);
  }
}

// ---- loading and scope ----

const parseSnapshot = (row: CaseTable): CaseSnapshot => JSON.parse(row.snapshot) as CaseSnapshot;

/** A case the person may read (cases.read over an org it passed through); otherwise 404, audited when it exists. */
async function visibleCase(ctx: AppContext, meta: Meta, id: string): Promise<CaseTable> {
  const visible = await repo.findCaseInScope(ctx.db, id, scopeOf(meta.actor.roles, 'cases.read'));
  if (visible) return visible;
  if (await repo.findCase(ctx.db, id)) return denyAsNotFound(ctx, meta, 'case', id, CASE_NOT_FOUND);
  throw new NotFound(CASE_NOT_FOUND);
}

/**
 * Calendars are read on every action; they change a few times a year. Each process keeps an org's
 * calendar for a few seconds (real time, per database), so a burst of actions reads it once; a
 * change reaches every instance within CALENDAR_TTL_MS, and due moments are recomputed from the
 * clock facts at each later action anyway.
 */
export const CALENDAR_TTL_MS = 5_000;
const calendars = perDatabaseCache<WorkCalendar>(CALENDAR_TTL_MS);

/** The calendar a case's clocks run on: its accepting org's (with every ancestor's local closures). */
function caseCalendar(ctx: AppContext, acceptingOrgId: string): Promise<WorkCalendar> {
  return calendars.get(ctx, acceptingOrgId, () => loadCalendar(ctx, acceptingOrgId));
}

/** The item's elements the case keeps, frozen at the version it was applied under. */
export function caseItemOf(e: ItemElements): CaseItem {
  return {
    code: e.code, name: e.name, caseType: e.caseType, handlingMode: e.handlingMode,
    committedLimitDays: e.committedLimitDays, legalLimitDays: e.legalLimitDays,
    acceptLevels: [...e.acceptLevels], process: structuredClone(e.process),
  };
}

// ---- deadlines as data ----

const startOfShanghaiDay = (date: string): string => new Date(`${date}T00:00:00+08:00`).toISOString();
const previousDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * The moment a case turns due-soon (DEFAULT_DUE_SOON: at most max(1, 20 % of the limit) working days
 * left), stored so the work lists and the supervision sweep find it with an index range.
 */
export function dueSoonMoment(cal: WorkCalendar, dueAt: string, limitDays: number): string {
  const threshold = Math.max(DEFAULT_DUE_SOON.days, DEFAULT_DUE_SOON.fraction * limitDays);
  let day = shanghaiDate(dueAt);
  for (let i = 0; i < 400; i++) {
    const before = previousDate(day);
    if (countWorkingDays(cal, startOfShanghaiDay(before), dueAt) > threshold) break;
    day = before;
  }
  return startOfShanghaiDay(day);
}

const limitInForce = (s: CaseSnapshot): number => s.clock.limitDays + s.clock.extensions.reduce((n, e) => n + e.days, 0);

/** The flattened columns of a snapshot. */
function columnsOf(s: CaseSnapshot, cal: WorkCalendar, holderUserId: string | null, at: string): Pick<CaseTable,
  'state' | 'stage_index' | 'current_unit_id' | 'current_unit_kind' | 'current_org_id' | 'current_org_path' | 'pending_unit_id' |
  'pending_unit_kind' | 'owner_user_id' | 'holder_user_id' | 'accepted_at' | 'due_at' | 'due_soon_at' | 'stage_due_at' |
  'decided_at' | 'decision' | 'finished_at' | 'snapshot' | 'version' | 'updated_at'> {
  const current = holder(s)!;
  const ended = s.delivery?.at ?? s.ending?.at ?? null;
  return {
    state: s.state,
    stage_index: s.stageIndex,
    current_unit_id: current.unitId,
    current_unit_kind: current.unitKind,
    current_org_id: current.orgId,
    current_org_path: current.orgPath,
    pending_unit_id: s.transfer?.to.unitId ?? null,
    pending_unit_kind: s.transfer?.to.unitKind ?? null,
    owner_user_id: s.ownerUserId,
    holder_user_id: holderUserId,
    accepted_at: s.clock.acceptedAt,
    due_at: s.deadline.dueAt,
    due_soon_at: s.deadline.dueAt ? dueSoonMoment(cal, s.deadline.dueAt, limitInForce(s)) : null,
    stage_due_at: s.deadline.stageDueAt,
    decided_at: s.decision?.at ?? null,
    decision: s.decision?.outcome ?? null,
    finished_at: isTerminal(s.state) ? ended : null,
    snapshot: JSON.stringify(s),
    version: s.version,
    updated_at: at,
  };
}

/** Who is responsible after the action: the actor who keeps working it, the same person as before, or the next unit's. */
async function holderAfter(
  ctx: AppContext, prev: { snapshot: CaseSnapshot; holderUserId: string | null } | null, next: CaseSnapshot, actorUnitId: string | null, actorUserId: string, at: Date,
): Promise<string | null> {
  if (isTerminal(next.state)) return null;
  const target = next.transfer?.to ?? holder(next)!;
  const moving = next.transfer !== null;
  const personal = target.unitKind === 'handling_window' || target.unitKind === 'handling_room';
  if (!moving && actorUnitId === target.unitId) return personal ? actorUserId : null;
  if (prev) {
    const before = prev.snapshot.transfer?.to ?? holder(prev.snapshot);
    if (before?.unitId === target.unitId && (prev.snapshot.transfer !== null) === moving) return prev.holderUserId;
  }
  if (!personal) return null;
  const info = await repo.unitInfo(ctx.db, target.unitId);
  return info ? responsibleAt(ctx, info, at) : null;
}

/**
 * The units that must still complete their part of the current parallel stage without holding the
 * case: each unfinished handler's unit (the department's handling unit in the holder's org at that
 * level, or in the ancestor org at a higher level). Empty unless the case is being handled.
 */
const inParallelStage = (s: CaseSnapshot): boolean =>
  (currentStage(s)?.handlers.length ?? 0) > 1 && (s.state === 'handling' || s.state === 'suspended');

async function cohandlersOf(ctx: AppContext, s: CaseSnapshot): Promise<repo.UnitInfo[]> {
  const stage = currentStage(s);
  const at = holder(s);
  if (!stage || !at || !inParallelStage(s)) return [];
  const open = stage.handlers.filter((h, i) => !s.finishedHandlers.includes(i) && !(h.department === at.department && h.level === at.orgLevel));
  if (open.length === 0) return [];
  const orgs = await repo.orgsByIds(ctx.db, at.orgPath.split('/').filter(Boolean));
  const units: repo.UnitInfo[] = [];
  for (const h of open) {
    const org = [...orgs.values()].find((o) => o.level === h.level);
    const unit = org ? await handlingUnitFor(ctx, org.id, h.department) : undefined;
    const info = unit ? await repo.unitInfo(ctx.db, unit.id) : undefined;
    if (info && info.id !== at.unitId) units.push(info);
  }
  return units;
}

function eventRow(caseId: string, e: ReturnType<typeof okResult>['event'], meta: Meta, unitName: string | null): CaseEventTable {
  return {
    case_id: caseId, seq: e.version, at: e.at, action: e.type, from_state: e.fromState, to_state: e.toState,
    user_id: meta.actor.userId, user_name: meta.actor.displayName, unit_id: e.actorUnitId, unit_name: unitName,
    to_unit_id: e.unitId, stage_index: e.stageIndex, opinion: e.opinion, attachments: JSON.stringify(e.attachments), data: JSON.stringify(e.data),
  };
}

function okResult(r: ReturnType<typeof applyAction>) {
  if (!r.ok) throw refusalError(r);
  return r;
}

/** What a write answers: the case row after it and the event it appended. */
export interface CaseWrite {
  row: CaseTable;
  event: CaseEventTable;
}

// ---- registering an application ----

export interface NewCase {
  id?: string;
  itemId: string;
  unitId?: string;
  channel: Channel;
  applicant: { name: string; idNumber: string; phone?: string };
  proxy?: { reason?: string; consent?: boolean };
  opinion?: string;
  attachments?: string[];
}

/** The unit where the person registers: the one named, or their only unit that takes applicants. */
function counterFor(memberships: readonly Membership[], unitId: string | undefined): Membership | null {
  if (unitId) {
    const m = memberships.find((x) => x.unit.unitId === unitId);
    if (!m) throw invalid([{ pointer: '#/unitId', code: 'NOT_YOUR_UNIT', detail: '您不是该单位的工作人员，不能在该单位登记申请' }]);
    return m;
  }
  const counters = memberships.filter((m) => mayAcceptDirectly(m.unit.unitKind));
  if (counters.length > 1) {
    throw invalid([{ pointer: '#/unitId', code: 'REQUIRED', detail: `您在${counters.length}个单位工作，请选择登记申请的单位` }]);
  }
  // A handling room's officer falls through to the lifecycle, which refuses with the seed's reason.
  return counters[0] ?? memberships[0] ?? null;
}

export async function createCase(ctx: AppContext, meta: Meta, input: NewCase, hooks: TxHooks<CaseWrite> | null = null): Promise<CaseWrite> {
  const now = ctx.now();
  const errors: FieldError[] = [];
  const name = input.applicant.name.trim();
  if (!name) errors.push({ pointer: '#/applicant/name', code: 'REQUIRED', detail: '请填写申请人姓名' });
  const id = validateIdNumber(input.applicant.idNumber, now);
  if (!id.ok) errors.push({ pointer: '#/applicant/idNumber', code: id.code, detail: id.detail });
  const phone = input.applicant.phone === undefined || input.applicant.phone.trim() === '' ? null : validateMobile(input.applicant.phone);
  if (phone && !phone.ok) errors.push({ pointer: '#/applicant/phone', code: phone.code, detail: phone.detail });
  if (errors.length) throw invalid(errors);

  const memberships = await membershipsOf(ctx, meta.actor);
  const counter = counterFor(memberships, input.unitId);
  const actor = counter
    ? actorAt(meta.actor, counter)
    : { userId: meta.actor.userId, roles: [...new Set(meta.actor.roles.map((g) => g.role))], unit: null, orgPath: null };

  const noItem = () => invalid([{ pointer: '#/itemId', code: 'ITEM_NOT_FOUND', detail: '服务事项不存在或尚未发布' }]);
  const published = await publishedItem(ctx, input.itemId);
  if (!published) throw noItem();
  if (counter) {
    const owner = (await repo.orgsByIds(ctx.db, [published.ownerOrgId])).get(published.ownerOrgId);
    if (!owner || !counter.unit.orgPath.startsWith(owner.path)) throw noItem();
  }
  if (published.elements.handlingMode === 'consultation') {
    throw withCode(invalid([{ pointer: '#/itemId', code: 'RULE', detail: '咨询类事项只提供咨询服务，不能申请办理；请告知申请人办理途径' }]), 'RULE');
  }
  let draft: CaseSnapshot;
  try {
    draft = draftCase(caseItemOf(published.elements));
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw invalid([{ pointer: '#/itemId', code: 'ITEM_PROCESS', detail: '本事项的办理流程配置不完整，暂不能受理，请联系中心管理员' }]);
  }
  const calendar = await caseCalendar(ctx, counter?.unit.orgId ?? meta.actor.orgId);
  const at = now.toISOString();
  const action: CaseAction = {
    type: 'apply', at, channel: input.channel,
    ...(input.proxy ? { proxy: { reason: input.proxy.reason ?? '', consent: input.proxy.consent === true } } : {}),
    ...(input.opinion !== undefined ? { opinion: input.opinion } : {}),
    ...(input.attachments !== undefined ? { attachments: input.attachments } : {}),
  } as CaseAction;
  const { next, event } = okResult(applyAction(draft, action, actor, { calendar }));
  // The lifecycle refuses an application by someone at no unit, so a unit is there from here on.
  const unit = counter!;
  const caseId = input.id ?? randomUUID();
  const idNumber = normalizeIdNumber(input.applicant.idNumber);
  const phoneValue = phone?.ok ? phone.value : null;
  const holderUserId = await holderAfter(ctx, null, next, unit.unit.unitId, meta.actor.userId, now);

  const write = await inTransaction(ctx.db, async (tx) => {
    await hooks?.begin(tx);
    if (await repo.findCase(tx, caseId)) {
      throw withCode(new Conflict('办件编号已存在；重新提交同一申请请使用 Idempotency-Key', [{ pointer: '#/id', code: 'DUPLICATE', detail: '办件编号已存在' }]), 'DUPLICATE');
    }
    const sequence = await repo.nextSequence(tx, unit.info.org_code, shanghaiDate(at).replaceAll('-', ''));
    let number: string;
    try {
      number = formatCaseNumber(unit.info.org_code, at, sequence);
    } catch {
      throw new Conflict('本单位今日办件编号已用完（每日 9999 件），请明日再登记或联系管理员');
    }
    const row: CaseTable = {
      id: caseId, number, lookup_code: generateLookupCode(),
      item_id: published.itemId, item_version: published.version, item_code: published.elements.code, item_name: published.elements.name,
      channel: input.channel,
      accepting_unit_id: unit.unit.unitId, accepting_org_id: unit.unit.orgId, accepting_org_path: unit.unit.orgPath,
      applicant_name: name,
      applicant_id_sealed: sealPii(ctx.config.secret, idNumber),
      applicant_id_index: blindIndex(ctx.config.secret, 'id_number', idNumber),
      applicant_id_masked: maskIdNumber(idNumber),
      applicant_phone_sealed: phoneValue ? sealPii(ctx.config.secret, phoneValue) : null,
      applicant_phone_last4: phoneValue ? phoneValue.slice(-4) : null,
      applicant_phone_masked: phoneValue ? maskMobile(phoneValue) : null,
      proxy_agent_user_id: next.proxy ? meta.actor.userId : null,
      proxy_reason: next.proxy?.reason ?? null,
      proxy_consent: next.proxy ? 1 : null,
      submitted_at: at,
      batch_id: null,
      created_by: meta.actor.userId,
      created_at: at,
      ...columnsOf(next, calendar, holderUserId, at),
    };
    await repo.insertCase(tx, row);
    await repo.addCaseOrgs(tx, caseId, [{ id: unit.unit.orgId, path: unit.unit.orgPath }]);
    const ev = eventRow(caseId, event, meta, unit.unit.name ?? null);
    await repo.insertEvent(tx, ev);
    const result = { row, event: ev };
    await runCaseWriteHooks(ctx, tx, { before: null, after: row, snapshot: next, event: ev });
    await hooks?.end(tx, result);
    // Last: the audit row takes the chain's lock, held until commit (PostgreSQL), so nothing else waits behind it.
    await recordAudit(ctx, tx, meta, {
      action: 'case.apply', objectType: 'case', objectId: caseId,
      detail: { number, itemId: row.item_id, itemVersion: row.item_version, unitId: row.accepting_unit_id, channel: row.channel, proxy: row.proxy_agent_user_id !== null },
    });
    return result;
  });
  return write;
}

// ---- one action on a case ----

export interface ActionInput {
  version: number;
  /** Act for this unit (one of the person's units); otherwise the most relevant one is chosen. */
  unitId?: string;
  opinion?: string;
  attachments?: string[];
  to?: string;
  ground?: RefusalGround;
  reason?: string;
  referTo?: string;
  missing?: string[];
  handler?: number;
  procedure?: SpecialProcedure;
  expectedDays?: number;
  days?: number;
  outcome?: 'approve' | 'deny';
  method?: DeliveryMethod;
  trackingNo?: string;
  feeCharged?: number;
}

/**
 * Where a case goes next when the sender names no unit: a village room reports to its township's
 * desk; a window hands over to its own desk; a desk sends to its own level's handling unit of the
 * current stage, or forwards up to the parent center's desk (代转).
 */
export async function suggestedTarget(ctx: AppContext, s: CaseSnapshot): Promise<repo.UnitInfo | undefined> {
  const from = holder(s);
  const stage = currentStage(s);
  if (!from || !stage) return undefined;
  const fromInfo = await repo.unitInfo(ctx.db, from.unitId);
  if (!fromInfo) return undefined;
  const deskOf = async (orgId: string | null) => {
    const desk = orgId ? await acceptanceDeskOf(ctx, orgId) : undefined;
    return desk ? repo.unitInfo(ctx.db, desk.id) : undefined;
  };
  switch (from.unitKind) {
    case 'village_room':
      return deskOf(fromInfo.org_parent_id);
    case 'handling_window':
      return deskOf(fromInfo.org_id);
    case 'acceptance_desk': {
      const here = stage.handlers.filter((h, i) => h.level === from.orgLevel && !s.finishedHandlers.includes(i));
      if (here.length === 0) return stage.handlers.some((h) => h.level === from.orgLevel) ? undefined : deskOf(fromInfo.org_parent_id);
      const unit = await handlingUnitFor(ctx, fromInfo.org_id, here[0]!.department);
      return unit ? repo.unitInfo(ctx.db, unit.id) : undefined;
    }
    default:
      return undefined;
  }
}

/** The lifecycle action from the request body; the transfer target is looked up as a real, active unit. */
async function actionFrom(ctx: AppContext, type: Exclude<CaseActionType, 'apply'>, input: ActionInput, s: CaseSnapshot, at: string): Promise<CaseAction> {
  const common = {
    at,
    ...(input.opinion !== undefined ? { opinion: input.opinion } : {}),
    ...(input.attachments !== undefined ? { attachments: input.attachments } : {}),
  };
  const pick = <K extends keyof ActionInput>(...keys: K[]) =>
    Object.fromEntries(keys.filter((k) => input[k] !== undefined).map((k) => [k, input[k]])) as Pick<ActionInput, K>;
  switch (type) {
    case 'transfer': {
      let target: repo.UnitInfo | undefined;
      if (input.to !== undefined) {
        target = await repo.unitInfo(ctx.db, input.to);
        if (!target || !target.active) {
          throw invalid([{ pointer: '#/to', code: 'UNIT_NOT_FOUND', detail: '接收单位不存在或已停用，请重新选择' }]);
        }
      } else if (s.state === 'accepted') {
        target = await suggestedTarget(ctx, s);
        if (!target) throw invalid([{ pointer: '#/to', code: 'REQUIRED', detail: '请选择接收单位' }]);
      }
      return { ...common, type, to: target ? unitRefOf(target) : (undefined as unknown as UnitRef) };
    }
    case 'refuse': return { ...common, type, ...pick('ground', 'reason', 'referTo') } as CaseAction;
    case 'request_materials': return { ...common, type, ...pick('missing') } as CaseAction;
    case 'complete_stage': return { ...common, type, ...pick('handler') } as CaseAction;
    case 'return': return { ...common, type, ...pick('reason') } as CaseAction;
    case 'suspend': return { ...common, type, ...pick('procedure', 'reason', 'expectedDays') } as CaseAction;
    case 'extend': return { ...common, type, ...pick('days', 'reason') } as CaseAction;
    case 'decide': return { ...common, type, ...pick('outcome', 'reason') } as CaseAction;
    case 'deliver': return { ...common, type, ...pick('method', 'trackingNo', 'feeCharged') } as CaseAction;
    case 'finish_immediately': return { ...common, type, ...pick('feeCharged') } as CaseAction;
    case 'withdraw': return { ...common, type, ...pick('reason') } as CaseAction;
    default: return { ...common, type } as CaseAction;
  }
}

/** The fields each action reads; any other field in the body is a mistake worth saying so. */
export const ACTION_FIELDS: Record<Exclude<CaseActionType, 'apply'>, readonly (keyof ActionInput)[]> = {
  accept: [], refuse: ['ground', 'reason', 'referTo'], request_materials: ['missing'], supplement: [], transfer: ['to'], receive: [],
  complete_stage: ['handler'], return: ['reason'], suspend: ['procedure', 'reason', 'expectedDays'], resume: [], extend: ['days', 'reason'],
  decide: ['outcome', 'reason'], reply: [], deliver: ['method', 'trackingNo', 'feeCharged'], withdraw: ['reason'], finish_immediately: ['feeCharged'],
};

export async function actOnCase(
  ctx: AppContext, meta: Meta, id: string, type: Exclude<CaseActionType, 'apply'>, input: ActionInput, hooks: TxHooks<CaseWrite> | null = null,
): Promise<CaseWrite> {
  const row = await visibleCase(ctx, meta, id);
  if (input.version !== row.version) throw stale();
  const snapshot = parseSnapshot(row);
  const [memberships, calendar] = await Promise.all([membershipsOf(ctx, meta.actor), caseCalendar(ctx, row.accepting_org_id)]);
  const now = ctx.now();
  // Clocks of several app instances may differ by a little: an action is never earlier than the last.
  const at = snapshot.lastActionAt && Date.parse(snapshot.lastActionAt) > now.getTime() ? snapshot.lastActionAt : now.toISOString();
  let candidates = candidatesFor(meta.actor, memberships, snapshot);
  if (input.unitId !== undefined) {
    candidates = candidates.filter((c) => c.membership?.unit.unitId === input.unitId);
    if (candidates.length === 0) throw invalid([{ pointer: '#/unitId', code: 'NOT_YOUR_UNIT', detail: '您不是该单位的工作人员' }]);
  }
  const { candidate, refusal } = pickCandidate(snapshot, type, candidates, { calendar, now: at });
  if (refusal) throw refusalError(refusal);
  const action = await actionFrom(ctx, type, input, snapshot, at);
  const { next, event } = okResult(applyAction(snapshot, action, candidate.actor, { calendar }));
  const holderUserId = await holderAfter(
    ctx, { snapshot, holderUserId: row.holder_user_id }, next, candidate.actor.unit?.unitId ?? null, meta.actor.userId, now,
  );
  const columns = columnsOf(next, calendar, holderUserId, at);
  const wasParallel = inParallelStage(snapshot);
  const cohandlers = await cohandlersOf(ctx, next);

  return inTransaction(ctx.db, async (tx) => {
    await hooks?.begin(tx);
    if (!(await repo.updateCase(tx, id, row.version, columns))) throw stale();
    if (next.transfer) await repo.addCaseOrgs(tx, id, [{ id: next.transfer.to.orgId, path: next.transfer.to.orgPath }]);
    if (wasParallel || cohandlers.length > 0) {
      await repo.replaceCohandlers(tx, id, cohandlers.map((u) => u.id));
      await repo.addCaseOrgs(tx, id, cohandlers.map((u) => ({ id: u.org_id, path: u.org_path })));
    }
    const ev = eventRow(id, event, meta, candidate.membership?.unit.name ?? null);
    await repo.insertEvent(tx, ev);
    const result = { row: { ...row, ...columns }, event: ev };
    await runCaseWriteHooks(ctx, tx, { before: row, after: result.row, snapshot: next, event: ev });
    await hooks?.end(tx, result);
    // Last, as in createCase: the chain's lock is held only from here to commit.
    await recordAudit(ctx, tx, meta, {
      action: `case.${type}`, objectType: 'case', objectId: id,
      detail: { number: row.number, from: event.fromState, to: event.toState, version: next.version, unitId: event.unitId, actorUnitId: event.actorUnitId },
    });
    return result;
  });
}

/**
 * The same use case inside the caller's transaction (a batch moves many cases all-or-nothing): every
 * read goes through `tx`, which on SQLite is also the only connection, and nothing commits on its own.
 */
export function actOnCaseIn(
  ctx: AppContext, tx: Tx, meta: Meta, id: string, type: Exclude<CaseActionType, 'apply'>, input: ActionInput,
): Promise<CaseWrite> {
  return actOnCase({ ...ctx, db: tx as unknown as Db }, meta, id, type, input);
}

// ---- reading a case ----

export type NoticeKind = 'acceptance' | 'materials' | 'refusal' | 'result';
export const NOTICE_KINDS: readonly NoticeKind[] = ['acceptance', 'materials', 'refusal', 'result'];

export function noticesAvailable(s: CaseSnapshot): NoticeKind[] {
  const out: NoticeKind[] = [];
  if (s.clock.acceptedAt && s.ending?.kind !== 'refused') out.push('acceptance');
  if (s.materialsNotice) out.push('materials');
  if (s.ending?.kind === 'refused') out.push('refusal');
  if (s.decision) out.push('result');
  return out;
}

export interface CaseDetail {
  row: CaseTable;
  snapshot: CaseSnapshot;
  events: CaseEventTable[];
  units: Map<string, repo.UnitInfo>;
  names: Map<string, string>;
  clock: ClockReading | null;
  stageClocks: Map<number, ClockReading | null>;
  allowedActions: CaseActionType[];
  suggestedTransfer: repo.UnitInfo | null;
  notices: NoticeKind[];
  now: Date;
}

export async function getCase(ctx: AppContext, meta: Meta, id: string): Promise<CaseDetail> {
  const row = await visibleCase(ctx, meta, id);
  const snapshot = parseSnapshot(row);
  const now = ctx.now();
  const [events, memberships, calendar] = await Promise.all([
    repo.eventsOf(ctx.db, id), membershipsOf(ctx, meta.actor), caseCalendar(ctx, row.accepting_org_id),
  ]);
  const unitIds = [...snapshot.path.map((u) => u.unitId), snapshot.transfer?.to.unitId ?? '', ...events.flatMap((e) => [e.unit_id ?? '', e.to_unit_id ?? ''])];
  const [units, names] = await Promise.all([
    repo.unitInfos(ctx.db, unitIds),
    repo.displayNames(ctx.db, [row.owner_user_id, row.holder_user_id, row.proxy_agent_user_id, row.created_by]),
  ]);
  const candidates: Candidate[] = candidatesFor(meta.actor, memberships, snapshot);
  const allowed = actionsFor(snapshot, candidates, CASE_ACTION_TYPES, { calendar, now: now.toISOString() });
  const stageClocks = new Map(snapshot.item.process.map((_, i) => [i, readStageClock(calendar, snapshot.clock, i, now)] as const));
  return {
    row, snapshot, events, units, names,
    clock: readCaseClock(calendar, snapshot.clock, now),
    stageClocks,
    allowedActions: allowed,
    suggestedTransfer: allowed.includes('transfer') ? (await suggestedTarget(ctx, snapshot)) ?? null : null,
    notices: noticesAvailable(snapshot),
    now,
  };
}

// ---- work lists and search ----

export const QUEUES = ['to_accept', 'to_receive', 'to_handle', 'to_reply', 'to_deliver', 'due_soon', 'overdue', 'done', 'all'] as const;
export type Queue = (typeof QUEUES)[number];

export interface ListQuery {
  queue?: Queue;
  number?: string;
  idNumber?: string;
  itemId?: string;
  unitId?: string;
  state?: string;
  channel?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

interface WorkContext {
  units: repo.UnitFilter;
  unitIds: string[];
  /** Has the person any unit or manager queue (otherwise due-soon and overdue cover their whole scope)? */
  works: boolean;
}

async function workContext(ctx: AppContext, meta: Meta, now: Date): Promise<WorkContext> {
  const memberships = await membershipsOf(ctx, meta.actor);
  const holders = await coveredHolders(ctx, meta.actor.userId, memberships, now);
  const managerPaths = meta.actor.roles.filter((g) => g.role === 'center_manager').map((g) => g.orgPath);
  const units: repo.UnitFilter = {
    shared: memberships.filter((m) => m.unit.unitKind !== 'handling_window').map((m) => m.unit.unitId),
    windows: memberships.filter((m) => m.unit.unitKind === 'handling_window').map((m) => m.unit.unitId),
    holders,
    managerPaths,
  };
  return { units, unitIds: memberships.map((m) => m.unit.unitId), works: memberships.length > 0 || managerPaths.length > 0 };
}

function queueWhere(queue: Queue, w: WorkContext, userId: string, now: string): Partial<repo.CaseWhere> {
  const at = (column: 'current' | 'pending' | 'either', cohandling = false) => ({ column, units: w.units, cohandling });
  switch (queue) {
    case 'to_accept': return { states: ['submitted', 'awaiting_materials'], at: at('current') };
    case 'to_receive': return { states: ['in_transfer'], at: at('pending') };
    case 'to_handle': return { states: ['accepted', 'handling', 'suspended'], at: at('current', true) };
    case 'to_reply': return { states: ['decided'], at: at('current') };
    case 'to_deliver': return { states: ['ready_for_delivery'], at: at('current') };
    case 'due_soon': return { dueSoonAt: now, ...(w.works ? { at: at('either', true) } : {}) };
    case 'overdue': return { overdueAt: now, ...(w.works ? { at: at('either', true) } : {}) };
    case 'done': return { doneBy: { userId, units: w.unitIds } };
    case 'all': return {};
  }
}

const isMomentText = (v: string) => /T.*(Z|[+-]\d{2}:\d{2})$/i.test(v) && !Number.isNaN(Date.parse(v));

function searchWhere(ctx: AppContext, q: ListQuery): Partial<repo.CaseWhere> {
  const errors: FieldError[] = [];
  const where: Partial<repo.CaseWhere> = {};
  for (const key of ['from', 'to'] as const) {
    const v = q[key];
    if (v === undefined) continue;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))) {
      // A date means the whole Shanghai day: `to` includes it.
      where[key] = key === 'from' ? startOfShanghaiDay(v) : new Date(Date.parse(startOfShanghaiDay(v)) + 86_400_000).toISOString();
    } else if (isMomentText(v)) {
      where[key] = new Date(v).toISOString();
    } else {
      errors.push({ pointer: `#/query/${key}`, code: 'FORMAT', detail: '应为日期（如 2026-03-02）或带时区的时间' });
    }
  }
  if (errors.length) throw invalid(errors);
  if (q.number?.trim()) where.number = q.number.trim();
  if (q.idNumber !== undefined) where.idIndex = blindIndex(ctx.config.secret, 'id_number', normalizeIdNumber(q.idNumber));
  if (q.itemId) where.itemId = q.itemId;
  if (q.unitId) where.unitId = q.unitId;
  if (q.state) where.states = [q.state];
  if (q.channel) where.channel = q.channel;
  return where;
}

export interface CaseList {
  total: number;
  rows: repo.CaseListRow[];
  units: Map<string, repo.UnitInfo>;
  names: Map<string, string>;
  now: Date;
}

export async function listCases(ctx: AppContext, meta: Meta, q: ListQuery): Promise<CaseList> {
  const now = ctx.now();
  const scope = scopeOf(meta.actor.roles, 'cases.read');
  const search = searchWhere(ctx, q);
  const queue = q.queue ?? 'all';
  const work = queue === 'all' ? null : await workContext(ctx, meta, now);
  const byQueue = work ? queueWhere(queue, work, meta.actor.userId, now.toISOString()) : {};
  // A state filter narrows a queue's states, never widens them.
  const states = byQueue.states && search.states ? byQueue.states.filter((s) => search.states!.includes(s)) : byQueue.states ?? search.states;
  const where: repo.CaseWhere = { scope, ...search, ...byQueue, ...(states ? { states } : {}) };
  if (q.idNumber !== undefined) {
    await inTransaction(ctx.db, (tx) => recordAudit(ctx, tx, meta, {
      action: 'case.search_by_id', objectType: 'case', detail: { queue, idNumber: maskIdNumber(q.idNumber) },
    }));
  }
  const order = queue === 'all' || queue === 'done' ? 'recent' : 'due';
  const [total, rows] = await Promise.all([
    repo.countCases(ctx.db, where),
    repo.listCases(ctx.db, where, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize, order }),
  ]);
  const [units, names] = await Promise.all([
    repo.unitInfos(ctx.db, rows.flatMap((r) => [r.current_unit_id, r.pending_unit_id ?? '', r.accepting_unit_id])),
    repo.displayNames(ctx.db, rows.flatMap((r) => [r.owner_user_id, r.holder_user_id])),
  ]);
  return { total, rows, units, names, now };
}

/** How many cases wait in each of the person's queues. */
export async function queueCounts(ctx: AppContext, meta: Meta): Promise<Record<Queue, number>> {
  const now = ctx.now();
  const scope = scopeOf(meta.actor.roles, 'cases.read');
  const work = await workContext(ctx, meta, now);
  const counts = await Promise.all(QUEUES.map((queue) =>
    repo.countCases(ctx.db, { scope, ...queueWhere(queue, work, meta.actor.userId, now.toISOString()) })));
  return Object.fromEntries(QUEUES.map((queue, i) => [queue, counts[i]!])) as Record<Queue, number>;
}

/** The deadline colour of a listed case, from its stored due moments (no calendar needed). */
export function listStatus(row: Pick<CaseTable, 'state' | 'due_at' | 'due_soon_at'>, now: Date): DeadlineStatus | 'paused' | 'stopped' | null {
  if (!row.due_at) return null;
  if (row.state === 'suspended') return 'paused';
  if (!['accepted', 'in_transfer', 'handling'].includes(row.state)) return 'stopped';
  const t = now.getTime();
  if (t > Date.parse(row.due_at)) return 'overdue';
  if (row.due_soon_at && t >= Date.parse(row.due_soon_at)) return 'due_soon';
  return 'normal';
}

// ---- notices ----

export interface NoticeContext {
  kind: NoticeKind;
  row: CaseTable;
  snapshot: CaseSnapshot;
  item: { name: string; code: string };
  accepting: { orgName: string; unitName: string; address: string | null; phone: string | null };
  decidingUnitName: string | null;
  ownerName: string | null;
  reviewBody: string;
  issuedAt: string;
}

const NOTICE_LABELS: Record<NoticeKind, string> = {
  acceptance: '受理通知书', materials: '一次性告知书', refusal: '不予受理通知书', result: '办结通知书',
};

export async function noticeFor(ctx: AppContext, meta: Meta, id: string, kind: NoticeKind): Promise<NoticeContext> {
  const row = await visibleCase(ctx, meta, id);
  const snapshot = parseSnapshot(row);
  if (!noticesAvailable(snapshot).includes(kind)) {
    throw withCode(new Conflict(`本件当前不能出具${NOTICE_LABELS[kind]}`), 'NOTICE_NOT_AVAILABLE');
  }
  const first = acceptingUnit(snapshot)!;
  const decidingUnitId = snapshot.decision?.unitId ?? null;
  const [units, names] = await Promise.all([
    repo.unitInfos(ctx.db, [first.unitId, decidingUnitId ?? '']),
    repo.displayNames(ctx.db, [row.owner_user_id ?? row.created_by]),
  ]);
  const accepting = units.get(first.unitId)!;
  const orgIds = accepting.org_path.split('/').filter(Boolean);
  const orgs = await repo.orgsByIds(ctx.db, orgIds);
  const own = orgs.get(accepting.org_id)!;
  // The nearest org up the tree with a phone answers for a village room without one.
  const phone = [...orgIds].reverse().map((o) => orgs.get(o)?.phone).find((p) => !!p) ?? null;
  const county = [...orgIds].reverse().map((o) => orgs.get(o)).find((o) => o?.level === 'county');
  const deciding = decidingUnitId ? units.get(decidingUnitId) : undefined;
  await inTransaction(ctx.db, (tx) => recordAudit(ctx, tx, meta, {
    action: 'case.notice', objectType: 'case', objectId: id, detail: { number: row.number, kind },
  }));
  return {
    kind, row, snapshot,
    item: { name: row.item_name, code: row.item_code },
    accepting: { orgName: own.name, unitName: accepting.name, address: own.address, phone },
    decidingUnitName: deciding ? `${deciding.org_name}${deciding.name}` : null,
    // 首问负责人: who accepted; before acceptance (a refusal, a missing-materials notice) who registered it.
    ownerName: names.get(row.owner_user_id ?? row.created_by) ?? null,
    reviewBody: county ? `${county.name}人民政府` : '本级人民政府',
    issuedAt: ctx.now().toISOString(),
  };
}

// ---- the public progress lookup ----

/** Per client address: every lookup counts, so codes cannot be guessed by the million. */
export const LOOKUP_IP_LIMIT = { max: 30, windowSeconds: 600 };
/** Per case number: wrong phone endings (10⁴ of them) count; the 6-character code is not limited per number, so nobody can lock an applicant out. */
export const LOOKUP_PHONE_LIMIT = { max: 10, windowSeconds: 3600 };
export const LOOKUP_NOT_FOUND = '未找到该办件：请核对办件编号和查询码（或手机号后四位）';

export interface PublicProgress {
  row: CaseTable;
  snapshot: CaseSnapshot;
  events: CaseEventTable[];
  units: Map<string, repo.UnitInfo>;
  clock: ClockReading | null;
  now: Date;
}

export async function publicProgress(ctx: AppContext, meta: RequestMeta, number: string, proof: { code?: string; phone4?: string }): Promise<PublicProgress> {
  const now = ctx.now();
  await enforce(ctx.db, [{ key: `case-lookup:ip:${meta.ip}`, ...LOOKUP_IP_LIMIT }], now, {
    detail: (wait) => `查询过于频繁，请 ${Math.ceil(wait / 60)} 分钟后再试`,
    onDenied: (tx) => recordAudit(ctx, tx, meta, { action: 'case.public_lookup', objectType: 'case', outcome: 'denied', detail: { reason: 'rate_limited_ip' } }),
  });
  const parsed = parseCaseNumber(number);
  const row = parsed ? await repo.findCaseByNumber(ctx.db, number.trim()) : undefined;
  let ok = false;
  if (proof.code !== undefined) {
    // Compared in constant time, against a dummy when the number is unknown.
    ok = lookupCodeMatches(row?.lookup_code ?? 'ZZZZZZ', isLookupCode(proof.code) ? proof.code : '') && row !== undefined;
  } else if (proof.phone4 !== undefined && row) {
    const waitNumber = await inTransaction(ctx.db, async (tx) => {
      // Only failures count, but a blocked number refuses even the right ending until the window passes.
      const seen = await repo.rateLimitState(tx, `case-lookup:phone:${row.number}`);
      const fresh = seen && Date.parse(seen.window_start) > now.getTime() - LOOKUP_PHONE_LIMIT.windowSeconds * 1000;
      if (fresh && seen.hits >= LOOKUP_PHONE_LIMIT.max) return Math.ceil((Date.parse(seen.window_start) + LOOKUP_PHONE_LIMIT.windowSeconds * 1000 - now.getTime()) / 1000);
      const match = row.applicant_phone_last4 !== null && lookupCodeMatches(row.applicant_phone_last4, proof.phone4!);
      if (!match) await hit(tx, { key: `case-lookup:phone:${row.number}`, ...LOOKUP_PHONE_LIMIT }, now);
      ok = match;
      return 0;
    });
    if (waitNumber > 0) throw new TooManyRequests('该办件的手机号后四位查询错误次数过多，请稍后再试，或使用受理通知书上的查询码', waitNumber);
  }
  if (!ok || !row) throw new NotFound(LOOKUP_NOT_FOUND);
  const snapshot = parseSnapshot(row);
  const [events, calendar] = await Promise.all([repo.eventsOf(ctx.db, row.id), caseCalendar(ctx, row.accepting_org_id)]);
  const units = await repo.unitInfos(ctx.db, [...snapshot.path.map((u) => u.unitId), snapshot.transfer?.to.unitId ?? '', ...events.map((e) => e.to_unit_id ?? '')]);
  return { row, snapshot, events, units, clock: readCaseClock(calendar, snapshot.clock, now), now };
}
