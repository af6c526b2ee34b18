import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { presentUser, RoleName, UserView } from './presenter.ts';
import { createUser, getUser, listUsers, resetPassword, setDisabled, setRoles, unlockUser } from './service.ts';

const RoleRequest = Type.Object({ role: RoleName, orgId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const Roles = Type.Array(RoleRequest, { maxItems: 20 });
const Version = Type.Integer({ minimum: 1, description: '读取时的版本号，用于防止覆盖他人的修改' });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const NewUserBody = Type.Object({
  id: Type.Optional(Type.String({ format: 'uuid' })),
  username: Type.String({ minLength: 2, maxLength: 64, pattern: '^[\\p{L}\\p{N}._-]+$', description: '登录名：字母、数字、汉字、点、下划线、连字符' }),
  displayName: Type.String({ minLength: 1, maxLength: 50 }),
  orgId: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  roles: Roles,
}, { additionalProperties: false });

export function registerUserRoutes(app: App, ctx: AppContext): void {
  const view = (r: Awaited<ReturnType<typeof getUser>>) => presentUser(r.user, r.grants, ctx.now());

  app.get('/api/users', {
    schema: {
      tags: ['users'], summary: '用户列表（仅本人管辖范围）',
      querystring: Type.Object({
        orgId: Type.Optional(Type.String({ maxLength: 64 })),
        q: Type.Optional(Type.String({ maxLength: 50 })),
        page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
        pageSize: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ total: Type.Integer(), items: Type.Array(UserView) }) }),
    },
  }, async (request) => {
    const { page, pageSize, ...rest } = request.query;
    const result = await listUsers(ctx, signedIn(request), { ...rest, page: Number(page ?? 1), pageSize: Number(pageSize ?? 20) });
    return { total: result.total, items: result.items.map(view) };
  });

  app.post('/api/users', {
    schema: { tags: ['users'], summary: '新建用户并授予角色', body: NewUserBody, response: withProblems({ 201: UserView }) },
  }, async (request, reply) => reply.code(201).send(view(await createUser(ctx, signedIn(request), request.body))));

  app.get('/api/users/:id', {
    schema: { tags: ['users'], summary: '用户详情', params: IdParams, response: withProblems({ 200: UserView }) },
  }, async (request) => view(await getUser(ctx, signedIn(request), request.params.id)));

  app.put('/api/users/:id/roles', {
    schema: {
      tags: ['users'], summary: '设置用户的角色（整体替换）', params: IdParams,
      body: Type.Object({ roles: Roles, version: Version }, { additionalProperties: false }),
      response: withProblems({ 200: UserView }),
    },
  }, async (request) => view(await setRoles(ctx, signedIn(request), request.params.id, request.body)));

  app.post('/api/users/:id/disable', {
    schema: { tags: ['users'], summary: '停用账号（立即结束其会话）', params: IdParams, body: Type.Object({ version: Version }, { additionalProperties: false }), response: withProblems({ 200: UserView }) },
  }, async (request) => view(await setDisabled(ctx, signedIn(request), request.params.id, { disabled: true, version: request.body.version })));

  app.post('/api/users/:id/enable', {
    schema: { tags: ['users'], summary: '启用账号', params: IdParams, body: Type.Object({ version: Version }, { additionalProperties: false }), response: withProblems({ 200: UserView }) },
  }, async (request) => view(await setDisabled(ctx, signedIn(request), request.params.id, { disabled: false, version: request.body.version })));

  app.post('/api/users/:id/unlock', {
    schema: { tags: ['users'], summary: '解除登录锁定', params: IdParams, response: withProblems({ 200: UserView }) },
  }, async (request) => view(await unlockUser(ctx, signedIn(request), request.params.id)));

  app.post('/api/users/:id/password', {
    schema: {
      tags: ['users'], summary: '管理员重置密码（结束其全部会话）', params: IdParams,
      body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }), version: Version }, { additionalProperties: false }),
      response: withProblems({ 200: UserView }),
    },
  }, async (request) => view(await resetPassword(ctx, signedIn(request), request.params.id, request.body)));
}
