// What leaves the server about the service network, decided once per resource. The public board shows
// badges only (name, staff number, title, duties, photo): never a user name, phone or ID number.
import Type from 'typebox';
import type { AbsenceKind, AbsenceTable, DepartmentTable, OrgLevel, UnitKind } from '../../db/schema.ts';
import {
  ABSENCE_KIND_LABELS, ABSENCE_KINDS, mayAcceptDirectly, mayHandle, UNIT_KIND_LABELS, UNIT_KINDS, WEEKDAY_LABELS,
} from '../../domain/network.ts';
import { ORG_LEVEL_LABELS } from '../../domain/org-tree.ts';
import type * as repo from './repo.ts';
import type { BadgeView, getRota, publicBoard, WindowView } from './service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const UnitKindName = Type.Unsafe<UnitKind>({
  type: 'string', enum: [...UNIT_KINDS], description: UNIT_KINDS.map((k) => `${k}=${UNIT_KIND_LABELS[k]}`).join('，'),
});
export const AbsenceKindName = Type.Unsafe<AbsenceKind>({
  type: 'string', enum: [...ABSENCE_KINDS], description: ABSENCE_KINDS.map((k) => `${k}=${ABSENCE_KIND_LABELS[k]}`).join('，'),
});

export const DepartmentView = Type.Object({
  id: Type.String(), orgId: Type.String(), code: Type.String(), name: Type.String(),
  parentId: Nullable(Type.String({ description: '乡镇站所对应的县级部门' })),
  createdAt: Type.String(), updatedAt: Type.String(), version: Type.Integer(),
});

export function presentDepartment(d: DepartmentTable) {
  return { id: d.id, orgId: d.org_id, code: d.code, name: d.name, parentId: d.parent_id, createdAt: d.created_at, updatedAt: d.updated_at, version: d.version };
}

export const UnitView = Type.Object({
  id: Type.String(), orgId: Type.String(), kind: UnitKindName, kindLabel: Type.String(), name: Type.String(),
  departmentId: Nullable(Type.String()), departmentCode: Nullable(Type.String()), departmentName: Nullable(Type.String()),
  headUserId: Nullable(Type.String()), active: Type.Boolean(),
  mayAcceptDirectly: Type.Boolean({ description: '可直接受理申请人' }), mayHandle: Type.Boolean({ description: '可承办办件' }),
  createdAt: Type.String(), updatedAt: Type.String(), version: Type.Integer(),
});

export function presentUnit(u: repo.UnitRow) {
  return {
    id: u.id, orgId: u.org_id, kind: u.kind, kindLabel: UNIT_KIND_LABELS[u.kind], name: u.name,
    departmentId: u.department_id, departmentCode: u.department_code, departmentName: u.department_name,
    headUserId: u.head_user_id, active: u.active === 1, mayAcceptDirectly: mayAcceptDirectly(u.kind), mayHandle: mayHandle(u.kind),
    createdAt: u.created_at, updatedAt: u.updated_at, version: u.version,
  };
}

const Post = Type.Unsafe<'A' | 'B' | 'closed'>({ type: 'string', enum: ['A', 'B', 'closed'], description: 'A：A岗在岗；B：A岗不在，B岗顶岗；closed：两岗均不在，工作转中心主任' });

export const WindowViewSchema = Type.Object({
  id: Type.String(), orgId: Type.String(), number: Type.String(), sign: Type.String(),
  aUserId: Type.String(), aUserName: Type.String(), bUserId: Type.String(), bUserName: Type.String(),
  units: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), kind: UnitKindName, active: Type.Boolean() })),
  active: Type.Boolean(),
  serving: Type.Object({ post: Post, userId: Nullable(Type.String()), name: Nullable(Type.String()) }, { description: '此刻在岗情况' }),
  createdAt: Type.String(), updatedAt: Type.String(), version: Type.Integer(),
});

export function presentWindow(v: WindowView) {
  const w = v.window;
  const name = (id: string | null) => (id ? v.people.get(id)?.display_name ?? '' : null);
  return {
    id: w.id, orgId: w.org_id, number: w.number, sign: w.sign,
    aUserId: w.a_user_id, aUserName: name(w.a_user_id) ?? '', bUserId: w.b_user_id, bUserName: name(w.b_user_id) ?? '',
    units: v.units.map((u) => ({ id: u.id, name: u.name, kind: u.kind, active: u.active === 1 })),
    active: w.active === 1,
    serving: { post: v.serving.post, userId: v.serving.userId, name: name(v.serving.userId) },
    createdAt: w.created_at, updatedAt: w.updated_at, version: w.version,
  };
}

export const AbsenceView = Type.Object({
  id: Type.String(), userId: Type.String(), kind: AbsenceKindName, kindLabel: Type.String(),
  startsAt: Type.String(), endsAt: Type.String(), reason: Type.String(),
  createdAt: Type.String(), createdBy: Type.String(), cancelledAt: Nullable(Type.String()), cancelledBy: Nullable(Type.String()),
});

export function presentAbsence(a: AbsenceTable) {
  return {
    id: a.id, userId: a.user_id, kind: a.kind, kindLabel: ABSENCE_KIND_LABELS[a.kind], startsAt: a.starts_at, endsAt: a.ends_at,
    reason: a.reason, createdAt: a.created_at, createdBy: a.created_by, cancelledAt: a.cancelled_at, cancelledBy: a.cancelled_by,
  };
}

export const BadgeViewSchema = Type.Object({
  userId: Type.String(), displayName: Type.String(), orgId: Type.String(),
  staffNo: Type.String(), title: Nullable(Type.String()), duties: Nullable(Type.String()), onPublicBoard: Type.Boolean(),
  photoUrl: Nullable(Type.String()),
  windows: Type.Array(Type.Object({ windowId: Type.String(), number: Type.String(), sign: Type.String(), post: Type.Unsafe<'A' | 'B'>({ type: 'string', enum: ['A', 'B'] }) })),
  updatedAt: Type.String(), version: Type.Integer(),
});

export function presentBadge(b: BadgeView) {
  const p = b.profile;
  return {
    userId: b.user.id, displayName: b.user.display_name, orgId: b.user.org_id,
    staffNo: p.staff_no, title: p.title, duties: p.duties, onPublicBoard: p.on_public_board === 1,
    photoUrl: p.photo_file ? `/api/staff/${b.user.id}/photo` : null,
    windows: b.windows.map((w) => ({ windowId: w.window.id, number: w.window.number, sign: w.window.sign, post: w.post })),
    updatedAt: p.updated_at, version: p.version,
  };
}

export const BadgeListItem = Type.Object({
  userId: Type.String(), displayName: Type.String(), orgId: Type.String(), staffNo: Type.String(),
  title: Nullable(Type.String()), duties: Nullable(Type.String()), onPublicBoard: Type.Boolean(), hasPhoto: Type.Boolean(), version: Type.Integer(),
});

export function presentBadgeListItem(r: Awaited<ReturnType<typeof repo.listProfiles>>[number]) {
  return {
    userId: r.user_id, displayName: r.display_name, orgId: r.org_id, staffNo: r.staff_no, title: r.title, duties: r.duties,
    onPublicBoard: r.on_public_board === 1, hasPhoto: r.photo_file !== null, version: r.version,
  };
}

export const RotaView = Type.Object({
  orgId: Type.String(),
  days: Type.Array(Type.Object({ weekday: Type.Integer(), weekdayLabel: Type.String(), userId: Type.String(), displayName: Type.String() })),
  todayUserId: Nullable(Type.String({ description: '今天值班的村干部（周末为空）' })),
});

export function presentRota(r: Awaited<ReturnType<typeof getRota>>) {
  return {
    orgId: r.org.id,
    days: r.rota.map((d) => ({ weekday: d.weekday, weekdayLabel: WEEKDAY_LABELS[d.weekday] ?? '', userId: d.user_id, displayName: r.people.get(d.user_id)?.display_name ?? '' })),
    todayUserId: r.today,
  };
}

const PublicStaffView = Nullable(Type.Object({
  name: Type.String(), staffNo: Type.String(), title: Nullable(Type.String()), duties: Nullable(Type.String()), photoUrl: Nullable(Type.String()),
}, { description: '工作牌：姓名、工号、职务、职责、照片' }));

export const BoardView = Type.Object({
  org: Type.Object({
    code: Type.String(), name: Type.String(), level: Type.Unsafe<OrgLevel>({ type: 'string' }), levelLabel: Type.String(),
    address: Nullable(Type.String()), phone: Nullable(Type.String({ description: '机构办公电话' })), openingHours: Nullable(Type.String()),
  }),
  asOf: Type.String(),
  windows: Type.Array(Type.Object({
    number: Type.String(), sign: Type.String(), units: Type.Array(Type.String()),
    status: Type.Unsafe<'open' | 'closed'>({ type: 'string', enum: ['open', 'closed'] }),
    post: Nullable(Type.Unsafe<'A' | 'B'>({ type: 'string', enum: ['A', 'B'] })),
    staff: PublicStaffView,
  })),
  handlingRooms: Type.Array(Type.Object({ name: Type.String(), department: Nullable(Type.String()) })),
  villageRoom: Nullable(Type.Object({
    name: Nullable(Type.String()), weekday: Type.Integer(), onDutyToday: PublicStaffView,
    rota: Type.Array(Type.Object({ weekday: Type.Integer(), staff: PublicStaffView })),
  })),
});

export function presentBoard(b: Awaited<ReturnType<typeof publicBoard>>) {
  const o = b.org;
  return {
    org: { code: o.code, name: o.name, level: o.level, levelLabel: ORG_LEVEL_LABELS[o.level], address: o.address, phone: o.phone, openingHours: o.opening_hours },
    asOf: b.asOf, windows: b.windows, handlingRooms: b.handlingRooms, villageRoom: b.villageRoom,
  };
}
