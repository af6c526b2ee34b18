// Village batches (定期报送) as the server sends them (server/modules/batches/presenter.ts), and the
// calls that build, send, sign and hand over. No UI library.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post } from '../api/client.ts';
import { CASES_KEY } from './api.ts';

export type BatchKind = 'outgoing' | 'return';
export type BatchState = 'draft' | 'sent' | 'checked' | 'cancelled';
import type { BatchCaseStatus } from './types.ts';
export type { BatchCaseStatus };
export type BatchAction = 'send' | 'cancel' | 'receive' | 'check' | 'deliver';

interface OrgRef {
  id: string;
  code: string;
  name: string;
}
interface PersonRef {
  id: string;
  name: string;
}

/** GET /api/batches counts: per state (within the kind asked for) and per kind (within the state asked for). */
export interface BatchCounts {
  all: number;
  byState: Record<BatchState, number>;
  byKind: Record<BatchKind, number>;
}

export interface BatchSummary {
  id: string;
  number: string;
  kind: BatchKind;
  kindLabel: string;
  state: BatchState;
  stateLabel: string;
  village: OrgRef;
  township: OrgRef;
  villageUnitId: string;
  deskUnitId: string;
  caseCount: number;
  materialsCount: number;
  missingCount: number;
  note: string | null;
  createdAt: string;
  sentAt: string | null;
  checkedAt: string | null;
  cancelledAt: string | null;
  version: number;
}

export interface BatchCaseLine {
  caseId: string;
  number: string;
  position: number;
  itemName: string;
  applicantName: string;
  caseState: string;
  caseStateLabel: string;
  caseVersion: number;
  status: BatchCaseStatus;
  statusLabel: string;
  materials: string[];
  materialsCount: number;
  sentVersion: number | null;
  signedAt: string | null;
  signedBy: PersonRef | null;
  flaggedAt: string | null;
  flaggedBy: PersonRef | null;
  deliveredAt: string | null;
  deliveredBy: PersonRef | null;
}

export interface Batch extends BatchSummary {
  villageUnitName: string;
  deskUnitName: string;
  createdBy: PersonRef | null;
  sentBy: PersonRef | null;
  checkedBy: PersonRef | null;
  cancelledBy: PersonRef | null;
  allowedActions: BatchAction[];
  cases: BatchCaseLine[];
}

export interface BatchCandidates {
  village: OrgRef;
  villageUnitId: string;
  deskUnitId: string;
  items: { caseId: string; number: string; itemName: string; applicantName: string; state: string; stateLabel: string; version: number; acceptedAt: string | null }[];
}

export const BATCHES_KEY = ['batches'] as const;

export function useBatches(filter: { kind?: BatchKind; state?: BatchState; villageId?: string }, enabled = true) {
  const params = new URLSearchParams({ pageSize: '50' });
  for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
  return useQuery({
    queryKey: [...BATCHES_KEY, 'list', params.toString()],
    queryFn: ({ signal }) => get<{ total: number; items: BatchSummary[]; counts?: BatchCounts }>(`/api/batches?${params}`, { signal }),
    enabled,
    retry: false,
  });
}

export function useBatch(id: string | undefined) {
  return useQuery({
    queryKey: [...BATCHES_KEY, 'detail', id],
    queryFn: ({ signal }) => get<Batch>(`/api/batches/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
    staleTime: 0,
    retry: false,
  });
}

export function useBatchCandidates(kind: BatchKind, villageId: string | undefined, enabled = true) {
  const params = new URLSearchParams({ kind });
  if (villageId) params.set('villageId', villageId);
  return useQuery({
    queryKey: [...BATCHES_KEY, 'candidates', params.toString()],
    queryFn: ({ signal }) => get<BatchCandidates>(`/api/batches/candidates?${params}`, { signal }),
    enabled,
    retry: false,
  });
}

const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

export const createBatch = (body: { kind: BatchKind; villageId?: string; caseIds: string[]; note?: string }, key: string) =>
  post<Batch>('/api/batches', body, withKey(key));
export const batchStep = (id: string, step: 'send' | 'cancel' | 'check', version: number, key: string, opinion?: string) =>
  post<Batch>(`/api/batches/${encodeURIComponent(id)}/${step}`, { version, ...(opinion ? { opinion } : {}) }, withKey(key));
export const batchCaseStep = (id: string, caseId: string, step: 'receive' | 'deliver', key: string, opinion?: string) =>
  post<Batch>(`/api/batches/${encodeURIComponent(id)}/cases/${encodeURIComponent(caseId)}/${step}`, opinion ? { opinion } : {}, withKey(key));

export const manifestUrl = (id: string) => `/api/batches/${encodeURIComponent(id)}/manifest`;

/** A batch step moves cases too: refresh both. */
export function useRefreshBatches() {
  const queryClient = useQueryClient();
  return () => Promise.all([
    queryClient.invalidateQueries({ queryKey: BATCHES_KEY }),
    queryClient.invalidateQueries({ queryKey: CASES_KEY }),
  ]);
}
