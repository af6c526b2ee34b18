// API shapes as the server sends them (server/modules/*/routes.ts).
import type { Role } from '../../../server/domain/roles.ts';

export type { Role };
export type OrgLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export interface Grant {
  role: Role;
  roleLabel: string;
  orgId: string;
}

export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  orgId: string;
  roles: Grant[];
}

export interface Org {
  id: string;
  code: string;
  name: string;
  level: OrgLevel;
  parentId: string | null;
  address: string | null;
  phone: string | null;
  openingHours: string | null;
  version: number;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  orgId: string;
  roles: Grant[];
  disabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface CalendarDay {
  date: string;
  working: boolean;
  reason: string;
  local: boolean;
}

export interface CalendarYearView {
  year: number;
  orgId: string | null;
  official: boolean;
  provisional: boolean;
  warning: string | null;
  days: CalendarDay[];
}
