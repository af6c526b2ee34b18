// Statistics over an org subtree for a period (docs/statistics.md): accepted, finished, finish and
// on-time rates, average working days, refused, denied, withdrawn, overdue now and proxy counts,
// grouped by org, unit, window, item, channel or month, with totals. Closed periods come from the
// summary the rollup maintains; days it has not made final (today) are read live from cases with the
// same rules, so a figure is the same whichever way it was read.
//
// Who reads it: anyone with cases.read over the org. Subtree roles (center managers, supervisors,
// leaders) see the org and everything below; exact roles (clerks, cadres) see the cases accepted at
// their own org only. Others get 404, audited.
import type { Actor as SessionActor, AppContext, RequestMeta } from '../../context.ts';
import { inTransaction } from '../../db/transaction.ts';
import { isCalendarDate } from '../../domain/calendar.ts';
import { scopeOf } from '../../domain/roles.ts';
import {
  addMeasures, checkFilters, dayBounds, datesBetween, emptyMeasures, figuresOf, measuresOf, monthDates, monthOf, planPeriod, periodLabel,
  recentDays, shanghaiDate, STAT_CHANNEL_LABELS, STAT_CHANNELS, MAX_PERIOD_DAYS, daysIn, GROUP_BY_LABELS,
  type Figures, type GroupBy, type Measures, type StoredMeasures,
} from '../../domain/statistics.ts';
import { Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import * as repo from './repo.ts';
import { CalendarCache, computeFacts, rollupDays, type RollupResult } from './rollup.ts';

type Meta = RequestMeta & { actor: SessionActor };

export const STAT_ORG_NOT_FOUND = '机构不存在或不在您的管辖范围内';

export interface StatisticsQuery {
  orgId?: string;
  from?: string;
  to?: string;
  groupBy?: string;
  unitId?: string;
  windowId?: string;
  itemId?: string;
  channel?: string;
}

export interface StatRow extends Figures {
  key: string;
  label: string;
  /** Org code, item code, window number … where the key has one. */
  code: string | null;
  /** For org rows: the org's own center (本级), not a child org. */
  own?: boolean;
}

export interface StatisticsReport {
  org: { id: string; code: string; name: string; level: string };
  parentName: string | null;
  period: { from: string; to: string; label: string };
  groupBy: GroupBy;
  groupLabel: string;
  filters: { unit: string | null; window: string | null; item: string | null; channel: string | null };
  /** Only the org's own cases (an exact-scope reader). */
  ownOnly: boolean;
  rows: StatRow[];
  total: Figures;
  /** How the period was read: whole months and final days from the summary, the rest live. */
  source: { months: string[]; days: number; live: { from: string; to: string }[] };
  generatedAt: string;
}

function invalid(errors: FieldError[]): Invalid {
  return new Invalid(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 处筛选条件有误，请逐项修改`, errors);
}

interface Resolved {
  org: NonNullable<Awaited<ReturnType<typeof repo.findOrg>>>;
  ownOnly: boolean;
  filter: repo.StatFilter;
  labels: StatisticsReport['filters'];
}

/** Checks every filter and the reader's scope; 422 lists every bad filter at once, 404 (audited) for an org out of scope. */
async function resolve(ctx: AppContext, meta: Meta, q: StatisticsQuery): Promise<Resolved> {
  const issues: FieldError[] = checkFilters({ from: q.from, to: q.to, groupBy: q.groupBy, channel: q.channel });
  if (!q.orgId) issues.unshift({ pointer: '#/query/orgId', code: 'REQUIRED', detail: '请选择统计的机构（orgId）' });
  if (q.unitId && q.windowId) issues.push({ pointer: '#/query/windowId', code: 'CONFLICT', detail: '单位和窗口只能选一个' });
  if (issues.length) throw invalid(issues);
  const org = await repo.findOrg(ctx.db, q.orgId!);
  if (!org) throw new NotFound(STAT_ORG_NOT_FOUND, [{ pointer: '#/query/orgId', code: 'ORG_NOT_FOUND', detail: STAT_ORG_NOT_FOUND }]);
  const scope = scopeOf(meta.actor.roles, 'cases.read');
  const subtree = scope.subtrees.some((p) => org.path.startsWith(p));
  const ownOnly = !subtree && scope.exact.includes(org.id);
  if (!subtree && !ownOnly) {
    return denyAsNotFound(ctx, meta, 'statistics', org.id, STAT_ORG_NOT_FOUND, [{ pointer: '#/query/orgId', code: 'ORG_NOT_FOUND', detail: STAT_ORG_NOT_FOUND }]);
  }
  const inOrg = (orgId: string, path: string) => (ownOnly ? orgId === org.id : path.startsWith(org.path));
  const filter: repo.StatFilter = { orgPath: org.path, ...(ownOnly ? { orgId: org.id } : {}) };
  const labels: StatisticsReport['filters'] = { unit: null, window: null, item: null, channel: q.channel ? STAT_CHANNEL_LABELS[q.channel as 'proxy'] : null };
  if (q.channel) filter.channel = q.channel;
  if (q.unitId) {
    const unit = await repo.findUnit(ctx.db, q.unitId);
    if (!unit || !inOrg(unit.org_id, unit.org_path)) {
      throw invalid([{ pointer: '#/query/unitId', code: 'NOT_IN_ORG', detail: `该单位不在${org.name}${ownOnly ? '本级' : '及其下级'}，请重新选择` }]);
    }
    filter.unitIds = [unit.id];
    labels.unit = `${unit.org_name}${unit.name}`;
  }
  if (q.windowId) {
    const w = await repo.findWindow(ctx.db, q.windowId);
    if (!w || !inOrg(w.org_id, w.org_path)) {
      throw invalid([{ pointer: '#/query/windowId', code: 'NOT_IN_ORG', detail: `该窗口不在${org.name}${ownOnly ? '本级' : '及其下级'}，请重新选择` }]);
    }
    filter.unitIds = await repo.unitsOfWindow(ctx.db, w.id);
    labels.window = `${w.number}号窗口（${w.sign}）`;
  }
  if (q.itemId) {
    const item = await repo.findItem(ctx.db, q.itemId);
    if (!item) throw invalid([{ pointer: '#/query/itemId', code: 'NOT_FOUND', detail: '没有这个服务事项，请从事项目录中选择' }]);
    filter.itemId = item.id;
    labels.item = item.name;
  }
  return { org, ownOnly, filter, labels };
}

type SignalCounts = NonNullable<Figures['signals']>;
type Cell = { measures: Measures; overdue: number; signals: SignalCounts; orgPath: string | null };

const noSignals = (): SignalCounts => ({ warning: 0, yellow: 0, red: 0 });
const addSignal = (into: SignalCounts, level: string, n: number) => {
  if (level === 'warning' || level === 'yellow' || level === 'red') into[level] += n;
};

export async function statistics(ctx: AppContext, meta: Meta, q: StatisticsQuery): Promise<StatisticsReport> {
  const { org, ownOnly, filter, labels } = await resolve(ctx, meta, q);
  const from = q.from!;
  const to = q.to!;
  const groupBy = (q.groupBy ?? 'channel') as GroupBy;
  const now = ctx.now();

  // How to read the period.
  const states = await repo.dayStates(ctx.db, from, to);
  const finalDays = new Set(states.filter((s) => s.final).map((s) => s.day));
  const months = [...new Set(datesBetween(from, to).map(monthOf))];
  const plan = planPeriod(from, to, finalDays, await repo.builtMonths(ctx.db, months));

  const column: repo.GroupColumn = groupBy === 'window' ? 'unit' : groupBy === 'month' ? 'period' : groupBy;
  const itemLevel = groupBy === 'item' || filter.itemId !== undefined;
  const cells = new Map<string, Cell>();
  const cell = (g: string, orgPath: string | null) => {
    let c = cells.get(g);
    if (!c) cells.set(g, (c = { measures: emptyMeasures(), overdue: 0, signals: noSignals(), orgPath }));
    return c;
  };
  const addStored = (g: string, orgPath: string | null, channel: string, m: StoredMeasures) => addMeasures(cell(g, orgPath).measures, measuresOf(m, channel));

  const [monthRows, dayRows, overdue, signals] = await Promise.all([
    repo.summaryRows(ctx.db, itemLevel ? 'stat_month' : 'stat_month_unit', plan.months, filter, column),
    repo.summaryRows(ctx.db, 'stat_day', plan.days, filter, column),
    repo.overdueRows(ctx.db, now.toISOString(), filter, column === 'period' ? 'channel' : column),
    repo.signalRows(ctx.db, dayBounds(from).from, dayBounds(to).to, filter, column === 'period' ? 'channel' : column),
  ]);
  for (const r of [...monthRows, ...dayRows]) addStored(String(r.g), r.org_path, r.channel, r);
  const cache = new CalendarCache(ctx);
  for (const run of plan.live) {
    for (const r of await computeFacts(ctx, cache, run.from, run.to, filter)) {
      const g = column === 'org' ? r.org_id : column === 'unit' ? r.unit_id : column === 'item' ? r.item_id : column === 'channel' ? r.channel : monthOf(r.day);
      addStored(g, r.org_path, r.channel, r);
    }
  }
  let overdueTotal = 0;
  for (const r of overdue) {
    overdueTotal += r.n;
    if (column !== 'period') cell(String(r.g), r.org_path).overdue += r.n;
  }
  // Like "overdue now", signals are counted in the total but not spread over months.
  const signalTotal = noSignals();
  for (const r of signals) {
    addSignal(signalTotal, r.level, r.n);
    if (column !== 'period') addSignal(cell(String(r.g), r.org_path).signals, r.level, r.n);
  }

  const rows = await groupRows(ctx, org, groupBy, cells, from, to);
  const total = emptyMeasures();
  for (const c of cells.values()) addMeasures(total, c.measures);
  const parent = org.parent_id ? await repo.findOrg(ctx.db, org.parent_id) : undefined;
  return {
    org: { id: org.id, code: org.code, name: org.name, level: org.level },
    parentName: parent?.name ?? null,
    period: { from, to, label: periodLabel(from, to) },
    groupBy,
    groupLabel: GROUP_BY_LABELS[groupBy],
    filters: labels,
    ownOnly,
    rows,
    total: figuresOf(total, overdueTotal, signalTotal),
    source: { months: plan.months, days: plan.days.length, live: plan.live },
    generatedAt: now.toISOString(),
  };
}

/** Turns the cells into the report's rows, in the order a leader reads them, with names. */
async function groupRows(ctx: AppContext, org: Resolved['org'], groupBy: GroupBy, cells: Map<string, Cell>, from: string, to: string): Promise<StatRow[]> {
  const row = (key: string, label: string, code: string | null, cs: Cell[], extra: Partial<StatRow> = {}): StatRow => {
    const m = emptyMeasures();
    let overdue = 0;
    const signals = noSignals();
    for (const c of cs) {
      addMeasures(m, c.measures);
      overdue += c.overdue;
      for (const level of ['warning', 'yellow', 'red'] as const) signals[level] += c.signals[level];
    }
    return { key, label, code, ...figuresOf(m, overdue, groupBy === 'month' ? null : signals), ...extra };
  };
  switch (groupBy) {
    case 'channel':
      return STAT_CHANNELS.map((ch) => row(ch, STAT_CHANNEL_LABELS[ch], null, cells.has(ch) ? [cells.get(ch)!] : []));
    case 'month': {
      const ms = [...new Set(datesBetween(from, to).map(monthOf))];
      return ms.map((m) => row(m, `${Number(m.slice(0, 4))}年${Number(m.slice(5, 7))}月`, m, cells.has(m) ? [cells.get(m)!] : []));
    }
    case 'org': {
      // Each case counts for the child org on its path (a township under a county), or the org itself (本级).
      const children = await repo.childOrgs(ctx.db, org.id);
      const byChild = new Map<string, Cell[]>([[org.id, []], ...children.map((c) => [c.id, []] as [string, Cell[]])]);
      for (const c of cells.values()) {
        const rest = (c.orgPath ?? org.path).slice(org.path.length).split('/').filter(Boolean);
        const child = rest[0] && byChild.has(rest[0]) ? rest[0] : org.id;
        byChild.get(child)!.push(c);
      }
      const ownLabel = org.level === 'village' ? `${org.name}便民服务室` : `${org.name}${org.level === 'township' ? '便民服务中心' : '政务服务中心'}（本级）`;
      return [
        row(org.id, ownLabel, org.code, byChild.get(org.id)!, { own: true }),
        ...children.map((c) => row(c.id, c.name, c.code, byChild.get(c.id)!, { own: false })),
      ];
    }
    case 'unit': {
      const units = await repo.unitsByIds(ctx.db, [...cells.keys()]);
      return units.sort((a, b) => (a.org_code + a.name).localeCompare(b.org_code + b.name, 'zh'))
        .map((u) => row(u.id, `${u.org_name}${u.name}`, u.org_code, [cells.get(u.id)!]));
    }
    case 'window': {
      const windows = await repo.windowUnits(ctx.db, org.path);
      const out: StatRow[] = [];
      const seen = new Set<string>();
      const ids = [...new Set(windows.map((w) => w.id))];
      for (const id of ids) {
        const ws = windows.filter((w) => w.id === id);
        const cs = ws.map((w) => cells.get(w.unit_id)).filter((c): c is Cell => !!c);
        ws.forEach((w) => seen.add(w.unit_id));
        out.push(row(id, `${ws[0]!.org_name}${ws[0]!.number}号窗口（${ws[0]!.sign}）`, ws[0]!.number, cs));
      }
      const rest = [...cells.entries()].filter(([unit]) => !seen.has(unit)).map(([, c]) => c);
      if (rest.length) out.push(row('none', '不经窗口（村便民服务室、办理室等）', null, rest));
      return out;
    }
    case 'item': {
      const items = await repo.itemsByIds(ctx.db, [...cells.keys()]);
      return items.sort((a, b) => a.code.localeCompare(b.code)).map((i) => row(i.id, i.name, i.code, [cells.get(i.id)!]));
    }
  }
}

// ---- the admin trigger ----

export const ROLLUP_MAX_DAYS = MAX_PERIOD_DAYS;

/** Recomputes the summary for [from, to] (default: the scheduled days); system admins and center managers; audited. */
export async function triggerRollup(ctx: AppContext, meta: Meta, input: { from?: string; to?: string }): Promise<RollupResult & { from: string; to: string }> {
  if (!meta.actor.roles.some((g) => g.role === 'system_admin' || g.role === 'center_manager')) {
    throw new Forbidden('只有系统管理员或中心主任可以重新计算统计汇总');
  }
  const days = recentDays(ctx.now(), ctx.config.statisticsLookbackDays);
  const from = input.from ?? days[0]!;
  const to = input.to ?? days[days.length - 1]!;
  const issues: FieldError[] = [];
  if (!isCalendarDate(from)) issues.push({ pointer: '#/from', code: 'DATE', detail: '开始日期应为有效日期，写成 2026-01-01 的形式' });
  if (!isCalendarDate(to)) issues.push({ pointer: '#/to', code: 'DATE', detail: '结束日期应为有效日期，写成 2026-06-30 的形式' });
  if (!issues.length && to < from) issues.push({ pointer: '#/to', code: 'PERIOD_ORDER', detail: '结束日期不能早于开始日期' });
  if (!issues.length && daysIn(from, to) > ROLLUP_MAX_DAYS) issues.push({ pointer: '#/to', code: 'PERIOD_TOO_LONG', detail: '一次最多重新计算三年，请分段进行' });
  if (!issues.length && to > shanghaiDate(ctx.now())) issues.push({ pointer: '#/to', code: 'FUTURE', detail: '结束日期不能晚于今天' });
  if (issues.length) throw invalid(issues);
  const result = await rollupDays(ctx, datesBetween(from, to));
  await inTransaction(ctx.db, (tx) => recordAudit(ctx, tx, meta, {
    action: 'statistics.rollup', objectType: 'statistics', objectId: null,
    detail: { from, to, written: result.written, monthsRebuilt: result.monthsRebuilt },
  }));
  return { ...result, from, to };
}

/** An export leaves the system: one audit row per workbook. */
export async function auditStatisticsExport(ctx: AppContext, meta: Meta, r: StatisticsReport): Promise<void> {
  await inTransaction(ctx.db, (tx) => recordAudit(ctx, tx, meta, {
    action: 'report.export', objectType: 'report', objectId: r.org.id,
    detail: { report: 'statistics', org: r.org.code, from: r.period.from, to: r.period.to, groupBy: r.groupBy, format: 'xlsx' },
  }));
}

export { monthDates };
