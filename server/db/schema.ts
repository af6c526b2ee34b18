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
}

