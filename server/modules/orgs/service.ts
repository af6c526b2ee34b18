import { randomUUID } from 'node:crypto';
import type { Actor, AppContext, RequestMeta } from '../../context.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { OrgLevel, OrgTable } from '../../db/schema.ts';
import { canBeChildOf, childPath, ORG_LEVEL_LABELS } from '../../domain/org-tree.ts';
import { can, scopeOf } from '../../domain/roles.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
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
