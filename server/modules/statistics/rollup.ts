// The statistics rollup (docs/decisions/0008): recomputes whole days of the summary from cases —
// normally today and yesterday (Asia/Shanghai) — outside every case transaction, so the case write
// path gains no statement and no shared counter row. Each day is computed first (reads only), then
// written in its own short transaction: delete + insert of that day's rows under a per-day lock
// (PostgreSQL advisory lock; SQLite writers are serial), skipped when a newer computation is stored,
// and reduced to a one-row update when nothing changed. A month's rows are rebuilt from its day rows
// once every day of it is final, and again only if one of them changes. Idempotent; safe with several
// processes running it at once.
import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { inTransaction } from '../../db/transaction.ts';
import { buildCalendar, type CalendarYear, type WorkCalendar } from '../../domain/calendar.ts';
import {
  datesBetween, dayBounds, emptyStored, endedFacts, isFinal, monthDates, monthOf, recentDays, shanghaiDate, STORED_KEYS,
  type StoredMeasures,
} from '../../domain/statistics.ts';
import { loadCalendar } from '../calendar/service.ts';
import * as calendarRepo from '../calendar/repo.ts';
import * as repo from './repo.ts';
import { runPeriodically } from '../../ops/periodic.ts';

/** Calendars by accepting org: the national one unless the org or an ancestor has local changes. */
export class CalendarCache {
  private national: WorkCalendar | null = null;
  private localOrgs: Set<string> | null = null;
  private byOrg = new Map<string, Promise<WorkCalendar>>();
  constructor(private readonly ctx: AppContext) {}

  async prepare(): Promise<void> {
    if (this.national) return;
    const years = (await calendarRepo.listYears(this.ctx.db)).map((r) => JSON.parse(r.data) as CalendarYear);
    this.national = buildCalendar({ years });
    const rows = await this.ctx.db.selectFrom('calendar_local_changes').select('org_id').distinct().execute();
    this.localOrgs = new Set(rows.map((r) => r.org_id));
  }

  /** Call prepare() first. */
  forOrg(orgId: string, orgPath: string): WorkCalendar | Promise<WorkCalendar> {
    if (!orgPath.split('/').some((id) => this.localOrgs!.has(id))) return this.national!;
    let cal = this.byOrg.get(orgId);
    if (!cal) this.byOrg.set(orgId, (cal = loadCalendar(this.ctx, orgId)));
    return cal;
  }
}

type Keyed = repo.FactKey & StoredMeasures & { day: string };

const keyOf = (day: string, k: repo.FactKey) => `${day}|${k.org_id}|${k.unit_id}|${k.item_id}|${k.channel}`;

function bucket(map: Map<string, Keyed>, day: string, k: repo.FactKey): Keyed {
  const key = keyOf(day, k);
  let row = map.get(key);
  if (!row) {
    row = { day, org_id: k.org_id, org_path: k.org_path, unit_id: k.unit_id, item_id: k.item_id, channel: k.channel, ...emptyStored() };
    map.set(key, row);
  }
  return row;
}

/**
 * The facts of [fromDate, toDate] (Shanghai dates, both included) read from cases, one row per day
 * and key. The rollup calls it for one day with no filter; reports call it for the live tail.
 */
export async function computeFacts(ctx: AppContext, cache: CalendarCache, fromDate: string, toDate: string, f: repo.StatFilter | null): Promise<Keyed[]> {
  await cache.prepare();
  const from = dayBounds(fromDate).from;
  const to = dayBounds(toDate).to;
  const [accepted, ended] = await Promise.all([repo.acceptedRows(ctx.db, from, to, f), repo.endedRows(ctx.db, from, to, f)]);
  const map = new Map<string, Keyed>();
  const single = fromDate === toDate;
  for (const r of accepted) bucket(map, single ? fromDate : shanghaiDate(r.accepted_at), r).accepted++;
  for (const r of ended) {
    const cal = cache.forOrg(r.org_id, r.org_path);
    const facts = endedFacts(r, cal instanceof Promise ? await cal : cal);
    const row = bucket(map, single ? fromDate : shanghaiDate(r.finished_at), r);
    for (const k of STORED_KEYS) row[k] += facts[k];
  }
  return [...map.values()].sort((a, b) => (keyOf(a.day, a) < keyOf(b.day, b) ? -1 : 1));
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

export interface RollupResult {
  days: number;
  written: number;
  unchanged: number;
  stale: number;
  final: number;
  monthsRebuilt: string[];
  ms: number;
}

/** Recomputes the given days, then rebuilds every month of them whose days are all final and changed. */
export async function rollupDays(ctx: AppContext, days: string[], cache = new CalendarCache(ctx)): Promise<RollupResult> {
  const started = Date.now();
  const result: RollupResult = { days: days.length, written: 0, unchanged: 0, stale: 0, final: 0, monthsRebuilt: [], ms: 0 };
  for (const day of days) {
    const rolledAt = ctx.now();
    const rows = await computeFacts(ctx, cache, day, day, null);
    const checksum = sha(JSON.stringify(rows.map((r) => [r.org_id, r.unit_id, r.item_id, r.channel, ...STORED_KEYS.map((k) => r[k])])));
    const final = isFinal(day, rolledAt) ? 1 : 0;
    const outcome = await inTransaction(ctx.db, (tx) => repo.writeDay(tx, day, rows, { rolled_at: rolledAt.toISOString(), final, checksum, rows: rows.length }));
    result[outcome]++;
    result.final += final;
  }
  for (const month of [...new Set(days.map(monthOf))]) {
    if (await rebuildMonthIfDue(ctx, month)) result.monthsRebuilt.push(month);
  }
  result.ms = Date.now() - started;
  return result;
}

/** Rebuilds a month's rows when all its days are final and they changed since the last build. */
export async function rebuildMonthIfDue(ctx: AppContext, month: string): Promise<boolean> {
  const { first, last } = monthDates(month);
  const states = await repo.dayStates(ctx.db, first, last);
  if (states.length !== datesBetween(first, last).length || states.some((s) => !s.final)) return false;
  const source = sha(states.map((s) => s.checksum).join(','));
  if ((await repo.monthSource(ctx.db, month)) === source) return false;
  await inTransaction(ctx.db, (tx) => repo.rebuildMonth(tx, month, first, last, source, ctx.now().toISOString()));
  return true;
}

/** The scheduled run: today and the days before it that may still change. */
export function rollupRecent(ctx: AppContext, lookbackDays: number): Promise<RollupResult> {
  return rollupDays(ctx, recentDays(ctx.now(), lookbackDays));
}

/** Every day of [from, to] (the admin trigger, the bench). */
export async function rollupRange(ctx: AppContext, from: string, to: string): Promise<RollupResult> {
  return rollupDays(ctx, datesBetween(from, to));
}

/**
 * Runs the rollup every `seconds` in this process (never two at once here; other processes may run
 * theirs, which is safe). Returns a stop function.
 */
export function scheduleRollup(ctx: AppContext, seconds: number, lookbackDays: number, log: (msg: string, err?: unknown) => void): () => void {
  return runPeriodically(seconds, async () => {
    const r = await rollupRecent(ctx, lookbackDays);
    if (r.written || r.monthsRebuilt.length) log(`统计汇总：${r.days} 天，重写 ${r.written} 天，重建月份 ${r.monthsRebuilt.join(',') || '无'}，${r.ms} ms`);
  }, (err) => log('统计汇总失败，将在下次重试', err));
}
