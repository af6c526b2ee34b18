// Who may do what, and over which part of the org tree. Pure data and functions.

export const ROLES = [
  'system_admin', 'center_manager', 'acceptance_clerk', 'window_clerk', 'handling_officer',
  'village_cadre', 'supervisor', 'leader', 'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'orgs.read', 'orgs.manage', 'users.read', 'users.manage', 'audit.read', 'calendar.manage', 'network.manage', 'catalog.manage', 'cases.read',
  'supervision.read', 'supervision.respond', 'supervision.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** `subtree`: the role's org and everything below it; `exact`: that org only. */
export type ScopeMode = 'subtree' | 'exact';

interface RoleDefinition {
  label: string;
  scope: ScopeMode;
  permissions: readonly Permission[];
}

// 三员分立: the system admin manages accounts but cannot read the audit trail; the auditor reads it
// and manages nobody. Counter roles see only their own org. Cases (applicants' personal data) are
// read by those who handle or oversee them: counter roles at their org, managers, supervisors and
// leaders over their subtree; never by the system admin or the auditor.
// Supervision (电子监察): signals are read where cases are; the carded unit's staff and center
// managers answer them (supervision.respond); supervisors run the sweep, set the rules and close,
// revoke or escalate (supervision.manage).
export const ROLE_DEFINITIONS: Record<Role, RoleDefinition> = {
  system_admin: { label: '系统管理员', scope: 'subtree', permissions: ['orgs.read', 'orgs.manage', 'users.read', 'users.manage', 'calendar.manage', 'network.manage', 'catalog.manage'] },
  center_manager: { label: '中心主任', scope: 'subtree', permissions: ['orgs.read', 'users.read', 'users.manage', 'calendar.manage', 'network.manage', 'catalog.manage', 'cases.read', 'supervision.read', 'supervision.respond'] },
  acceptance_clerk: { label: '受理员', scope: 'exact', permissions: ['orgs.read', 'cases.read', 'supervision.read', 'supervision.respond'] },
  window_clerk: { label: '窗口工作人员', scope: 'exact', permissions: ['orgs.read', 'cases.read', 'supervision.read', 'supervision.respond'] },
  handling_officer: { label: '办理人员', scope: 'exact', permissions: ['orgs.read', 'cases.read', 'supervision.read', 'supervision.respond'] },
  village_cadre: { label: '村干部（代办员）', scope: 'exact', permissions: ['orgs.read', 'cases.read', 'supervision.read', 'supervision.respond'] },
  supervisor: { label: '监察人员', scope: 'subtree', permissions: ['orgs.read', 'users.read', 'cases.read', 'supervision.read', 'supervision.manage'] },
  leader: { label: '领导', scope: 'subtree', permissions: ['orgs.read', 'users.read', 'cases.read', 'supervision.read'] },
  auditor: { label: '审计员', scope: 'subtree', permissions: ['orgs.read', 'users.read', 'audit.read'] },
};

/** Roles each manager may hand out. The auditor is appointed only from the command line. */
const GRANTABLE: Partial<Record<Role, readonly Role[]>> = {
  system_admin: ['system_admin', 'center_manager', 'acceptance_clerk', 'window_clerk', 'handling_officer', 'village_cadre', 'supervisor', 'leader'],
  center_manager: ['acceptance_clerk', 'window_clerk', 'handling_officer', 'village_cadre'],
};

/** Pairs one person may not hold together (system, security and audit duties kept apart). */
const INCOMPATIBLE: readonly (readonly [Role, Role])[] = [
  ['system_admin', 'auditor'],
  ['center_manager', 'auditor'],
  ['supervisor', 'auditor'],
];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export interface Grant {
  role: Role;
  orgId: string;
  orgPath: string;
}

/** Does this grant cover an org with the given path? */
export function grantCovers(grant: Grant, orgPath: string): boolean {
  return ROLE_DEFINITIONS[grant.role].scope === 'subtree' ? orgPath.startsWith(grant.orgPath) : orgPath === grant.orgPath;
}

export function can(grants: readonly Grant[], permission: Permission, orgPath: string): boolean {
  return grants.some((g) => ROLE_DEFINITIONS[g.role].permissions.includes(permission) && grantCovers(g, orgPath));
}

export function hasPermission(grants: readonly Grant[], permission: Permission): boolean {
  return grants.some((g) => ROLE_DEFINITIONS[g.role].permissions.includes(permission));
}

/** The org-tree region a permission reaches: path prefixes (subtrees) and exact org ids. */
export function scopeOf(grants: readonly Grant[], permission: Permission): { subtrees: string[]; exact: string[] } {
  const subtrees: string[] = [];
  const exact: string[] = [];
  for (const g of grants) {
    if (!ROLE_DEFINITIONS[g.role].permissions.includes(permission)) continue;
    if (ROLE_DEFINITIONS[g.role].scope === 'subtree') subtrees.push(g.orgPath);
    else exact.push(g.orgId);
  }
  return { subtrees, exact };
}

/** May a manager holding `grants` give `role` at the org with `orgPath`? */
export function canGrant(grants: readonly Grant[], role: Role, orgPath: string): boolean {
  return grants.some((g) => (GRANTABLE[g.role] ?? []).includes(role) && grantCovers(g, orgPath));
}

export function incompatibleRoles(roles: readonly Role[]): [Role, Role] | null {
  for (const [a, b] of INCOMPATIBLE) if (roles.includes(a) && roles.includes(b)) return [a, b];
  return null;
}
