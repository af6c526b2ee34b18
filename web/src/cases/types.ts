// Shapes of the case API as the server sends them (server/modules/cases/presenter.ts). Shared by the
// staff app, the village room and the portal; no UI library here.
export const CASE_STATES = [
  'draft', 'submitted', 'awaiting_materials', 'accepted', 'in_transfer', 'handling', 'suspended',
  'decided', 'ready_for_delivery', 'finished', 'refused', 'withdrawn',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_ACTIONS = [
  'apply', 'accept', 'refuse', 'request_materials', 'supplement', 'transfer', 'receive', 'complete_stage',
  'return', 'suspend', 'resume', 'extend', 'decide', 'reply', 'deliver', 'withdraw', 'finish_immediately',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];
export type CaseActionOnCase = Exclude<CaseAction, 'apply'>;

export const CHANNELS = ['online', 'counter', 'village_room', 'proxy'] as const;
export type Channel = (typeof CHANNELS)[number];

export const QUEUES = ['to_accept', 'to_receive', 'to_handle', 'to_reply', 'to_deliver', 'due_soon', 'overdue', 'done', 'all'] as const;
export type Queue = (typeof QUEUES)[number];

export const REFUSAL_GROUNDS = ['no_permit_needed', 'not_competent', 'ineligible', 'not_supplemented'] as const;
export type RefusalGround = (typeof REFUSAL_GROUNDS)[number];

export const SPECIAL_PROCEDURES = [
  'hearing', 'tender', 'auction', 'inspection', 'testing', 'quarantine', 'appraisal', 'expert_review', 'site_survey', 'public_notice',
] as const;
export type SpecialProcedure = (typeof SPECIAL_PROCEDURES)[number];

export const DELIVERY_METHODS = ['counter', 'post', 'village_cadre'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

export const DEADLINE_STATUSES = ['normal', 'due_soon', 'overdue', 'paused', 'stopped'] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];

export const NOTICE_KINDS = ['acceptance', 'materials', 'refusal', 'result'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const BATCH_CASE_STATUSES = ['listed', 'sent', 'received', 'missing', 'returned', 'withdrawn', 'delivered', 'cancelled'] as const;
export type BatchCaseStatus = (typeof BATCH_CASE_STATUSES)[number];

export type UnitKind = 'acceptance_desk' | 'handling_window' | 'handling_room' | 'village_room';

export interface UnitRef {
  id: string;
  name: string;
  kind: UnitKind | '';
  kindLabel: string;
  orgId: string;
  orgName: string;
}

export interface CaseEvent {
  seq: number;
  at: string;
  action: CaseAction;
  actionLabel: string;
  fromState: CaseState;
  toState: CaseState;
  userId: string;
  userName: string;
  unitId: string | null;
  unitName: string | null;
  toUnitId: string | null;
  stageIndex: number;
  opinion: string | null;
  attachments: string[];
  data: Record<string, unknown>;
}

export interface Person {
  userId: string;
  name: string;
}

export interface Deadline {
  dueAt: string;
  provisional: boolean;
  limitDays: number;
  remainingWorkingDays: number;
  status: DeadlineStatus;
  paused: boolean;
  stopped: boolean;
}

export interface CaseStage {
  index: number;
  name: string;
  limitDays: number;
  status: 'done' | 'current' | 'pending';
  handlers: { department: string; level: string; done: boolean }[];
  startedAt: string | null;
  finishedAt: string | null;
  deadline: Deadline | null;
}

export interface AllowedAction {
  action: CaseActionOnCase;
  label: string;
  url: string;
}

export interface CaseDetail {
  id: string;
  number: string;
  lookupCode: string;
  version: number;
  state: CaseState;
  stateLabel: string;
  channel: Channel;
  channelLabel: string;
  item: {
    id: string; version: number; code: string; name: string; caseType: string; handlingMode: string;
    committedLimitDays: number; legalLimitDays: number;
  };
  applicant: { name: string; idNumber: string; phone: string | null };
  proxy: { agent: Person | null; reason: string; consent: boolean } | null;
  owner: Person | null;
  holder: Person | null;
  registeredBy: Person | null;
  acceptingUnit: UnitRef;
  currentUnit: UnitRef;
  pendingUnit: UnitRef | null;
  stageIndex: number;
  stages: CaseStage[];
  submittedAt: string;
  acceptedAt: string | null;
  dueAt: string | null;
  stageDueAt: string | null;
  decidedAt: string | null;
  finishedAt: string | null;
  deadline: Deadline | null;
  materialsNotice: { missing: string[]; at: string; late: boolean } | null;
  suspension: { procedure: SpecialProcedure; procedureLabel: string; reason: string; expectedDays: number; since: string } | null;
  decision: { outcome: 'approved' | 'denied'; reason: string | null; at: string; unitId: string } | null;
  delivery: { method: DeliveryMethod; methodLabel: string; at: string; trackingNo: string | null } | null;
  ending: { kind: 'refused' | 'withdrawn'; reason: string | null; ground: RefusalGround | null; referTo: string | null; at: string } | null;
  allowedActions: AllowedAction[];
  suggestedTransfer: UnitRef | null;
  /** The units the holder may transfer to now (checked by the server), the suggested one first; empty when no transfer. */
  transferTargets?: UnitRef[];
  notices: { kind: NoticeKind; title: string; url: string }[];
  events: CaseEvent[];
}

export interface CaseListItem {
  id: string;
  number: string;
  version: number;
  item: { id: string; code: string; name: string };
  channel: Channel;
  state: CaseState;
  stateLabel: string;
  stageIndex: number;
  applicant: { name: string; idNumber: string; phone: string | null };
  acceptingUnit: UnitRef;
  currentUnit: UnitRef;
  pendingUnit: UnitRef | null;
  ownerName: string | null;
  holderName: string | null;
  submittedAt: string;
  acceptedAt: string | null;
  dueAt: string | null;
  deadlineStatus: DeadlineStatus | null;
  decidedAt: string | null;
  finishedAt: string | null;
}

export interface CaseList {
  total: number;
  page: number;
  pageSize: number;
  items: CaseListItem[];
}

export type QueueCounts = Record<Queue, number>;

/** The answer to a write (registering or any action). */
export interface CaseWrite {
  case: {
    id: string; number: string; lookupCode?: string; state: CaseState; stateLabel: string; version: number; stageIndex: number;
    currentUnitId: string; pendingUnitId: string | null; ownerUserId: string | null; holderUserId: string | null;
    submittedAt: string; acceptedAt: string | null; dueAt: string | null; stageDueAt: string | null;
  };
  event: CaseEvent;
}

/** The fields an action may carry (server/modules/cases/routes.ts ACTION_FIELD_SCHEMAS). */
export interface ActionBody {
  version: number;
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

export interface NewCaseBody {
  itemId: string;
  unitId?: string;
  channel: 'counter' | 'village_room' | 'proxy';
  applicant: { name: string; idNumber: string; phone?: string };
  proxy?: { reason?: string; consent?: boolean };
  opinion?: string;
  attachments?: string[];
}

/** GET /api/public/cases/:number — no applicant, no staff, no opinions. */
export interface PublicProgress {
  number: string;
  item: string;
  state: CaseState;
  stateLabel: string;
  submittedAt: string;
  acceptedAt: string | null;
  dueAt: string | null;
  remainingWorkingDays: number | null;
  deadlineStatus: DeadlineStatus | null;
  currentUnit: string | null;
  finishedAt: string | null;
  stages: { name: string; status: 'done' | 'current' | 'pending'; finishedAt: string | null }[];
  progress: { at: string; step: string; unit: string | null }[];
}

/** A unit as GET /api/units lists it. */
export interface UnitRow {
  id: string;
  orgId: string;
  kind: UnitKind;
  kindLabel: string;
  name: string;
  departmentId: string | null;
  departmentCode: string | null;
  departmentName: string | null;
  headUserId: string | null;
  active: boolean;
  mayAcceptDirectly: boolean;
  mayHandle: boolean;
}
