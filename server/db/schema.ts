// Row types as every module sees them, whichever engine answered: timestamps are ISO-8601 UTC
// strings, flags are 0/1 integers, counters are numbers (normalised in ./index.ts).

export type Timestamp = string;
export type Flag = 0 | 1;

export type OrgLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export interface OrgTable {
  id: string;
  code: string;
  name: string;
  level: OrgLevel;
  parent_id: string | null;
  /** Ancestors and self as `/id/id/…/`, so a subtree is one prefix match. */
  path: string;
  address: string | null;
  phone: string | null;
  /** Free text shown to the public, e.g. 周一至周五 8:30-12:00 14:00-17:30. */
  opening_hours: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
}

export interface UserTable {
  id: string;
  username: string;
  /** NFKC + lower case: unique, so `Zhang` and `zhang` cannot both exist. */
  username_key: string;
  display_name: string;
  org_id: string;
  password_hash: string;
  password_changed_at: Timestamp;
  failed_logins: number;
  locked_until: Timestamp | null;
  disabled: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
}

export interface UserRoleTable {
  user_id: string;
  role: string;
  org_id: string;
  created_at: Timestamp;
}

export interface SessionTable {
  /** HMAC of the cookie token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  ip: string;
}

export interface RateLimitTable {
  key: string;
  window_start: Timestamp;
  hits: number;
}

export interface AuditLogTable {
  seq: number;
  at: Timestamp;
  user_id: string | null;
  username: string | null;
  org_id: string | null;
  ip: string;
  action: string;
  object_type: string;
  object_id: string | null;
  outcome: 'ok' | 'failed' | 'denied';
  request_id: string;
  /** JSON text, never a full ID or phone number. */
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface CalendarYearTable {
  year: number;
  /** The CalendarYear as JSON text. */
  data: string;
  source: 'official' | 'admin';
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface CalendarLocalChangeTable {
  org_id: string;
  /** YYYY-MM-DD, a calendar date in Asia/Shanghai. */
  date: string;
  kind: 'closed' | 'open';
  reason: string;
  created_at: Timestamp;
  created_by: string;
}

// ---- the service network ----

export interface DepartmentTable {
  id: string;
  org_id: string;
  /** A code from domain/departments.ts (or a local one); process stages name departments by it. */
  code: string;
  name: string;
  /** For a township station (站所): its county department. */
  parent_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
}

export type UnitKind = 'acceptance_desk' | 'handling_window' | 'handling_room' | 'village_room';

export interface UnitTable {
  id: string;
  org_id: string;
  kind: UnitKind;
  name: string;
  /** Null only for an acceptance desk or a village room. */
  department_id: string | null;
  head_user_id: string | null;
  active: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
}

export interface WindowTable {
  id: string;
  org_id: string;
  number: string;
  sign: string;
  a_user_id: string;
  b_user_id: string;
  active: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
}

export interface WindowUnitTable {
  window_id: string;
  unit_id: string;
}

export interface StaffProfileTable {
  user_id: string;
  staff_no: string;
  title: string | null;
  duties: string | null;
  /** File name under DATA_DIR/photos. */
  photo_file: string | null;
  on_public_board: Flag;
  updated_at: Timestamp;
  version: number;
}

export type AbsenceKind = 'leave' | 'business_trip' | 'meeting' | 'training' | 'other';

export interface AbsenceTable {
  id: string;
  user_id: string;
  kind: AbsenceKind;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string;
  created_at: Timestamp;
  created_by: string;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
}

export interface DutyRotaTable {
  org_id: string;
  /** 1 = Monday … 5 = Friday. */
  weekday: number;
  user_id: string;
  updated_at: Timestamp;
}

// ---- the service catalog ----

export interface CatalogItemTable {
  id: string;
  /** The org whose catalog this is (usually a county); code is unique within it. */
  owner_org_id: string;
  code: string;
  /** Columns below are copied from the newest version for listing and search. */
  name: string;
  short_name: string | null;
  department: string;
  item_type: string;
  handling_mode: string;
  case_type: string;
  proxy_category: string | null;
  /** Comma-separated with leading and trailing commas (`,county,township,`) so LIKE '%,x,%' matches one. */
  accept_levels: string;
  life_events: string;
  /** Name, short name, keywords and life-event labels, lower case. */
  search_text: string;
  search_pinyin: string;
  search_initials: string;
  published_version: number | null;
  latest_version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
}

export interface CatalogItemVersionTable {
  item_id: string;
  version: number;
  /** ItemElements (domain/catalog.ts) as JSON text. */
  elements: string;
  status: 'draft' | 'published' | 'retired';
  created_at: Timestamp;
  created_by: string;
  published_at: Timestamp | null;
  published_by: string | null;
}

// ---- case handling ----

export interface CaseTable {
  id: string;
  /** `<org code>-<YYYYMMDD>-<NNNN>` (domain/case-number.ts), unique. */
  number: string;
  /** 6 characters for the public progress lookup, with the number. */
  lookup_code: string;
  item_id: string;
  /** The catalog version the case was applied under; its process stays fixed at it. */
  item_version: number;
  item_code: string;
  item_name: string;
  channel: string;
  /** CaseState (domain/case-lifecycle.ts). */
  state: string;
  stage_index: number;
  /** path[0] of the snapshot: where the case was applied and accepted. */
  accepting_unit_id: string;
  accepting_org_id: string;
  accepting_org_path: string;
  /** The last unit of the snapshot's path: the unit holding the case. */
  current_unit_id: string;
  current_unit_kind: UnitKind;
  current_org_id: string;
  current_org_path: string;
  /** While in transfer: the unit it was sent to, not yet signed for. */
  pending_unit_id: string | null;
  pending_unit_kind: UnitKind | null;
  /** 首问负责人: who accepted; null before acceptance. */
  owner_user_id: string | null;
  /** The person now responsible (a window's A or B post, a room's head); null for a unit's shared queue. */
  holder_user_id: string | null;
  applicant_name: string;
  /** SM4 sealed (security/pii-crypto.ts); the plain number is never stored. */
  applicant_id_sealed: string;
  /** HMAC-SM3 blind index of the normalised ID number, for search. */
  applicant_id_index: string;
  applicant_id_masked: string;
  applicant_phone_sealed: string | null;
  applicant_phone_last4: string | null;
  applicant_phone_masked: string | null;
  /** 代办: the cadre acting for the applicant, why, and the applicant's consent. */
  proxy_agent_user_id: string | null;
  proxy_reason: string | null;
  proxy_consent: Flag | null;
  submitted_at: Timestamp;
  accepted_at: Timestamp | null;
  /** The case's due moment as of its last action (deadline.dueAt); null before acceptance. */
  due_at: Timestamp | null;
  /** When the case turns due-soon (a working-day threshold before due_at), for the work lists. */
  due_soon_at: Timestamp | null;
  stage_due_at: Timestamp | null;
  decided_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** 'approved' | 'denied' once decided. */
  decision: string | null;
  /** The whole CaseSnapshot as JSON text. */
  snapshot: string;
  /** The village batch (定期报送) it travels in; batches come with a later migration. */
  batch_id: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Equals snapshot.version; every action is `UPDATE … WHERE id = ? AND version = ?`. */
  version: number;
}

export interface CaseOrgTable {
  case_id: string;
  org_id: string;
  org_path: string;
}

export interface CaseCohandlerTable {
  case_id: string;
  /** A unit that must complete its part of the case's current (parallel) stage without holding it. */
  unit_id: string;
}

export interface CaseEventTable {
  case_id: string;
  /** The snapshot version the action produced: 1 for the application, +1 per action. */
  seq: number;
  at: Timestamp;
  action: string;
  from_state: string;
  to_state: string;
  user_id: string;
  user_name: string;
  /** The unit the person acted for (null for a manager's approval). */
  unit_id: string | null;
  unit_name: string | null;
  /** The unit holding the case after the action. */
  to_unit_id: string | null;
  stage_index: number;
  opinion: string | null;
  /** JSON array of attachment names. */
  attachments: string;
  /** JSON object: what the action carried and decided (CaseEvent.data). */
  data: string;
}

export interface CaseCounterTable {
  org_code: string;
  /** YYYYMMDD, Asia/Shanghai. */
  day: string;
  last: number;
}

export interface IdempotencyKeyTable {
  /** The user id, or 'public'. */
  principal: string;
  key: string;
  /** `METHOD /path` the key was first used on. */
  route: string;
  /** SHA-256 of the method, path and canonical JSON body. */
  body_hash: string;
  status: number;
  /** The response body exactly as first sent. */
  response: string;
  created_at: Timestamp;
}

export interface Database {
  orgs: OrgTable;
  users: UserTable;
  user_roles: UserRoleTable;
  sessions: SessionTable;
  rate_limits: RateLimitTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  calendar_years: CalendarYearTable;
  calendar_local_changes: CalendarLocalChangeTable;
  departments: DepartmentTable;
  units: UnitTable;
  windows: WindowTable;
  window_units: WindowUnitTable;
  staff_profiles: StaffProfileTable;
  absences: AbsenceTable;
  duty_rota: DutyRotaTable;
  catalog_items: CatalogItemTable;
  catalog_item_versions: CatalogItemVersionTable;
  cases: CaseTable;
  case_orgs: CaseOrgTable;
  case_cohandlers: CaseCohandlerTable;
  case_events: CaseEventTable;
  case_counters: CaseCounterTable;
  idempotency_keys: IdempotencyKeyTable;
  batches: BatchTable;
  batch_cases: BatchCaseTable;
  batch_counters: BatchCounterTable;
  // ---- supervision and notifications (0006) ----
  supervision_rules: SupervisionRuleTable;
  case_watch: CaseWatchTable;
  signals: SignalTable;
  signal_steps: SignalStepTable;
  notifications: NotificationTable;
  notification_outbox: NotificationOutboxTable;
  notification_contacts: NotificationContactTable;
  // ---- statistics (0007) ----
  stat_day: StatDayTable;
  stat_month: StatMonthTable;
  stat_month_unit: StatMonthUnitTable;
  stat_rollup_days: StatRollupDayTable;
  stat_rollup_months: StatRollupMonthTable;
}

// ---- village batches (定期报送) ----

/** outgoing = 报送 (village room → township desk); return = 回送 (township desk → village room). */
export type BatchKind = 'outgoing' | 'return';
export type BatchState = 'draft' | 'sent' | 'checked' | 'cancelled';
export type BatchCaseStatus = 'listed' | 'sent' | 'received' | 'missing' | 'returned' | 'withdrawn' | 'delivered' | 'cancelled';

export interface BatchTable {
  id: string;
  /** `<sender org code>-<PS|HS>-<YYYYMMDD>-<NN>`, e.g. 341125101001-PS-20261125-01. */
  number: string;
  kind: BatchKind;
  state: BatchState;
  village_org_id: string;
  village_org_path: string;
  village_unit_id: string;
  township_org_id: string;
  /** The township's acceptance desk (咨询受理部). */
  desk_unit_id: string;
  case_count: number;
  materials_count: number;
  note: string | null;
  created_at: Timestamp;
  created_by: string;
  sent_at: Timestamp | null;
  sent_by: string | null;
  /** When the receiver checked the batch against its manifest (missing cases flagged then). */
  checked_at: Timestamp | null;
  checked_by: string | null;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
  updated_at: Timestamp;
  version: number;
}

export interface BatchCaseTable {
  batch_id: string;
  case_id: string;
  /** 0-based order on the manifest. */
  position: number;
  case_number: string;
  /** JSON array of the material names that travel with the case. */
  materials: string;
  materials_count: number;
  status: BatchCaseStatus;
  /** The case version right after the batch's own action on it (transfer or reply). */
  sent_version: number | null;
  signed_at: Timestamp | null;
  signed_by: string | null;
  /** Flagged missing at the check (a supervision signal later); kept when found and signed afterwards. */
  flagged_at: Timestamp | null;
  flagged_by: string | null;
  delivered_at: Timestamp | null;
  delivered_by: string | null;
}

export interface BatchCounterTable {
  org_code: string;
  kind: BatchKind;
  /** YYYYMMDD, Asia/Shanghai. */
  day: string;
  last: number;
}

// ---- statistics (0007): the case summary the reports read (docs/statistics.md) ----

/** Counts of one key over one period; every figure is dated by a moment set once on the case. */
export interface StatMeasures {
  /** Accepted in the period (by accepted_at). */
  accepted: number;
  /** Finished (办结, delivered) in the period (by finished_at), whenever accepted. */
  finished: number;
  /** Of those, decided (or finished at once) at or before the committed due moment. */
  finished_on_time: number;
  /** Sum over those of the working days from acceptance to finish (accepting org's calendar). */
  working_days: number;
  /** Not accepted (不予受理) in the period. */
  refused: number;
  /** Finished in the period with a denial (不予许可); also counted in finished. */
  denied: number;
  /** Withdrawn in the period. */
  withdrawn: number;
}

export interface StatKey {
  org_id: string;
  org_path: string;
  unit_id: string;
  item_id: string;
  channel: string;
}

export interface StatDayTable extends StatKey, StatMeasures {
  /** YYYY-MM-DD, Asia/Shanghai. */
  day: string;
}

export interface StatMonthTable extends StatKey, StatMeasures {
  /** YYYY-MM, Asia/Shanghai. */
  month: string;
}

export interface StatMonthUnitTable extends Omit<StatKey, 'item_id'>, StatMeasures {
  month: string;
}

export interface StatRollupDayTable {
  day: string;
  /** When the rollup began reading the cases for this day. */
  rolled_at: Timestamp;
  /** 1 when rolled_at is after the day's end plus the settling margin: the day's rows are final. */
  final: Flag;
  checksum: string;
  rows: number;
}

export interface StatRollupMonthTable {
  month: string;
  built_at: Timestamp;
  /** Checksum of the month's day checksums the month rows were built from. */
  source: string;
}

// ---- supervision and notifications (0006) ----

export interface SupervisionRuleTable {
  /** The region (org subtree) the rules apply to; the nearest org up a case's path wins. */
  org_id: string;
  org_path: string;
  version: number;
  /** 'default' | 'chengdu' | 'zhanjiang' | 'custom'. */
  preset: string;
  /** RuleConfig (domain/supervision.ts) as JSON text. */
  config: string;
  created_at: Timestamp;
  created_by: string;
}

export interface CaseWatchTable {
  case_id: string;
  /** The next moment something may fall due on this open case; the sweep reads `next_at <= now`. */
  next_at: Timestamp;
}

export interface SignalTable {
  id: string;
  case_id: string;
  case_number: string;
  item_name: string;
  /** -1 for the whole case. */
  stage_index: number;
  stage_name: string | null;
  /** SignalRule (domain/supervision.ts). */
  rule: string;
  /** 'warning' | 'yellow' | 'red'. */
  level: string;
  /** The org whose rules raised it (null: the built-in default) and their version. */
  rule_org_id: string | null;
  rule_version: number;
  /** 依据: the facts in one Chinese sentence. */
  basis: string;
  deadline_at: Timestamp | null;
  /** The responsible unit: where the case was when the signal was raised. */
  unit_id: string;
  unit_name: string;
  org_id: string;
  org_path: string;
  /** The holder (a window's A post, or B while A is absent; a room's head); null for a shared queue. */
  responsible_user_id: string | null;
  /** The unit's head, or the nearest center manager up the tree. */
  head_user_id: string | null;
  raised_at: Timestamp;
  /** By when the unit must answer (explain or rectify). */
  feedback_due_at: Timestamp;
  /** SignalStatus (domain/supervision.ts). */
  status: string;
  appealed: Flag;
  closed_at: Timestamp | null;
  updated_at: Timestamp;
  version: number;
}

export interface SignalStepTable {
  signal_id: string;
  seq: number;
  at: Timestamp;
  /** 'raise' or a SignalStep. */
  step: string;
  from_status: string | null;
  to_status: string;
  /** null for the system (the sweep or a case write). */
  user_id: string | null;
  user_name: string;
  text: string | null;
}

export interface NotificationTable {
  id: string;
  user_id: string;
  signal_id: string | null;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface NotificationOutboxTable {
  id: string;
  signal_id: string;
  /** 'webhook' | 'smtp'. */
  channel: string;
  recipient_user_id: string;
  /** The message as JSON text; addresses are looked up (and unsealed) only when sending. */
  payload: string;
  attempts: number;
  next_attempt_at: Timestamp;
  /** A sender holds the row until then; after it another may try. */
  claimed_until: Timestamp | null;
  sent_at: Timestamp | null;
  /** Given up after the last attempt. */
  failed_at: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
}

export interface NotificationContactTable {
  user_id: string;
  /** 'smtp' (e-mail address) | 'webhook' (mobile number for the SMS gateway). */
  channel: string;
  address_sealed: string;
  address_masked: string;
  updated_at: Timestamp;
}
