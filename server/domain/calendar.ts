/**
 * Work calendar (工作周历): which dates are working days at a service center, and the
 * working-day arithmetic behind case time limits. Plain data and pure functions.
 *
 * Every calendar date is judged in Asia/Shanghai. China has had no DST since 1991, so a fixed
 * +08:00 offset is exact and keeps results independent of the process's TZ.
 */

export type HolidayRange = { name: string; from: string; to: string };
export type CalendarYear = { year: number; off: HolidayRange[]; makeup: string[]; published?: string };
export type LocalChange = { date: string; kind: 'closed' | 'open'; reason: string };
export type ValidationIssue = { pointer: string; detail: string };
/** A moment in time: a Date, or an ISO date-time string that carries its offset (Z or ±hh:mm). */
export type Moment = Date | string;

export type WorkCalendar = {
  readonly years: readonly CalendarYear[];
  readonly localChanges: readonly LocalChange[];
  readonly officialYears: ReadonlySet<number>;
  readonly offDates: ReadonlySet<string>;
  readonly makeupDates: ReadonlySet<string>;
  readonly localClosed: ReadonlySet<string>;
  readonly localOpen: ReadonlySet<string>;
};

export class CalendarDataError extends Error {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super(`工作周历数据无效：\n${issues.map((i) => `${i.pointer || '/'}：${i.detail}`).join('\n')}`);
    this.name = 'CalendarDataError';
    this.issues = issues;
  }
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const WEEKDAY_NAMES = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

// Internally a calendar date is a day number: days since 1970-01-01.
function parseDate(date: unknown): number | undefined {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00Z`);
  // Date.parse rolls 2025-02-30 over to March; a round trip catches that.
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date ? undefined : ms / DAY_MS;
}

/** A real `YYYY-MM-DD` date (2025-02-30 is not). */
export const isCalendarDate = (date: unknown): date is string => parseDate(date) !== undefined;

const isoDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const yearOf = (day: number): number => new Date(day * DAY_MS).getUTCFullYear();
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
const isWeekend = (day: number): boolean => weekdayOf(day) === 0 || weekdayOf(day) === 6;
const startOfDay = (day: number): Date => new Date(day * DAY_MS - SHANGHAI_OFFSET_MS);
const endOfDay = (day: number): Date => new Date((day + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);

function toDate(at: Moment): Date {
  // An offset-less date-time string would be read in the process's TZ, so it is refused.
  if (typeof at === 'string' && !/T.*(Z|[+-]\d{2}:\d{2})$/i.test(at)) {
    throw new RangeError(`moment "${at}" must be an ISO date-time with an offset, e.g. 2025-09-30T09:00:00+08:00`);
  }
  const date = new Date(typeof at === 'string' ? at : at.getTime());
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid moment: ${String(at)}`);
  return date;
}

const shanghaiDay = (at: Moment): number => Math.floor((toDate(at).getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);

/** The calendar date (YYYY-MM-DD) of a moment in Asia/Shanghai. */
export function shanghaiDate(at: Moment): string {
  return isoDate(shanghaiDay(at));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one year's arrangement (from the shipped file or from an administrator); [] when valid. */
export function validateCalendarYear(input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (pointer: string, detail: string): void => void issues.push({ pointer, detail });
  if (!isRecord(input)) return [{ pointer: '', detail: '应为对象' }];

  const year = Number.isInteger(input.year) && (input.year as number) >= 1000 && (input.year as number) <= 9999
    ? (input.year as number)
    : undefined;
  if (year === undefined) add('/year', '年份应为四位整数');

  const dateInYear = (pointer: string, value: unknown): number | undefined => {
    const day = parseDate(value);
    if (day === undefined) add(pointer, `“${String(value)}”不是有效日期（应为 YYYY-MM-DD）`);
    else if (year !== undefined && yearOf(day) !== year) add(pointer, `日期 ${String(value)} 不在 ${year} 年内`);
    else return day;
    return undefined;
  };

  const ranges: { name: string; from: number; to: number }[] = [];
  if (!Array.isArray(input.off)) add('/off', '放假安排应为数组');
  else {
    input.off.forEach((entry: unknown, i) => {
      const at = `/off/${i}`;
      if (!isRecord(entry)) return add(at, '应为对象');
      const name = typeof entry.name === 'string' ? entry.name.trim() : '';
      if (!name) add(`${at}/name`, '节日名称不能为空');
      const from = dateInYear(`${at}/from`, entry.from);
      const to = dateInYear(`${at}/to`, entry.to);
      if (from === undefined || to === undefined) return;
      if (from > to) return add(`${at}/to`, `结束日期 ${isoDate(to)} 早于开始日期 ${isoDate(from)}`);
      const clash = ranges.find((r) => from <= r.to && r.from <= to);
      if (clash) add(at, `与放假安排“${clash.name}”的日期重叠`);
      ranges.push({ name, from, to });
    });
  }

  if (!Array.isArray(input.makeup)) add('/makeup', '调休上班日应为数组');
  else {
    const seen = new Set<number>();
    input.makeup.forEach((value: unknown, i) => {
      const at = `/makeup/${i}`;
      const day = dateInYear(at, value);
      if (day === undefined) return;
      if (!isWeekend(day)) add(at, `调休上班日 ${isoDate(day)} 是${WEEKDAY_NAMES[weekdayOf(day)]}，应为星期六或星期日`);
      const inside = ranges.find((r) => r.from <= day && day <= r.to);
      if (inside) add(at, `调休上班日 ${isoDate(day)} 落在放假安排“${inside.name}”之内`);
      if (seen.has(day)) add(at, `调休上班日 ${isoDate(day)} 重复`);
      seen.add(day);
    });
  }

  if (input.published !== undefined && parseDate(input.published) === undefined) {
    add('/published', `发布日期“${String(input.published)}”不是有效日期（应为 YYYY-MM-DD）`);
  }
  return issues;
}

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Turns the shipped holidays file ({ years: { "2025": {...} } }) into CalendarYear[]; throws CalendarDataError. */
export function loadOfficialYears(json: unknown): CalendarYear[] {
  if (!isRecord(json) || !isRecord(json.years)) throw new CalendarDataError([{ pointer: '/years', detail: '缺少按年份组织的放假安排' }]);
  const issues: ValidationIssue[] = [];
  const years: CalendarYear[] = [];
  for (const [key, entry] of Object.entries(json.years)) {
    const at = `/years/${escapePointer(key)}`;
    if (!/^\d{4}$/.test(key)) {
      issues.push({ pointer: at, detail: `“${key}”不是四位年份` });
      continue;
    }
    const candidate = isRecord(entry) ? { ...entry, year: Number(key) } : entry;
    const found = validateCalendarYear(candidate);
    issues.push(...found.map((i) => ({ pointer: at + i.pointer, detail: i.detail })));
    if (found.length === 0) years.push(copyYear(candidate as CalendarYear));
  }
  if (issues.length > 0) throw new CalendarDataError(issues);
  return years.sort((a, b) => a.year - b.year);
}

function copyYear(y: CalendarYear): CalendarYear {
  return {
    year: y.year,
    off: y.off.map(({ name, from, to }) => ({ name, from, to })),
    makeup: [...y.makeup],
    ...(y.published === undefined ? {} : { published: y.published }),
  };
}

/** Builds an immutable calendar; throws CalendarDataError on invalid years, duplicate years or bad local changes. */
export function buildCalendar(input: { years: readonly CalendarYear[]; localChanges?: readonly LocalChange[] }): WorkCalendar {
  const issues: ValidationIssue[] = [];
  const officialYears = new Set<number>();
  input.years.forEach((y, i) => {
    issues.push(...validateCalendarYear(y).map((issue) => ({ pointer: `/years/${i}${issue.pointer}`, detail: issue.detail })));
    if (officialYears.has(y.year)) issues.push({ pointer: `/years/${i}/year`, detail: `${y.year} 年的放假安排重复` });
    officialYears.add(y.year);
  });
  const localChanges = input.localChanges ?? [];
  const localClosed = new Set<string>();
  const localOpen = new Set<string>();
  localChanges.forEach((c, i) => {
    if (parseDate(c.date) === undefined) issues.push({ pointer: `/localChanges/${i}/date`, detail: `“${c.date}”不是有效日期（应为 YYYY-MM-DD）` });
    else if (localClosed.has(c.date) || localOpen.has(c.date)) issues.push({ pointer: `/localChanges/${i}/date`, detail: `${c.date} 已有本地调整` });
    if (c.kind !== 'closed' && c.kind !== 'open') issues.push({ pointer: `/localChanges/${i}/kind`, detail: '类型应为 closed 或 open' });
    (c.kind === 'closed' ? localClosed : localOpen).add(c.date);
  });
  if (issues.length > 0) throw new CalendarDataError(issues);

  const offDates = new Set<string>();
  const makeupDates = new Set<string>();
  for (const y of input.years) {
    for (const r of y.off) {
      for (let day = parseDate(r.from)!; day <= parseDate(r.to)!; day++) offDates.add(isoDate(day));
    }
    for (const date of y.makeup) makeupDates.add(date);
  }
  return Object.freeze({
    years: Object.freeze(input.years.map((y) => {
      const copy = copyYear(y);
      copy.off.forEach((r) => Object.freeze(r));
      Object.freeze(copy.off);
      Object.freeze(copy.makeup);
      return Object.freeze(copy);
    })),
    localChanges: Object.freeze(localChanges.map((c) => Object.freeze({ ...c }))),
    officialYears,
    offDates,
    makeupDates,
    localClosed,
    localOpen,
  });
}

// Local changes override the official arrangement; a year without official data is weekdays only.
function workingOn(cal: WorkCalendar, day: number, date: string): boolean {
  if (cal.localClosed.has(date)) return false;
  if (cal.localOpen.has(date)) return true;
  if (cal.offDates.has(date)) return false;
  if (cal.makeupDates.has(date)) return true;
  return !isWeekend(day);
}

// Deadlines walk the calendar day by day on every case action and every sweep: each calendar (immutable)
// remembers what it answered per day number, so a walk costs a map lookup per day, not a date string.
const WORKING = 1;
const OFFICIAL_YEAR = 2;
const dayFlagCache = new WeakMap<WorkCalendar, Map<number, number>>();

function dayFlags(cal: WorkCalendar, day: number): number {
  let flags = dayFlagCache.get(cal);
  if (!flags) dayFlagCache.set(cal, (flags = new Map()));
  let f = flags.get(day);
  if (f === undefined) {
    const date = isoDate(day);
    f = (workingOn(cal, day, date) ? WORKING : 0) | (cal.officialYears.has(Number(date.slice(0, 4))) ? OFFICIAL_YEAR : 0);
    flags.set(day, f);
  }
  return f;
}

const working = (cal: WorkCalendar, day: number): boolean => (dayFlags(cal, day) & WORKING) !== 0;

export function isWorkingDay(cal: WorkCalendar, date: string): boolean {
  const day = parseDate(date);
  if (day === undefined) throw new RangeError(`invalid calendar date: ${date}`);
  return working(cal, day);
}

export function hasOfficialData(cal: WorkCalendar, year: number): boolean {
  return cal.officialYears.has(year);
}

/**
 * Due moment of a limit of n working days accepted at `start`.
 * The acceptance day never counts: day 1 is the first working day after it (so a start on a
 * non-working day makes the next working day day 1). The due moment is the END of the nth
 * working day, 23:59:59.999 Shanghai time, so anything done that day is on time.
 * n = 0 (即办件): end of the start day if it is a working day, else end of the next working day.
 * `provisional` is true when any day whose status decided the result lies in a year without official data.
 */
export function addWorkingDays(cal: WorkCalendar, start: Moment, n: number): { due: Date; provisional: boolean } {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer, got ${n}`);
  let day = shanghaiDay(start);
  let provisional = false;
  const look = (d: number): boolean => {
    const f = dayFlags(cal, d);
    if ((f & OFFICIAL_YEAR) === 0) provisional = true;
    return (f & WORKING) !== 0;
  };
  if (n === 0) {
    while (!look(day)) day++;
  } else {
    for (let counted = 0; counted < n; ) if (look(++day)) counted++;
  }
  return { due: endOfDay(day), provisional };
}

/**
 * Working days strictly after `from`'s date up to and including `to`'s date (0 when `to`'s date is
 * not after `from`'s). Inverse of addWorkingDays: count(s, add(s, n).due) === n for n ≥ 1; for n = 0
 * it is 0 when s is on a working day and 1 otherwise (the immediate limit rolled over a day).
 */
export function countWorkingDays(cal: WorkCalendar, from: Moment, to: Moment): number {
  const last = shanghaiDay(to);
  let count = 0;
  for (let day = shanghaiDay(from) + 1; day <= last; day++) if (working(cal, day)) count++;
  return count;
}

/** `at` itself when it falls on a working day, else 00:00 Shanghai time of the next working day. */
export function nextWorkingMoment(cal: WorkCalendar, at: Moment): Date {
  let day = shanghaiDay(at);
  if (working(cal, day)) return toDate(at);
  while (!working(cal, ++day));
  return startOfDay(day);
}

/** From 1 November (Shanghai), next year's number if it has no official data yet; else null. */
export function missingYearsWarning(cal: WorkCalendar, today: Moment): number | null {
  const date = shanghaiDate(today);
  const year = Number(date.slice(0, 4));
  if (Number(date.slice(5, 7)) < 11) return null;
  return cal.officialYears.has(year + 1) ? null : year + 1;
}
