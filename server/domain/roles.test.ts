import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { can, canGrant, grantCovers, hasPermission, incompatibleRoles, PERMISSIONS, ROLE_DEFINITIONS, ROLES, scopeOf, type Grant, type Role } from './roles.ts';

const county = '/c/';
const town = '/c/t/';
const village = '/c/t/v/';
const otherCounty = '/c2/';
const g = (role: Role, orgPath: string): Grant => ({ role, orgId: orgPath.split('/').at(-2)!, orgPath });

describe('roles', () => {
  it('has the nine roles the service network needs, each with a Chinese label', () => {
    assert.deepEqual([...ROLES].sort(), ['acceptance_clerk', 'auditor', 'center_manager', 'handling_officer', 'leader', 'supervisor', 'system_admin', 'village_cadre', 'window_clerk']);
    for (const r of ROLES) assert.match(ROLE_DEFINITIONS[r].label, /\p{Script=Han}/u);
  });

  it('subtree roles reach down, never up or sideways', () => {
    const s = g('supervisor', town);
    assert.equal(grantCovers(s, town), true);
    assert.equal(grantCovers(s, village), true);
    assert.equal(grantCovers(s, county), false);
    assert.equal(grantCovers(s, '/c/t2/'), false);
    assert.equal(grantCovers(s, otherCounty), false);
  });

  it('exact roles see their own org only', () => {
    const c = g('village_cadre', village);
    assert.equal(grantCovers(c, village), true);
    assert.equal(grantCovers(c, town), false);
    assert.equal(grantCovers(c, '/c/t/v/x/'), false);
  });

  // The full matrix: which role may do what (三员分立: admin ≠ auditor).
  const matrix: Record<Role, string[]> = {
    system_admin: ['orgs.read', 'orgs.manage', 'users.read', 'users.manage', 'calendar.manage', 'network.manage', 'catalog.manage'],
    center_manager: ['orgs.read', 'users.read', 'users.manage', 'calendar.manage', 'network.manage', 'catalog.manage', 'cases.read', 'supervision.read', 'supervision.respond'],
    acceptance_clerk: ['orgs.read', 'cases.read', 'supervision.read', 'supervision.respond'],
    window_clerk: ['orgs.read', 'cases.read', 'supervision.read', 'supervision.respond'],
    handling_officer: ['orgs.read', 'cases.read', 'supervision.read', 'supervision.respond'],
    village_cadre: ['orgs.read', 'cases.read', 'supervision.read', 'supervision.respond'],
    supervisor: ['orgs.read', 'users.read', 'cases.read', 'supervision.read', 'supervision.manage'],
    leader: ['orgs.read', 'users.read', 'cases.read', 'supervision.read'],
    auditor: ['orgs.read', 'users.read', 'audit.read'],
  };
  for (const role of ROLES) {
    for (const p of PERMISSIONS) {
      it(`${role} ${matrix[role].includes(p) ? 'may' : 'may not'} ${p}`, () => {
        assert.equal(hasPermission([g(role, county)], p), matrix[role].includes(p));
        assert.equal(can([g(role, county)], p, county), matrix[role].includes(p));
      });
    }
  }

  it('scopeOf splits subtrees from exact orgs and ignores roles without the permission', () => {
    const grants = [g('supervisor', town), g('village_cadre', '/c/t2/v/'), g('system_admin', otherCounty)];
    assert.deepEqual(scopeOf(grants, 'users.read'), { subtrees: [town, otherCounty], exact: [] });
    assert.deepEqual(scopeOf(grants, 'orgs.read'), { subtrees: [town, otherCounty], exact: ['v'] });
    assert.deepEqual(scopeOf(grants, 'audit.read'), { subtrees: [], exact: [] });
    assert.deepEqual(scopeOf(grants, 'cases.read'), { subtrees: [town], exact: ['v'] });
  });

  it('the system admin cannot appoint auditors; a center manager only counter roles', () => {
    assert.equal(canGrant([g('system_admin', county)], 'auditor', county), false);
    assert.equal(canGrant([g('system_admin', county)], 'supervisor', town), true);
    assert.equal(canGrant([g('system_admin', county)], 'window_clerk', otherCounty), false);
    assert.equal(canGrant([g('center_manager', town)], 'window_clerk', village), true);
    assert.equal(canGrant([g('center_manager', town)], 'system_admin', town), false);
    assert.equal(canGrant([g('center_manager', town)], 'window_clerk', county), false);
    assert.equal(canGrant([g('auditor', county)], 'window_clerk', county), false);
  });

  it('one person may not be both administrator and auditor', () => {
    assert.deepEqual(incompatibleRoles(['system_admin', 'auditor']), ['system_admin', 'auditor']);
    assert.deepEqual(incompatibleRoles(['supervisor', 'auditor']), ['supervisor', 'auditor']);
    assert.equal(incompatibleRoles(['system_admin', 'center_manager']), null);
  });
});
