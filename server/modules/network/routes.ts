import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import { DEPARTMENT_CODE_PATTERN } from '../../domain/departments.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import {
  AbsenceKindName, AbsenceView, BadgeListItem, BadgeViewSchema, BoardView, DepartmentView, presentAbsence, presentBadge, presentBadgeListItem,
  presentBoard, presentDepartment, presentRota, presentUnit, presentWindow, RotaView, UnitKindName, UnitView, WindowViewSchema,
} from './presenter.ts';
import * as service from './service.ts';
import { registerPublicOrgsRoute } from './public-orgs.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const UserParams = Type.Object({ userId: Type.String({ maxLength: 64 }) });
const Version = Type.Integer({ minimum: 1, description: '读取时的版本号，用于防止覆盖他人的修改' });
const BoolQuery = Type.Unsafe<'true' | 'false'>({ type: 'string', enum: ['true', 'false'] });
const bool = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');
const Moment = Type.String({ maxLength: 40, description: '带时区的时间，如 2026-03-02T08:30:00+08:00' });
const PhotoBinary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'JPEG 或 PNG 图片' });

export function registerNetworkRoutes(app: App, ctx: AppContext): void {
  // ---- departments ----
  app.get('/api/departments', {
    schema: {
      tags: ['network'], summary: '部门（站所）列表',
      querystring: Type.Object({ orgId: Type.Optional(Id), code: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ items: Type.Array(DepartmentView) }) }),
    },
  }, async (request) => ({ items: (await service.listDepartments(ctx, signedIn(request), request.query)).map(presentDepartment) }));

  app.post('/api/departments', {
    schema: {
      tags: ['network'], summary: '新建部门（县级部门或乡镇站所）',
      body: Type.Object({
        orgId: Id,
        code: Type.String({ pattern: DEPARTMENT_CODE_PATTERN, description: '部门代码，如 civil_affairs（民政）；事项办理流程按代码找部门' }),
        name: Type.String({ minLength: 1, maxLength: 60 }),
        parentId: Type.Optional(Type.Union([Id, Type.Null()], { description: '乡镇站所对应的县级部门' })),
      }, { additionalProperties: false }),
      response: withProblems({ 201: DepartmentView }),
    },
  }, async (request, reply) => reply.code(201).send(presentDepartment(await service.createDepartment(ctx, signedIn(request), request.body))));

  app.get('/api/departments/:id', {
    schema: { tags: ['network'], summary: '部门详情', params: IdParams, response: withProblems({ 200: DepartmentView }) },
  }, async (request) => presentDepartment(await service.getDepartment(ctx, signedIn(request), request.params.id)));

  app.patch('/api/departments/:id', {
    schema: {
      tags: ['network'], summary: '修改部门名称或对应的县级部门', params: IdParams,
      body: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
        parentId: Type.Optional(Type.Union([Id, Type.Null()])),
        version: Version,
      }, { additionalProperties: false }),
      response: withProblems({ 200: DepartmentView }),
    },
  }, async (request) => presentDepartment(await service.updateDepartment(ctx, signedIn(request), request.params.id, request.body)));

  // ---- units ----
  app.get('/api/units', {
    schema: {
      tags: ['network'], summary: '受理、办理单位列表（咨询受理部、办理窗口、办理室、村便民服务室）',
      querystring: Type.Object({
        orgId: Type.Optional(Id), kind: Type.Optional(UnitKindName), departmentId: Type.Optional(Id), active: Type.Optional(BoolQuery),
      }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ items: Type.Array(UnitView) }) }),
    },
  }, async (request) => {
    const { active, ...rest } = request.query;
    return { items: (await service.listUnits(ctx, signedIn(request), { ...rest, active: bool(active) })).map(presentUnit) };
  });

  app.post('/api/units', {
    schema: {
      tags: ['network'], summary: '新建单位：村只能设村便民服务室；办理窗口、办理室必须属于本机构的部门',
      body: Type.Object({
        orgId: Id, kind: UnitKindName, name: Type.String({ minLength: 1, maxLength: 60 }),
        departmentId: Type.Optional(Type.Union([Id, Type.Null()])),
        headUserId: Type.Optional(Type.Union([Id, Type.Null()])),
      }, { additionalProperties: false }),
      response: withProblems({ 201: UnitView }),
    },
  }, async (request, reply) => reply.code(201).send(presentUnit(await service.createUnit(ctx, signedIn(request), request.body))));

  app.get('/api/units/:id', {
    schema: { tags: ['network'], summary: '单位详情', params: IdParams, response: withProblems({ 200: UnitView }) },
  }, async (request) => presentUnit(await service.getUnit(ctx, signedIn(request), request.params.id)));

  app.patch('/api/units/:id', {
    schema: {
      tags: ['network'], summary: '修改单位名称、负责人或启用状态', params: IdParams,
      body: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
        headUserId: Type.Optional(Type.Union([Id, Type.Null()])),
        active: Type.Optional(Type.Boolean()),
        version: Version,
      }, { additionalProperties: false }),
      response: withProblems({ 200: UnitView }),
    },
  }, async (request) => presentUnit(await service.updateUnit(ctx, signedIn(request), request.params.id, request.body)));

  // ---- windows ----
  app.get('/api/windows', {
    schema: {
      tags: ['network'], summary: '窗口列表（含此刻在岗的 A/B 岗）',
      querystring: Type.Object({ orgId: Type.Optional(Id), active: Type.Optional(BoolQuery) }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ items: Type.Array(WindowViewSchema) }) }),
    },
  }, async (request) => {
    const { active, orgId } = request.query;
    return { items: (await service.listWindows(ctx, signedIn(request), { orgId, active: bool(active) })).map(presentWindow) };
  });

  const PostUser = (post: 'A' | 'B') => Type.Optional(Type.String({ maxLength: 64, description: `${post}岗人员（必填，须为本机构工作人员，A、B 岗不能是同一人）` }));

  app.post('/api/windows', {
    schema: {
      tags: ['network'], summary: '新建窗口：窗口号、标牌、A岗与B岗、承担的单位',
      body: Type.Object({
        orgId: Id,
        number: Type.String({ minLength: 1, maxLength: 20 }),
        sign: Type.String({ minLength: 1, maxLength: 40 }),
        aUserId: PostUser('A'),
        bUserId: PostUser('B'),
        unitIds: Type.Array(Id, { maxItems: 20, description: '承担的咨询受理部或办理窗口（至少一个，同一机构）' }),
      }, { additionalProperties: false }),
      response: withProblems({ 201: WindowViewSchema }),
    },
  }, async (request, reply) => reply.code(201).send(presentWindow(await service.createWindow(ctx, signedIn(request), request.body))));

  app.get('/api/windows/:id', {
    schema: { tags: ['network'], summary: '窗口详情（含此刻在岗的 A/B 岗）', params: IdParams, response: withProblems({ 200: WindowViewSchema }) },
  }, async (request) => presentWindow(await service.getWindow(ctx, signedIn(request), request.params.id)));

  app.patch('/api/windows/:id', {
    schema: {
      tags: ['network'], summary: '修改窗口（窗口号、标牌、A/B 岗、承担的单位、启用状态）', params: IdParams,
      body: Type.Object({
        number: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
        sign: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
        aUserId: PostUser('A'),
        bUserId: PostUser('B'),
        unitIds: Type.Optional(Type.Array(Id, { maxItems: 20 })),
        active: Type.Optional(Type.Boolean()),
        version: Version,
      }, { additionalProperties: false }),
      response: withProblems({ 200: WindowViewSchema }),
    },
  }, async (request) => presentWindow(await service.updateWindow(ctx, signedIn(request), request.params.id, request.body)));

  // ---- absences ----
  app.get('/api/absences', {
    schema: {
      tags: ['network'], summary: '不在岗记录（请假、出差、开会等）',
      querystring: Type.Object({
        userId: Type.Optional(Id), orgId: Type.Optional(Id), from: Type.Optional(Moment), to: Type.Optional(Moment),
        includeCancelled: Type.Optional(BoolQuery),
      }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ items: Type.Array(AbsenceView) }) }),
    },
  }, async (request) => {
    const { includeCancelled, ...rest } = request.query;
    return { items: (await service.listAbsences(ctx, signedIn(request), { ...rest, includeCancelled: bool(includeCancelled) })).map(presentAbsence) };
  });

  app.post('/api/absences', {
    schema: {
      tags: ['network'], summary: '登记工作人员不在岗：期间其窗口由另一岗顶岗，两岗都不在时窗口关闭、工作转中心主任',
      body: Type.Object({
        userId: Id, kind: AbsenceKindName, startsAt: Moment, endsAt: Moment,
        reason: Type.String({ maxLength: 200 }),
      }, { additionalProperties: false }),
      response: withProblems({ 201: AbsenceView }),
    },
  }, async (request, reply) => reply.code(201).send(presentAbsence(await service.createAbsence(ctx, signedIn(request), request.body))));

  app.post('/api/absences/:id/cancel', {
    schema: { tags: ['network'], summary: '撤销不在岗登记', params: IdParams, response: withProblems({ 200: AbsenceView }) },
  }, async (request) => presentAbsence(await service.cancelAbsence(ctx, signedIn(request), request.params.id)));

  // ---- staff badges (挂牌上岗) ----
  app.get('/api/staff', {
    schema: {
      tags: ['network'], summary: '工作牌列表',
      querystring: Type.Object({ orgId: Type.Optional(Id) }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ items: Type.Array(BadgeListItem) }) }),
    },
  }, async (request) => ({ items: (await service.listProfiles(ctx, signedIn(request), request.query)).map(presentBadgeListItem) }));

  app.get('/api/staff/:userId/profile', {
    schema: { tags: ['network'], summary: '工作牌（工号、职务、职责、所在窗口与岗位）', params: UserParams, response: withProblems({ 200: BadgeViewSchema }) },
  }, async (request) => presentBadge(await service.getProfile(ctx, signedIn(request), request.params.userId)));

  app.put('/api/staff/:userId/profile', {
    schema: {
      tags: ['network'], summary: '建立或修改工作牌（已有工作牌时须带版本号）', params: UserParams,
      body: Type.Object({
        staffNo: Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9-]+$', description: '工号，如 DHS-01' }),
        title: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
        duties: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
        onPublicBoard: Type.Optional(Type.Boolean({ description: '是否在公开栏展示' })),
        version: Type.Optional(Version),
      }, { additionalProperties: false }),
      response: withProblems({ 200: BadgeViewSchema, 201: BadgeViewSchema }),
    },
  }, async (request, reply) => {
    const { badge, created } = await service.upsertProfile(ctx, signedIn(request), request.params.userId, request.body);
    return reply.code(created ? 201 : 200).send(presentBadge(badge));
  });

  app.get('/api/staff/:userId/photo', {
    schema: { tags: ['network'], summary: '工作牌照片', params: UserParams, response: withProblems({ 200: PhotoBinary }) },
  }, async (request, reply) => {
    const photo = await service.getPhoto(ctx, signedIn(request), request.params.userId);
    return reply.type(photo.contentType).header('Cache-Control', 'private, no-cache').send(photo.data);
  });

  app.put('/api/staff/:userId/photo', {
    schema: {
      tags: ['network'], summary: '上传工作牌照片（JPEG 或 PNG，不超过 200 KB）', params: UserParams,
      body: Type.Object({
        contentType: Type.Unsafe<'image/jpeg' | 'image/png'>({ type: 'string', enum: ['image/jpeg', 'image/png'] }),
        dataBase64: Type.String({ maxLength: 400_000, description: '图片内容的 Base64 编码' }),
      }, { additionalProperties: false }),
      response: withProblems({ 200: BadgeViewSchema }),
    },
  }, async (request) => presentBadge(await service.setPhoto(ctx, signedIn(request), request.params.userId, request.body)));

  app.delete('/api/staff/:userId/photo', {
    schema: { tags: ['network'], summary: '删除工作牌照片', params: UserParams, response: withProblems({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await service.removePhoto(ctx, signedIn(request), request.params.userId);
    return reply.code(204).send(null);
  });

  // ---- the village duty rota ----
  app.get('/api/orgs/:id/duty-rota', {
    schema: { tags: ['network'], summary: '村便民服务室值班表（周一至周五）', params: IdParams, response: withProblems({ 200: RotaView }) },
  }, async (request) => presentRota(await service.getRota(ctx, signedIn(request), request.params.id)));

  app.put('/api/orgs/:id/duty-rota', {
    schema: {
      tags: ['network'], summary: '设置村便民服务室值班表（整周替换，每天一名本村村干部）', params: IdParams,
      body: Type.Object({
        days: Type.Array(Type.Object({ weekday: Type.Integer({ description: '1=周一 … 5=周五' }), userId: Id }, { additionalProperties: false }), { maxItems: 5 }),
      }, { additionalProperties: false }),
      response: withProblems({ 200: RotaView }),
    },
  }, async (request) => presentRota(await service.setRota(ctx, signedIn(request), request.params.id, request.body)));

  // ---- public (no sign-in) ----
  registerPublicOrgsRoute(app, ctx);
  app.get('/api/public/orgs/:code/board', {
    config: { public: true, rateLimit: { family: 'public-board' } },
    schema: {
      tags: ['public'], summary: '公开栏：服务中心的地址、电话、办公时间，各窗口此刻在岗人员（挂牌上岗）；村便民服务室今日值班',
      params: Type.Object({ code: Type.String({ maxLength: 32 }) }), security: [],
      response: withProblems({ 200: BoardView }),
    },
  }, async (request) => presentBoard(await service.publicBoard(ctx, request.params.code)));

  app.get('/api/public/staff/:userId/photo', {
    // A board shows one photo per person on duty (cached 5 minutes): its own bucket.
    config: { public: true, rateLimit: { family: 'public-photo' } },
    schema: { tags: ['public'], summary: '公开栏上的工作牌照片', params: UserParams, security: [], response: withProblems({ 200: PhotoBinary }) },
  }, async (request, reply) => {
    const photo = await service.publicPhoto(ctx, request.params.userId);
    return reply.type(photo.contentType).header('Cache-Control', 'public, max-age=300').send(photo.data);
  });
}
