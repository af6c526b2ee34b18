// The sweep: read the open cases whose next threshold moment has come (an index range on
// case_watch.next_at, so the cost follows the signals falling due, not the open cases), evaluate each
// with the pure rules, raise what is due exactly once, and move each case's moment on — one page per
// transaction. On PostgreSQL a page is claimed with FOR UPDATE SKIP LOCKED, so several processes sweep
// side by side without waiting for each other; a process killed mid-page rolls its page back and the
// rows are there for the next sweep. SQLite has one writer: pages simply take turns.
import type { AppContext } from '../../context.ts';
import { inTransaction } from '../../db/transaction.ts';
import { isTerminal, type CaseSnapshot, type CaseState } from '../../domain/case-lifecycle.ts';
import { superviseCase } from '../../domain/supervision.ts';
import { runPeriodically } from '../../ops/periodic.ts';
import { calendarFor, rulesFor } from './cache.ts';
import { raiseSignals, setWatch, WATCHED_COLUMNS, type ToRaise, type WatchedCase } from './raise.ts';

export interface SweepResult {
  /** Cases whose moment had come and were evaluated. */
  cases: number;
  /** Signals this sweep raised (others may have been raised by another process at the same time). */
  raised: number;
  byLevel: { warning: number; yellow: number; red: number };
  pages: number;
  ms: number;
}

/** After a case failed to evaluate (bad data), look again in an hour rather than at every sweep. */
const RETRY_BROKEN_MS = 3_600_000;

type Listener = (signalIds: string[]) => void;
const listeners = new Set<Listener>();
/** The stream (SSE) hears about signals this process raised without waiting for its poll. */
export function onSignalsRaised(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
export function announce(ids: string[]): void {
  if (ids.length) for (const l of listeners) l(ids);
}

/** One page: claim, evaluate, raise, move on. */
async function sweepPage(ctx: AppContext, now: Date, limit: number, log?: (msg: string) => void) {
  return inTransaction(ctx.db, async (tx) => {
    let q = tx.selectFrom('case_watch as w').innerJoin('cases', 'cases.id', 'w.case_id')
      .select(WATCHED_COLUMNS.map((c) => `cases.${c}` as const))
      .where('w.next_at', '<=', now.toISOString())
      .orderBy('w.next_at').limit(limit);
    if (ctx.engine === 'postgres') q = q.forUpdate('w').skipLocked();
    const rows = (await q.execute()) as WatchedCase[];
    const items: ToRaise[] = [];
    const moves: { caseId: string; nextAt: string | null }[] = [];
    for (const row of rows) {
      try {
        const snapshot = JSON.parse(row.snapshot) as CaseSnapshot;
        const [rules, calendar] = await Promise.all([rulesFor(ctx, tx, row.accepting_org_path), calendarFor(ctx, tx, row.accepting_org_id)]);
        const sup = superviseCase(snapshot, rules.config, calendar, now);
        items.push({ row, snapshot, rules, calendar, due: sup.due });
        moves.push({ caseId: row.id, nextAt: isTerminal(row.state as CaseState) ? null : sup.nextAt });
      } catch (err) {
        log?.(`电子监察：办件 ${row.number} 无法评估（${(err as Error).message}），一小时后再试`);
        moves.push({ caseId: row.id, nextAt: new Date(now.getTime() + RETRY_BROKEN_MS).toISOString() });
      }
    }
    const raised = await raiseSignals(ctx, tx, items, now);
    await setWatch(tx, moves);
    return { cases: rows.length, raised };
  });
}

/** Sweeps every case due at `now` (default: the context's clock), page by page. */
export async function sweep(ctx: AppContext, opts: { now?: Date; pageSize?: number; log?: (msg: string) => void } = {}): Promise<SweepResult> {
  const started = Date.now();
  const now = opts.now ?? ctx.now();
  const limit = opts.pageSize ?? ctx.config.supervision.sweepPage;
  const result: SweepResult = { cases: 0, raised: 0, byLevel: { warning: 0, yellow: 0, red: 0 }, pages: 0, ms: 0 };
  for (;;) {
    const page = await sweepPage(ctx, now, limit, opts.log);
    result.pages++;
    result.cases += page.cases;
    result.raised += page.raised.length;
    for (const s of page.raised) result.byLevel[s.level as 'warning']++;
    announce(page.raised.map((s) => s.id));
    if (page.cases < limit) break;
  }
  result.ms = Date.now() - started;
  return result;
}

/** Runs the sweep every `seconds` in this process (and once at start) until stopped; one run at a time. */
export function startSweepScheduler(ctx: AppContext, seconds: number, log: { info: (m: string) => void; error: (m: string) => void }): () => void {
  return runPeriodically(seconds, async () => {
    const r = await sweep(ctx, { log: log.error });
    if (r.raised > 0) log.info(`电子监察扫描：评估 ${r.cases} 件，发出 ${r.raised} 个信号（预警 ${r.byLevel.warning}，黄牌 ${r.byLevel.yellow}，红牌 ${r.byLevel.red}），用时 ${r.ms} ms`);
  }, (err) => log.error(`电子监察扫描失败，下次再试：${(err as Error).message}`), { immediately: true });
}
