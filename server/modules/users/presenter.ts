// What leaves the server about a user: no password hash, no internal counters.
import Type from 'typebox';
import type { Actor } from '../../context.ts';
import type { UserTable } from '../../db/schema.ts';
import { ROLE_DEFINITIONS, ROLES, type Grant, type Role } from '../../domain/roles.ts';

export const RoleName = Type.Unsafe<Role>({ type: 'string', enum: [...ROLES], description: ROLES.map((r) => `${r}=${ROLE_DEFINITIONS[r].label}`).join('，') });

const GrantView = Type.Object({
  role: RoleName,
  roleLabel: Type.String(),
  orgId: Type.String(),
});

export const ActorView = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  orgId: Type.String(),
  roles: Type.Array(GrantView),
});

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  orgId: Type.String(),
  roles: Type.Array(GrantView),
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

function presentGrant(g: Pick<Grant, 'role' | 'orgId'>) {
  return { role: g.role, roleLabel: ROLE_DEFINITIONS[g.role].label, orgId: g.orgId };
}

export function presentActor(actor: Actor) {
  return { userId: actor.userId, username: actor.username, displayName: actor.displayName, orgId: actor.orgId, roles: actor.roles.map(presentGrant) };
}

export function presentUser(user: UserTable, grants: Grant[], now: Date) {
  const locked = user.locked_until && Date.parse(user.locked_until) > now.getTime() ? user.locked_until : null;
  return {
    id: user.id, username: user.username, displayName: user.display_name, orgId: user.org_id,
    roles: grants.map(presentGrant), disabled: user.disabled === 1, lockedUntil: locked,
    createdAt: user.created_at, updatedAt: user.updated_at, version: user.version,
  };
}
