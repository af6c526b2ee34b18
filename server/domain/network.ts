// The service network's rules (三级便民服务网络): which unit may accept, handle and receive transfers,
// which unit kind may stand at which org level, who serves a window now (A岗/B岗), and the checks on
// absences, duty rotas and moves in the org tree. Pure functions over plain data; no I/O.
import type { AbsenceKind, OrgLevel, UnitKind } from '../db/schema.ts';
import { canBeChildOf, ORG_LEVEL_LABELS } from './org-tree.ts';

/** A refusal with the field it concerns; the same shape as errors.ts FieldError. */
export interface NetworkIssue {
  pointer: string;
  code: string;
  detail: string;
}

// ---- unit kinds ----

export const UNIT_KINDS: readonly UnitKind[] = ['acceptance_desk', 'handling_window', 'handling_room', 'village_room'];

export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  acceptance_desk: '咨询受理部',
  handling_window: '办理窗口',
  handling_room: '办理室',
  village_room: '村便民服务室',
};

export function isUnitKind(value: string): value is UnitKind {
  return (UNIT_KINDS as readonly string[]).includes(value);
}

/**
 * May an applicant walk up to this unit and apply? The desk, a window and a village room take
 * applications; a handling room must refuse a direct applicant (seed rule 3).
 */
export function mayAcceptDirectly(kind: UnitKind): boolean {
  return kind !== 'handling_room';
}

/** May this unit handle (承办) a case? Desks and village rooms accept only; they never handle (rule 1). */
export function mayHandle(kind: UnitKind): boolean {
  return kind === 'handling_window' || kind === 'handling_room';
}

/**
 * May a unit of `fromKind` in org `fromOrgId` transfer (转办) a case to a unit of `targetKind` in
 * `targetOrgId`?
 * - handling room: only from the acceptance desk of its own org (rule 3);
 * - handling window: from its own org's desk, or from any unit on the case's route (a village room
 *   or a lower center forwarding up, another window passing the case on) (rule 2);
 * - acceptance desk: cases forwarded from another org (a village room sends to its township, a
 *   township sends up to the county: rule 4), never from inside its own org, where it is the sender;
 * - village room: never; finished cases come back to it as replies, not transfers.
 */
export function mayReceiveTransferFrom(targetKind: UnitKind, targetOrgId: string, fromKind: UnitKind, fromOrgId: string): boolean {
  switch (targetKind) {
    case 'handling_room':
      return fromKind === 'acceptance_desk' && fromOrgId === targetOrgId;
    case 'handling_window':
      return true;
    case 'acceptance_desk':
      return fromOrgId !== targetOrgId;
    case 'village_room':
      return false;
  }
}

/** Village orgs hold only a village room, and a village room stands only in a village; the rest stand in a center. */
export function unitKindAllowedAt(kind: UnitKind, level: OrgLevel): boolean {
  if (kind === 'village_room') return level === 'village';
  return level !== 'village';
}

/** Windows and handling rooms belong to a department; the desk and a village room serve every department. */
export function unitNeedsDepartment(kind: UnitKind): boolean {
  return kind === 'handling_window' || kind === 'handling_room';
}

/** Kinds a window (counter) may serve: the desk's counters and the department windows in the hall. */
export function windowMayServe(kind: UnitKind): boolean {
  return kind === 'acceptance_desk' || kind === 'handling_window';
}

export interface UnitPlacement {
  kind: UnitKind;
  orgId: string;
  orgLevel: OrgLevel;
  /** The org of the department named, or null when none was named. */
  departmentOrgId: string | null;
}

/** Checks a unit's kind against its org's level and its department; [] when it may stand there. */
export function unitPlacementIssues(u: UnitPlacement): NetworkIssue[] {
  const issues: NetworkIssue[] = [];
  const label = UNIT_KIND_LABELS[u.kind];
  if (!unitKindAllowedAt(u.kind, u.orgLevel)) {
    const detail = u.orgLevel === 'village'
      ? `村（社区）只能设村便民服务室，不能设${label}`
      : `${label}只能设在村（社区），不能设在${ORG_LEVEL_LABELS[u.orgLevel]}级机构`;
    issues.push({ pointer: '#/kind', code: 'KIND_NOT_ALLOWED_AT_LEVEL', detail });
  }
  if (unitNeedsDepartment(u.kind)) {
    if (u.departmentOrgId === null) {
      issues.push({ pointer: '#/departmentId', code: 'DEPARTMENT_REQUIRED', detail: `${label}必须属于一个部门，请选择部门` });
    } else if (u.departmentOrgId !== u.orgId) {
      issues.push({ pointer: '#/departmentId', code: 'DEPARTMENT_OTHER_ORG', detail: '所选部门不属于该机构，请选择本机构的部门（站所）' });
    }
  } else if (u.departmentOrgId !== null) {
    issues.push({ pointer: '#/departmentId', code: 'DEPARTMENT_NOT_ALLOWED', detail: `${label}面向所有部门受理，不能指定部门` });
  }
  return issues;
}

// ---- windows and their A/B posts ----

export interface WindowPosts {
  aUserId: string;
  bUserId: string;
}

export interface AbsenceSpan {
  userId: string;
  /** ISO-8601 moments. */
  startsAt: string;
  endsAt: string;
  cancelledAt: string | null;
}

export type ServingPost = { post: 'A' | 'B'; userId: string } | { post: 'closed'; userId: null };

const ms = (at: Date | string): number => (typeof at === 'string' ? Date.parse(at) : at.getTime());

/** An absence covers `at` when starts_at <= at < ends_at and it was not cancelled. */
export function absenceCovers(a: AbsenceSpan, at: Date | string): boolean {
  const t = ms(at);
  return a.cancelledAt === null && ms(a.startsAt) <= t && t < ms(a.endsAt);
}

export function isAbsentAt(absences: readonly AbsenceSpan[], userId: string, at: Date | string): boolean {
  return absences.some((a) => a.userId === userId && absenceCovers(a, at));
}

/**
 * Who serves the window at `at`: A, or B while A is away (AB角); with both away the window is
 * closed and its work goes to the center manager's queue — nothing waits on an absent person.
 */
export function servingPost(window: WindowPosts, absences: readonly AbsenceSpan[], at: Date | string): ServingPost {
  if (!isAbsentAt(absences, window.aUserId, at)) return { post: 'A', userId: window.aUserId };
  if (!isAbsentAt(absences, window.bUserId, at)) return { post: 'B', userId: window.bUserId };
  return { post: 'closed', userId: null };
}

export interface StaffFacts {
  orgId: string;
  disabled: boolean;
}

/**
 * A window needs two different people on its posts, both staff of the window's org.
 * `staff` holds what is known of the users named (absent from it: no such user).
 */
export function windowPostIssues(
  w: { orgId: string; aUserId?: string | null; bUserId?: string | null },
  staff: ReadonlyMap<string, StaffFacts>,
): NetworkIssue[] {
  const issues: NetworkIssue[] = [];
  for (const [post, id] of [['A', w.aUserId], ['B', w.bUserId]] as const) {
    const pointer = `#/${post.toLowerCase()}UserId`;
    if (!id) {
      issues.push({ pointer, code: 'POST_REQUIRED', detail: `窗口必须设${post}岗人员：A岗办理，A岗不在时由B岗顶岗` });
      continue;
    }
    const s = staff.get(id);
    if (!s || s.orgId !== w.orgId) {
      issues.push({ pointer, code: 'NOT_STAFF_OF_ORG', detail: `${post}岗人员不存在或不是本机构的工作人员` });
    } else if (s.disabled) {
      issues.push({ pointer, code: 'STAFF_DISABLED', detail: `${post}岗人员的账号已停用，请另选人员` });
    }
  }
  if (w.aUserId && w.aUserId === w.bUserId) {
    issues.push({ pointer: '#/bUserId', code: 'SAME_PERSON', detail: 'A岗和B岗不能是同一人，否则A岗不在时无人顶岗' });
  }
  return issues;
}

export interface UnitFacts {
  orgId: string;
  kind: UnitKind;
  active: boolean;
}

/** A window serves at least one active desk or handling-window unit of its own org. */
export function windowUnitIssues(orgId: string, unitIds: readonly string[], units: ReadonlyMap<string, UnitFacts>): NetworkIssue[] {
  if (unitIds.length === 0) {
    return [{ pointer: '#/unitIds', code: 'UNITS_REQUIRED', detail: '窗口至少要承担一个受理或办理单位' }];
  }
  const issues: NetworkIssue[] = [];
  unitIds.forEach((id, i) => {
    const pointer = `#/unitIds/${i}`;
    const u = units.get(id);
    if (unitIds.indexOf(id) !== i) {
      issues.push({ pointer, code: 'DUPLICATE', detail: '同一单位重复出现' });
    } else if (!u || u.orgId !== orgId) {
      issues.push({ pointer, code: 'UNIT_NOT_FOUND', detail: '单位不存在或不属于该机构' });
    } else if (!windowMayServe(u.kind)) {
      issues.push({ pointer, code: 'UNIT_KIND', detail: `窗口只能承担咨询受理部或办理窗口，不能承担${UNIT_KIND_LABELS[u.kind]}` });
    } else if (!u.active) {
      issues.push({ pointer, code: 'UNIT_INACTIVE', detail: '该单位已停用' });
    }
  });
  return issues;
}

// ---- absences ----

export const ABSENCE_KINDS: readonly AbsenceKind[] = ['leave', 'business_trip', 'meeting', 'training', 'other'];

export const ABSENCE_KIND_LABELS: Record<AbsenceKind, string> = {
  leave: '请假', business_trip: '出差', meeting: '开会', training: '培训', other: '其他',
};

/** An ISO-8601 date-time with an explicit offset, e.g. 2026-03-02T08:30:00+08:00. */
const MOMENT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

export function isMoment(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = MOMENT.exec(value);
  if (!m || Number.isNaN(Date.parse(value))) return false;
  // Date.parse rolls 2026-02-30 over to March; a real date survives the round trip.
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

export function absenceIssues(a: { kind: string; startsAt: string; endsAt: string; reason?: string | null }): NetworkIssue[] {
  const issues: NetworkIssue[] = [];
  if (!(ABSENCE_KINDS as readonly string[]).includes(a.kind)) {
    issues.push({ pointer: '#/kind', code: 'NOT_ALLOWED', detail: `不在岗类型无效，可选：${ABSENCE_KINDS.map((k) => `${k}（${ABSENCE_KIND_LABELS[k]}）`).join('、')}` });
  }
  const startOk = isMoment(a.startsAt);
  const endOk = isMoment(a.endsAt);
  const format = '应为带时区的时间，如 2026-03-02T08:30:00+08:00';
  if (!startOk) issues.push({ pointer: '#/startsAt', code: 'FORMAT', detail: `开始时间${format}` });
  if (!endOk) issues.push({ pointer: '#/endsAt', code: 'FORMAT', detail: `结束时间${format}` });
  if (startOk && endOk && Date.parse(a.endsAt) <= Date.parse(a.startsAt)) {
    issues.push({ pointer: '#/endsAt', code: 'ENDS_BEFORE_START', detail: '结束时间必须晚于开始时间' });
  }
  if (!a.reason?.trim()) {
    issues.push({ pointer: '#/reason', code: 'REQUIRED', detail: '请填写不在岗事由，如“参加县民政局低保业务培训”' });
  }
  return issues;
}

// ---- the village duty rota (Mon–Fri) ----

export const WEEKDAY_LABELS: Record<number, string> = { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' };

/** A duty rota is kept in village orgs only: the village room's cadres take turns Mon–Fri. */
export function rotaAllowedAt(level: OrgLevel): boolean {
  return level === 'village';
}

/** Each weekday 1..5 at most once, each cadre a member of that village org (`members`). */
export function dutyRotaIssues(days: readonly { weekday: number; userId: string }[], members: ReadonlySet<string>): NetworkIssue[] {
  const issues: NetworkIssue[] = [];
  const seen = new Set<number>();
  days.forEach((d, i) => {
    if (!Number.isInteger(d.weekday) || d.weekday < 1 || d.weekday > 5) {
      issues.push({ pointer: `#/days/${i}/weekday`, code: 'WEEKDAY', detail: '值班日应为 1（周一）至 5（周五）' });
    } else if (seen.has(d.weekday)) {
      issues.push({ pointer: `#/days/${i}/weekday`, code: 'DUPLICATE', detail: `${WEEKDAY_LABELS[d.weekday]}重复安排` });
    } else {
      seen.add(d.weekday);
    }
    if (!members.has(d.userId)) {
      issues.push({ pointer: `#/days/${i}/userId`, code: 'NOT_MEMBER', detail: '值班人员不存在或不是本村（社区）的村干部' });
    }
  });
  return issues;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** 1 = Monday … 7 = Sunday, in Asia/Shanghai (no daylight saving). */
export function shanghaiWeekday(at: Date | string): number {
  const day = new Date(ms(at) + SHANGHAI_OFFSET_MS).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Who is on duty at `at` by the rota, or null on a weekend or an empty day. */
export function onDuty(rota: readonly { weekday: number; userId: string }[], at: Date | string): string | null {
  const weekday = shanghaiWeekday(at);
  return rota.find((r) => r.weekday === weekday)?.userId ?? null;
}

// ---- moving an org in the tree ----

export interface TreeNode {
  id: string;
  level: OrgLevel;
  /** `/id/…/id/` ancestors and self. */
  path: string;
}

/** Refuses a move under the org itself or one of its descendants (a cycle), and a parent not above it. */
export function orgMoveIssues(org: TreeNode, newParent: TreeNode): NetworkIssue[] {
  if (newParent.path.startsWith(org.path)) {
    const detail = newParent.id === org.id ? '不能把机构移到它自己下面' : '不能把机构移到它自己的下级机构下面（会形成循环）';
    return [{ pointer: '#/parentId', code: 'CYCLE', detail }];
  }
  if (!canBeChildOf(org.level, newParent.level)) {
    return [{
      pointer: '#/parentId', code: 'LEVEL_ORDER',
      detail: `${ORG_LEVEL_LABELS[newParent.level]}级机构下不能设立${ORG_LEVEL_LABELS[org.level]}级机构，上级机构的层级必须高于本机构`,
    }];
  }
  return [];
}

/** The path of `path` (the moved org or one below it) once the org at `oldOrgPath` lives at `newOrgPath`. */
export function rebasePath(path: string, oldOrgPath: string, newOrgPath: string): string {
  if (!path.startsWith(oldOrgPath)) throw new RangeError(`${path} is not inside ${oldOrgPath}`);
  return newOrgPath + path.slice(oldOrgPath.length);
}

/** Is the org at `ancestorPath` strictly above the one at `path`? */
export function isStrictAncestor(ancestorPath: string, path: string): boolean {
  return path !== ancestorPath && path.startsWith(ancestorPath);
}

export interface DepartmentAt {
  id: string;
  code: string;
  /** The path of the department's org. */
  orgPath: string;
}

/**
 * After a move, where a station's (站所) link to its county department should point: unchanged while
 * that department's org is still above the station; otherwise the department with the same code
 * (the old parent's, or the station's own when it had none) in the nearest org now above it, or none.
 * Paths are the ones after the move.
 */
export function stationParentAfterMove(
  station: { code: string; orgPath: string }, parent: DepartmentAt | undefined, above: readonly DepartmentAt[],
): string | null {
  if (parent && isStrictAncestor(parent.orgPath, station.orgPath)) return parent.id;
  const code = parent?.code ?? station.code;
  const nearest = above
    .filter((d) => d.code === code && isStrictAncestor(d.orgPath, station.orgPath))
    .sort((a, b) => b.orgPath.length - a.orgPath.length);
  return nearest[0]?.id ?? null;
}

/** Each ancestor of an org as `{ id, path }`, root first, read off its path. */
export function ancestorsOf(path: string): { id: string; path: string }[] {
  const ids = path.split('/').filter(Boolean);
  return ids.slice(0, -1).map((id, i) => ({ id, path: `/${ids.slice(0, i + 1).join('/')}/` }));
}
