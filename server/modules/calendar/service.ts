// The work calendar as stored: national arrangements per year (shipped or entered by the system admin)
// and local changes per org. Reading needs only a signed-in user; every change is audited.
import type { Actor, AppContext, RequestMeta } from '../../context.ts';
import type { CalendarLocalChangeTable, CalendarYearTable, OrgTable } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import {
  buildCalendar, CalendarDataError, isCalendarDate, hasOfficialData, isWorkingDay, loadOfficialYears, missingYearsWarning, validateCalendarYear,
  type CalendarYear, type LocalChange, type ValidationIssue, type WorkCalendar,
} from '../../domain/calendar.ts';
import { can, scopeOf } from '../../domain/roles.ts';
import { Conflict, Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import * as orgs from '../orgs/repo.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import * as repo from './repo.ts';

type Meta = RequestMeta & { actor: Actor };

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
const DAY_MS = 86_400_000;
const ORG_NOT_FOUND = '机构不存在或不在您的管辖范围内';

function invalid(errors: FieldError[]): Invalid {
  return new Invalid(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 处输入有误，请逐项修改后重新提交`, errors);
}

const toFieldErrors = (issues: ValidationIssue[], prefix = '#'): FieldError[] =>
  issues.map((i) => ({ pointer: prefix + i.pointer, code: 'INVALID', detail: i.detail }));

const yearInRange = (year: number): boolean => year >= MIN_YEAR && year <= MAX_YEAR;

/** The org's own local changes and its ancestors'; for a date set at several levels the nearest org wins. */
function effectiveChanges(org: OrgTable, rows: CalendarLocalChangeTable[]): LocalChange[] {
  const ids = org.path.split('/').filter(Boolean);
  const byDate = new Map<string, LocalChange>();
  const nearestLast = [...rows].sort((a, b) => ids.indexOf(a.org_id) - ids.indexOf(b.org_id));
  for (const r of nearestLast) byDate.set(r.date, { date: r.date, kind: r.kind, reason: r.reason });
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The working calendar of an org (its own and its ancestors' local changes), or the national one without an org. */
export async function loadCalendar(ctx: AppContext, orgId?: string): Promise<WorkCalendar> {
  const years = (await repo.listYears(ctx.db)).map((r) => JSON.parse(r.data) as CalendarYear);
  if (orgId === undefined) return buildCalendar({ years });
  const org = await orgs.findOrg(ctx.db, orgId);
  if (!org) throw new NotFound(ORG_NOT_FOUND);
  const rows = await repo.localChangesOf(ctx.db, org.path.split('/').filter(Boolean));
  return buildCalendar({ years, localChanges: effectiveChanges(org, rows) });
}

/** Refusals of an org the actor may not see are recorded and answered 404, as elsewhere. */
async function orgNotFound(ctx: AppContext, meta: Meta, org: OrgTable | undefined, pointer: string): Promise<never> {
  const errors = [{ pointer, code: 'ORG_NOT_FOUND', detail: ORG_NOT_FOUND }];
  if (org) return denyAsNotFound(ctx, meta, 'org', org.id, ORG_NOT_FOUND, errors);
  throw new NotFound(ORG_NOT_FOUND, errors);
}

async function loadManagedOrg(ctx: AppContext, meta: Meta, orgId: string, pointer: string): Promise<OrgTable> {
  const org = await orgs.findOrg(ctx.db, orgId);
  if (org && can(meta.actor.roles, 'calendar.manage', org.path)) return org;
  if (org && can(meta.actor.roles, 'orgs.read', org.path)) throw new Forbidden('您可以查看该机构的工作日历，但无权调整');
  return orgNotFound(ctx, meta, org, pointer);
}

function requireSystemAdmin(meta: Meta): void {
  if (!meta.actor.roles.some((g) => g.role === 'system_admin')) throw new Forbidden('只有系统管理员可以录入全国节假日安排');
}

export interface DayView {
  date: string;
  working: boolean;
  reason: string;
  local: boolean;
}

export async function getYear(ctx: AppContext, meta: Meta, year: number, orgId?: string) {
  if (!yearInRange(year)) {
    throw invalid([{ pointer: '#/params/year', code: 'OUT_OF_RANGE', detail: `年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间` }]);
  }
  if (orgId !== undefined) {
    const org = await orgs.findOrg(ctx.db, orgId);
    if (!org || !can(meta.actor.roles, 'orgs.read', org.path)) await orgNotFound(ctx, meta, org, '#/query/orgId');
  }
  const cal = await loadCalendar(ctx, orgId);
  const holidayNames = new Map<string, string>();
  for (const y of cal.years) {
    for (const r of y.off) for (let d = Date.parse(r.from); d <= Date.parse(r.to); d += DAY_MS) holidayNames.set(iso(d), r.name);
  }
  const localReasons = new Map(cal.localChanges.map((c) => [c.date, c.reason]));
  const days: DayView[] = [];
  for (let d = Date.UTC(year, 0, 1); d < Date.UTC(year + 1, 0, 1); d += DAY_MS) {
    const date = iso(d);
    const weekday = new Date(d).getUTCDay();
    const reason = localReasons.get(date) ?? holidayNames.get(date)
      ?? (cal.makeupDates.has(date) ? '调休上班' : weekday === 0 || weekday === 6 ? '周末' : '工作日');
    days.push({ date, working: isWorkingDay(cal, date), reason, local: localReasons.has(date) });
  }
  const official = hasOfficialData(cal, year);
  const missing = missingYearsWarning(cal, ctx.now());
  return {
    year, orgId: orgId ?? null, official, provisional: !official,
    warning: missing === null ? null
      : `${missing} 年的节假日安排尚未录入，该年的办理期限暂按周一至周五计算，可能不准；国务院办公厅通知发布后请系统管理员及时录入`,
    days,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function normalizeYear(y: CalendarYear): CalendarYear {
  return {
    year: y.year,
    off: y.off.map((r) => ({ name: r.name.trim(), from: r.from, to: r.to })),
    makeup: [...y.makeup],
    ...(y.published === undefined ? {} : { published: y.published }),
  };
}

async function saveYears(ctx: AppContext, meta: Meta, years: CalendarYear[], via: 'set' | 'import'): Promise<void> {
  const at = ctx.now().toISOString();
  await inTransaction(ctx.db, async (tx) => {
    for (const y of years) {
      const before = await repo.findYear(tx, y.year);
      const row: CalendarYearTable = { year: y.year, data: JSON.stringify(normalizeYear(y)), source: 'admin', updated_at: at, updated_by: meta.actor.userId };
      await repo.upsertYear(tx, row);
      await recordAudit(ctx, tx, meta, {
        action: 'calendar.year.set', objectType: 'calendar_year', objectId: String(y.year),
        detail: { year: y.year, source: row.source, via, replaced: before?.source ?? null },
      });
    }
  });
}

/** An administrator enters one year's arrangement (normally next year's, once the State Council notice is out). */
export async function setYear(ctx: AppContext, meta: Meta, year: number, input: unknown): Promise<CalendarYear> {
  requireSystemAdmin(meta);
  const errors = toFieldErrors(validateCalendarYear(input));
  const bodyYear = (input as { year?: unknown } | null)?.year;
  if (!errors.some((e) => e.pointer === '#/year') && bodyYear !== year) {
    errors.push({ pointer: '#/year', code: 'YEAR_MISMATCH', detail: `内容中的年份 ${String(bodyYear)} 与地址中的年份 ${year} 不一致` });
  }
  if (!yearInRange(year)) errors.push({ pointer: '#/params/year', code: 'OUT_OF_RANGE', detail: `年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间` });
  if (errors.length) throw invalid(errors);
  await saveYears(ctx, meta, [input as CalendarYear], 'set');
  return normalizeYear(input as CalendarYear);
}

/** Imports a file shaped like the shipped one ({ years: { "2027": {...} } }); all years or none. */
export async function importYears(ctx: AppContext, meta: Meta, input: unknown): Promise<CalendarYear[]> {
  requireSystemAdmin(meta);
  let years: CalendarYear[];
  try {
    years = loadOfficialYears(input);
  } catch (err) {
    if (err instanceof CalendarDataError) throw invalid(toFieldErrors(err.issues));
    throw err;
  }
  const errors: FieldError[] = years.filter((y) => !yearInRange(y.year))
    .map((y) => ({ pointer: `#/years/${y.year}`, code: 'OUT_OF_RANGE', detail: `年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间` }));
  if (years.length === 0) errors.push({ pointer: '#/years', code: 'REQUIRED', detail: '文件中没有任何年份的放假安排' });
  if (errors.length) throw invalid(errors);
  await saveYears(ctx, meta, years, 'import');
  return years.map(normalizeYear);
}

export interface NewLocalChange {
  orgId: string;
  date: string;
  kind: 'closed' | 'open';
  reason?: string;
}

export async function addLocalChange(ctx: AppContext, meta: Meta, input: NewLocalChange): Promise<CalendarLocalChangeTable> {
  const org = await loadManagedOrg(ctx, meta, input.orgId, '#/orgId');
  const errors: FieldError[] = [];
  if (!isCalendarDate(input.date)) {
    errors.push({ pointer: '#/date', code: 'FORMAT', detail: `“${input.date}”不是有效日期（应为 YYYY-MM-DD）` });
  } else if (!yearInRange(Number(input.date.slice(0, 4)))) {
    errors.push({ pointer: '#/date', code: 'OUT_OF_RANGE', detail: `日期应在 ${MIN_YEAR} 年至 ${MAX_YEAR} 年之间` });
  }
  const reason = input.reason?.trim() ?? '';
  if (!reason) errors.push({ pointer: '#/reason', code: 'REQUIRED', detail: '请填写调整原因，如“防汛值班”“停电闭厅”' });
  if (errors.length) throw invalid(errors);
  const row: CalendarLocalChangeTable = {
    org_id: org.id, date: input.date, kind: input.kind, reason, created_at: ctx.now().toISOString(), created_by: meta.actor.userId,
  };
  return inTransaction(ctx.db, async (tx) => {
    const existing = await repo.findLocalChange(tx, org.id, input.date);
    if (existing) {
      throw new Conflict(`${org.name}在 ${input.date} 已有本地调整（${existing.reason}），如需修改请先删除`,
        [{ pointer: '#/date', code: 'DUPLICATE', detail: '该机构在这一天已有本地调整' }]);
    }
    await repo.insertLocalChange(tx, row);
    await recordAudit(ctx, tx, meta, {
      action: 'calendar.local_change.add', objectType: 'calendar_local_change', objectId: `${org.id}/${input.date}`,
      detail: { orgId: org.id, date: input.date, kind: input.kind, reason },
    });
    return row;
  });
}

export async function removeLocalChange(ctx: AppContext, meta: Meta, orgId: string, date: string): Promise<void> {
  const org = await loadManagedOrg(ctx, meta, orgId, '#/params/orgId');
  await inTransaction(ctx.db, async (tx) => {
    const existing = await repo.findLocalChange(tx, org.id, date);
    if (!existing) {
      const detail = `${org.name}在 ${date} 没有本地调整`;
      throw new NotFound(detail, [{ pointer: '#/params/date', code: 'NOT_FOUND', detail }]);
    }
    await repo.deleteLocalChange(tx, org.id, date);
    await recordAudit(ctx, tx, meta, {
      action: 'calendar.local_change.remove', objectType: 'calendar_local_change', objectId: `${org.id}/${date}`,
      detail: { orgId: org.id, date, kind: existing.kind, reason: existing.reason },
    });
  });
}

/** The local changes the actor may see (its orgs.read scope), of one org and one year when asked. */
export async function listLocalChanges(ctx: AppContext, meta: Meta, filter: { orgId?: string; year?: number }) {
  if (filter.year !== undefined && !yearInRange(filter.year)) {
    throw invalid([{ pointer: '#/query/year', code: 'OUT_OF_RANGE', detail: `年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间` }]);
  }
  if (filter.orgId !== undefined) {
    const org = await orgs.findOrg(ctx.db, filter.orgId);
    if (!org || !can(meta.actor.roles, 'orgs.read', org.path)) await orgNotFound(ctx, meta, org, '#/query/orgId');
  }
  return repo.listLocalChanges(ctx.db, scopeOf(meta.actor.roles, 'orgs.read'), filter);
}
