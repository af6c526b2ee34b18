// Electronic supervision (server/modules/supervision/routes.ts): signals, their follow-up steps, the
// summary and the live stream of the big screen. No UI library here (the big screen uses it too).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get, post } from './client.ts';

export const SIGNAL_LEVELS = ['warning', 'yellow', 'red'] as const;
export type SignalLevel = (typeof SIGNAL_LEVELS)[number];
export const SIGNAL_STATUSES = ['open', 'acknowledged', 'explained', 'rectified', 'appealed', 'escalated', 'closed', 'revoked'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];
export const SIGNAL_STEPS = ['acknowledge', 'explain', 'rectify', 'appeal', 'close', 'revoke', 'reject_appeal', 'escalate'] as const;
export type SignalStep = (typeof SIGNAL_STEPS)[number];
/** Steps the server refuses without a text (server/domain/supervision.ts TEXT_REQUIRED). */
export const TEXT_REQUIRED: readonly SignalStep[] = ['explain', 'rectify', 'appeal', 'revoke', 'reject_appeal', 'escalate'];
/** Steps a supervisor takes; the others belong to the responsible unit. */
export const SUPERVISOR_STEPS: readonly SignalStep[] = ['close', 'revoke', 'reject_appeal', 'escalate'];

/** Level colours: the same on every screen, always with the level's words beside them. */
export const LEVEL_COLOURS: Record<SignalLevel, string> = { warning: '#2563eb', yellow: '#eab308', red: '#dc2626' };

export interface Signal {
  id: string;
  caseId: string;
  caseNumber: string;
  itemName: string;
  stageIndex: number;
  stageName: string | null;
  rule: string;
  ruleLabel: string;
  level: SignalLevel;
  levelLabel: string;
  ruleVersion: number;
  ruleOrgId: string | null;
  basis: string;
  deadlineAt: string | null;
  unitId: string;
  unitName: string;
  orgId: string;
  responsibleUserId: string | null;
  headUserId: string | null;
  raisedAt: string;
  feedbackDueAt: string;
  status: SignalStatus;
  statusLabel: string;
  appealed: boolean;
  closedAt: string | null;
  version: number;
}

export interface SignalStepRow {
  seq: number;
  at: string;
  step: string;
  stepLabel: string;
  fromStatus: string | null;
  toStatus: string;
  userId: string | null;
  userName: string;
  text: string | null;
}

export interface SignalDetail extends Signal {
  responsibleName: string | null;
  headName: string | null;
  case: { id: string; number: string; itemName: string; state: string; dueAt: string | null; acceptedAt: string | null };
  steps: SignalStepRow[];
  allowedSteps: SignalStep[];
}

export interface SignalList {
  total: number;
  page: number;
  pageSize: number;
  items: Signal[];
}

export interface SignalFilters {
  level?: string;
  status?: string;
  orgId?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export interface LevelCounts {
  warning: number;
  yellow: number;
  red: number;
}

export interface SupervisionSummary {
  at: string;
  orgId: string | null;
  open: LevelCounts;
  byOrg: (LevelCounts & { orgId: string; orgName: string })[];
  newest: Signal[];
  overdueCases: number;
}

export const SIGNALS_KEY = ['supervision', 'signals'] as const;

function query(f: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  return p.toString();
}

export function useSignals(f: SignalFilters) {
  return useQuery({
    queryKey: [...SIGNALS_KEY, 'list', f],
    queryFn: ({ signal }) => get<SignalList>(`/api/supervision/signals?${query(f)}`, { signal }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useSignal(id: string | undefined) {
  return useQuery({
    queryKey: [...SIGNALS_KEY, 'one', id],
    queryFn: ({ signal }) => get<SignalDetail>(`/api/supervision/signals/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
    retry: false,
  });
}

export function stepSignal(id: string, step: SignalStep, body: { version: number; text?: string }): Promise<SignalDetail> {
  return post<SignalDetail>(`/api/supervision/signals/${encodeURIComponent(id)}/${step}`, body);
}

export function fetchSummary(orgId?: string, signal?: AbortSignal): Promise<SupervisionSummary> {
  return get<SupervisionSummary>(`/api/supervision/summary${orgId ? `?orgId=${encodeURIComponent(orgId)}` : ''}`, { signal });
}

export const streamUrl = (orgId?: string) => `/api/supervision/stream${orgId ? `?orgId=${encodeURIComponent(orgId)}` : ''}`;
