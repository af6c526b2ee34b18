// Who is signed in, what they may do, and why a session ended (shown on the sign-in page).
import { useQuery } from '@tanstack/react-query';
import { ROLE_DEFINITIONS, type Permission } from '../../../server/domain/roles.ts';
import { get, ProblemError } from '../api/client.ts';
import type { Actor } from '../api/types.ts';

export const ME_KEY = ['me'] as const;

/** A unit the person works at now (GET /api/auth/me). */
export interface MyUnit {
  id: string;
  name: string;
  kind: 'acceptance_desk' | 'handling_window' | 'handling_room' | 'village_room';
  department: string | null;
  post: 'A' | 'B' | null;
  org: { id: string; code: string; name: string; level: string };
}

/** GET /api/auth/me and the sign-in answer: the person, their units, and their password's age. */
export interface SessionActor extends Actor {
  units: MyUnit[];
  /** Past its maximum age: every API but me, password change and sign-out answers 403 PASSWORD_EXPIRED. */
  passwordExpired: boolean;
  passwordChangedDaysAgo: number;
  /** Days left when it expires within 7 days; otherwise null. */
  passwordExpiresInDays: number | null;
  passwordMaxAgeDays: number;
}

export const PASSWORD_PATH = '/account/password';

export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        return await get<SessionActor>('/api/auth/me', { quiet401: true });
      } catch (err) {
        if (err instanceof ProblemError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export function can(actor: Actor | null | undefined, permission: Permission): boolean {
  return !!actor?.roles.some((g) => ROLE_DEFINITIONS[g.role].permissions.includes(permission));
}

export function hasRole(actor: Actor | null | undefined, ...roles: string[]): boolean {
  return !!actor?.roles.some((g) => roles.includes(g.role));
}

/** Kept in memory, not storage: signing out clears site storage (Clear-Site-Data). */
let signOutNotice: { kind: 'warning' | 'success'; text: string } | null = null;

export function setSignOutNotice(notice: typeof signOutNotice): void {
  signOutNotice = notice;
}

export function peekSignOutNotice(): typeof signOutNotice {
  return signOutNotice;
}
