/**
 * The case lifecycle (全程受理制 / 全程代办制): which action is legal in which state, for whom, at
 * which kind of unit, and what it changes. Pure: a snapshot and an action in, the next snapshot and
 * one event out — or a refusal with a Chinese sentence the user can act on. The service loads the
 * snapshot, calls `applyAction`, and writes `next` and `event` in one transaction.
 *
 * The route. A case lives at one unit at a time, `path` is the chain of units it was sent along
 * (path[0] accepted it, the last one holds it). Sending forward (转办/报送/代转) needs the receiver's
 * sign-for (签收); going back along the path — reply (回复), return (退回), a finished stage handed
 * back to the desk that routes the next one — needs none, because the receiver sent it.
 *
 * The seed's rules (范文第3篇), as enforced here:
 * - acceptance desks and village rooms accept, never handle: they route (转办, 报送, 代转);
 * - a handling window may accept directly and handle; it hands what it does not handle to its desk;
 * - a handling room handles only what its own level's desk sent it, replies to that desk, and never
 *   accepts an applicant or routes a case itself;
 * - a village room reports to its township's desk; a desk forwards up to its parent org's desk
 *   what cannot be handled at its level (代转县中心), and results come back the same way.
 */
import type { OrgLevel, UnitKind } from '../db/schema.ts';
import type { CaseType, HandlingMode, ProcessStage, StageHandler } from './catalog.ts';
import { countWorkingDays, type WorkCalendar } from './calendar.ts';
import { caseDue, emptyClock, stageDue, type CaseClock } from './case-clock.ts';
import { isUnitKind, mayAcceptDirectly, mayHandle, UNIT_KIND_LABELS } from './network.ts';
import { ORG_LEVELS, ORG_LEVEL_LABELS } from './org-tree.ts';
import { ROLE_DEFINITIONS, type Role } from './roles.ts';

// ---- vocabulary ----

export const CASE_STATES = [
  'draft', 'submitted', 'awaiting_materials', 'accepted', 'in_transfer', 'handling', 'suspended',
  'decided', 'ready_for_delivery', 'finished', 'refused', 'withdrawn',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATE_LABELS: Record<CaseState, string> = {
  draft: '未提交',
  submitted: '已申请',
  awaiting_materials: '待补齐补正',
  accepted: '已受理（待转办）',
  in_transfer: '转办中（待签收）',
  handling: '办理中',
  suspended: '特别程序中',
  decided: '已决定（回复中）',
  ready_for_delivery: '待送达',
  finished: '已办结',
  refused: '不予受理',
  withdrawn: '已撤回',
};

export const TERMINAL_STATES: readonly CaseState[] = ['finished', 'refused', 'withdrawn'];
export const isTerminal = (state: CaseState): boolean => TERMINAL_STATES.includes(state);

export const CASE_ACTIONS = [
  'apply', 'accept', 'refuse', 'request_materials', 'supplement', 'transfer', 'receive', 'complete_stage',
  'return', 'suspend', 'resume', 'extend', 'decide', 'reply', 'deliver', 'withdraw', 'finish_immediately',
] as const;
export type CaseActionType = (typeof CASE_ACTIONS)[number];

export const CASE_ACTION_LABELS: Record<CaseActionType, string> = {
  apply: '申请',
  accept: '受理',
  refuse: '不予受理',
  request_materials: '一次性告知补齐补正',
  supplement: '补齐补正后受理',
  transfer: '转办',
  receive: '签收',
  complete_stage: '完成本环节',
  return: '退回',
  suspend: '启动特别程序',
  resume: '恢复办理',
  extend: '批准延期',
  decide: '作出决定',
  reply: '回复',
  deliver: '送达',
  withdraw: '撤回申请',
  finish_immediately: '即办办结',
};

/** The states each action may start from, and the states it may lead to. */
export const TRANSITIONS: Record<CaseActionType, { from: readonly CaseState[]; to: readonly CaseState[] }> = {
  apply: { from: ['draft'], to: ['submitted'] },
  accept: { from: ['submitted'], to: ['accepted', 'handling'] },
  refuse: { from: ['submitted', 'awaiting_materials'], to: ['refused'] },
  request_materials: { from: ['submitted'], to: ['awaiting_materials'] },
  supplement: { from: ['awaiting_materials'], to: ['accepted', 'handling'] },
  transfer: { from: ['accepted'], to: ['in_transfer'] },
  receive: { from: ['in_transfer'], to: ['accepted', 'handling'] },
  complete_stage: { from: ['handling'], to: ['handling', 'accepted'] },
  return: { from: ['in_transfer', 'accepted', 'handling'], to: ['accepted', 'handling'] },
  suspend: { from: ['handling'], to: ['suspended'] },
  resume: { from: ['suspended'], to: ['handling'] },
  extend: { from: ['accepted', 'in_transfer', 'handling', 'suspended'], to: ['accepted', 'in_transfer', 'handling', 'suspended'] },
  decide: { from: ['handling'], to: ['decided', 'ready_for_delivery'] },
  reply: { from: ['decided'], to: ['decided', 'ready_for_delivery'] },
  deliver: { from: ['ready_for_delivery'], to: ['finished'] },
  withdraw: { from: ['submitted', 'awaiting_materials', 'accepted', 'in_transfer', 'handling', 'suspended'], to: ['withdrawn'] },
  finish_immediately: { from: ['submitted', 'awaiting_materials'], to: ['finished'] },
};

/**
 * Who acts, and at which kinds of unit:
 * holder — staff of the unit holding the case; receiver — staff of the unit it is being sent to;
 * accepting — staff of the unit that accepted it (path[0]), or the applicant; manager — a center
 * manager whose org covers the holding unit; applicant_or_counter — the applicant online, or staff
 * registering at their own counter. complete_stage is also open to the co-handling departments of a
 * parallel stage; return is the receiver's while in transfer (拒收), the holder's otherwise.
 */
export const ACTORS: Record<CaseActionType, { who: 'holder' | 'receiver' | 'accepting' | 'manager' | 'applicant_or_counter'; kinds: readonly UnitKind[] }> = {
  apply: { who: 'applicant_or_counter', kinds: ['acceptance_desk', 'handling_window', 'village_room'] },
  accept: { who: 'holder', kinds: ['acceptance_desk', 'handling_window', 'village_room'] },
  refuse: { who: 'holder', kinds: ['acceptance_desk', 'handling_window', 'village_room'] },
  request_materials: { who: 'holder', kinds: ['acceptance_desk', 'handling_window', 'village_room'] },
  supplement: { who: 'holder', kinds: ['acceptance_desk', 'handling_window', 'village_room'] },
  transfer: { who: 'holder', kinds: ['acceptance_desk', 'handling_window', 'village_room'] },
  receive: { who: 'receiver', kinds: ['acceptance_desk', 'handling_window', 'handling_room'] },
  complete_stage: { who: 'holder', kinds: ['handling_window', 'handling_room'] },
  return: { who: 'holder', kinds: ['acceptance_desk', 'handling_window', 'handling_room'] },
  suspend: { who: 'holder', kinds: ['handling_window', 'handling_room'] },
  resume: { who: 'holder', kinds: ['handling_window', 'handling_room'] },
  extend: { who: 'manager', kinds: [] },
  decide: { who: 'holder', kinds: ['handling_window', 'handling_room'] },
  reply: { who: 'holder', kinds: ['acceptance_desk', 'handling_window', 'handling_room'] },
  deliver: { who: 'holder', kinds: ['acceptance_desk', 'handling_window', 'village_room'] },
  withdraw: { who: 'accepting', kinds: ['acceptance_desk', 'handling_window', 'village_room'] },
  finish_immediately: { who: 'holder', kinds: ['handling_window'] },
};

/** The one staff role that works at each kind of unit. */
export const UNIT_STAFF_ROLE: Record<UnitKind, Role> = {
  acceptance_desk: 'acceptance_clerk',
  handling_window: 'window_clerk',
  handling_room: 'handling_officer',
  village_room: 'village_cadre',
};

/**
 * What each kind of unit may do is the network's rule (domain/network.ts, the one definition):
 * a unit that takes applicants (desk, window, village room) also routes what it does not handle;
 * a handling room does neither — it handles what its own level's desk sent, and replies.
 */
const mayRoute = (kind: UnitKind): boolean => mayAcceptDirectly(kind);

export const CHANNELS = { online: '网上申请', counter: '窗口申请', village_room: '村室申请', proxy: '代办' } as const;
export type Channel = keyof typeof CHANNELS;

/** 特别程序 (行政许可法 art. 45 and practice): their time does not count in the limit. */
export const SPECIAL_PROCEDURES = {
  hearing: '听证', tender: '招标', auction: '拍卖', inspection: '检验', testing: '检测', quarantine: '检疫',
  appraisal: '鉴定', expert_review: '专家评审', site_survey: '现场勘察', public_notice: '公示',
} as const;
export type SpecialProcedure = keyof typeof SPECIAL_PROCEDURES;

/** 行政许可法 art. 32: the grounds for not accepting. */
export const REFUSAL_GROUNDS = {
  no_permit_needed: '依法不需要取得行政许可',
  not_competent: '不属于本机关职权范围',
  ineligible: '不符合受理条件',
  not_supplemented: '未按告知补齐补正材料',
} as const;
export type RefusalGround = keyof typeof REFUSAL_GROUNDS;

export const DELIVERY_METHODS = { counter: '窗口领取', post: '邮寄送达', village_cadre: '村干部送达' } as const;
export type DeliveryMethod = keyof typeof DELIVERY_METHODS;

/** 行政许可法 art. 42: an extension of at most 10 days, 15 for joint handling; granted once. */
export const MAX_EXTENSION_DAYS = { default: 10, joint: 15 } as const;
/** 行政许可法 art. 32: a missing-materials notice later than this counts the case as accepted on arrival. */
export const MATERIALS_NOTICE_DAYS = 5;
const MAX_EXPECTED_DAYS = 365;
const MAX_TEXT = 2000;

// ---- data ----

/** A unit as the lifecycle sees it. */
export interface UnitRef {
  unitId: string;
  unitKind: UnitKind;
  orgId: string;
  /** The org's path (`/id/…/id/`, as OrgTable.path): its parent org is the path minus the last id. */
  orgPath: string;
  orgLevel: OrgLevel;
  /** The department code of a handling window or room; null for a desk or a village room. */
  department: string | null;
  /** For messages only, e.g. 县林业局办理室. */
  name?: string;
}

export type ActorRole = Role | 'applicant';

/**
 * Who acts. Staff act for the unit they are signed in at (`unit`) with the roles they hold there; a
 * center manager acts over `orgPath` (the org of the grant); the applicant has role 'applicant' and
 * no unit — the service has checked that the case is theirs.
 */
export interface Actor {
  userId: string;
  roles: readonly ActorRole[];
  unit: UnitRef | null;
  orgPath: string | null;
}

/** The parts of an item (catalog.ts ItemElements) a case keeps, frozen at application. */
export interface CaseItem {
  code: string;
  name: string;
  caseType: CaseType;
  handlingMode: HandlingMode;
  committedLimitDays: number;
  legalLimitDays: number;
  acceptLevels: readonly OrgLevel[];
  process: readonly ProcessStage[];
}

export interface ProxyInfo {
  /** Why the cadre acts for the villager (年老、偏远、行动不便 …). */
  reason: string;
  /** The villager agreed (signed the proxy form). */
  consent: boolean;
}

export interface CaseSnapshot {
  /** Incremented by every action; the service's optimistic-concurrency column. */
  version: number;
  state: CaseState;
  item: CaseItem;
  channel: Channel | null;
  proxy: ProxyInfo | null;
  /** 首问负责人: the person who accepted; owns the case for the applicant to the end. */
  ownerUserId: string | null;
  /** path[0] accepted (or was applied to); the last unit holds the case. */
  path: UnitRef[];
  /** Only while in_transfer: sent by the holder to `to`, not yet signed for. */
  transfer: { to: UnitRef; at: string } | null;
  /** 0 … process.length; process.length means every stage is done and a decision is due. */
  stageIndex: number;
  /** Handlers (indexes into the current stage's handlers) that finished; a parallel stage waits for all. */
  finishedHandlers: number[];
  /** The one missing-materials notice (一次性告知); `late` when given after 5 working days. */
  materialsNotice: { missing: string[]; at: string; late: boolean } | null;
  suspension: { procedure: SpecialProcedure; reason: string; expectedDays: number; since: string } | null;
  decision: { outcome: 'approved' | 'denied'; reason: string | null; at: string; byUserId: string; unitId: string } | null;
  delivery: { method: DeliveryMethod; at: string; byUserId: string; trackingNo: string | null } | null;
  ending: { kind: 'refused' | 'withdrawn'; reason: string | null; ground: RefusalGround | null; referTo: string | null; at: string } | null;
  submittedAt: string | null;
  lastActionAt: string | null;
  clock: CaseClock;
  /** Due moments as of the last action, stored so the supervision sweep can index them. */
  deadline: { dueAt: string | null; stageDueAt: string | null; provisional: boolean };
}

type Common = { at: string; opinion?: string; attachments?: string[] };
export type CaseAction = Common & (
  | { type: 'apply'; channel: Channel; unit?: UnitRef; proxy?: ProxyInfo }
  | { type: 'accept' }
  | { type: 'refuse'; ground: RefusalGround; reason: string; referTo?: string }
  | { type: 'request_materials'; missing: string[] }
  | { type: 'supplement' }
  | { type: 'transfer'; to: UnitRef }
  | { type: 'receive' }
  | { type: 'complete_stage'; handler?: number }
  | { type: 'return'; reason: string }
  | { type: 'suspend'; procedure: SpecialProcedure; reason: string; expectedDays: number }
  | { type: 'resume' }
  | { type: 'extend'; days: number; reason: string }
  | { type: 'decide'; outcome: 'approve' | 'deny'; reason?: string }
  | { type: 'reply' }
  | { type: 'deliver'; method: DeliveryMethod; trackingNo?: string; feeCharged?: number }
  | { type: 'withdraw'; reason?: string }
  | { type: 'finish_immediately'; feeCharged?: number }
);

export interface CaseEvent {
  type: CaseActionType;
  at: string;
  actorUserId: string;
  actorUnitId: string | null;
  fromState: CaseState;
  toState: CaseState;
  /** The unit holding the case after the action. */
  unitId: string | null;
  /** The snapshot version after the action. */
  version: number;
  stageIndex: number;
  opinion: string | null;
  attachments: string[];
  /** What the action carried and decided: reason, target unit, handler, days … */
  data: Record<string, unknown>;
}

export type RefusalCode =
  | 'invalid_state'    // not in this state (409)
  | 'forbidden_role'   // the person's roles cannot do this (403)
  | 'wrong_unit'       // not this case's unit (403)
  | 'unit_kind'        // this kind of unit cannot do this (403)
  | 'invalid_input'    // a field is missing or wrong (400), see pointer
  | 'transfer_rule'    // the target unit cannot receive it from here (422)
  | 'rule'             // a domain rule forbids it now (422)
  | 'limit_expired';   // an extension after the limit expired (422)

export interface Refusal {
  ok: false;
  code: RefusalCode;
  detail: string;
  /** JSON pointer into the action for invalid_input, e.g. `/reason`. */
  pointer?: string;
}
export type ActionResult = { ok: true; next: CaseSnapshot; event: CaseEvent } | Refusal;

export interface LifecycleContext {
  calendar: WorkCalendar;
}

// ---- helpers ----

const refuse = (code: RefusalCode, detail: string, pointer?: string): Refusal =>
  (pointer === undefined ? { ok: false, code, detail } : { ok: false, code, detail, pointer });

const rank = (level: OrgLevel): number => ORG_LEVELS.indexOf(level);
const parentPath = (orgPath: string): string => orgPath.replace(/[^/]+\/$/, '');
const unitName = (u: UnitRef): string => u.name ?? UNIT_KIND_LABELS[u.unitKind];
const roleLabel = (r: ActorRole): string => (r === 'applicant' ? '申请人' : ROLE_DEFINITIONS[r].label);
const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim() === '';

/** The unit holding the case (null only for a draft). */
export const holder = (s: CaseSnapshot): UnitRef | null => s.path[s.path.length - 1] ?? null;
/** The unit that accepted the case, or that it was applied to (首问). */
export const acceptingUnit = (s: CaseSnapshot): UnitRef | null => s.path[0] ?? null;
export const currentStage = (s: CaseSnapshot): ProcessStage | null => s.item.process[s.stageIndex] ?? null;

export const handlesHandler = (u: UnitRef, h: StageHandler): boolean =>
  mayHandle(u.unitKind) && u.department === h.department && u.orgLevel === h.level;
export const handlesStage = (u: UnitRef, stage: ProcessStage): boolean => stage.handlers.some((h) => handlesHandler(u, h));

/** A routing unit can send on a stage handled at its own level or above (up the tree, never down). */
const canRoute = (u: UnitRef, stage: ProcessStage): boolean =>
  mayRoute(u.unitKind) && stage.handlers.every((h) => rank(h.level) <= rank(u.orgLevel));

const HANDLES_ELSEWHERE: Record<'acceptance_desk' | 'village_room', string> = {
  acceptance_desk: '咨询受理部只受理、不办理，请将本件转交承办单位',
  village_room: '村便民服务室只受理、不办理，请将本件报送乡镇便民服务中心',
};
const ROOM_NO_APPLICANTS = '办理室只办理本级受理部转来的件，不能直接受理申请人的申请';

/** Why a kind of unit cannot take an action; the sentence the user sees. */
function kindRefusal(type: CaseActionType, kind: UnitKind): string {
  if (kind === 'handling_room') {
    if (type === 'transfer') return '办理室不能自行转办，办结后应回复本级咨询受理部';
    if (type === 'deliver') return '办理室不直接向申请人送达，办结后应回复本级咨询受理部';
    if (type === 'withdraw') return '撤回申请应向受理本件的单位提出，办理室不直接接待申请人';
    return ROOM_NO_APPLICANTS;
  }
  if (kind === 'acceptance_desk' || kind === 'village_room') {
    if (type === 'finish_immediately') return '即办件由承办窗口当场办结；' + HANDLES_ELSEWHERE[kind];
    if (['complete_stage', 'suspend', 'resume', 'decide'].includes(type)) return HANDLES_ELSEWHERE[kind];
    if (kind === 'village_room') {
      if (type === 'receive') return '村便民服务室不签收转办件；办结件由乡镇中心回复送回';
      if (type === 'return') return '村便民服务室是本件的受理单位，没有可退回的上一单位';
      if (type === 'reply') return '村便民服务室是本件的受理单位，不需回复，请向申请人送达';
    }
  }
  return `${UNIT_KIND_LABELS[kind]}不能${CASE_ACTION_LABELS[type]}`;
}

const ENDED: Record<'finished' | 'refused' | 'withdrawn', string> = { finished: '已办结', refused: '已不予受理', withdrawn: '已撤回' };

function stateRefusal(s: CaseSnapshot, type: CaseActionType): Refusal {
  const label = CASE_ACTION_LABELS[type];
  const state = s.state;
  if (isTerminal(state)) return refuse('invalid_state', `本件${ENDED[state as 'finished']}，不能再${label}`);
  if (type === 'request_materials' && state === 'awaiting_materials') {
    return refuse('invalid_state', '补正材料已一次性告知，不能再次要求补正；材料仍不齐的，可作出不予受理');
  }
  if (type === 'withdraw' && (state === 'decided' || state === 'ready_for_delivery')) {
    return refuse('invalid_state', '本件已作出决定，不能再撤回申请');
  }
  if (state === 'suspended' && ['complete_stage', 'decide', 'suspend', 'return'].includes(type)) {
    return refuse('invalid_state', `本件处于特别程序（${SPECIAL_PROCEDURES[s.suspension!.procedure]}）中，请先恢复办理`);
  }
  if (state === 'in_transfer' && ['complete_stage', 'decide', 'suspend', 'transfer', 'reply'].includes(type)) {
    return refuse('invalid_state', '本件正在转办，待接收单位签收后才能继续办理');
  }
  if (state === 'draft') return refuse('invalid_state', `本件尚未提交申请，不能${label}`);
  return refuse('invalid_state', `本件当前状态为“${CASE_STATE_LABELS[state]}”，不能${label}`);
}

const ACTION_ROLES = (type: CaseActionType): ActorRole[] => {
  const rule = ACTORS[type];
  if (rule.who === 'manager') return ['center_manager'];
  const staff = rule.kinds.map((k) => UNIT_STAFF_ROLE[k]);
  return rule.who === 'applicant_or_counter' || rule.who === 'accepting' ? ['applicant', ...staff] : staff;
};

/** Checks a staff member acting for `unit` in a unit-bound action. */
function staffCheck(type: CaseActionType, actor: Actor, unit: UnitRef, kinds: readonly UnitKind[], whose: string): Refusal | null {
  const label = CASE_ACTION_LABELS[type];
  if (!actor.unit) return refuse('wrong_unit', `${label}须由${whose}的工作人员办理`);
  if (!kinds.includes(actor.unit.unitKind)) return refuse('unit_kind', kindRefusal(type, actor.unit.unitKind));
  if (actor.unit.unitId !== unit.unitId) return refuse('wrong_unit', `本件${whose}是${unitName(unit)}，您所在单位不能${label}`);
  const role = UNIT_STAFF_ROLE[unit.unitKind];
  if (!actor.roles.includes(role)) return refuse('forbidden_role', `${label}须由${unitName(unit)}的${roleLabel(role)}办理`);
  return null;
}

/** The unit and the person that may act now, before looking at the action's fields. */
function actorCheck(s: CaseSnapshot, type: CaseActionType, actor: Actor): Refusal | null {
  const rule = ACTORS[type];
  // The kind of unit first: it tells a handling room's officer *why* (the seed's rule), not just "no".
  if (actor.unit && rule.kinds.length > 0 && !rule.kinds.includes(actor.unit.unitKind)) {
    return refuse('unit_kind', kindRefusal(type, actor.unit.unitKind));
  }
  const roles = ACTION_ROLES(type);
  if (!actor.roles.some((r) => roles.includes(r))) {
    return refuse('forbidden_role', `${CASE_ACTION_LABELS[type]}只能由${[...new Set(roles)].map(roleLabel).join('、')}办理`);
  }
  const unit = holder(s);
  switch (rule.who) {
    case 'applicant_or_counter': {
      if (actor.roles.includes('applicant') && !actor.unit) return null;
      if (!actor.unit) return refuse('wrong_unit', '工作人员须在本人所在的受理单位登记申请');
      const role = UNIT_STAFF_ROLE[actor.unit.unitKind];
      return actor.roles.includes(role) ? null : refuse('forbidden_role', `在${unitName(actor.unit)}登记申请须具有${roleLabel(role)}身份`);
    }
    case 'accepting': {
      if (actor.roles.includes('applicant') && !actor.unit) return null;
      return staffCheck(type, actor, acceptingUnit(s)!, rule.kinds, '受理单位');
    }
    case 'manager': {
      if (!actor.roles.includes('center_manager') || !actor.orgPath || !unit!.orgPath.startsWith(actor.orgPath)) {
        return refuse('wrong_unit', `延期须由${unitName(unit!)}所在中心或上级中心的中心主任批准`);
      }
      return null;
    }
    case 'receiver':
      return staffCheck(type, actor, s.transfer!.to, rule.kinds, '接收单位');
    case 'holder': {
      if (type === 'return' && s.state === 'in_transfer') return staffCheck(type, actor, s.transfer!.to, rule.kinds, '接收单位');
      if (type === 'complete_stage') return completeStageActor(s, actor).refusal;
      return staffCheck(type, actor, unit!, rule.kinds, '所在单位');
    }
  }
}

/** For complete_stage: which unfinished handlers of the current stage this actor may complete. */
function completeStageActor(s: CaseSnapshot, actor: Actor): { refusal: Refusal | null; handlers: number[] } {
  const stage = currentStage(s);
  const unit = holder(s)!;
  const none = (r: Refusal) => ({ refusal: r, handlers: [] as number[] });
  if (!stage) return none(refuse('rule', '各环节均已办完，请作出决定'));
  if (!actor.unit) return none(refuse('wrong_unit', '完成环节须由承办部门的工作人员办理'));
  const kind = actor.unit.unitKind;
  if (!mayHandle(kind)) return none(refuse('unit_kind', kindRefusal('complete_stage', kind)));
  if (!actor.roles.includes(UNIT_STAFF_ROLE[kind])) {
    return none(refuse('forbidden_role', `完成环节须由${unitName(actor.unit)}的${roleLabel(UNIT_STAFF_ROLE[kind])}办理`));
  }
  const atHolder = actor.unit.unitId === unit.unitId;
  const mine = stage.handlers
    .map((h, i) => ({ h, i }))
    .filter(({ h }) => handlesHandler(actor.unit!, h))
    // A co-handling department of a parallel stage completes its part without holding the case;
    // at the holder's own level it must be in the holder's center.
    .filter(({ h }) => atHolder || (stage.handlers.length > 1 && (h.level !== unit.orgLevel || actor.unit!.orgId === unit.orgId)))
    .map(({ i }) => i);
  if (mine.length === 0) {
    return none(refuse('wrong_unit', atHolder
      ? `您所在单位不是本环节“${stage.name}”的承办部门`
      : `本件由${unitName(unit)}办理，您所在单位不是本环节“${stage.name}”的承办部门`));
  }
  const open = mine.filter((i) => !s.finishedHandlers.includes(i));
  if (open.length === 0) return none(refuse('rule', `本部门已完成环节“${stage.name}”，正等待其他部门`));
  return { refusal: null, handlers: open };
}

/** Rules that need no action fields: what allowedActions can tell in advance. */
function preconditions(s: CaseSnapshot, type: CaseActionType, at: string, ctx: LifecycleContext): Refusal | null {
  switch (type) {
    case 'return':
      if (s.state !== 'in_transfer' && s.path.length < 2) return refuse('rule', '本件由本单位受理，没有可退回的上一单位');
      if (s.state === 'handling' && !currentStage(s)) return refuse('rule', '各环节均已办完，请作出决定，不能退回');
      return null;
    case 'transfer':
      if (!currentStage(s)) return refuse('rule', '本件各环节均已办完，不需再转办');
      return null;
    case 'extend': {
      if (s.clock.extensions.length > 0) return refuse('rule', '本件已延期一次，不能再次延期');
      const due = caseDue(ctx.calendar, s.clock, at);
      if (due && Date.parse(at) > due.due.getTime()) {
        return refuse('limit_expired', '承诺时限已届满，不能再延期；延期须在期限届满前批准并告知申请人');
      }
      return null;
    }
    case 'finish_immediately': {
      if (s.item.caseType !== 'immediate') return refuse('rule', '只有即办件可以当场办结，本事项请按承诺件受理、转办');
      const unit = holder(s)!;
      const all = s.item.process.every((stage) => stage.handlers.every((h) => handlesHandler(unit, h)));
      if (!all) return refuse('rule', '本窗口不承办本事项的全部环节，不能当场办结，请受理后转办');
      return null;
    }
    default:
      return null;
  }
}

function permit(s: CaseSnapshot, type: CaseActionType, actor: Actor, at: string, ctx: LifecycleContext): Refusal | null {
  if (!TRANSITIONS[type].from.includes(s.state)) return stateRefusal(s, type);
  return actorCheck(s, type, actor) ?? preconditions(s, type, at, ctx);
}

// ---- building snapshots ----

/**
 * The snapshot before the case exists (state `draft`, version 0); its only action is `apply`.
 * Throws RangeError when the item's process cannot drive a case (no stage, a stage without a
 * handler, a bad limit) — a catalog error, not the applicant's.
 */
export function draftCase(item: CaseItem): CaseSnapshot {
  if (item.process.length === 0) throw new RangeError(`item ${item.code} has no process stage`);
  item.process.forEach((stage, i) => {
    if (stage.handlers.length === 0) throw new RangeError(`item ${item.code} stage ${i} has no handler`);
    if (!Number.isInteger(stage.limitDays) || stage.limitDays < 0) throw new RangeError(`item ${item.code} stage ${i} has a bad limit`);
  });
  if (!Number.isInteger(item.committedLimitDays) || item.committedLimitDays < 0) throw new RangeError(`item ${item.code} has a bad committed limit`);
  return {
    version: 0,
    state: 'draft',
    item: structuredClone(item) as CaseItem,
    channel: null,
    proxy: null,
    ownerUserId: null,
    path: [],
    transfer: null,
    stageIndex: 0,
    finishedHandlers: [],
    materialsNotice: null,
    suspension: null,
    decision: null,
    delivery: null,
    ending: null,
    submittedAt: null,
    lastActionAt: null,
    clock: emptyClock(item.committedLimitDays),
    deadline: { dueAt: null, stageDueAt: null, provisional: false },
  };
}

function startStage(n: CaseSnapshot, at: string): void {
  const stage = n.item.process[n.stageIndex];
  if (stage) n.clock.stages.push({ index: n.stageIndex, limitDays: stage.limitDays, startedAt: at, finishedAt: null });
}

function closeStage(n: CaseSnapshot, at: string): void {
  const open = n.clock.stages.find((c) => c.index === n.stageIndex && c.finishedAt === null);
  if (open) open.finishedAt = at;
}

function closePause(n: CaseSnapshot, at: string): void {
  const open = n.clock.pauses.find((p) => p.to === null);
  if (open) open.to = at;
  n.suspension = null;
}

/** A unit that receives the case handles it if it handles the current stage; otherwise it routes it. */
function arrive(n: CaseSnapshot): void {
  const unit = holder(n)!;
  const stage = currentStage(n);
  n.state = stage ? (handlesStage(unit, stage) ? 'handling' : 'accepted') : mayHandle(unit.unitKind) ? 'handling' : 'accepted';
}

function acceptAt(n: CaseSnapshot, actor: Actor, acceptedAt: string): void {
  n.ownerUserId = actor.userId;
  n.clock.acceptedAt = acceptedAt;
  n.stageIndex = 0;
  n.finishedHandlers = [];
  startStage(n, acceptedAt);
  arrive(n);
}

/**
 * A stage is done and the next one is not handled here: the case goes back along the path to the
 * nearest unit that handles the next stage or can route it (a desk at that level or below, or the
 * accepting unit), never through a sign-for — those units sent it here.
 */
function handBack(n: CaseSnapshot): UnitRef[] {
  const stage = currentStage(n)!;
  const popped: UnitRef[] = [];
  if (n.path.length > 1) popped.push(n.path.pop()!);
  for (;;) {
    const top = holder(n)!;
    if (handlesStage(top, stage)) return (n.state = 'handling'), popped;
    if (n.path.length === 1 || canRoute(top, stage)) return (n.state = 'accepted'), popped;
    popped.push(n.path.pop()!);
  }
}

// ---- the actions ----

type Perform = (n: CaseSnapshot, action: CaseAction, actor: Actor, ctx: LifecycleContext) => Refusal | Record<string, unknown>;

const text = (v: unknown, pointer: string, what: string): Refusal | null => {
  if (blank(v)) return refuse('invalid_input', `请填写${what}`, pointer);
  if ((v as string).length > MAX_TEXT) return refuse('invalid_input', `${what}不能超过 ${MAX_TEXT} 字`, pointer);
  return null;
};
const positiveInt = (v: unknown, max: number, pointer: string, what: string): Refusal | null =>
  Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max ? null : refuse('invalid_input', `${what}应为 1 至 ${max} 之间的整数`, pointer);

function isUnitRef(u: unknown): u is UnitRef {
  if (typeof u !== 'object' || u === null) return false;
  const r = u as Record<string, unknown>;
  return typeof r.unitId === 'string' && typeof r.orgId === 'string' && typeof r.orgPath === 'string'
    && typeof r.unitKind === 'string' && isUnitKind(r.unitKind)
    && typeof r.orgLevel === 'string' && ORG_LEVELS.includes(r.orgLevel as OrgLevel)
    && (r.department === null || typeof r.department === 'string');
}

/** May `from` send the case to `to` (转办 / 报送 / 代转) for the current stage? */
export function transferRefusal(s: CaseSnapshot, from: UnitRef, to: UnitRef): Refusal | null {
  const stage = currentStage(s)!;
  const bad = (detail: string) => refuse('transfer_rule', detail, '/to');
  if (to.unitId === from.unitId) return bad('不能转办给本单位');
  if (to.unitKind === 'village_room') return bad('不能把办件转给村便民服务室；办结件通过“回复”送回受理的村');
  switch (from.unitKind) {
    case 'village_room':
      if (to.unitKind !== 'acceptance_desk' || to.orgPath !== parentPath(from.orgPath)) {
        return bad('村便民服务室受理的件应报送所属乡镇便民服务中心咨询受理部');
      }
      return null;
    case 'handling_window':
      if (to.unitKind !== 'acceptance_desk' || to.orgId !== from.orgId) {
        return bad('窗口受理的非本窗口承办事项，应交本级中心咨询受理部转办');
      }
      return null;
    case 'acceptance_desk': {
      if (to.unitKind === 'acceptance_desk') {
        if (to.orgPath !== parentPath(from.orgPath)) return bad('咨询受理部只能代转上一级中心的咨询受理部');
        if (stage.handlers.some((h) => h.level === from.orgLevel)) {
          return bad(`本事项当前环节“${stage.name}”在本级办理，应转交本级承办部门，不需代转上级`);
        }
        if (!stage.handlers.some((h) => rank(h.level) < rank(from.orgLevel))) return bad(`本事项当前环节“${stage.name}”不在上级办理`);
        return null;
      }
      if (to.orgId !== from.orgId) return bad('咨询受理部只能转交本级中心的办理部窗口或办理室；跨级请代转上级咨询受理部');
      if (!handlesStage(to, stage)) return bad(`${unitName(to)}不承办本事项当前环节“${stage.name}”，请转交承办部门`);
      return null;
    }
    case 'handling_room':
      return bad('办理室不能自行转办，办结后应回复本级咨询受理部');
  }
}

/** The fee actually charged, in yuan (recorded when the result is handed over; supervision compares it with the published standard). */
const FEE_FORMAT = '实收费用应为不小于 0 的金额（元，最多两位小数）；不收费请填 0 或不填';
const validFee = (fee: unknown): boolean =>
  fee === undefined || (typeof fee === 'number' && Number.isFinite(fee) && fee >= 0 && fee <= 10_000_000 && Math.abs(Math.round(fee * 100) - fee * 100) < 1e-6);

const PERFORM: Record<CaseActionType, Perform> = {
  apply(n, a, actor) {
    const action = a as Extract<CaseAction, { type: 'apply' }>;
    if (!(action.channel in CHANNELS)) return refuse('invalid_input', '申请渠道无效', '/channel');
    const online = actor.roles.includes('applicant') && !actor.unit;
    if (online !== (action.channel === 'online')) {
      return refuse('invalid_input', online ? '申请人只能通过网上申请' : '工作人员登记申请时不能选择“网上申请”渠道', '/channel');
    }
    const unit = online ? action.unit : actor.unit!;
    if (!isUnitRef(unit)) return refuse('invalid_input', '请选择受理单位', '/unit');
    if (!mayAcceptDirectly(unit.unitKind)) return refuse('unit_kind', ROOM_NO_APPLICANTS);
    if (action.channel === 'village_room' && unit.unitKind !== 'village_room') {
      return refuse('invalid_input', '“村室申请”渠道只用于村便民服务室', '/channel');
    }
    if (action.channel === 'counter' && unit.unitKind === 'village_room') {
      return refuse('invalid_input', '村便民服务室登记申请请选择“村室申请”或“代办”', '/channel');
    }
    if (action.channel === 'proxy') {
      if (unit.unitKind === 'handling_window') return refuse('invalid_input', '代办由村干部或受理部代办员登记', '/channel');
      const r = text(action.proxy?.reason, '/proxy/reason', '代办原因');
      if (r) return r;
      if (action.proxy?.consent !== true) return refuse('invalid_input', '代办须经群众本人同意（签字确认）', '/proxy/consent');
    }
    if (n.item.handlingMode === 'consultation') return refuse('rule', '咨询类事项只提供咨询服务，不能申请办理；请告知申请人办理途径');
    if (!n.item.acceptLevels.includes(unit.orgLevel)) {
      const where = n.item.acceptLevels.map((l) => ORG_LEVEL_LABELS[l]).join('、') || '（未设置）';
      return refuse('rule', `本事项不在${ORG_LEVEL_LABELS[unit.orgLevel]}受理，可受理层级：${where}`);
    }
    const below = n.item.process.flatMap((st) => st.handlers).find((h) => rank(h.level) > rank(unit.orgLevel));
    if (below) {
      return refuse('rule', `本事项有环节由${ORG_LEVEL_LABELS[below.level]}办理，${ORG_LEVEL_LABELS[unit.orgLevel]}无法向下转办，请引导申请人到${ORG_LEVEL_LABELS[below.level]}或村申请`);
    }
    n.state = 'submitted';
    n.channel = action.channel;
    n.proxy = action.channel === 'proxy' ? { reason: action.proxy!.reason.trim(), consent: true } : null;
    n.path = [structuredClone(unit)];
    n.submittedAt = action.at;
    return { channel: action.channel, unit: unit.unitId, ...(n.proxy ? { proxy: n.proxy } : {}) };
  },

  accept(n, a, actor) {
    acceptAt(n, actor, a.at);
    return { owner: actor.userId };
  },

  refuse(n, a) {
    const action = a as Extract<CaseAction, { type: 'refuse' }>;
    if (!(action.ground in REFUSAL_GROUNDS)) return refuse('invalid_input', '请选择不予受理的理由类别', '/ground');
    const r = text(action.reason, '/reason', '不予受理的理由（书面告知申请人）');
    if (r) return r;
    if (action.ground === 'not_competent') {
      const t = text(action.referTo, '/referTo', '有权受理的行政机关');
      if (t) return t;
    }
    n.state = 'refused';
    n.ending = {
      kind: 'refused', reason: action.reason.trim(), ground: action.ground,
      referTo: action.ground === 'not_competent' ? action.referTo!.trim() : null, at: action.at,
    };
    return { ground: action.ground, reason: n.ending.reason, ...(n.ending.referTo ? { referTo: n.ending.referTo } : {}) };
  },

  request_materials(n, a, _actor, ctx) {
    const action = a as Extract<CaseAction, { type: 'request_materials' }>;
    if (!Array.isArray(action.missing) || action.missing.length === 0) {
      return refuse('invalid_input', '请在一份告知书中列出全部需要补齐补正的材料', '/missing');
    }
    const seen = new Set<string>();
    for (const [i, m] of action.missing.entries()) {
      const r = text(m, `/missing/${i}`, '需补齐补正的材料及要求');
      if (r) return r;
      if (seen.has(m.trim())) return refuse('invalid_input', `材料“${m.trim()}”重复列出`, `/missing/${i}`);
      seen.add(m.trim());
    }
    n.state = 'awaiting_materials';
    const late = countWorkingDays(ctx.calendar, n.submittedAt!, action.at) > MATERIALS_NOTICE_DAYS;
    n.materialsNotice = { missing: [...seen], at: action.at, late };
    return { missing: n.materialsNotice.missing, late };
  },

  supplement(n, a, actor) {
    // A late notice does not delay acceptance: the case counts as accepted when the materials arrived.
    const acceptedAt = n.materialsNotice!.late ? n.submittedAt! : a.at;
    acceptAt(n, actor, acceptedAt);
    return { owner: actor.userId, acceptedAt };
  },

  transfer(n, a) {
    const action = a as Extract<CaseAction, { type: 'transfer' }>;
    if (!isUnitRef(action.to)) return refuse('invalid_input', '请选择接收单位', '/to');
    const r = transferRefusal(n, holder(n)!, action.to);
    if (r) return r;
    n.state = 'in_transfer';
    n.transfer = { to: structuredClone(action.to), at: action.at };
    return { from: holder(n)!.unitId, to: action.to.unitId };
  },

  receive(n) {
    const to = n.transfer!.to;
    n.transfer = null;
    n.path.push(to);
    arrive(n);
    return { from: n.path[n.path.length - 2]!.unitId, to: to.unitId };
  },

  complete_stage(n, a, actor) {
    const action = a as Extract<CaseAction, { type: 'complete_stage' }>;
    const { handlers } = completeStageActor(n, actor);
    const stage = currentStage(n)!;
    let handler = handlers[0]!;
    if (action.handler !== undefined) {
      if (!Number.isInteger(action.handler) || action.handler < 0 || action.handler >= stage.handlers.length) {
        return refuse('invalid_input', '承办部门序号无效', '/handler');
      }
      if (!handlers.includes(action.handler)) {
        return refuse('wrong_unit', `您所在单位不能代替${stage.handlers[action.handler]!.department}完成本环节`, '/handler');
      }
      handler = action.handler;
    }
    n.finishedHandlers.push(handler);
    const data: Record<string, unknown> = { stage: n.stageIndex, handler, department: stage.handlers[handler]!.department };
    if (n.finishedHandlers.length < stage.handlers.length) return { ...data, stageComplete: false };
    closeStage(n, a.at);
    n.stageIndex += 1;
    n.finishedHandlers = [];
    const next = currentStage(n);
    if (!next) return { ...data, stageComplete: true, next: null };
    startStage(n, a.at);
    if (handlesStage(holder(n)!, next)) return { ...data, stageComplete: true, next: n.stageIndex };
    const back = handBack(n);
    return { ...data, stageComplete: true, next: n.stageIndex, handedBackTo: holder(n)!.unitId, via: back.map((u) => u.unitId) };
  },

  return(n, a) {
    const action = a as Extract<CaseAction, { type: 'return' }>;
    const r = text(action.reason, '/reason', '退回理由');
    if (r) return r;
    const from = n.state === 'in_transfer' ? n.transfer!.to : n.path.pop()!;
    n.transfer = null;
    arrive(n);
    return { from: from.unitId, to: holder(n)!.unitId, reason: action.reason.trim() };
  },

  suspend(n, a) {
    const action = a as Extract<CaseAction, { type: 'suspend' }>;
    if (!(action.procedure in SPECIAL_PROCEDURES)) return refuse('invalid_input', '请选择特别程序的种类', '/procedure');
    const r = text(action.reason, '/reason', '启动特别程序的理由') ?? positiveInt(action.expectedDays, MAX_EXPECTED_DAYS, '/expectedDays', '特别程序预计所需工作日');
    if (r) return r;
    n.state = 'suspended';
    const stageIndex = currentStage(n) ? n.stageIndex : null;
    n.suspension = { procedure: action.procedure, reason: action.reason.trim(), expectedDays: action.expectedDays, since: action.at };
    n.clock.pauses.push({ from: action.at, to: null, stageIndex, expectedDays: action.expectedDays });
    return { procedure: action.procedure, reason: n.suspension.reason, expectedDays: action.expectedDays };
  },

  resume(n, a) {
    const since = n.suspension!.since;
    closePause(n, a.at);
    n.state = 'handling';
    return { since };
  },

  extend(n, a) {
    const action = a as Extract<CaseAction, { type: 'extend' }>;
    const max = n.item.caseType === 'joint' ? MAX_EXTENSION_DAYS.joint : MAX_EXTENSION_DAYS.default;
    const r = positiveInt(action.days, max, '/days', '延长的工作日') ?? text(action.reason, '/reason', '延期理由（告知申请人）');
    if (r) return r;
    const stageIndex = currentStage(n) ? n.stageIndex : null;
    n.clock.extensions.push({ at: action.at, days: action.days, stageIndex });
    return { days: action.days, reason: action.reason.trim() };
  },

  decide(n, a, actor) {
    const action = a as Extract<CaseAction, { type: 'decide' }>;
    if (action.outcome !== 'approve' && action.outcome !== 'deny') return refuse('invalid_input', '请选择准予或不予', '/outcome');
    const stage = currentStage(n);
    if (action.outcome === 'approve' && stage) {
      return refuse('rule', `还有环节“${stage.name}”未办完，不能作出准予决定`);
    }
    if (action.outcome === 'deny') {
      const r = text(action.reason, '/reason', '不予许可的理由（并告知申请复议或诉讼的权利）');
      if (r) return r;
    }
    closeStage(n, a.at);
    n.clock.stoppedAt = a.at;
    n.decision = {
      outcome: action.outcome === 'approve' ? 'approved' : 'denied',
      reason: action.outcome === 'deny' ? action.reason!.trim() : null,
      at: a.at, byUserId: actor.userId, unitId: holder(n)!.unitId,
    };
    n.state = n.path.length === 1 ? 'ready_for_delivery' : 'decided';
    return { outcome: n.decision.outcome, ...(n.decision.reason ? { reason: n.decision.reason } : {}) };
  },

  reply(n) {
    const from = n.path.pop()!;
    if (n.path.length === 1) n.state = 'ready_for_delivery';
    return { from: from.unitId, to: holder(n)!.unitId };
  },

  deliver(n, a, actor) {
    const action = a as Extract<CaseAction, { type: 'deliver' }>;
    if (!(action.method in DELIVERY_METHODS)) return refuse('invalid_input', '请选择送达方式', '/method');
    if (action.method === 'village_cadre' && holder(n)!.unitKind !== 'village_room') {
      return refuse('invalid_input', '“村干部送达”只用于村便民服务室受理的件', '/method');
    }
    if (action.trackingNo !== undefined && blank(action.trackingNo)) return refuse('invalid_input', '请填写邮件单号', '/trackingNo');
    if (!validFee(action.feeCharged)) return refuse('invalid_input', FEE_FORMAT, '/feeCharged');
    n.state = 'finished';
    n.delivery = { method: action.method, at: action.at, byUserId: actor.userId, trackingNo: action.trackingNo?.trim() ?? null };
    return {
      method: action.method,
      ...(n.delivery.trackingNo ? { trackingNo: n.delivery.trackingNo } : {}),
      ...(action.feeCharged !== undefined ? { feeCharged: action.feeCharged } : {}),
    };
  },

  withdraw(n, a) {
    const action = a as Extract<CaseAction, { type: 'withdraw' }>;
    if (action.reason !== undefined && typeof action.reason !== 'string') return refuse('invalid_input', '撤回说明应为文字', '/reason');
    const reason = action.reason?.trim() || null;
    closePause(n, a.at);
    if (n.clock.acceptedAt) {
      closeStage(n, a.at);
      n.clock.stoppedAt = a.at;
    }
    n.transfer = null;
    n.state = 'withdrawn';
    n.ending = { kind: 'withdrawn', reason, ground: null, referTo: null, at: a.at };
    return reason ? { reason } : {};
  },

  finish_immediately(n, a, actor) {
    const fee = (a as Extract<CaseAction, { type: 'finish_immediately' }>).feeCharged;
    if (!validFee(fee)) return refuse('invalid_input', FEE_FORMAT, '/feeCharged');
    n.ownerUserId = actor.userId;
    n.clock.acceptedAt = a.at;
    for (const [index, stage] of n.item.process.entries()) {
      n.clock.stages.push({ index, limitDays: stage.limitDays, startedAt: a.at, finishedAt: a.at });
    }
    n.stageIndex = n.item.process.length;
    n.clock.stoppedAt = a.at;
    n.decision = { outcome: 'approved', reason: null, at: a.at, byUserId: actor.userId, unitId: holder(n)!.unitId };
    n.delivery = { method: 'counter', at: a.at, byUserId: actor.userId, trackingNo: null };
    n.state = 'finished';
    return { owner: actor.userId, outcome: 'approved', method: 'counter', ...(fee !== undefined ? { feeCharged: fee } : {}) };
  },
};

function refreshDeadline(n: CaseSnapshot, at: string, ctx: LifecycleContext): void {
  const due = caseDue(ctx.calendar, n.clock, at);
  const stage = currentStage(n) ? stageDue(ctx.calendar, n.clock, n.stageIndex, at) : null;
  n.deadline = {
    dueAt: due?.due.toISOString() ?? null,
    stageDueAt: stage?.due.toISOString() ?? null,
    provisional: (due?.provisional ?? false) || (stage?.provisional ?? false),
  };
}

function checkMoment(s: CaseSnapshot, at: unknown): Refusal | string {
  if (typeof at !== 'string' || !/T.*(Z|[+-]\d{2}:\d{2})$/i.test(at) || Number.isNaN(Date.parse(at))) {
    return refuse('invalid_input', '操作时间无效，应为带时区的 ISO 时间', '/at');
  }
  const iso = new Date(at).toISOString();
  if (s.lastActionAt && Date.parse(iso) < Date.parse(s.lastActionAt)) {
    return refuse('invalid_input', '操作时间早于本件上一步操作的时间', '/at');
  }
  return iso;
}

/**
 * Applies one action. Never changes `snapshot`; on success returns the next snapshot (version + 1)
 * and the event to append.
 */
export function applyAction(snapshot: CaseSnapshot, action: CaseAction, actor: Actor, ctx: LifecycleContext): ActionResult {
  if (!CASE_ACTIONS.includes(action?.type)) return refuse('invalid_input', '未知的办件操作', '/type');
  const at = checkMoment(snapshot, action.at);
  if (typeof at !== 'string') return at;
  const denied = permit(snapshot, action.type, actor, at, ctx);
  if (denied) return denied;
  if (action.opinion !== undefined && typeof action.opinion !== 'string') return refuse('invalid_input', '办理意见应为文字', '/opinion');
  if (action.opinion && action.opinion.length > MAX_TEXT) return refuse('invalid_input', `办理意见不能超过 ${MAX_TEXT} 字`, '/opinion');
  if (action.attachments !== undefined && (!Array.isArray(action.attachments) || action.attachments.some(blank))) {
    return refuse('invalid_input', '附件名称不能为空', '/attachments');
  }

  const next = structuredClone(snapshot);
  const normalized = { ...action, at } as CaseAction;
  const data = PERFORM[action.type](next, normalized, actor, ctx);
  if ('ok' in data && data.ok === false) return data as Refusal;
  next.version = snapshot.version + 1;
  next.lastActionAt = at;
  refreshDeadline(next, at, ctx);
  const event: CaseEvent = {
    type: action.type,
    at,
    actorUserId: actor.userId,
    actorUnitId: actor.unit?.unitId ?? null,
    fromState: snapshot.state,
    toState: next.state,
    unitId: holder(next)?.unitId ?? null,
    version: next.version,
    stageIndex: next.stageIndex,
    opinion: action.opinion?.trim() || null,
    attachments: [...(action.attachments ?? [])],
    data: data as Record<string, unknown>,
  };
  return { ok: true, next, event };
}

/** Why `actor` cannot take `type` now (before filling in the action's fields); null if they can. */
export function whyNot(snapshot: CaseSnapshot, type: CaseActionType, actor: Actor, ctx: LifecycleContext & { now: Date | string }): Refusal | null {
  const now = typeof ctx.now === 'string' ? ctx.now : ctx.now.toISOString();
  return permit(snapshot, type, actor, now, ctx);
}

/** The actions the UI may offer this person now. */
export function allowedActions(snapshot: CaseSnapshot, actor: Actor, ctx: LifecycleContext & { now: Date | string }): CaseActionType[] {
  return CASE_ACTIONS.filter((type) => whyNot(snapshot, type, actor, ctx) === null);
}
