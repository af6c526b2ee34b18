// What leaves the server about cases, decided once per resource. Applicants' ID and phone numbers
// leave masked only (they are stored sealed); lists and search also mask the name. The public
// progress view carries no person at all: no applicant, no staff name, no opinion.
import Type, { type TSchema } from 'typebox';
import { maskName } from '../../../shared/validators/mask.ts';
import type { CaseEventTable, UnitKind } from '../../db/schema.ts';
import type { ClockReading } from '../../domain/case-clock.ts';
import {
  CASE_ACTION_LABELS, CASE_STATE_LABELS, CHANNELS, DELIVERY_METHODS, REFUSAL_GROUNDS, SPECIAL_PROCEDURES,
  type CaseActionType, type CaseSnapshot, type CaseState, type Channel,
} from '../../domain/case-lifecycle.ts';
import { UNIT_KIND_LABELS } from '../../domain/network.ts';
import { NOTICE_TITLES } from './notices.ts';
import type * as repo from './repo.ts';
import { listStatus, type CaseDetail, type CaseList, type CaseWrite, type PublicProgress } from './service.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const enumOf = <T extends string>(values: readonly T[], labels: Record<T, string>, description?: string) => Type.Unsafe<T>({
  type: 'string', enum: [...values], description: `${description ? `${description}：` : ''}${values.map((v) => `${v}=${labels[v]}`).join('，')}`,
});

const STATES = Object.keys(CASE_STATE_LABELS) as CaseState[];
const CHANNEL_KEYS = Object.keys(CHANNELS) as Channel[];
export const StateName = enumOf(STATES, CASE_STATE_LABELS, '办件状态');
export const ChannelName = enumOf(CHANNEL_KEYS, CHANNELS, '申请渠道');
export const RefusalGroundName = enumOf(Object.keys(REFUSAL_GROUNDS) as (keyof typeof REFUSAL_GROUNDS)[], REFUSAL_GROUNDS, '不予受理的理由类别');
export const ProcedureName = enumOf(Object.keys(SPECIAL_PROCEDURES) as (keyof typeof SPECIAL_PROCEDURES)[], SPECIAL_PROCEDURES, '特别程序');
export const DeliveryName = enumOf(Object.keys(DELIVERY_METHODS) as (keyof typeof DELIVERY_METHODS)[], DELIVERY_METHODS, '送达方式');
const DeadlineStatusName = Type.Unsafe<string>({
  type: 'string', enum: ['normal', 'due_soon', 'overdue', 'paused', 'stopped'],
  description: 'normal=正常（绿），due_soon=临近期限（黄），overdue=已超期（红），paused=特别程序中计时暂停，stopped=已作出决定、计时结束',
});

// ---- pieces ----

export const UnitRefView = Type.Object({
  id: Type.String(), name: Type.String({ description: '机构名+单位名，如“大汉山镇咨询受理部”' }),
  kind: Type.String(), kindLabel: Type.String(), orgId: Type.String(), orgName: Type.String(),
});

export function presentUnitRef(u: repo.UnitInfo | undefined, fallbackId?: string | null) {
  if (!u) return fallbackId ? { id: fallbackId, name: '（单位已删除）', kind: '', kindLabel: '', orgId: '', orgName: '' } : null;
  return { id: u.id, name: `${u.org_name}${u.name}`, kind: u.kind, kindLabel: UNIT_KIND_LABELS[u.kind as UnitKind], orgId: u.org_id, orgName: u.org_name };
}
const unitOrNull = (units: Map<string, repo.UnitInfo>, id: string | null | undefined) => (id ? presentUnitRef(units.get(id), id) : null);

export const EventView = Type.Object({
  seq: Type.Integer({ description: '第几步（等于该步之后的办件版本号）' }),
  at: Type.String(), action: Type.String(), actionLabel: Type.String(),
  fromState: Type.String(), toState: Type.String(),
  userId: Type.String(), userName: Type.String(),
  unitId: Nullable(Type.String()), unitName: Nullable(Type.String()),
  toUnitId: Nullable(Type.String({ description: '该步之后办件所在单位' })),
  stageIndex: Type.Integer(), opinion: Nullable(Type.String()),
  attachments: Type.Array(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export function presentEvent(e: CaseEventTable) {
  return {
    seq: e.seq, at: e.at, action: e.action, actionLabel: CASE_ACTION_LABELS[e.action as CaseActionType] ?? e.action,
    fromState: e.from_state, toState: e.to_state, userId: e.user_id, userName: e.user_name,
    unitId: e.unit_id, unitName: e.unit_name, toUnitId: e.to_unit_id, stageIndex: e.stage_index, opinion: e.opinion,
    attachments: JSON.parse(e.attachments) as string[], data: JSON.parse(e.data) as Record<string, unknown>,
  };
}

// ---- the answer to a write ----

export const WriteView = Type.Object({
  case: Type.Object({
    id: Type.String(), number: Type.String(),
    lookupCode: Type.Optional(Type.String({ description: '查询码：仅登记申请时返回，打印在通知书上' })),
    state: StateName, stateLabel: Type.String(), version: Type.Integer(), stageIndex: Type.Integer(),
    currentUnitId: Type.String(), pendingUnitId: Nullable(Type.String()),
    ownerUserId: Nullable(Type.String()), holderUserId: Nullable(Type.String()),
    submittedAt: Type.String(), acceptedAt: Nullable(Type.String()), dueAt: Nullable(Type.String()), stageDueAt: Nullable(Type.String()),
  }),
  event: EventView,
});

export function presentWrite(w: CaseWrite, opts: { lookupCode?: boolean } = {}) {
  const r = w.row;
  return {
    case: {
      id: r.id, number: r.number, ...(opts.lookupCode ? { lookupCode: r.lookup_code } : {}),
      state: r.state, stateLabel: CASE_STATE_LABELS[r.state as CaseState], version: r.version, stageIndex: r.stage_index,
      currentUnitId: r.current_unit_id, pendingUnitId: r.pending_unit_id, ownerUserId: r.owner_user_id, holderUserId: r.holder_user_id,
      submittedAt: r.submitted_at, acceptedAt: r.accepted_at, dueAt: r.due_at, stageDueAt: r.stage_due_at,
    },
    event: presentEvent(w.event),
  };
}

// ---- detail ----

const Person = Nullable(Type.Object({ userId: Type.String(), name: Type.String() }));
const Deadline = Type.Object({
  dueAt: Type.String(), provisional: Type.Boolean({ description: '期限落在尚未公布节假日安排的年份，可能变动' }),
  limitDays: Type.Integer(), remainingWorkingDays: Type.Integer({ description: '剩余工作日，超期为负数' }),
  status: DeadlineStatusName, paused: Type.Boolean(), stopped: Type.Boolean(),
});

export const DetailView = Type.Object({
  id: Type.String(), number: Type.String(), lookupCode: Type.String(), version: Type.Integer(),
  state: StateName, stateLabel: Type.String(), channel: Type.String(), channelLabel: Type.String(),
  item: Type.Object({
    id: Type.String(), version: Type.Integer(), code: Type.String(), name: Type.String(),
    caseType: Type.String(), handlingMode: Type.String(), committedLimitDays: Type.Integer(), legalLimitDays: Type.Integer(),
  }),
  applicant: Type.Object({
    name: Type.String(), idNumber: Type.String({ description: '脱敏' }), phone: Nullable(Type.String({ description: '脱敏' })),
  }),
  proxy: Nullable(Type.Object({ agent: Person, reason: Type.String(), consent: Type.Boolean() })),
  owner: Person, holder: Person, registeredBy: Person,
  acceptingUnit: UnitRefView, currentUnit: UnitRefView, pendingUnit: Nullable(UnitRefView),
  stageIndex: Type.Integer(),
  stages: Type.Array(Type.Object({
    index: Type.Integer(), name: Type.String(), limitDays: Type.Integer(),
    status: Type.Unsafe<string>({ type: 'string', enum: ['done', 'current', 'pending'] }),
    handlers: Type.Array(Type.Object({ department: Type.String(), level: Type.String(), done: Type.Boolean() })),
    startedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()), deadline: Nullable(Deadline),
  })),
  submittedAt: Type.String(), acceptedAt: Nullable(Type.String()), dueAt: Nullable(Type.String()), stageDueAt: Nullable(Type.String()),
  decidedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()),
  deadline: Nullable(Deadline),
  materialsNotice: Nullable(Type.Object({ missing: Type.Array(Type.String()), at: Type.String(), late: Type.Boolean() })),
  suspension: Nullable(Type.Object({ procedure: Type.String(), procedureLabel: Type.String(), reason: Type.String(), expectedDays: Type.Integer(), since: Type.String() })),
  decision: Nullable(Type.Object({ outcome: Type.String(), reason: Nullable(Type.String()), at: Type.String(), unitId: Type.String() })),
  delivery: Nullable(Type.Object({ method: Type.String(), methodLabel: Type.String(), at: Type.String(), trackingNo: Nullable(Type.String()) })),
  ending: Nullable(Type.Object({ kind: Type.String(), reason: Nullable(Type.String()), ground: Nullable(Type.String()), referTo: Nullable(Type.String()), at: Type.String() })),
  allowedActions: Type.Array(Type.Object({ action: Type.String(), label: Type.String(), url: Type.String() })),
  suggestedTransfer: Nullable(UnitRefView),
  transferTargets: Type.Array(UnitRefView, { description: '转办时可选的接收单位（服务器按流程核对过），推荐的在最前；不能转办时为空' }),
  notices: Type.Array(Type.Object({ kind: Type.String(), title: Type.String(), url: Type.String() })),
  events: Type.Array(EventView),
});

function deadlineOf(c: ClockReading | null | undefined) {
  if (!c) return null;
  return {
    dueAt: c.due.toISOString(), provisional: c.provisional, limitDays: c.limitDays, remainingWorkingDays: c.remainingWorkingDays,
    status: c.stopped ? 'stopped' : c.paused ? 'paused' : c.status, paused: c.paused, stopped: c.stopped,
  };
}

const person = (names: Map<string, string>, id: string | null) => (id ? { userId: id, name: names.get(id) ?? '（已删除）' } : null);

/** done: passed (or closed by a decision or withdrawal); current: started and open; pending: not reached. */
function stageStatus(s: CaseSnapshot, index: number): 'done' | 'current' | 'pending' {
  const clock = s.clock.stages.find((c) => c.index === index);
  if (index < s.stageIndex || clock?.finishedAt) return 'done';
  return clock ? 'current' : 'pending';
}

function stagesOf(s: CaseSnapshot, d: CaseDetail) {
  return s.item.process.map((stage, index) => {
    const clock = s.clock.stages.find((c) => c.index === index) ?? null;
    const status = stageStatus(s, index);
    return {
      index, name: stage.name, limitDays: stage.limitDays, status,
      handlers: stage.handlers.map((h, i) => ({
        department: h.department, level: h.level, done: index < s.stageIndex || (index === s.stageIndex && s.finishedHandlers.includes(i)),
      })),
      startedAt: clock?.startedAt ?? null, finishedAt: clock?.finishedAt ?? null, deadline: deadlineOf(d.stageClocks.get(index)),
    };
  });
}

export function presentDetail(d: CaseDetail, transferTargets: repo.UnitInfo[] = []) {
  const { row: r, snapshot: s, units, names } = d;
  return {
    id: r.id, number: r.number, lookupCode: r.lookup_code, version: r.version,
    state: r.state, stateLabel: CASE_STATE_LABELS[r.state as CaseState], channel: r.channel, channelLabel: CHANNELS[r.channel as Channel] ?? r.channel,
    item: {
      id: r.item_id, version: r.item_version, code: r.item_code, name: r.item_name, caseType: s.item.caseType, handlingMode: s.item.handlingMode,
      committedLimitDays: s.item.committedLimitDays, legalLimitDays: s.item.legalLimitDays,
    },
    applicant: { name: r.applicant_name, idNumber: r.applicant_id_masked, phone: r.applicant_phone_masked },
    proxy: s.proxy ? { agent: person(names, r.proxy_agent_user_id), reason: s.proxy.reason, consent: s.proxy.consent } : null,
    owner: person(names, r.owner_user_id), holder: person(names, r.holder_user_id), registeredBy: person(names, r.created_by),
    acceptingUnit: presentUnitRef(units.get(r.accepting_unit_id), r.accepting_unit_id)!,
    currentUnit: presentUnitRef(units.get(r.current_unit_id), r.current_unit_id)!,
    pendingUnit: unitOrNull(units, r.pending_unit_id),
    stageIndex: r.stage_index,
    stages: stagesOf(s, d),
    submittedAt: r.submitted_at, acceptedAt: r.accepted_at, dueAt: r.due_at, stageDueAt: r.stage_due_at,
    decidedAt: r.decided_at, finishedAt: r.finished_at,
    deadline: deadlineOf(d.clock),
    materialsNotice: s.materialsNotice,
    suspension: s.suspension ? { ...s.suspension, procedureLabel: SPECIAL_PROCEDURES[s.suspension.procedure] } : null,
    decision: s.decision ? { outcome: s.decision.outcome, reason: s.decision.reason, at: s.decision.at, unitId: s.decision.unitId } : null,
    delivery: s.delivery ? { method: s.delivery.method, methodLabel: DELIVERY_METHODS[s.delivery.method], at: s.delivery.at, trackingNo: s.delivery.trackingNo } : null,
    ending: s.ending,
    allowedActions: d.allowedActions.map((a) => ({ action: a, label: CASE_ACTION_LABELS[a], url: `/api/cases/${r.id}/${a}` })),
    suggestedTransfer: d.suggestedTransfer ? presentUnitRef(d.suggestedTransfer) : null,
    transferTargets: transferTargets.map((u) => presentUnitRef(u)!),
    notices: d.notices.map((k) => ({ kind: k, title: NOTICE_TITLES[k], url: `/api/cases/${r.id}/notices/${k}` })),
    events: d.events.map(presentEvent),
  };
}

// ---- lists ----

export const ListItemView = Type.Object({
  id: Type.String(), number: Type.String(), version: Type.Integer(),
  item: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
  channel: Type.String(), state: StateName, stateLabel: Type.String(), stageIndex: Type.Integer(),
  applicant: Type.Object({ name: Type.String({ description: '脱敏' }), idNumber: Type.String({ description: '脱敏' }), phone: Nullable(Type.String()) }),
  acceptingUnit: UnitRefView, currentUnit: UnitRefView, pendingUnit: Nullable(UnitRefView),
  ownerName: Nullable(Type.String()), holderName: Nullable(Type.String()),
  submittedAt: Type.String(), acceptedAt: Nullable(Type.String()), dueAt: Nullable(Type.String()),
  deadlineStatus: Nullable(DeadlineStatusName),
  decidedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()),
});

export const ListView = Type.Object({ total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(), items: Type.Array(ListItemView) });

export function presentList(l: CaseList, page: number, pageSize: number) {
  return {
    total: l.total, page, pageSize,
    items: l.rows.map((r) => ({
      id: r.id, number: r.number, version: r.version,
      item: { id: r.item_id, code: r.item_code, name: r.item_name },
      channel: r.channel, state: r.state, stateLabel: CASE_STATE_LABELS[r.state as CaseState], stageIndex: r.stage_index,
      applicant: { name: maskName(r.applicant_name), idNumber: r.applicant_id_masked, phone: r.applicant_phone_masked },
      acceptingUnit: presentUnitRef(l.units.get(r.accepting_unit_id), r.accepting_unit_id)!,
      currentUnit: presentUnitRef(l.units.get(r.current_unit_id), r.current_unit_id)!,
      pendingUnit: unitOrNull(l.units, r.pending_unit_id),
      ownerName: r.owner_user_id ? l.names.get(r.owner_user_id) ?? null : null,
      holderName: r.holder_user_id ? l.names.get(r.holder_user_id) ?? null : null,
      submittedAt: r.submitted_at, acceptedAt: r.accepted_at, dueAt: r.due_at,
      deadlineStatus: listStatus(r, l.now), decidedAt: r.decided_at, finishedAt: r.finished_at,
    })),
  };
}

// ---- the public progress lookup ----

export const PublicView = Type.Object({
  number: Type.String(), item: Type.String(), state: StateName, stateLabel: Type.String(),
  submittedAt: Type.String(), acceptedAt: Nullable(Type.String()), dueAt: Nullable(Type.String()),
  remainingWorkingDays: Nullable(Type.Integer()), deadlineStatus: Nullable(DeadlineStatusName),
  currentUnit: Nullable(Type.String({ description: '办件现在所在单位（转办中为接收单位）' })),
  finishedAt: Nullable(Type.String()),
  stages: Type.Array(Type.Object({ name: Type.String(), status: Type.String(), finishedAt: Nullable(Type.String()) })),
  progress: Type.Array(Type.Object({ at: Type.String(), step: Type.String(), unit: Nullable(Type.String()) })),
}, { description: '公开进度：不含申请人姓名、身份证号、手机号，不含经办人员和办理意见' });

export function presentPublic(p: PublicProgress) {
  const { row: r, snapshot: s, units } = p;
  const unitName = (id: string | null | undefined) => {
    const u = id ? units.get(id) : undefined;
    return u ? `${u.org_name}${u.name}` : null;
  };
  const deadline = deadlineOf(p.clock);
  return {
    number: r.number, item: r.item_name, state: r.state, stateLabel: CASE_STATE_LABELS[r.state as CaseState],
    submittedAt: r.submitted_at, acceptedAt: r.accepted_at, dueAt: deadline?.dueAt ?? null,
    remainingWorkingDays: deadline && !deadline.stopped ? deadline.remainingWorkingDays : null,
    deadlineStatus: deadline?.status ?? null,
    currentUnit: unitName(r.pending_unit_id ?? r.current_unit_id),
    finishedAt: r.finished_at,
    stages: s.item.process.map((stage, i) => {
      const clock = s.clock.stages.find((c) => c.index === i);
      return { name: stage.name, status: stageStatus(s, i), finishedAt: clock?.finishedAt ?? null };
    }),
    progress: p.events.map((e) => ({ at: e.at, step: CASE_ACTION_LABELS[e.action as CaseActionType] ?? e.action, unit: unitName(e.to_unit_id) })),
  };
}
