import { randomUUID } from 'node:crypto';
import type { Actor, AppContext, RequestMeta } from '../../context.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import type { OrgLevel, OrgTable } from '../../db/schema.ts';
import { ancestorsOf, orgMoveIssues, stationParentAfterMove } from '../../domain/network.ts';
import { canBeChildOf, childPath, ORG_LEVEL_LABELS } from '../../domain/org-tree.ts';
import { can, scopeOf } from '../../domain/roles.ts';
import { Conflict, Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import { networkChanged } from '../network/changes.ts';
import * as departments from '../network/repo.ts';
import * as repo from './repo.ts';

type Meta = RequestMeta & { actor: Actor };

/** Records the refused look and answers 404, so other orgs' records cannot even be confirmed to exist. */
export async function denyAsNotFound(
  ctx: AppContext, meta: Meta, objectType: string, objectId: string, detail: string, errors: FieldError[] = [],
): Promise<never> {
  await inTransaction(ctx.db, (tx) =>
    recordAudit(ctx, tx, meta, { action: 'access.denied', objectType, objectId, outcome: 'denied' }),
  );
  throw new NotFound(detail, errors);
}

export async function listOrgs(ctx: AppContext, meta: Meta, filter: { parentId?: string; level?: string }) {
  return repo.listOrgs(ctx.db, scopeOf(meta.actor.roles, 'orgs.read'), filter);
}

export async function getOrg(ctx: AppContext, meta: Meta, id: string): Promise<OrgTable> {
  const org = await repo.findOrg(ctx.db, id);
  if (org && can(meta.actor.roles, 'orgs.read', org.path)) return org;
  if (org) await denyAsNotFound(ctx, meta, 'org', id, '机构不存在或不在您的管辖范围内');
  throw new NotFound('机构不存在或不在您的管辖范围内');
}

export interface NewOrg {
  id?: string;
  code: string;
  name: string;
  level: OrgLevel;
  parentId: string;
  address?: string;
  phone?: string;
  openingHours?: string;
}

export async function createOrg(ctx: AppContext, meta: Meta, input: NewOrg): Promise<OrgTable> {
  const parent = await repo.findOrg(ctx.db, input.parentId);
  if (!parent || !can(meta.actor.roles, 'orgs.manage', parent.path)) {
    throw new Invalid('上级机构不存在或不在您的管理范围内', [{ pointer: '#/parentId', code: 'PARENT_NOT_FOUND', detail: '上级机构不存在或不在您的管理范围内' }]);
  }
  if (!canBeChildOf(input.level, parent.level)) {
    const detail = `${ORG_LEVEL_LABELS[parent.level]}级机构下不能设立${ORG_LEVEL_LABELS[input.level]}级机构`;
    throw new Invalid(detail, [{ pointer: '#/level', code: 'LEVEL_ORDER', detail }]);
  }
  const id = input.id ?? randomUUID();
  const at = ctx.now().toISOString();
  const org: OrgTable = {
    id, code: input.code, name: input.name, level: input.level, parent_id: parent.id, path: childPath(parent.path, id),
    address: input.address ?? null, phone: input.phone ?? null, opening_hours: input.openingHours ?? null, created_at: at, updated_at: at, version: 1,
  };
  return inTransaction(ctx.db, async (tx) => {
    if (await repo.findOrgByCode(tx, input.code)) {
      throw new Conflict(`机构代码 ${input.code} 已被使用，请换一个`, [{ pointer: '#/code', code: 'DUPLICATE', detail: '机构代码已被使用' }]);
    }
    if (await repo.findOrg(tx, id)) {
      throw new Conflict('机构编号已存在', [{ pointer: '#/id', code: 'DUPLICATE', detail: '机构编号已存在' }]);
    }
    await repo.insertOrg(tx, org);
    await recordAudit(ctx, tx, meta, { action: 'org.create', objectType: 'org', objectId: id, detail: { code: org.code, name: org.name, parentId: parent.id } });
    return org;
  });
}

function staleOrg(): Conflict {
  return new Conflict('该机构刚被他人修改，请刷新后重试', [{ pointer: '#/version', code: 'STALE_VERSION', detail: '版本已过期，请刷新' }]);
}

export interface OrgChanges {
  name?: string;
  address?: string | null;
  phone?: string | null;
  openingHours?: string | null;
  version: number;
}

/**
 * Renaming an org needs `orgs.manage`; its public contact facts (address, phone, opening hours) may
 * also be kept by whoever runs its service network (`network.manage`, e.g. the center manager).
 */
export async function updateOrg(ctx: AppContext, meta: Meta, id: string, input: OrgChanges): Promise<OrgTable> {
  const org = await getOrg(ctx, meta, id);
  const manages = can(meta.actor.roles, 'orgs.manage', org.path);
  const renames = input.name !== undefined && input.name.trim() !== org.name;
  if (!manages && (renames || !can(meta.actor.roles, 'network.manage', org.path))) {
    throw new Forbidden(renames ? '只有系统管理员可以修改机构名称' : '您可以查看该机构，但无权修改');
  }
  const changes: Partial<OrgTable> = {};
  if (input.name !== undefined) {
    changes.name = input.name.trim();
    if (!changes.name) throw new Invalid('请填写机构名称', [{ pointer: '#/name', code: 'REQUIRED', detail: '请填写机构名称' }]);
  }
  const text = (v: string | null) => (v === null ? null : v.trim() || null);
  if (input.address !== undefined) changes.address = text(input.address);
  if (input.phone !== undefined) changes.phone = text(input.phone);
  if (input.openingHours !== undefined) changes.opening_hours = text(input.openingHours);
  const at = ctx.now().toISOString();
  const updated = await inTransaction(ctx.db, async (tx) => {
    if (!(await repo.updateOrg(tx, id, input.version, changes, at))) throw staleOrg();
    await recordAudit(ctx, tx, meta, {
      action: 'org.update', objectType: 'org', objectId: id,
      detail: { before: { name: org.name, address: org.address, phone: org.phone, openingHours: org.opening_hours }, changes },
    });
    return (await repo.findOrg(tx, id))!;
  });
  networkChanged(ctx);
  return updated;
}

/**
 * Moves an org (with everything below it) under another parent: needs `orgs.manage` over the old
 * parent and the new one; refuses a cycle and a parent not above the org's level. Every path in the
 * subtree is rewritten, and stations (站所) re-pointed at the same department of their new county,
 * in one transaction.
 */
export async function moveOrg(ctx: AppContext, meta: Meta, id: string, input: { parentId: string; version: number }): Promise<OrgTable> {
  const org = await getOrg(ctx, meta, id);
  const oldParent = org.parent_id ? await repo.findOrg(ctx.db, org.parent_id) : undefined;
  if (!can(meta.actor.roles, 'orgs.manage', (oldParent ?? org).path)) {
    throw new Forbidden('移动机构需要对原上级机构和新上级机构都有管理权限');
  }
  const parent = await repo.findOrg(ctx.db, input.parentId);
  if (!parent || !can(meta.actor.roles, 'orgs.manage', parent.path)) {
    throw new Invalid('新的上级机构不存在或不在您的管理范围内', [{ pointer: '#/parentId', code: 'PARENT_NOT_FOUND', detail: '新的上级机构不存在或不在您的管理范围内' }]);
  }
  const issues = orgMoveIssues(org, parent);
  if (issues.length) throw new Invalid(issues[0]!.detail, issues);
  if (parent.id === org.parent_id) return org;
  const newPath = childPath(parent.path, org.id);
  const at = ctx.now().toISOString();
  const moved = await inTransaction(ctx.db, async (tx) => {
    if (!(await repo.updateOrg(tx, id, input.version, { parent_id: parent.id }, at))) throw staleOrg();
    const orgsMoved = await repo.rebaseSubtree(tx, org.path, newPath);
    const relinked = await relinkStations(tx, newPath);
    await recordAudit(ctx, tx, meta, {
      action: 'org.move', objectType: 'org', objectId: id,
      detail: { fromParentId: org.parent_id, toParentId: parent.id, orgsMoved, stationsRelinked: relinked },
    });
    return (await repo.findOrg(tx, id))!;
  });
  networkChanged(ctx);
  return moved;
}

/** Re-points the moved subtree's stations whose county department is no longer above them. */
async function relinkStations(tx: Tx, subtreePath: string): Promise<number> {
  const inside = await departments.departmentsInSubtree(tx, subtreePath);
  if (inside.length === 0) return 0;
  const above = ancestorsOf(subtreePath);
  const orgPaths = new Map([...above.map((a) => [a.id, a.path] as const), ...inside.map((d) => [d.org_id, d.org_path] as const)]);
  const candidates = (await departments.departmentsOfOrgs(tx, [...orgPaths.keys()]))
    .map((d) => ({ id: d.id, code: d.code, orgPath: orgPaths.get(d.org_id)! }));
  const parents = new Map<string, { id: string; code: string; orgPath: string }>();
  for (const pid of new Set(inside.map((d) => d.parent_id).filter((id): id is string => id !== null))) {
    const p = candidates.find((c) => c.id === pid) ?? await departments.findDepartment(tx, pid);
    const path = p && ('orgPath' in p ? p.orgPath : (await repo.findOrg(tx, p.org_id))?.path);
    if (p && path) parents.set(pid, { id: p.id, code: p.code, orgPath: path });
  }
  let changed = 0;
  for (const d of inside) {
    const next = stationParentAfterMove({ code: d.code, orgPath: d.org_path }, d.parent_id ? parents.get(d.parent_id) : undefined, candidates);
    if (next !== d.parent_id) {
      await departments.setDepartmentParent(tx, d.id, next);
      changed++;
    }
  }
  return changed;
}
