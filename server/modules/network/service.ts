// Use cases of the service network: set up departments (站所), units, windows with their A/B posts,
// staff badges and photos, absences and the village duty rota; and the look-ups case handling needs
// (who holds a window now, which unit handles a department's cases, where the desk is). Reading needs
// `orgs.read` over the record's org, changing needs `network.manage`; every change is audited in its
// own transaction, and records of orgs out of scope answer 404 (audited as access.denied).
import { randomUUID } from 'node:crypto';
import type { Actor, AppContext, RequestMeta } from '../../context.ts';
import type {
  AbsenceKind, AbsenceTable, DepartmentTable, DutyRotaTable, OrgTable, StaffProfileTable, UnitKind, UnitTable, UserTable, WindowTable,
} from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { networkChanged } from './changes.ts';
import {
  absenceIssues, isMoment, isStrictAncestor, onDuty, rotaAllowedAt, servingPost, shanghaiWeekday, UNIT_KIND_LABELS,
  unitPlacementIssues, dutyRotaIssues, windowPostIssues, windowUnitIssues, type NetworkIssue, type ServingPost, type StaffFacts, type UnitFacts,
} from '../../domain/network.ts';
import { can, scopeOf, type Permission } from '../../domain/roles.ts';
import { Conflict, Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import * as orgs from '../orgs/repo.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import * as users from '../users/repo.ts';
import { contentTypeOf, discardPhoto, loadPhoto, PHOTO_MAX_BYTES, sniffImage, storePhoto, type PhotoType } from './photos.ts';
import * as repo from './repo.ts';

type Meta = RequestMeta & { actor: Actor };

const NOT_FOUND = {
  org: '机构不存在或不在您的管辖范围内',
  department: '部门不存在或不在您的管辖范围内',
  unit: '单位不存在或不在您的管辖范围内',
  window: '窗口不存在或不在您的管辖范围内',
  user: '人员不存在或不在您的管辖范围内',
  absence: '不在岗记录不存在或不在您的管辖范围内',
} as const;
const READ_ONLY = '您可以查看该机构的服务网络，但无权修改（需要中心主任或系统管理员）';

function invalid(errors: FieldError[]): Invalid {
  return new Invalid(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 处输入有误，请逐项修改后重新提交`, errors);
}

function failIf(issues: NetworkIssue[]): void {
  if (issues.length > 0) throw invalid(issues);
}

function stale(what: string): Conflict {
  return new Conflict(`该${what}刚被他人修改，请刷新后重试`, [{ pointer: '#/version', code: 'STALE_VERSION', detail: '版本已过期，请刷新' }]);
}

/** Trims free text; an all-blank required field is a 422 naming it. */
function required(value: string, pointer: string, label: string, issues: NetworkIssue[]): string {
  const v = value.trim();
  if (!v) issues.push({ pointer, code: 'REQUIRED', detail: `请填写${label}` });
  return v;
}

const optionalText = (value: string | null | undefined): string | null | undefined =>
  value === undefined ? undefined : value === null ? null : value.trim() || null;

// ---- scope ----

type Access = 'read' | 'manage';

/** Read rights per kind of record: badges and rotas are the org's public face; absences are personnel matters. */
function permissionFor(access: Access, readPermission: Permission = 'orgs.read'): Permission {
  return access === 'manage' ? 'network.manage' : readPermission;
}

/**
 * The org named by a request, if the actor may act on it; otherwise 403 when it may only read it,
 * 404 (audited) when it may not even see it.
 */
async function orgFor(ctx: AppContext, meta: Meta, orgId: string, access: Access, pointer?: string): Promise<OrgTable> {
  const org = await orgs.findOrg(ctx.db, orgId);
  if (org && can(meta.actor.roles, permissionFor(access), org.path)) return org;
  if (org && access === 'manage' && can(meta.actor.roles, 'orgs.read', org.path)) throw new Forbidden(READ_ONLY);
  const errors = pointer ? [{ pointer, code: 'ORG_NOT_FOUND', detail: NOT_FOUND.org }] : [];
  if (org) return denyAsNotFound(ctx, meta, 'org', org.id, NOT_FOUND.org, errors);
  throw new NotFound(NOT_FOUND.org, errors);
}

/** A record belonging to an org, checked like orgFor; its absence and refusal look the same. */
async function guard<T>(
  ctx: AppContext, meta: Meta, row: T | undefined, orgId: string | undefined,
  what: { type: keyof typeof NOT_FOUND; id: string; access: Access; readPermission?: Permission },
): Promise<{ row: T; org: OrgTable }> {
  const org = row && orgId ? await orgs.findOrg(ctx.db, orgId) : undefined;
  const permission = permissionFor(what.access, what.readPermission);
  if (row && org && can(meta.actor.roles, permission, org.path)) return { row, org };
  if (row && org && what.access === 'manage' && can(meta.actor.roles, what.readPermission ?? 'orgs.read', org.path)) {
    throw new Forbidden(READ_ONLY);
  }
  if (row) await denyAsNotFound(ctx, meta, what.type, what.id, NOT_FOUND[what.type]);
  throw new NotFound(NOT_FOUND[what.type]);
}

async function loadUser(ctx: AppContext, meta: Meta, userId: string, access: Access, readPermission: Permission = 'orgs.read') {
  const user = await users.findById(ctx.db, userId);
  const { row, org } = await guard(ctx, meta, user, user?.org_id, { type: 'user', id: userId, access, readPermission });
  return { user: row, org };
}

// ---- departments ----

export interface NewDepartment {
  orgId: string;
  code: string;
  name: string;
  parentId?: string | null;
}

/** A station's county department must sit in an org strictly above the station's org. */
async function checkParentDepartment(ctx: AppContext, org: OrgTable, parentId: string | null | undefined, issues: NetworkIssue[]) {
  if (!parentId) return;
  const parent = await repo.findDepartment(ctx.db, parentId);
  const parentOrg = parent ? await orgs.findOrg(ctx.db, parent.org_id) : undefined;
  if (!parentOrg || !isStrictAncestor(parentOrg.path, org.path)) {
    issues.push({ pointer: '#/parentId', code: 'PARENT_NOT_ABOVE', detail: '上级部门不存在，或不是上级机构（如县）的部门' });
  }
}

export async function createDepartment(ctx: AppContext, meta: Meta, input: NewDepartment): Promise<DepartmentTable> {
  const org = await orgFor(ctx, meta, input.orgId, 'manage', '#/orgId');
  const issues: NetworkIssue[] = [];
  if (org.level === 'village') issues.push({ pointer: '#/orgId', code: 'NO_DEPARTMENTS_IN_VILLAGE', detail: '村（社区）不设部门，部门设在县和乡镇（站所）' });
  const name = required(input.name, '#/name', '部门名称', issues);
  await checkParentDepartment(ctx, org, input.parentId, issues);
  failIf(issues);
  const at = ctx.now().toISOString();
  const row: DepartmentTable = {
    id: randomUUID(), org_id: org.id, code: input.code, name, parent_id: input.parentId ?? null, created_at: at, updated_at: at, version: 1,
  };
  return inTransaction(ctx.db, async (tx) => {
    if (await repo.findDepartmentByCode(tx, org.id, input.code)) {
      throw new Conflict(`${org.name}已有代码为 ${input.code} 的部门`, [{ pointer: '#/code', code: 'DUPLICATE', detail: '本机构已有该代码的部门' }]);
    }
    await repo.insertDepartment(tx, row);
    await recordAudit(ctx, tx, meta, {
      action: 'department.create', objectType: 'department', objectId: row.id,
      detail: { orgId: org.id, code: row.code, name, parentId: row.parent_id },
    });
    return row;
  });
}

export async function getDepartment(ctx: AppContext, meta: Meta, id: string): Promise<DepartmentTable> {
  const dept = await repo.findDepartment(ctx.db, id);
  return (await guard(ctx, meta, dept, dept?.org_id, { type: 'department', id, access: 'read' })).row;
}

export async function listDepartments(ctx: AppContext, meta: Meta, filter: { orgId?: string; code?: string }): Promise<DepartmentTable[]> {
  if (filter.orgId) await orgFor(ctx, meta, filter.orgId, 'read', '#/query/orgId');
  return repo.listDepartments(ctx.db, scopeOf(meta.actor.roles, 'orgs.read'), filter);
}

export async function updateDepartment(
  ctx: AppContext, meta: Meta, id: string, input: { name?: string; parentId?: string | null; version: number },
): Promise<DepartmentTable> {
  const found = await repo.findDepartment(ctx.db, id);
  const { row: dept, org } = await guard(ctx, meta, found, found?.org_id, { type: 'department', id, access: 'manage' });
  const issues: NetworkIssue[] = [];
  const changes: Partial<DepartmentTable> = {};
  if (input.name !== undefined) changes.name = required(input.name, '#/name', '部门名称', issues);
  if (input.parentId !== undefined) {
    await checkParentDepartment(ctx, org, input.parentId, issues);
    changes.parent_id = input.parentId;
  }
  failIf(issues);
  const at = ctx.now().toISOString();
  return inTransaction(ctx.db, async (tx) => {
    if (!(await repo.updateDepartment(tx, id, input.version, changes, at))) throw stale('部门');
    await recordAudit(ctx, tx, meta, {
      action: 'department.update', objectType: 'department', objectId: id,
      detail: { before: { name: dept.name, parentId: dept.parent_id }, changes },
    });
    return (await repo.findDepartment(tx, id))!;
  });
}

// ---- units ----

export interface NewUnit {
  orgId: string;
  kind: UnitKind;
  name: string;
  departmentId?: string | null;
  headUserId?: string | null;
}

/** The head of a unit is a working member of its org. */
async function checkHead(ctx: AppContext, orgId: string, headUserId: string | null | undefined, issues: NetworkIssue[]) {
  if (!headUserId) return;
  const person = (await repo.peopleByIds(ctx.db, [headUserId])).get(headUserId);
  if (!person || person.org_id !== orgId || person.disabled) {
    issues.push({ pointer: '#/headUserId', code: 'NOT_STAFF_OF_ORG', detail: '负责人不存在、已停用或不是本机构的工作人员' });
  }
}

/**
 * One active desk per center and one active room per village; one active handling unit per
 * department, so a case for a department has exactly one place to go.
 */
async function assertUnitFree(tx: Parameters<typeof repo.activeUnitsOf>[0], unit: Pick<UnitTable, 'id' | 'org_id' | 'kind' | 'department_id'>, pointer: string) {
  if (unit.kind === 'acceptance_desk' || unit.kind === 'village_room') {
    const other = (await repo.activeUnitsOf(tx, unit.org_id, [unit.kind])).find((u) => u.id !== unit.id);
    if (other) {
      const detail = `本机构已有${UNIT_KIND_LABELS[unit.kind]}“${other.name}”，每个机构只设一个`;
      throw new Conflict(detail, [{ pointer, code: 'DUPLICATE', detail }]);
    }
    return;
  }
  const other = (await repo.activeUnitsOfDepartment(tx, unit.department_id!)).find((u) => u.id !== unit.id);
  if (other) {
    const detail = `该部门在本机构已有${UNIT_KIND_LABELS[other.kind]}“${other.name}”，一个部门只设一个办理单位`;
    throw new Conflict(detail, [{ pointer: pointer === '#/kind' ? '#/departmentId' : pointer, code: 'DUPLICATE', detail }]);
  }
}

export async function createUnit(ctx: AppContext, meta: Meta, input: NewUnit): Promise<repo.UnitRow> {
  const org = await orgFor(ctx, meta, input.orgId, 'manage', '#/orgId');
  const issues: NetworkIssue[] = [];
  const name = required(input.name, '#/name', '单位名称', issues);
  const dept = input.departmentId ? await repo.findDepartment(ctx.db, input.departmentId) : undefined;
  // A department that does not exist reads as one of another org: the caller learns nothing more.
  issues.push(...unitPlacementIssues({ kind: input.kind, orgId: org.id, orgLevel: org.level, departmentOrgId: input.departmentId ? dept?.org_id ?? '' : null }));
  await checkHead(ctx, org.id, input.headUserId, issues);
  failIf(issues);
  const at = ctx.now().toISOString();
  const row: UnitTable = {
    id: randomUUID(), org_id: org.id, kind: input.kind, name, department_id: input.departmentId ?? null,
    head_user_id: input.headUserId ?? null, active: 1, created_at: at, updated_at: at, version: 1,
  };
  await inTransaction(ctx.db, async (tx) => {
    await assertUnitFree(tx, row, '#/kind');
    await repo.insertUnit(tx, row);
    await recordAudit(ctx, tx, meta, {
      action: 'unit.create', objectType: 'unit', objectId: row.id,
      detail: { orgId: org.id, kind: row.kind, name, departmentId: row.department_id, headUserId: row.head_user_id },
    });
  });
  networkChanged(ctx);
  return (await repo.findUnit(ctx.db, row.id))!;
}

export async function getUnit(ctx: AppContext, meta: Meta, id: string): Promise<repo.UnitRow> {
  const unit = await repo.findUnit(ctx.db, id);
  return (await guard(ctx, meta, unit, unit?.org_id, { type: 'unit', id, access: 'read' })).row;
}

export async function listUnits(ctx: AppContext, meta: Meta, filter: repo.UnitFilter): Promise<repo.UnitRow[]> {
  if (filter.orgId) await orgFor(ctx, meta, filter.orgId, 'read', '#/query/orgId');
  return repo.listUnits(ctx.db, scopeOf(meta.actor.roles, 'orgs.read'), filter);
}

export async function updateUnit(
  ctx: AppContext, meta: Meta, id: string, input: { name?: string; headUserId?: string | null; active?: boolean; version: number },
): Promise<repo.UnitRow> {
  const found = await repo.findUnit(ctx.db, id);
  const { row: unit } = await guard(ctx, meta, found, found?.org_id, { type: 'unit', id, access: 'manage' });
  const issues: NetworkIssue[] = [];
  const changes: Partial<UnitTable> = {};
  if (input.name !== undefined) changes.name = required(input.name, '#/name', '单位名称', issues);
  if (input.headUserId !== undefined) {
    await checkHead(ctx, unit.org_id, input.headUserId, issues);
    changes.head_user_id = input.headUserId;
  }
  if (input.active !== undefined) changes.active = input.active ? 1 : 0;
  failIf(issues);
  const at = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    if (input.active === true && unit.active === 0) await assertUnitFree(tx, unit, '#/active');
    if (!(await repo.updateUnit(tx, id, input.version, changes, at))) throw stale('单位');
    await recordAudit(ctx, tx, meta, {
      action: 'unit.update', objectType: 'unit', objectId: id,
      detail: { before: { name: unit.name, headUserId: unit.head_user_id, active: unit.active }, changes },
    });
  });
  networkChanged(ctx);
  return (await repo.findUnit(ctx.db, id))!;
}

// ---- windows ----

export interface WindowView {
  window: WindowTable;
  units: repo.UnitRow[];
  people: Map<string, repo.PersonRow>;
  serving: ServingPost;
}

const spans = (rows: AbsenceTable[]) => rows.map((a) => ({ userId: a.user_id, startsAt: a.starts_at, endsAt: a.ends_at, cancelledAt: a.cancelled_at }));

/** Who serves each window at `at`; an inactive window is closed. */
async function servingOf(ctx: AppContext, windows: WindowTable[], at: Date): Promise<Map<string, ServingPost>> {
  const absences = spans(await repo.absencesCovering(ctx.db, windows.flatMap((w) => [w.a_user_id, w.b_user_id]), at.toISOString()));
  return new Map(windows.map((w) => [
    w.id,
    w.active ? servingPost({ aUserId: w.a_user_id, bUserId: w.b_user_id }, absences, at) : { post: 'closed' as const, userId: null },
  ]));
}

async function viewsOf(ctx: AppContext, windows: WindowTable[]): Promise<WindowView[]> {
  const [units, people, serving] = await Promise.all([
    repo.unitsOfWindows(ctx.db, windows.map((w) => w.id)),
    repo.peopleByIds(ctx.db, windows.flatMap((w) => [w.a_user_id, w.b_user_id])),
    servingOf(ctx, windows, ctx.now()),
  ]);
  return windows.map((w) => ({ window: w, units: units.get(w.id) ?? [], people, serving: serving.get(w.id)! }));
}

async function windowChecks(
  ctx: AppContext, orgId: string,
  w: { aUserId?: string | null; bUserId?: string | null; unitIds?: string[] },
  check: { posts: boolean; units: boolean },
): Promise<NetworkIssue[]> {
  const issues: NetworkIssue[] = [];
  if (check.posts) {
    const people = await repo.peopleByIds(ctx.db, [w.aUserId ?? '', w.bUserId ?? '']);
    const staff = new Map<string, StaffFacts>([...people].map(([id, p]) => [id, { orgId: p.org_id, disabled: p.disabled === 1 }]));
    issues.push(...windowPostIssues({ orgId, aUserId: w.aUserId, bUserId: w.bUserId }, staff));
  }
  if (check.units) {
    const ids = w.unitIds ?? [];
    const rows = await repo.unitsByIds(ctx.db, [...new Set(ids)]);
    const units = new Map<string, UnitFacts>(rows.map((u) => [u.id, { orgId: u.org_id, kind: u.kind, active: u.active === 1 }]));
    issues.push(...windowUnitIssues(orgId, ids, units));
  }
  return issues;
}

function duplicateNumber(org: OrgTable, number: string): Conflict {
  return new Conflict(`${org.name}已有 ${number} 号窗口`, [{ pointer: '#/number', code: 'DUPLICATE', detail: '本机构已有该窗口号' }]);
}

export interface NewWindow {
  orgId: string;
  number: string;
  sign: string;
  aUserId?: string;
  bUserId?: string;
  unitIds: string[];
}

export async function createWindow(ctx: AppContext, meta: Meta, input: NewWindow): Promise<WindowView> {
  const org = await orgFor(ctx, meta, input.orgId, 'manage', '#/orgId');
  const issues: NetworkIssue[] = [];
  const number = required(input.number, '#/number', '窗口号', issues);
  const sign = required(input.sign, '#/sign', '窗口标牌（如“民政低保”）', issues);
  issues.push(...await windowChecks(ctx, org.id, input, { posts: true, units: true }));
  failIf(issues);
  const at = ctx.now().toISOString();
  const row: WindowTable = {
    id: randomUUID(), org_id: org.id, number, sign, a_user_id: input.aUserId!, b_user_id: input.bUserId!, active: 1,
    created_at: at, updated_at: at, version: 1,
  };
  await inTransaction(ctx.db, async (tx) => {
    if (await repo.findWindowByNumber(tx, org.id, number)) throw duplicateNumber(org, number);
    await repo.insertWindow(tx, row);
    await repo.replaceWindowUnits(tx, row.id, input.unitIds);
    await recordAudit(ctx, tx, meta, {
      action: 'window.create', objectType: 'window', objectId: row.id,
      detail: { orgId: org.id, number, sign, aUserId: row.a_user_id, bUserId: row.b_user_id, unitIds: input.unitIds },
    });
  });
  networkChanged(ctx);
  return (await viewsOf(ctx, [row]))[0]!;
}

export async function getWindow(ctx: AppContext, meta: Meta, id: string): Promise<WindowView> {
  const found = await repo.findWindow(ctx.db, id);
  const { row } = await guard(ctx, meta, found, found?.org_id, { type: 'window', id, access: 'read' });
  return (await viewsOf(ctx, [row]))[0]!;
}

export async function listWindows(ctx: AppContext, meta: Meta, filter: { orgId?: string; active?: boolean }): Promise<WindowView[]> {
  if (filter.orgId) await orgFor(ctx, meta, filter.orgId, 'read', '#/query/orgId');
  return viewsOf(ctx, await repo.listWindows(ctx.db, scopeOf(meta.actor.roles, 'orgs.read'), filter));
}

export interface WindowChanges {
  number?: string;
  sign?: string;
  aUserId?: string;
  bUserId?: string;
  unitIds?: string[];
  active?: boolean;
  version: number;
}

export async function updateWindow(ctx: AppContext, meta: Meta, id: string, input: WindowChanges): Promise<WindowView> {
  const found = await repo.findWindow(ctx.db, id);
  const { row: win, org } = await guard(ctx, meta, found, found?.org_id, { type: 'window', id, access: 'manage' });
  const issues: NetworkIssue[] = [];
  const changes: Partial<WindowTable> = {};
  if (input.number !== undefined) changes.number = required(input.number, '#/number', '窗口号', issues);
  if (input.sign !== undefined) changes.sign = required(input.sign, '#/sign', '窗口标牌', issues);
  if (input.aUserId !== undefined) changes.a_user_id = input.aUserId;
  if (input.bUserId !== undefined) changes.b_user_id = input.bUserId;
  if (input.active !== undefined) changes.active = input.active ? 1 : 0;
  const postsChanged = input.aUserId !== undefined || input.bUserId !== undefined;
  issues.push(...await windowChecks(ctx, win.org_id, {
    aUserId: input.aUserId ?? win.a_user_id, bUserId: input.bUserId ?? win.b_user_id, unitIds: input.unitIds,
  }, { posts: postsChanged, units: input.unitIds !== undefined }));
  failIf(issues);
  const at = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    if (changes.number !== undefined && changes.number !== win.number) {
      const taken = await repo.findWindowByNumber(tx, win.org_id, changes.number);
      if (taken && taken.id !== id) throw duplicateNumber(org, changes.number);
    }
    if (!(await repo.updateWindow(tx, id, input.version, changes, at))) throw stale('窗口');
    if (input.unitIds !== undefined) await repo.replaceWindowUnits(tx, id, input.unitIds);
    await recordAudit(ctx, tx, meta, {
      action: 'window.update', objectType: 'window', objectId: id,
      detail: {
        before: { number: win.number, sign: win.sign, aUserId: win.a_user_id, bUserId: win.b_user_id, active: win.active },
        changes: { ...changes, ...(input.unitIds ? { unitIds: input.unitIds } : {}) },
      },
    });
  });
  networkChanged(ctx);
  return (await viewsOf(ctx, [(await repo.findWindow(ctx.db, id))!]))[0]!;
}

// ---- absences ----

export interface NewAbsence {
  userId: string;
  kind: AbsenceKind;
  startsAt: string;
  endsAt: string;
  reason: string;
}

/** A center manager marks a member of staff away; their windows pass to the other post for that time. */
export async function createAbsence(ctx: AppContext, meta: Meta, input: NewAbsence): Promise<AbsenceTable> {
  const user = await users.findById(ctx.db, input.userId);
  await guard(ctx, meta, user, user?.org_id, { type: 'user', id: input.userId, access: 'manage', readPermission: 'users.read' });
  failIf(absenceIssues(input));
  const at = ctx.now().toISOString();
  const row: AbsenceTable = {
    id: randomUUID(), user_id: input.userId, kind: input.kind,
    starts_at: new Date(input.startsAt).toISOString(), ends_at: new Date(input.endsAt).toISOString(),
    reason: input.reason.trim(), created_at: at, created_by: meta.actor.userId, cancelled_at: null, cancelled_by: null,
  };
  return inTransaction(ctx.db, async (tx) => {
    await repo.insertAbsence(tx, row);
    await recordAudit(ctx, tx, meta, {
      action: 'absence.create', objectType: 'absence', objectId: row.id,
      detail: { userId: row.user_id, kind: row.kind, startsAt: row.starts_at, endsAt: row.ends_at },
    });
    return row;
  });
}

export async function cancelAbsence(ctx: AppContext, meta: Meta, id: string): Promise<AbsenceTable> {
  const absence = await repo.findAbsence(ctx.db, id);
  const user = absence ? await users.findById(ctx.db, absence.user_id) : undefined;
  await guard(ctx, meta, absence, user?.org_id, { type: 'absence', id, access: 'manage', readPermission: 'users.read' });
  const at = ctx.now().toISOString();
  return inTransaction(ctx.db, async (tx) => {
    if (!(await repo.cancelAbsence(tx, id, at, meta.actor.userId))) {
      throw new Conflict('该不在岗记录已撤销', [{ pointer: '#/params/id', code: 'ALREADY_CANCELLED', detail: '该记录已撤销' }]);
    }
    await recordAudit(ctx, tx, meta, { action: 'absence.cancel', objectType: 'absence', objectId: id, detail: { userId: absence!.user_id } });
    return (await repo.findAbsence(tx, id))!;
  });
}

export interface AbsenceQuery {
  userId?: string;
  orgId?: string;
  from?: string;
  to?: string;
  includeCancelled?: boolean;
}

/** Absences are personnel matters: listing them needs `users.read` over the person's org. */
export async function listAbsences(ctx: AppContext, meta: Meta, q: AbsenceQuery) {
  const issues: NetworkIssue[] = [];
  for (const key of ['from', 'to'] as const) {
    if (q[key] !== undefined && !isMoment(q[key])) {
      issues.push({ pointer: `#/query/${key}`, code: 'FORMAT', detail: '应为带时区的时间，如 2026-03-02T08:30:00+08:00' });
    }
  }
  failIf(issues);
  if (q.userId) await loadUser(ctx, meta, q.userId, 'read', 'users.read');
  if (q.orgId) {
    const org = await orgs.findOrg(ctx.db, q.orgId);
    await guard(ctx, meta, org, org?.id, { type: 'org', id: q.orgId, access: 'read', readPermission: 'users.read' });
  }
  return repo.listAbsences(ctx.db, scopeOf(meta.actor.roles, 'users.read'), {
    userId: q.userId, orgId: q.orgId,
    from: q.from && new Date(q.from).toISOString(), to: q.to && new Date(q.to).toISOString(),
    includeCancelled: q.includeCancelled ?? false,
  });
}

// ---- staff badges (挂牌上岗) ----

export interface BadgeView {
  user: UserTable;
  profile: StaffProfileTable;
  windows: { window: WindowTable; post: 'A' | 'B' }[];
}

async function badgeOf(ctx: AppContext, user: UserTable, profile: StaffProfileTable): Promise<BadgeView> {
  const windows = (await repo.windowsOfUser(ctx.db, user.id)).map((w) => ({ window: w, post: w.a_user_id === user.id ? 'A' as const : 'B' as const }));
  return { user, profile, windows };
}

function noProfile(): NotFound {
  return new NotFound('该人员尚未建立工作牌（工号、职务、职责）', [{ pointer: '#/params/userId', code: 'NO_PROFILE', detail: '尚未建立工作牌' }]);
}

export async function getProfile(ctx: AppContext, meta: Meta, userId: string): Promise<BadgeView> {
  const { user } = await loadUser(ctx, meta, userId, 'read');
  const profile = await repo.findProfile(ctx.db, userId);
  if (!profile) throw noProfile();
  return badgeOf(ctx, user, profile);
}

export async function listProfiles(ctx: AppContext, meta: Meta, filter: { orgId?: string }) {
  if (filter.orgId) await orgFor(ctx, meta, filter.orgId, 'read', '#/query/orgId');
  return repo.listProfiles(ctx.db, scopeOf(meta.actor.roles, 'orgs.read'), filter);
}

export interface ProfileInput {
  staffNo: string;
  title?: string | null;
  duties?: string | null;
  onPublicBoard?: boolean;
  /** Required when the badge exists already. */
  version?: number;
}

export async function upsertProfile(ctx: AppContext, meta: Meta, userId: string, input: ProfileInput): Promise<{ badge: BadgeView; created: boolean }> {
  const { user } = await loadUser(ctx, meta, userId, 'manage');
  const issues: NetworkIssue[] = [];
  const staffNo = required(input.staffNo, '#/staffNo', '工号', issues);
  failIf(issues);
  const at = ctx.now().toISOString();
  const created = await inTransaction(ctx.db, async (tx) => {
    const existing = await repo.findProfile(tx, userId);
    const holder = await repo.findProfileByStaffNo(tx, staffNo);
    if (holder && holder.user_id !== userId) {
      throw new Conflict(`工号 ${staffNo} 已被他人使用`, [{ pointer: '#/staffNo', code: 'DUPLICATE', detail: '工号已被使用' }]);
    }
    const fields = {
      staff_no: staffNo,
      ...(input.title !== undefined ? { title: optionalText(input.title) ?? null } : {}),
      ...(input.duties !== undefined ? { duties: optionalText(input.duties) ?? null } : {}),
      ...(input.onPublicBoard !== undefined ? { on_public_board: input.onPublicBoard ? 1 as const : 0 as const } : {}),
    };
    if (existing) {
      if (input.version === undefined || !(await repo.updateProfile(tx, userId, input.version, fields, at))) throw stale('工作牌');
      await recordAudit(ctx, tx, meta, { action: 'staff_profile.update', objectType: 'staff_profile', objectId: userId, detail: { changes: fields } });
      return false;
    }
    await repo.insertProfile(tx, {
      user_id: userId, title: null, duties: null, photo_file: null, on_public_board: 1, ...fields, updated_at: at, version: 1,
    });
    await recordAudit(ctx, tx, meta, { action: 'staff_profile.create', objectType: 'staff_profile', objectId: userId, detail: fields });
    return true;
  });
  return { badge: await badgeOf(ctx, user, (await repo.findProfile(ctx.db, userId))!), created };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes and checks an uploaded photo: real base64, at most 200 KB, and bytes that are what they claim. */
export function decodePhoto(contentType: PhotoType, dataBase64: string): Buffer {
  const pointer = '#/dataBase64';
  const compact = dataBase64.replace(/\s+/g, '');
  if (!compact || !BASE64.test(compact)) {
    throw invalid([{ pointer, code: 'BASE64', detail: '照片内容不是有效的 Base64 编码' }]);
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > PHOTO_MAX_BYTES) {
    throw invalid([{ pointer, code: 'TOO_LARGE', detail: `照片不能超过 200 KB（当前 ${Math.ceil(bytes.length / 1024)} KB），请压缩后再上传` }]);
  }
  const actual = sniffImage(bytes);
  if (actual === null) throw invalid([{ pointer, code: 'NOT_AN_IMAGE', detail: '文件不是 JPEG 或 PNG 图片' }]);
  if (actual !== contentType) {
    throw invalid([{ pointer: '#/contentType', code: 'TYPE_MISMATCH', detail: `文件实际是 ${actual}，与声明的 ${contentType} 不符` }]);
  }
  return bytes;
}

export async function setPhoto(ctx: AppContext, meta: Meta, userId: string, input: { contentType: PhotoType; dataBase64: string }): Promise<BadgeView> {
  const { user } = await loadUser(ctx, meta, userId, 'manage');
  const bytes = decodePhoto(input.contentType, input.dataBase64);
  const profile = await repo.findProfile(ctx.db, userId);
  if (!profile) {
    throw new Conflict('请先建立工作牌（工号、职务、职责），再上传照片', [{ pointer: '#/params/userId', code: 'NO_PROFILE', detail: '尚未建立工作牌' }]);
  }
  const name = await storePhoto(ctx.config.dataDir, input.contentType, bytes);
  const at = ctx.now().toISOString();
  try {
    await inTransaction(ctx.db, async (tx) => {
      if (!(await repo.updateProfile(tx, userId, profile.version, { photo_file: name }, at))) throw stale('工作牌');
      await recordAudit(ctx, tx, meta, {
        action: 'staff_photo.set', objectType: 'staff_profile', objectId: userId, detail: { contentType: input.contentType, bytes: bytes.length },
      });
    });
  } catch (err) {
    await discardPhoto(ctx.config.dataDir, name);
    throw err;
  }
  await discardPhoto(ctx.config.dataDir, profile.photo_file);
  return badgeOf(ctx, user, (await repo.findProfile(ctx.db, userId))!);
}

export async function removePhoto(ctx: AppContext, meta: Meta, userId: string): Promise<void> {
  await loadUser(ctx, meta, userId, 'manage');
  const profile = await repo.findProfile(ctx.db, userId);
  if (!profile?.photo_file) throw new NotFound('该人员没有照片', [{ pointer: '#/params/userId', code: 'NO_PHOTO', detail: '没有照片' }]);
  await inTransaction(ctx.db, async (tx) => {
    if (!(await repo.updateProfile(tx, userId, profile.version, { photo_file: null }, ctx.now().toISOString()))) throw stale('工作牌');
    await recordAudit(ctx, tx, meta, { action: 'staff_photo.remove', objectType: 'staff_profile', objectId: userId });
  });
  await discardPhoto(ctx.config.dataDir, profile.photo_file);
}

async function photoBytes(ctx: AppContext, profile: StaffProfileTable | undefined): Promise<{ contentType: PhotoType; data: Buffer }> {
  const data = profile?.photo_file ? await loadPhoto(ctx.config.dataDir, profile.photo_file) : null;
  if (!profile?.photo_file || !data) throw new NotFound('该人员没有照片');
  return { contentType: contentTypeOf(profile.photo_file), data };
}

export async function getPhoto(ctx: AppContext, meta: Meta, userId: string) {
  await loadUser(ctx, meta, userId, 'read');
  return photoBytes(ctx, await repo.findProfile(ctx.db, userId));
}

/** The public board's photo: only of a badge shown on the board, of an account in service. */
export async function publicPhoto(ctx: AppContext, userId: string) {
  const [user, profile] = await Promise.all([users.findById(ctx.db, userId), repo.findProfile(ctx.db, userId)]);
  if (!user || user.disabled || profile?.on_public_board !== 1) throw new NotFound('该人员没有公开的照片');
  return photoBytes(ctx, profile);
}

// ---- the village duty rota ----

export async function getRota(ctx: AppContext, meta: Meta, orgId: string) {
  const org = await orgFor(ctx, meta, orgId, 'read');
  const rota = await repo.rotaOf(ctx.db, org.id);
  return { org, rota, people: await repo.peopleByIds(ctx.db, rota.map((r) => r.user_id)), today: onDuty(rotaDays(rota), ctx.now()) };
}

const rotaDays = (rota: DutyRotaTable[]) => rota.map((r) => ({ weekday: r.weekday, userId: r.user_id }));

/** Replaces the whole week's rota of a village room (Mon–Fri, each day one cadre of that village). */
export async function setRota(ctx: AppContext, meta: Meta, orgId: string, input: { days: { weekday: number; userId: string }[] }) {
  const org = await orgFor(ctx, meta, orgId, 'manage', '#/params/orgId');
  if (!rotaAllowedAt(org.level)) {
    throw invalid([{ pointer: '#/params/orgId', code: 'NOT_A_VILLAGE', detail: '值班表只用于村（社区）便民服务室' }]);
  }
  const members = new Set(await repo.villageCadresOf(ctx.db, org.id));
  failIf(dutyRotaIssues(input.days, members));
  const at = ctx.now().toISOString();
  const rows: DutyRotaTable[] = [...input.days].sort((a, b) => a.weekday - b.weekday)
    .map((d) => ({ org_id: org.id, weekday: d.weekday, user_id: d.userId, updated_at: at }));
  await inTransaction(ctx.db, async (tx) => {
    const before = await repo.rotaOf(tx, org.id);
    await repo.replaceRota(tx, org.id, rows);
    await recordAudit(ctx, tx, meta, {
      action: 'duty_rota.set', objectType: 'duty_rota', objectId: org.id,
      detail: { before: before.map((r) => `${r.weekday}:${r.user_id}`), after: rows.map((r) => `${r.weekday}:${r.user_id}`) },
    });
  });
  return getRota(ctx, meta, org.id);
}

// ---- the public board (no sign-in) ----

export interface PublicStaff {
  name: string;
  staffNo: string;
  title: string | null;
  duties: string | null;
  photoUrl: string | null;
}

/** What the public may see of a person: the badge, only when it is on the board. Never a user name or phone. */
function publicStaff(person: repo.PersonRow | undefined, profile: StaffProfileTable | undefined): PublicStaff | null {
  if (!person || person.disabled || !profile || profile.on_public_board !== 1) return null;
  return {
    name: person.display_name, staffNo: profile.staff_no, title: profile.title, duties: profile.duties,
    photoUrl: profile.photo_file ? `/api/public/staff/${person.id}/photo` : null,
  };
}

export async function publicBoard(ctx: AppContext, code: string) {
  const org = await orgs.findOrgByCode(ctx.db, code);
  if (!org) throw new NotFound(`没有代码为 ${code} 的服务中心或便民服务室`);
  const now = ctx.now();
  const windows = await repo.windowsOfOrg(ctx.db, org.id, true);
  const [units, serving, rooms, villageRooms, rota] = await Promise.all([
    repo.unitsOfWindows(ctx.db, windows.map((w) => w.id)),
    servingOf(ctx, windows, now),
    repo.activeUnitsOf(ctx.db, org.id, ['handling_room']),
    repo.activeUnitsOf(ctx.db, org.id, ['village_room']),
    repo.rotaOf(ctx.db, org.id),
  ]);
  const staffIds = [...windows.map((w) => serving.get(w.id)!.userId ?? ''), ...rota.map((r) => r.user_id)].filter(Boolean);
  const [people, profiles] = await Promise.all([repo.peopleByIds(ctx.db, staffIds), repo.profilesOf(ctx.db, staffIds)]);
  const badge = (id: string | null) => (id ? publicStaff(people.get(id), profiles.get(id)) : null);
  const today = onDuty(rotaDays(rota), now);
  const villageRoom = villageRooms[0];
  return {
    org,
    asOf: now.toISOString(),
    windows: windows.map((w) => {
      const s = serving.get(w.id)!;
      return {
        number: w.number, sign: w.sign,
        units: (units.get(w.id) ?? []).filter((u) => u.active === 1).map((u) => u.name),
        status: s.post === 'closed' ? 'closed' as const : 'open' as const,
        post: s.post === 'closed' ? null : s.post,
        staff: badge(s.userId),
      };
    }),
    handlingRooms: rooms.map((u) => ({ name: u.name, department: u.department_name })),
    villageRoom: villageRoom || rota.length > 0 ? {
      name: villageRoom?.name ?? null,
      weekday: shanghaiWeekday(now),
      onDutyToday: badge(today),
      rota: rota.map((r) => ({ weekday: r.weekday, staff: badge(r.user_id) })),
    } : null,
  };
}

// ---- look-ups for case handling (no actor: the caller has authorized the case already) ----

/** Who holds the window at `at`: A, B while A is away, or closed (the center manager's queue). */
export async function windowHolder(ctx: AppContext, windowId: string, at: Date): Promise<({ windowId: string; orgId: string } & ServingPost) | undefined> {
  const w = await repo.findWindow(ctx.db, windowId);
  if (!w) return undefined;
  return { windowId: w.id, orgId: w.org_id, ...(await servingOf(ctx, [w], at)).get(w.id)! };
}

/** The active handling window or room of the department with this code in the org, if there is one. */
export async function handlingUnitFor(ctx: AppContext, orgId: string, departmentCode: string): Promise<UnitTable | undefined> {
  const [unit] = await repo.activeHandlingUnitsFor(ctx.db, orgId, departmentCode);
  return unit && stripJoin(unit);
}

/** The org's active acceptance desk (咨询受理部), if it has one. */
export async function acceptanceDeskOf(ctx: AppContext, orgId: string): Promise<UnitTable | undefined> {
  const [unit] = await repo.activeUnitsOf(ctx.db, orgId, ['acceptance_desk']);
  return unit && stripJoin(unit);
}

/** The village org's active service room (便民服务室), if it has one. */
export async function villageRoomOf(ctx: AppContext, orgId: string): Promise<UnitTable | undefined> {
  const [unit] = await repo.activeUnitsOf(ctx.db, orgId, ['village_room']);
  return unit && stripJoin(unit);
}

/** The active windows (counters) serving a unit, by window number. */
export async function windowsServing(ctx: AppContext, unitId: string): Promise<string[]> {
  return repo.windowIdsServingUnit(ctx.db, unitId);
}

function stripJoin(u: repo.UnitRow): UnitTable {
  const { department_code: _c, department_name: _n, ...unit } = u;
  return unit;
}
