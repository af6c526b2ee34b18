/**
 * Statistics (办件统计): what each figure counts, how a period is read, and how rates are rounded.
 * Pure: plain rows in, plain numbers out. The exact definitions are in docs/statistics.md.
 *
 * Every figure is dated by a moment set once on a case, judged as a calendar date in Asia/Shanghai:
 * - accepted (受理): accepted_at in the period;
 * - finished (办结): state finished (the result delivered), finished_at in the period, whenever accepted;
 * - finished on time (按时办结): of those, decided (or finished at once) at or before due_at — the
 *   committed limit binds the decision (行政许可法 art. 42; the case clock stops there, case-clock.ts);
 * - working days (办理用时): of those, countWorkingDays(accepted_at, finished_at) on the accepting
 *   org's calendar (the day of acceptance does not count, the day of finish does);
 * - refused (不予受理), withdrawn (撤回): state and finished_at (the ending moment) in the period;
 * - denied (不予许可): finished in the period with decision 'denied' (also counted in finished).
 * Rates are percentages with one decimal, rounded half up on the exact fraction: 10,697 of 10,835 is
 * 98.7; null when the denominator is 0 (shown as —).
 */
import { countWorkingDays, isCalendarDate, shanghaiDate, type WorkCalendar } from './calendar.ts';

export const STAT_CHANNELS = ['counter', 'village_room', 'proxy', 'online'] as const;
export type StatChannel = (typeof STAT_CHANNELS)[number];
/** The row labels of a report by channel, as the seed's half-year table names them. */
export const STAT_CHANNEL_LABELS: Record<StatChannel, string> = {
  counter: '窗口受理', village_room: '村便民服务室受理', proxy: '代办', online: '网上申请',
};

export const GROUP_BYS = ['org', 'unit', 'window', 'item', 'channel', 'month'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const GROUP_BY_LABELS: Record<GroupBy, string> = {
  org: '按机构', unit: '按单位', window: '按窗口', item: '按事项', channel: '按渠道', month: '按月份',
};

/** Case states whose clock runs: "overdue now" counts these past due_at. */
export const RUNNING_STATES = ['accepted', 'in_transfer', 'handling'] as const;

export interface Measures {
  accepted: number;
  /** Accepted through the proxy channel (代办). */
  acceptedByProxy: number;
  finished: number;
  finishedByProxy: number;
  finishedOnTime: number;
  workingDays: number;
  refused: number;
  denied: number;
  withdrawn: number;
}

export const MEASURE_KEYS: readonly (keyof Measures)[] = [
  'accepted', 'acceptedByProxy', 'finished', 'finishedByProxy', 'finishedOnTime', 'workingDays', 'refused', 'denied', 'withdrawn',
];

export const emptyMeasures = (): Measures => ({
  accepted: 0, acceptedByProxy: 0, finished: 0, finishedByProxy: 0, finishedOnTime: 0, workingDays: 0, refused: 0, denied: 0, withdrawn: 0,
});

export function addMeasures(into: Measures, m: Measures): Measures {
  for (const k of MEASURE_KEYS) into[k] += m[k];
  return into;
}

/** The summary table's columns (without the proxy split, which the channel key carries). */
export interface StoredMeasures {
  accepted: number;
  finished: number;
  finished_on_time: number;
  working_days: number;
  refused: number;
  denied: number;
  withdrawn: number;
}

export const STORED_KEYS: readonly (keyof StoredMeasures)[] = ['accepted', 'finished', 'finished_on_time', 'working_days', 'refused', 'denied', 'withdrawn'];

export const emptyStored = (): StoredMeasures => ({ accepted: 0, finished: 0, finished_on_time: 0, working_days: 0, refused: 0, denied: 0, withdrawn: 0 });

/** Stored counts of a channel as report measures (proxy counts come from the channel). */
export function measuresOf(stored: StoredMeasures, channel: string): Measures {
  const proxy = channel === 'proxy';
  return {
    accepted: Number(stored.accepted),
    acceptedByProxy: proxy ? Number(stored.accepted) : 0,
    finished: Number(stored.finished),
    finishedByProxy: proxy ? Number(stored.finished) : 0,
    finishedOnTime: Number(stored.finished_on_time),
    workingDays: Number(stored.working_days),
    refused: Number(stored.refused),
    denied: Number(stored.denied),
    withdrawn: Number(stored.withdrawn),
  };
}

/** The facts of a case that ended (finished, refused or withdrawn), as its ending contributes. */
export interface EndedCase {
  state: string;
  decision: string | null;
  accepted_at: string | null;
  due_at: string | null;
  decided_at: string | null;
  finished_at: string;
}

export function endedFacts(c: EndedCase, calendar: WorkCalendar): StoredMeasures {
  const m = emptyStored();
  if (c.state === 'finished') {
    m.finished = 1;
    const decidedAt = c.decided_at ?? c.finished_at;
    if (c.due_at === null || Date.parse(decidedAt) <= Date.parse(c.due_at)) m.finished_on_time = 1;
    if (c.accepted_at) m.working_days = countWorkingDays(calendar, c.accepted_at, c.finished_at);
    if (c.decision === 'denied') m.denied = 1;
  } else if (c.state === 'refused') {
    m.refused = 1;
  } else if (c.state === 'withdrawn') {
    m.withdrawn = 1;
  }
  return m;
}

/** n ÷ d as a percentage with one decimal, half up on the exact fraction; null when d is 0. */
export function percent(n: number, d: number): number | null {
  if (d === 0) return null;
  // Integer arithmetic first: 10697 * 1000 / 10835 = 987.26… → 987 → 98.7.
  return Math.floor((n * 2000 + d) / (2 * d)) / 10;
}

/** A mean with one decimal, half up; null when there is nothing to average. */
export function mean1(sum: number, n: number): number | null {
  if (n === 0) return null;
  return Math.floor((sum * 20 + n) / (2 * n)) / 10;
}

export interface Figures extends Measures {
  /** finished ÷ accepted, % (the seed's 办结率). */
  finishRate: number | null;
  /** finishedOnTime ÷ finished, %. */
  onTimeRate: number | null;
  /** workingDays ÷ finished, working days. */
  avgWorkingDays: number | null;
  overdueNow: number;
  /** Signals (not revoked) raised in the period on the cases counted, by colour; null on month rows (counted in the total only). */
  signals: { warning: number; yellow: number; red: number } | null;
}

export function figuresOf(m: Measures, overdueNow: number, signals: Figures['signals']): Figures {
  return {
    ...m,
    finishRate: percent(m.finished, m.accepted),
    onTimeRate: percent(m.finishedOnTime, m.finished),
    avgWorkingDays: mean1(m.workingDays, m.finished),
    overdueNow,
    signals,
  };
}

// ---- periods ----

const DAY_MS = 86_400_000;

/** [00:00, next 00:00) of a Shanghai date, as UTC ISO text. */
export function dayBounds(date: string): { from: string; to: string } {
  const from = Date.parse(`${date}T00:00:00+08:00`);
  return { from: new Date(from).toISOString(), to: new Date(from + DAY_MS).toISOString() };
}

export const nextDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
export const previousDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
export const monthOf = (date: string): string => date.slice(0, 7);

/** The first and last date of a YYYY-MM month. */
export function monthDates(month: string): { first: string; last: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { first: `${month}-01`, last: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = nextDate(d)) out.push(d);
  return out;
}

/** Inclusive number of days of a period. */
export const daysIn = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** A day's rows are final when computed after its end plus this margin (actions commit a moment after their time). */
export const SETTLE_MS = 10 * 60_000;

export function isFinal(day: string, rolledAt: Date): boolean {
  return rolledAt.getTime() >= Date.parse(dayBounds(day).to) + SETTLE_MS;
}

/** The days the rollup recomputes at `now`: today and the `lookbackDays - 1` days before it. */
export function recentDays(now: Date, lookbackDays: number): string[] {
  const today = shanghaiDate(now);
  const out = [today];
  while (out.length < lookbackDays) out.unshift(previousDate(out[0]!));
  return out;
}

export interface PeriodPlan {
  /** Whole months read from the month summary. */
  months: string[];
  /** Single final days read from the day summary. */
  days: string[];
  /** Runs of days read live from cases: [from, to] dates, both included. */
  live: { from: string; to: string }[];
}

/**
 * How to read [from, to]: whole months that are built from the month summary; other days whose
 * rows are final from the day summary; everything else (today, a day not yet final) live.
 */
export function planPeriod(from: string, to: string, finalDays: ReadonlySet<string>, builtMonths: ReadonlySet<string>): PeriodPlan {
  const plan: PeriodPlan = { months: [], days: [], live: [] };
  let d = from;
  while (d <= to) {
    const month = monthOf(d);
    const { first, last } = monthDates(month);
    if (d === first && last <= to && builtMonths.has(month)) {
      plan.months.push(month);
      d = nextDate(last);
      continue;
    }
    if (finalDays.has(d)) {
      plan.days.push(d);
    } else {
      const run = plan.live[plan.live.length - 1];
      if (run && nextDate(run.to) === d) run.to = d;
      else plan.live.push({ from: d, to: d });
    }
    d = nextDate(d);
  }
  return plan;
}

// ---- filters ----

export interface FilterInput {
  from?: unknown;
  to?: unknown;
  groupBy?: unknown;
  channel?: unknown;
}

export interface FilterIssue {
  pointer: string;
  code: string;
  detail: string;
}

/** The longest period one report reads (three years and a day for leap years). */
export const MAX_PERIOD_DAYS = 3 * 366;

/** Checks the period, grouping and channel of a report request; [] when they are usable. */
export function checkFilters(f: FilterInput): FilterIssue[] {
  const issues: FilterIssue[] = [];
  const from = f.from;
  const to = f.to;
  if (!isCalendarDate(from)) issues.push({ pointer: '#/query/from', code: 'DATE', detail: '开始日期应为有效日期，写成 2026-01-01 的形式' });
  if (!isCalendarDate(to)) issues.push({ pointer: '#/query/to', code: 'DATE', detail: '结束日期应为有效日期，写成 2026-06-30 的形式' });
  if (isCalendarDate(from) && isCalendarDate(to)) {
    if (to < from) issues.push({ pointer: '#/query/to', code: 'PERIOD_ORDER', detail: '结束日期不能早于开始日期' });
    else if (daysIn(from, to) > MAX_PERIOD_DAYS) issues.push({ pointer: '#/query/to', code: 'PERIOD_TOO_LONG', detail: '统计期间最长三年，请缩短期间或分段统计' });
  }
  if (f.groupBy !== undefined && !(GROUP_BYS as readonly unknown[]).includes(f.groupBy)) {
    issues.push({ pointer: '#/query/groupBy', code: 'NOT_ALLOWED', detail: `分组方式应为 ${GROUP_BYS.join('、')} 之一` });
  }
  if (f.channel !== undefined && !(STAT_CHANNELS as readonly unknown[]).includes(f.channel)) {
    issues.push({ pointer: '#/query/channel', code: 'NOT_ALLOWED', detail: `渠道应为 ${STAT_CHANNELS.map((c) => `${c}（${STAT_CHANNEL_LABELS[c]}）`).join('、')} 之一` });
  }
  return issues;
}

/** 2026年上半年 / 2026年3月 / 2026年 / 2026年1月1日至2026年3月15日: how the title names a period. */
export function periodLabel(from: string, to: string): string {
  const cn = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  const y = from.slice(0, 4);
  if (from.slice(0, 4) === to.slice(0, 4)) {
    if (from === `${y}-01-01` && to === `${y}-12-31`) return `${Number(y)}年`;
    if (from === `${y}-01-01` && to === `${y}-06-30`) return `${Number(y)}年上半年`;
    if (from === `${y}-07-01` && to === `${y}-12-31`) return `${Number(y)}年下半年`;
    const { first, last } = monthDates(monthOf(from));
    if (from === first && to === last) return `${Number(y)}年${Number(from.slice(5, 7))}月`;
    for (const [q, a, b] of [[1, '01-01', '03-31'], [2, '04-01', '06-30'], [3, '07-01', '09-30'], [4, '10-01', '12-31']] as const) {
      if (from === `${y}-${a}` && to === `${y}-${b}`) return `${Number(y)}年第${'一二三四'[q - 1]}季度`;
    }
  }
  return `${cn(from)}至${cn(to)}`;
}

/** The calendar date of a moment in Shanghai (re-exported for the modules). */
export { shanghaiDate };
