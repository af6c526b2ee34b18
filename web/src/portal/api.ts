// The public API the portal reads (no sign-in): catalog search, service guides, the list of centers, center boards.
// Shapes follow server/modules/catalog/routes.ts (PublicItemView, PublicGuideView) and
// server/modules/network/presenter.ts (BoardView).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get, ProblemError } from '../api/client.ts';

export interface CatalogHit {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  itemType: string;
  department: string;
  departmentName: string;
  handlingMode: string;
  caseType: string;
  committedLimitDays: number;
  maxVisits: number;
  proxyCategory: string | null;
  acceptLevels: string[];
  lifeEvents: string[];
  ownerOrgId: string;
  ownerName: string;
}

export interface CatalogPage {
  owner: { id: string; code: string; name: string } | null;
  total: number;
  items: CatalogHit[];
}

export interface Guide extends CatalogHit {
  version: number;
  publishedAt: string;
  overview: string;
  legalBasis: { law: string; articles: string | null }[];
  fee: { charged: boolean; standard: string | null; basis: string | null; amountYuan: number | null };
  materials: {
    name: string; requirement: string; condition: string | null; form: string; copies: number; medium: string;
    sample: string | null; note: string | null;
  }[];
  preconditions: string[];
  procedure: string[];
  legalLimitDays: number;
  specialSteps: { name: string; countsInLimit: boolean; maxDays: number }[];
  process: { name: string; limitDays: number; handlers: { department: string; departmentName: string; level: string }[] }[];
  where: { orgName: string; address: string | null; phone: string | null; openingHours: string | null; contact: string | null };
}

export interface PublicStaff {
  name: string;
  staffNo: string;
  title: string | null;
  duties: string | null;
  photoUrl: string | null;
}

export interface Board {
  org: { code: string; name: string; level: string; levelLabel: string; address: string | null; phone: string | null; openingHours: string | null };
  asOf: string;
  windows: { number: string; sign: string; units: string[]; status: 'open' | 'closed'; post: 'A' | 'B' | null; staff: PublicStaff | null }[];
  handlingRooms: { name: string; department: string | null }[];
  villageRoom: { name: string | null; weekday: number; onDutyToday: PublicStaff | null; rota: { weekday: number; staff: PublicStaff | null }[] } | null;
}

/** `orgCode` picks the catalog a village or township sees (its county's); without it, the platform's. */
export function useCatalogSearch(q: string, lifeEvent: string | null, page: number, orgCode?: string, pageSize = 20) {
  const params = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
  if (q) params.set('q', q);
  if (lifeEvent) params.set('lifeEvent', lifeEvent);
  if (orgCode) params.set('orgCode', orgCode);
  return useQuery({
    queryKey: ['portal', 'catalog', q, lifeEvent, page, orgCode ?? null, pageSize],
    queryFn: ({ signal }) => get<CatalogPage>(`/api/public/catalog?${params}`, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function useGuide(id: string, enabled = true) {
  return useQuery({
    queryKey: ['portal', 'guide', id],
    queryFn: () => get<Guide>(`/api/public/catalog/${encodeURIComponent(id)}`),
    retry: false,
    enabled,
  });
}

export function useBoard(code: string) {
  return useQuery({
    queryKey: ['portal', 'board', code],
    queryFn: () => get<Board>(`/api/public/orgs/${encodeURIComponent(code)}/board`),
    retry: false,
    refetchInterval: 60_000,
  });
}

/** GET /api/public/orgs: a service center as the public sees it (no staff data). */
export interface Center {
  code: string;
  name: string;
  level: string;
  levelLabel: string;
  kind: 'center' | 'village_room';
  parentCode: string | null;
  parentName: string | null;
  address: string | null;
  openingHours: string | null;
  phone: string | null;
  boardUrl: string;
}

export function useCenters() {
  return useQuery({
    queryKey: ['portal', 'centers'],
    queryFn: ({ signal }) => get<{ items: Center[] }>('/api/public/orgs', { signal }),
    staleTime: 300_000,
    retry: false,
  });
}

export const notFound = (err: unknown) => err instanceof ProblemError && err.status === 404;
