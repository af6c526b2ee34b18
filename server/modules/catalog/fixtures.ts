// Test fixtures for the catalog: a complete, valid service guide that tests break one rule at a time, and
// the departments and handling units the tests rely on, inserted directly when the demo network lacks them
// so catalog tests do not depend on the network seed.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { UnitKind } from '../../db/schema.ts';
import type { ItemElements } from '../../domain/catalog.ts';
import { standardDepartment } from '../../domain/departments.ts';

/** 最低生活保障: a complete, valid guide (township review, county approval). */
export function dibao(): ItemElements {
  return {
    code: 'T-MZ-001',
    name: '最低生活保障',
    shortName: '农村低保',
    itemType: 'administrative_payment',
    department: 'civil_affairs',
    overview: '对共同生活的家庭成员人均收入低于当地最低生活保障标准的家庭给予救助。',
    legalBasis: [{ law: '《社会救助暂行办法》', articles: '第九条至第十五条' }],
    preconditions: ['持有本地户籍', '家庭人均收入低于当地低保标准'],
    materials: [
      { name: '居民身份证', requirement: 'required', form: 'original_and_copy', copies: 1, medium: 'paper' },
      { name: '户口簿', requirement: 'required', form: 'copy', copies: 1, medium: 'paper' },
      { name: '委托书', requirement: 'conditional', condition: '委托他人代办的', form: 'original', copies: 1, medium: 'paper', sample: '委托书（样表）' },
    ],
    fee: { charged: false },
    procedure: ['申请', '乡镇审核', '县民政局审批'],
    legalLimitDays: 30,
    committedLimitDays: 20,
    caseType: 'pledged',
    specialSteps: [{ name: '入户调查', countsInLimit: false, maxDays: 10 }],
    maxVisits: 1,
    handlingMode: 'proxy',
    proxyCategory: 'social_assistance',
    acceptLevels: ['village', 'township', 'county'],
    process: [
      { name: '审核', handlers: [{ department: 'civil_affairs', level: 'township' }], limitDays: 10 },
      { name: '审批', handlers: [{ department: 'civil_affairs', level: 'county' }], limitDays: 10 },
    ],
    lifeEvents: ['subsistence'],
    keywords: ['低保', '救助'],
    contact: '各乡镇便民服务中心民政窗口',
  };
}

/** 城乡居民养老金领取: a direct item, township and county. */
export function yanglao(): ItemElements {
  return {
    code: 'T-RS-001',
    name: '城乡居民基本养老保险待遇领取',
    itemType: 'administrative_payment',
    department: 'human_resources',
    overview: '年满 60 周岁、累计缴费满 15 年的参保人员，按月领取城乡居民基本养老保险待遇。',
    legalBasis: [{ law: '《中华人民共和国社会保险法》', articles: '第二十条、第二十一条' }],
    preconditions: ['年满 60 周岁'],
    materials: [{ name: '居民身份证', requirement: 'required', form: 'original', copies: 1, medium: 'paper' }],
    fee: { charged: false },
    procedure: ['申请', '审核', '发放'],
    legalLimitDays: 20,
    committedLimitDays: 15,
    caseType: 'pledged',
    specialSteps: [],
    maxVisits: 1,
    handlingMode: 'direct',
    acceptLevels: ['township', 'county'],
    process: [
      { name: '初审', handlers: [{ department: 'human_resources', level: 'township' }], limitDays: 5 },
      { name: '核定', handlers: [{ department: 'human_resources', level: 'county' }], limitDays: 5 },
    ],
    lifeEvents: ['pension'],
    keywords: ['养老金'],
  };
}

/** 农村村民住宅用地审批: a joint item with a parallel group, a fee and special steps. */
export function jianfang(): ItemElements {
  return {
    code: 'T-ZR-001',
    name: '农村村民住宅用地审批',
    shortName: '宅基地审批',
    itemType: 'administrative_license',
    department: 'natural_resources',
    overview: '农村村民申请在本集体经济组织的土地上建设住宅。\n一户只能拥有一处宅基地。',
    legalBasis: [{ law: '《中华人民共和国土地管理法》', articles: '第六十二条' }, { law: '《农村宅基地管理办法（示范）》' }],
    preconditions: ['本集体经济组织成员', '一户一宅'],
    materials: [
      { name: '农村宅基地和建房（规划许可）申请表', requirement: 'required', form: 'original', copies: 2, medium: 'paper', sample: '申请表（空白）', note: '村民小组签署意见' },
      { name: '承诺书', requirement: 'required', form: 'original', copies: 1, medium: 'either', note: '告知承诺' },
      { name: '房屋设计图', requirement: 'conditional', condition: '建三层以上的', form: 'copy', copies: 1, medium: 'electronic' },
    ],
    fee: { charged: true, standard: '不动产登记费每件 10 元', basis: '财税〔2016〕79号', amountYuan: 10 },
    procedure: ['村民申请', '村级审查', '乡镇审核', '县级审批', '发证'],
    legalLimitDays: 20,
    committedLimitDays: 20,
    caseType: 'joint',
    specialSteps: [{ name: '现场踏勘', countsInLimit: true, maxDays: 3 }, { name: '公示', countsInLimit: false, maxDays: 7 }],
    maxVisits: 2,
    handlingMode: 'direct',
    acceptLevels: ['village', 'township', 'county'],
    process: [
      { name: '审核', handlers: [{ department: 'natural_resources', level: 'township' }], limitDays: 5 },
      { name: '联合审查', handlers: [{ department: 'natural_resources', level: 'county' }, { department: 'housing', level: 'county' }], limitDays: 10 },
    ],
    lifeEvents: ['housing', 'farming'],
    keywords: ['宅基地', '建房'],
    contact: '县政务服务中心一楼 12 号窗口\n电话 0550-4012312',
  };
}

/** 出入境证件咨询: a consultation item — no process, no materials. */
export function zixun(): ItemElements {
  return {
    code: 'T-ZX-001',
    name: '出入境证件办理咨询',
    itemType: 'public_service',
    department: 'public_security',
    overview: '护照、港澳通行证由市级出入境管理部门办理，本中心提供咨询。',
    legalBasis: [{ law: '《中华人民共和国出境入境管理法》' }],
    preconditions: [],
    materials: [],
    fee: { charged: false },
    procedure: [],
    legalLimitDays: 0,
    committedLimitDays: 0,
    caseType: 'immediate',
    specialSteps: [],
    maxVisits: 0,
    handlingMode: 'consultation',
    acceptLevels: ['county'],
    process: [],
    lifeEvents: [],
  };
}

/** Makes sure `orgId` has a department with each code and an active unit of `kind` for it. */
export async function ensureHandlingUnits(
  ctx: AppContext, orgId: string, codes: string[], o: { kind?: UnitKind; active?: boolean } = {},
): Promise<void> {
  const at = ctx.now().toISOString();
  const kind = o.kind ?? 'handling_window';
  for (const code of codes) {
    let dep = await ctx.db.selectFrom('departments').select('id').where('org_id', '=', orgId).where('code', '=', code).executeTakeFirst();
    if (!dep) {
      dep = { id: randomUUID() };
      await ctx.db.insertInto('departments').values({
        id: dep.id, org_id: orgId, code, name: standardDepartment(code)?.name ?? code, parent_id: null, created_at: at, updated_at: at, version: 1,
      }).execute();
    }
    const unit = await ctx.db.selectFrom('units').select('id').where('department_id', '=', dep.id).where('kind', '=', kind)
      .where('active', '=', o.active === false ? 0 : 1).executeTakeFirst();
    if (unit) continue;
    await ctx.db.insertInto('units').values({
      id: randomUUID(), org_id: orgId, kind, name: `${code} 测试单位`, department_id: dep.id, head_user_id: null,
      active: o.active === false ? 0 : 1, created_at: at, updated_at: at, version: 1,
    }).execute();
  }
}
