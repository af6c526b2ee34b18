// How a day of the work calendar is shown: one kind per day, from the server's view of it.
import type { CalendarDay } from '../../api/types.ts';

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup' | 'localClosed' | 'localOpen';

export function dayKind(d: CalendarDay): DayKind {
  if (d.local) return d.working ? 'localOpen' : 'localClosed';
  if (d.working) return d.reason === '调休上班' ? 'makeup' : 'workday';
  return d.reason === '周末' ? 'weekend' : 'holiday';
}

/** Monday-first weeks of one month; null pads the days before the 1st and after the last. */
export function monthWeeks(days: readonly CalendarDay[], month: number): (CalendarDay | null)[][] {
  const inMonth = days.filter((d) => Number(d.date.slice(5, 7)) === month);
  if (inMonth.length === 0) return [];
  const first = new Date(`${inMonth[0]!.date}T00:00:00Z`).getUTCDay();
  const cells: (CalendarDay | null)[] = [...Array<null>((first + 6) % 7).fill(null), ...inMonth];
  while (cells.length % 7) cells.push(null);
  const weeks: (CalendarDay | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}
