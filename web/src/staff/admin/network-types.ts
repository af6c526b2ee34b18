// Shapes of the network API (server/modules/network/presenter.ts).
export type UnitKind = 'acceptance_desk' | 'handling_window' | 'handling_room' | 'village_room';
export type AbsenceKind = 'leave' | 'business_trip' | 'meeting' | 'training' | 'other';

export interface Department {
  id: string;
  orgId: string;
  code: string;
  name: string;
  parentId: string | null;
  version: number;
}

export interface Unit {
  id: string;
  orgId: string;
  kind: UnitKind;
  kindLabel: string;
  name: string;
  departmentId: string | null;
  departmentName: string | null;
  headUserId: string | null;
  active: boolean;
  mayAcceptDirectly: boolean;
  mayHandle: boolean;
  version: number;
}

export interface ServiceWindow {
  id: string;
  orgId: string;
  number: string;
  sign: string;
  aUserId: string;
  aUserName: string;
  bUserId: string;
  bUserName: string;
  units: { id: string; name: string; kind: UnitKind; active: boolean }[];
  active: boolean;
  serving: { post: 'A' | 'B' | 'closed'; userId: string | null; name: string | null };
  version: number;
}

export interface Absence {
  id: string;
  userId: string;
  kind: AbsenceKind;
  kindLabel: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  cancelledAt: string | null;
}
