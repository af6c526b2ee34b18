// First production set-up: a root org, a system administrator and an auditor. Refuses to run twice.
import type { AppContext } from '../context.ts';
import type { OrgLevel } from '../db/schema.ts';
import { ORG_LEVELS } from '../domain/org-tree.ts';
import { checkPassword } from '../domain/password-policy.ts';
import { insertOrgAsSystem, insertUserAsSystem, systemMeta } from './system-writes.ts';

export interface BootstrapInput {
  orgCode: string;
  orgName: string;
  orgLevel: string;
  admin: { username: string; password: string };
  auditor: { username: string; password: string };
}

export async function bootstrap(ctx: AppContext, input: BootstrapInput) {
  const existing = await ctx.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (existing) throw new Error('数据库中已有账号，初始化只能执行一次；请用管理员账号登录后管理用户');
  const problems: string[] = [];
  if (!/^[0-9A-Za-z_-]{1,32}$/.test(input.orgCode)) problems.push('--org-code 必填：机构代码（字母、数字，如行政区划代码 341125）');
  if (!input.orgName.trim()) problems.push('--org-name 必填：机构名称');
  if (!(ORG_LEVELS as readonly string[]).includes(input.orgLevel)) problems.push(`--org-level 应为 ${ORG_LEVELS.join('、')} 之一`);
  if (input.admin.username === input.auditor.username) problems.push('系统管理员与审计员必须是不同的账号');
  for (const [name, account, env] of [['系统管理员', input.admin, 'BIANMIN_ADMIN_PASSWORD'], ['审计员', input.auditor, 'BIANMIN_AUDITOR_PASSWORD']] as const) {
    const errors = checkPassword(account.password, account.username);
    if (errors.length) problems.push(`${name}密码（环境变量 ${env}）：${errors.map((e) => e.detail).join('；')}`);
  }
  if (problems.length) throw new Error(`初始化参数有误：\n  - ${problems.join('\n  - ')}`);

  const meta = systemMeta('bootstrap');
  const org = await insertOrgAsSystem(ctx, meta, { code: input.orgCode, name: input.orgName.trim(), level: input.orgLevel as OrgLevel, parent: null });
  await insertUserAsSystem(ctx, meta, { username: input.admin.username, displayName: '系统管理员', org, roles: ['system_admin'], password: input.admin.password });
  await insertUserAsSystem(ctx, meta, { username: input.auditor.username, displayName: '安全审计员', org, roles: ['auditor'], password: input.auditor.password });
  return { org };
}
