/**
 * Case clocks (限时办结制): due moments, remaining working days and deadline status of a case and
 * of each of its stages, on the work calendar. Pure functions over the clock facts a case records.
 *
 * What a due moment is. A limit of N working days accepted at moment S is due at the END of the Nth
 * working day after S's calendar date, 23:59:59.999 Asia/Shanghai — exactly `addWorkingDays`
 * (calendar.ts). Limits are counted in working days (行政许可法 art. 82), the day a period starts
 * does not count (民法典 art. 201), and anything done on the last day is on time. We do not use 17:30: opening hours differ between
 * centers (they are free text on the org), the law counts whole days, and one definition for every
 * clock (cases, stages, 12345 orders) keeps the supervision sweep simple.
 *
 * Immediate items (即办件, limit 0) are due at the end of the acceptance day, or — accepted on a
 * non-working day — at the end of the next working day. Their days added by suspensions or
 * extensions count from that day, so every lost day moves the due moment by one working day.
 *
 * Stopped time. The clock starts at acceptance (waiting for materials is before it, so it never
 * counts). A suspension (特别程序) from P to R loses countWorkingDays(P, R) working days — the
 * working days after P's date up to and including R's date, the same "first day does not count"
 * rule as acceptance — and every due moment moves later by exactly that many working days. The
 * case clock stops for good at the decision (or refusal or withdrawal): the committed limit is the
 * time to decide (行政许可法 art. 42); delivery has its own 10 working days (art. 44).
 */
import { addWorkingDays, countWorkingDays, type Moment, type WorkCalendar } from './calendar.ts';

export interface ClockPause {
  from: string;
  /** null while still suspended. */
  to: string | null;
  /** The stage the pause stopped; its stage clock moves too. */
  stageIndex: number | null;
  expectedDays: number;
}

export interface ClockExtension {
  at: string;
  days: number;
  /** The stage current when the extension was granted; it gets the days too. */
  stageIndex: number | null;
}

export interface StageClock {
  index: number;
  limitDays: number;
  startedAt: string;
  finishedAt: string | null;
}

/** The clock facts a case records; every due moment is derived from them. */
export interface CaseClock {
  limitDays: number;
  /** The acceptance moment (after 补正: the moment the materials became complete); null before. */
  acceptedAt: string | null;
  /** Decision, or withdrawal after acceptance: the case clock runs no further. */
  stoppedAt: string | null;
  pauses: ClockPause[];
  extensions: ClockExtension[];
  stages: StageClock[];
}

export type DeadlineStatus = 'normal' | 'due_soon' | 'overdue';

/** due_soon when at most `days` working days are left, or at most `fraction` of the limit, whichever is larger. */
export interface DueSoonThreshold {
  days: number;
  fraction: number;
}
export const DEFAULT_DUE_SOON: DueSoonThreshold = { days: 1, fraction: 0.2 };

/** 行政许可法 art. 44: the certificate is served within 10 (working) days of the approval. */
export const DELIVERY_LIMIT_DAYS = 10;
/** A village room forwards what it accepted to the township within 3 working days (domain.md §10). */
export const VILLAGE_FORWARD_LIMIT_DAYS = 3;

export function emptyClock(limitDays: number): CaseClock {
  return { limitDays, acceptedAt: null, stoppedAt: null, pauses: [], extensions: [], stages: [] };
}

const ms = (at: Moment): number => (typeof at === 'string' ? Date.parse(at) : at.getTime());
const earlier = (a: Moment, b: Moment): Moment => (ms(a) <= ms(b) ? a : b);

/**
 * Due moment of `limitDays` working days from `start`, moved by `extraDays` (lost to suspensions or
 * granted by extension). See the module comment for the limit-0 rule.
 */
export function dueAfter(cal: WorkCalendar, start: Moment, limitDays: number, extraDays = 0): { due: Date; provisional: boolean } {
  if (limitDays > 0) return addWorkingDays(cal, start, limitDays + extraDays);
  const sameDay = addWorkingDays(cal, start, 0);
  if (extraDays === 0) return sameDay;
  const moved = addWorkingDays(cal, sameDay.due, extraDays);
  return { due: moved.due, provisional: sameDay.provisional || moved.provisional };
}

/** Working days lost to the given pauses, an open pause counted up to `until`. */
export function lostWorkingDays(cal: WorkCalendar, pauses: readonly ClockPause[], until: Moment): number {
  let lost = 0;
  for (const p of pauses) {
    const end = p.to ?? until;
    if (ms(end) > ms(p.from)) lost += countWorkingDays(cal, p.from, end);
  }
  return lost;
}

// A stopped clock is read as it stood when it stopped.
const readAt = (clock: CaseClock, now: Moment): Moment => (clock.stoppedAt ? earlier(clock.stoppedAt, now) : now);
const extensionDays = (list: readonly ClockExtension[]): number => list.reduce((sum, e) => sum + e.days, 0);

/** The case's due moment as of `now` (an open suspension counted up to now); null before acceptance. */
export function caseDue(cal: WorkCalendar, clock: CaseClock, now: Moment): { due: Date; provisional: boolean } | null {
  if (!clock.acceptedAt) return null;
  const lost = lostWorkingDays(cal, clock.pauses, readAt(clock, now));
  return dueAfter(cal, clock.acceptedAt, clock.limitDays, lost + extensionDays(clock.extensions));
}

/** A stage's due moment as of `now`: its own limit from its start, moved by its own pauses and extensions. */
export function stageDue(cal: WorkCalendar, clock: CaseClock, stageIndex: number, now: Moment): { due: Date; provisional: boolean } | null {
  const stage = clock.stages.find((s) => s.index === stageIndex);
  if (!stage) return null;
  const until = stage.finishedAt ? earlier(stage.finishedAt, readAt(clock, now)) : readAt(clock, now);
  const lost = lostWorkingDays(cal, clock.pauses.filter((p) => p.stageIndex === stageIndex), until);
  const extra = extensionDays(clock.extensions.filter((e) => e.stageIndex === stageIndex));
  return dueAfter(cal, stage.startedAt, stage.limitDays, lost + extra);
}

/**
 * Working days left until `due` as seen at `now`: the working days after today up to the due day
 * (0 on the due day itself). Once overdue it is negative: minus the working days since the due day,
 * and at least −1 (a weekend right after the due day is already overdue).
 */
export function workingDaysUntil(cal: WorkCalendar, due: Moment, now: Moment): number {
  if (ms(now) <= ms(due)) return countWorkingDays(cal, now, due);
  return -Math.max(1, countWorkingDays(cal, due, now));
}

export function deadlineStatus(
  cal: WorkCalendar,
  due: Moment,
  now: Moment,
  limitDays: number,
  threshold: DueSoonThreshold = DEFAULT_DUE_SOON,
): DeadlineStatus {
  if (ms(now) > ms(due)) return 'overdue';
  const left = workingDaysUntil(cal, due, now);
  return left <= Math.max(threshold.days, threshold.fraction * limitDays) ? 'due_soon' : 'normal';
}

export interface ClockReading {
  due: Date;
  provisional: boolean;
  /** Limit in force: the committed (or stage) limit plus extensions. */
  limitDays: number;
  remainingWorkingDays: number;
  status: DeadlineStatus;
  /** True while suspended: the due moment moves with every working day that passes. */
  paused: boolean;
  /** True once decided or withdrawn: the reading is as of that moment. */
  stopped: boolean;
}

function reading(
  cal: WorkCalendar,
  clock: CaseClock,
  found: { due: Date; provisional: boolean },
  limitDays: number,
  now: Moment,
  paused: boolean,
  threshold: DueSoonThreshold,
): ClockReading {
  const at = readAt(clock, now);
  return {
    due: found.due,
    provisional: found.provisional,
    limitDays,
    remainingWorkingDays: workingDaysUntil(cal, found.due, at),
    status: deadlineStatus(cal, found.due, at, limitDays, threshold),
    paused,
    stopped: clock.stoppedAt !== null,
  };
}

/** The whole case's clock as of `now`; null before acceptance. */
export function readCaseClock(cal: WorkCalendar, clock: CaseClock, now: Moment, threshold = DEFAULT_DUE_SOON): ClockReading | null {
  const found = caseDue(cal, clock, now);
  if (!found) return null;
  const paused = clock.stoppedAt === null && clock.pauses.some((p) => p.to === null);
  return reading(cal, clock, found, clock.limitDays + extensionDays(clock.extensions), now, paused, threshold);
}

/** One stage's clock as of `now` (frozen at the stage's end once it finished); null if it never started. */
export function readStageClock(cal: WorkCalendar, clock: CaseClock, stageIndex: number, now: Moment, threshold = DEFAULT_DUE_SOON): ClockReading | null {
  const stage = clock.stages.find((s) => s.index === stageIndex);
  const found = stageDue(cal, clock, stageIndex, now);
  if (!stage || !found) return null;
  const at = stage.finishedAt ? earlier(stage.finishedAt, now) : now;
  const paused = !stage.finishedAt && clock.stoppedAt === null && clock.pauses.some((p) => p.to === null && p.stageIndex === stageIndex);
  const limit = stage.limitDays + extensionDays(clock.extensions.filter((e) => e.stageIndex === stageIndex));
  return reading(cal, { ...clock, stoppedAt: clock.stoppedAt ?? stage.finishedAt }, found, limit, at, paused, threshold);
}

/** Working days left on the case as of `now` (negative when overdue); null before acceptance. */
export function remainingWorkingDays(cal: WorkCalendar, clock: CaseClock, now: Moment): number | null {
  return readCaseClock(cal, clock, now)?.remainingWorkingDays ?? null;
}

/** Was the case decided within its limit? null while undecided. */
export function decidedOnTime(cal: WorkCalendar, clock: CaseClock): boolean | null {
  if (!clock.stoppedAt) return null;
  const found = caseDue(cal, clock, clock.stoppedAt);
  return found ? ms(clock.stoppedAt) <= found.due.getTime() : null;
}

/** When a suspension is expected to end (its announced working days from its start). */
export function pauseExpectedEnd(cal: WorkCalendar, pause: ClockPause): { due: Date; provisional: boolean } {
  return addWorkingDays(cal, pause.from, pause.expectedDays);
}

/** By when the result must reach the applicant after the decision (送达). */
export function deliveryDue(cal: WorkCalendar, decidedAt: Moment): { due: Date; provisional: boolean } {
  return addWorkingDays(cal, decidedAt, DELIVERY_LIMIT_DAYS);
}

/** By when a village room must have sent a case it holds to the township (定期报送). */
export function villageForwardDue(cal: WorkCalendar, heldSince: Moment): { due: Date; provisional: boolean } {
  return addWorkingDays(cal, heldSince, VILLAGE_FORWARD_LIMIT_DAYS);
}
