// GET /api/statistics (server/modules/statistics/routes.ts, docs/statistics.md): the figures of an org
// subtree by channel, org, unit, window, item or month, with totals; format=xlsx is the official Excel.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get } from './client.ts';

export const GROUP_BYS = ['channel', 'org', 'unit', 'window', 'item', 'month'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const STAT_CHANNELS = ['counter', 'village_room', 'proxy', 'online'] as const;

export interface Figures {
  accepted: number;
  acceptedByProxy: number;
  finished: number;
  finishedByProxy: number;
  finishedOnTime: number;
  workingDays: number;
  refused: number;
  denied: number;
  withdrawn: number;
  finishRate: number | null;
  onTimeRate: number | null;
  avgWorkingDays: number | null;
  overdueNow: number;
  signals: { warning: number; yellow: number; red: number } | null;
}

export interface StatisticsRow extends Figures {
  key: string;
  label: string;
  code: string | null;
  own?: boolean;
}

export interface StatisticsView {
  org: { id: string; code: string; name: string; level: string };
  parentName: string | null;
  period: { from: string; to: string; label: string };
  groupBy: GroupBy;
  groupLabel: string;
  filters: { unit: string | null; window: string | null; item: string | null; channel: string | null };
  ownOnly: boolean;
  rows: StatisticsRow[];
  total: Figures;
  source: { months: string[]; days: number; live: { from: string; to: string }[] };
  generatedAt: string;
}

export interface StatisticsQuery {
  orgId: string;
  from: string;
  to: string;
  groupBy?: GroupBy;
  unitId?: string;
  windowId?: string;
  itemId?: string;
  channel?: string;
}

export function statisticsUrl(q: StatisticsQuery, format?: 'xlsx'): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, String(v));
  if (format) params.set('format', format);
  return `/api/statistics?${params}`;
}

export function useStatistics(q: StatisticsQuery | null, options: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: ['statistics', q],
    queryFn: ({ signal }) => get<StatisticsView>(statisticsUrl(q!), { signal }),
    enabled: !!q?.orgId,
    placeholderData: keepPreviousData,
    retry: false,
    refetchInterval: options.refetchInterval,
  });
}

/** A date as YYYY-MM-DD in China's time. */
export function shanghaiDay(d: Date = new Date()): string {
  return d.toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
}

/** The last day of a month given as YYYY-MM. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}

/** The half-year (H1: Jan–Jun, H2: Jul–Dec) containing `day`. */
export function halfYearOf(day: string): { from: string; to: string } {
  const y = day.slice(0, 4);
  return Number(day.slice(5, 7)) <= 6 ? { from: `${y}-01-01`, to: `${y}-06-30` } : { from: `${y}-07-01`, to: `${y}-12-31` };
}

/** A rate as the reports print it: one decimal and a percent sign, or a dash when there is no denominator. */
export const rateText = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${r.toFixed(1)}%`);
