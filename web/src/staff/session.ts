// Who is signed in, what they may do, and why a session ended (shown on the sign-in page).
import { useQuery } from '@tanstack/react-query';
import { ROLE_DEFINITIONS, type Permission } from '../../../server/domain/roles.ts';
import { get, ProblemError } from '../api/client.ts';
import type { Actor } from '../api/types.ts';

export const ME_KEY = ['me'] as const;

export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        return await get<Actor>('/api/auth/me', { quiet401: true });
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
