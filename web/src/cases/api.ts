// Reading and writing cases (server/modules/cases/routes.ts). No UI library: the staff app, the
// village room and the portal all use these.
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get, post, ProblemError } from '../api/client.ts';
import type {
  ActionBody, CaseActionOnCase, CaseDetail, CaseList, CaseWrite, NewCaseBody, PublicProgress, Queue, QueueCounts, UnitRow,
} from './types.ts';

export const CASES_KEY = ['cases'] as const;

/**
 * A fresh Idempotency-Key. crypto.randomUUID exists only in secure contexts, and a county may serve
 * the platform over plain HTTP on its intranet; getRandomValues works everywhere.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function useCase(id: string | undefined) {
  return useQuery({
    queryKey: [...CASES_KEY, 'detail', id],
    queryFn: ({ signal }) => get<CaseDetail>(`/api/cases/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
    staleTime: 0,
    retry: false,
  });
}

export function useQueueCounts(enabled = true) {
  return useQuery({
    queryKey: [...CASES_KEY, 'counts'],
    queryFn: ({ signal }) => get<QueueCounts>('/api/cases/counts', { signal }),
    enabled,
    staleTime: 10_000,
    refetchInterval: 60_000,
  });
}

export interface CaseFilters {
  queue: Queue;
  number?: string;
  idNumber?: string;
  itemId?: string;
  state?: string;
  channel?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** A search by ID number goes in a POST body, never in a URL (server logs, browser history). */
export function fetchCases(f: CaseFilters, signal?: AbortSignal): Promise<CaseList> {
  const { idNumber, ...rest } = f;
  if (idNumber) {
    return api<CaseList>('POST', '/api/cases/search', { ...dropEmpty(rest), idNumber }, { signal });
  }
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(dropEmpty(rest))) params.set(k, String(v));
  return get<CaseList>(`/api/cases?${params}`, { signal });
}

function dropEmpty<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && v !== null)) as Partial<T>;
}

export function useCaseList(f: CaseFilters) {
  return useQuery({
    queryKey: [...CASES_KEY, 'list', f],
    queryFn: ({ signal }) => fetchCases(f, signal),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

export function registerCase(body: NewCaseBody, key: string): Promise<CaseWrite> {
  return post<CaseWrite>('/api/cases', body, { headers: { 'idempotency-key': key } });
}

export function actOnCase(id: string, action: CaseActionOnCase, body: ActionBody, key: string): Promise<CaseWrite> {
  return post<CaseWrite>(`/api/cases/${encodeURIComponent(id)}/${action}`, body, { headers: { 'idempotency-key': key } });
}

/** After any write: every list, count and detail may have changed. */
export function useRefreshCases() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: CASES_KEY });
}

/** 409: someone acted first (stale version) or the case moved on; the page must reload it. */
export const isConflict = (err: unknown): boolean => err instanceof ProblemError && err.status === 409;

/** The URL of a printable notice (HTML the browser opens in a new tab). */
export const noticeUrl = (caseId: string, kind: string) => `/api/cases/${encodeURIComponent(caseId)}/notices/${kind}`;

export function useUnitsOfOrg(orgId: string | undefined) {
  return useQuery({
    queryKey: ['units', orgId],
    queryFn: () => get<{ items: UnitRow[] }>(`/api/units?orgId=${encodeURIComponent(orgId!)}&active=true`),
    select: (d) => d.items,
    enabled: !!orgId,
    staleTime: 300_000,
  });
}

export function lookupProgress(number: string, proof: { code: string } | { phone4: string }, signal?: AbortSignal): Promise<PublicProgress> {
  const params = new URLSearchParams(proof);
  return get<PublicProgress>(`/api/public/cases/${encodeURIComponent(number.trim())}?${params}`, { signal });
}

/** Forward steps first (the usual next step is the primary button), then the ones that stop or turn back. */
const ORDER: CaseActionOnCase[] = [
  'accept', 'supplement', 'finish_immediately', 'receive', 'transfer', 'complete_stage', 'resume', 'decide', 'reply', 'deliver',
  'request_materials', 'suspend', 'extend', 'return', 'refuse', 'withdraw',
];
const BACKWARD: CaseActionOnCase[] = ['return', 'refuse', 'withdraw'];
export const isBackward = (a: CaseActionOnCase) => BACKWARD.includes(a);
export const sortActions = <A extends { action: CaseActionOnCase }>(list: A[]): A[] =>
  [...list].sort((a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action));
