import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import type { OrgLevel as OrgLevelName, OrgTable } from '../../db/schema.ts';
import { ORG_LEVELS } from '../../domain/org-tree.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { createOrg, getOrg, listOrgs, moveOrg, updateOrg } from './service.ts';

const OrgLevel = Type.Unsafe<OrgLevelName>({ type: 'string', enum: [...ORG_LEVELS] });

const OrgView = Type.Object({
  id: Type.String(), code: Type.String(), name: Type.String(), level: OrgLevel,
  parentId: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]), phone: Type.Union([Type.String(), Type.Null()]),
  openingHours: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
});

const Version = Type.Integer({ minimum: 1, description: '读取时的版本号，用于防止覆盖他人的修改' });

const NewOrgBody = Type.Object({
  id: Type.Optional(Type.String({ format: 'uuid' })),
  code: Type.String({ minLength: 1, maxLength: 32, pattern: '^[0-9A-Za-z_-]+$', description: '机构代码，如行政区划代码' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  level: OrgLevel,
  parentId: Type.String({ minLength: 1, maxLength: 64 }),
  address: Type.Optional(Type.String({ maxLength: 200 })),
  phone: Type.Optional(Type.String({ maxLength: 40 })),
  openingHours: Type.Optional(Type.String({ maxLength: 200, description: '办公时间' })),
}, { additionalProperties: false });

function presentOrg(o: OrgTable) {
  return { id: o.id, code: o.code, name: o.name, level: o.level, parentId: o.parent_id, address: o.address, phone: o.phone, openingHours: o.opening_hours, version: o.version };
}

export function registerOrgRoutes(app: App, ctx: AppContext): void {
  app.get('/api/orgs', {
    schema: {
      tags: ['orgs'], summary: '机构列表（仅本人管辖范围）',
      querystring: Type.Object({
        parentId: Type.Optional(Type.String({ maxLength: 64 })),
        level: Type.Optional(OrgLevel),
      }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ items: Type.Array(OrgView) }) }),
    },
  }, async (request) => ({ items: (await listOrgs(ctx, signedIn(request), request.query)).map(presentOrg) }));

  app.get('/api/orgs/:id', {
    schema: {
      tags: ['orgs'], summary: '机构详情', params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: withProblems({ 200: OrgView }),
    },
  }, async (request) => presentOrg(await getOrg(ctx, signedIn(request), request.params.id)));

  app.post('/api/orgs', {
    schema: { tags: ['orgs'], summary: '新建下级机构', body: NewOrgBody, response: withProblems({ 201: OrgView }) },
  }, async (request, reply) => reply.code(201).send(presentOrg(await createOrg(ctx, signedIn(request), request.body))));

  app.patch('/api/orgs/:id', {
    schema: {
      tags: ['orgs'], summary: '修改机构名称、地址、电话、办公时间（名称须系统管理员；联系信息中心主任也可修改）',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        address: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
        phone: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
        openingHours: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()], { description: '办公时间，如 周一至周五 8:30-12:00，14:30-17:30（节假日除外）' })),
        version: Version,
      }, { additionalProperties: false }),
      response: withProblems({ 200: OrgView }),
    },
  }, async (request) => presentOrg(await updateOrg(ctx, signedIn(request), request.params.id, request.body)));

  app.post('/api/orgs/:id/move', {
    schema: {
      tags: ['orgs'], summary: '把机构（连同其下级）移到新的上级机构下',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: Type.Object({ parentId: Type.String({ minLength: 1, maxLength: 64 }), version: Version }, { additionalProperties: false }),
      response: withProblems({ 200: OrgView }),
    },
  }, async (request) => presentOrg(await moveOrg(ctx, signedIn(request), request.params.id, request.body)));
}
