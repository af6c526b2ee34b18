import type { FastifyError } from 'fastify';
import Type, { type TSchema } from 'typebox';
import type { AppContext } from '../../context.ts';
import type { CatalogItemVersionTable, OrgTable } from '../../db/schema.ts';
import {
  CASE_TYPES, HANDLING_MODES, ITEM_TYPES, LEVEL_LABELS, LIFE_EVENTS, MATERIAL_FORMS, MATERIAL_MEDIA, PROXY_CATEGORIES,
  type ItemElements,
} from '../../domain/catalog.ts';
import { DEPARTMENT_CODE_PATTERN } from '../../domain/departments.ts';
import { AppError } from '../../errors.ts';
import { sendProblem, withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { departmentLabel, XLSX_TYPE } from './excel.ts';
import type { ItemRow, VersionSummary } from './repo.ts';
import {
  createItem, exportCatalog, getItem, getVersion, importCatalog, listItems, publicCatalog, publicGuide, publishVersion,
  retireItem, saveDraft, STATUS_LABELS, type ItemDetail,
} from './service.ts';

/** An uploaded workbook may be this large; everything else keeps the app's 1 MB limit. */
export const IMPORT_BODY_LIMIT = 5 * 1024 * 1024;

class UnsupportedMediaType extends AppError {
  readonly status = 415;
  readonly type = 'unsupported-media-type';
  readonly title = '不支持的内容类型';
}

// ---- schemas ----

const enumOf = (labels: Record<string, string>, description?: string) => Type.Unsafe<string>({
  type: 'string', enum: Object.keys(labels),
  description: `${description ? `${description}。` : ''}${Object.entries(labels).map(([k, v]) => `${k}：${v}`).join('；')}`,
});
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Level = enumOf(LEVEL_LABELS);

const ItemElementsSchema = Type.Object({
  code: Type.String({ description: '事项编码，在目录所属机构内唯一' }),
  name: Type.String(), shortName: Type.Optional(Type.String()),
  itemType: enumOf(ITEM_TYPES, '事项类型'),
  department: Type.String({ description: '主管部门代码，如 civil_affairs' }),
  overview: Type.String({ description: '事项概述' }),
  legalBasis: Type.Array(Type.Object({ law: Type.String(), articles: Type.Optional(Type.String()) }), { description: '法定依据' }),
  preconditions: Type.Array(Type.String(), { description: '申办条件' }),
  materials: Type.Array(Type.Object({
    name: Type.String(),
    requirement: enumOf({ required: '必要', conditional: '视情形' }),
    condition: Type.Optional(Type.String({ description: '视情形材料的适用情形' })),
    form: enumOf(MATERIAL_FORMS), copies: Type.Integer({ minimum: 1, maximum: 20 }), medium: enumOf(MATERIAL_MEDIA),
    sample: Type.Optional(Type.String({ description: '空白表格或示范文本' })), note: Type.Optional(Type.String()),
  }), { description: '申报材料' }),
  fee: Type.Object({
    charged: Type.Boolean(), standard: Type.Optional(Type.String()), basis: Type.Optional(Type.String()),
    amountYuan: Type.Optional(Type.Number()),
  }, { description: '收费：不收费时只有 charged=false；收费时须有收费标准和收费依据' }),
  procedure: Type.Array(Type.String(), { description: '办事程序' }),
  legalLimitDays: Type.Integer({ description: '法定时限（工作日）' }),
  committedLimitDays: Type.Integer({ description: '承诺时限（工作日），不超过法定时限；即办件为 0' }),
  caseType: enumOf(CASE_TYPES, '办件类型'),
  specialSteps: Type.Array(Type.Object({ name: Type.String(), countsInLimit: Type.Boolean(), maxDays: Type.Integer() }), { description: '特殊环节' }),
  maxVisits: Type.Integer({ description: '最多到现场次数；0 表示不用到现场' }),
  handlingMode: enumOf(HANDLING_MODES, '办理方式'),
  proxyCategory: Type.Optional(enumOf(PROXY_CATEGORIES, '村级代办清单类别')),
  acceptLevels: Type.Array(Level, { description: '可受理层级' }),
  process: Type.Array(Type.Object({
    name: Type.String(),
    handlers: Type.Array(Type.Object({ department: Type.String(), level: Level }), { description: '多个部门即并联审批' }),
    limitDays: Type.Integer(),
  }), { description: '办理流程：各阶段由哪一级的哪个部门办理、几个工作日' }),
  lifeEvents: Type.Array(enumOf(LIFE_EVENTS), { description: '主题分类' }),
  keywords: Type.Optional(Type.Array(Type.String(), { description: '俗称、常用叫法' })),
  contact: Type.Optional(Type.String({ description: '办理地点及咨询电话' })),
}, { $id: 'ItemElements', description: '服务事项的全部要素（八公开与国家事项要素）' });

const ElementsBody = Type.Unsafe<unknown>({
  type: 'object',
  description: '服务事项的全部要素，结构见 ItemElements。内容由服务端逐项校验，每一处问题以 422 返回并给出字段位置（如 #/materials/2/name）',
});

const Status = Type.Unsafe<CatalogItemVersionTable['status']>({ type: 'string', enum: ['draft', 'published', 'retired'], description: 'draft：草稿；published：正在公开；retired：已停用' });

const VersionSummaryView = Type.Object({
  itemId: Type.String(), version: Type.Integer(), status: Status, statusLabel: Type.String(),
  createdAt: Type.String(), createdBy: Type.String(), publishedAt: Nullable(Type.String()), publishedBy: Nullable(Type.String()),
});
const VersionView = Type.Object({ ...VersionSummaryView.properties, elements: Type.Ref('ItemElements') });

const ItemSummaryView = Type.Object({
  id: Type.String(), ownerOrgId: Type.String(), code: Type.String(), name: Type.String(), shortName: Nullable(Type.String()),
  department: Type.String(), departmentName: Type.String(), itemType: Type.String(), handlingMode: Type.String(), caseType: Type.String(),
  proxyCategory: Nullable(Type.String()), acceptLevels: Type.Array(Type.String()), lifeEvents: Type.Array(Type.String()),
  publishedVersion: Nullable(Type.Integer({ description: '正在公开的版本；从未发布时为 null' })),
  latestVersion: Type.Integer({ description: '最新版本（可能是草稿）' }),
  hasDraft: Type.Boolean({ description: '最新版本是尚未发布的草稿' }),
  retired: Type.Boolean({ description: '已停用：曾经公开，现已撤下，没有正在公开的版本（发布新版本即恢复）' }),
  updatedAt: Type.String(), version: Type.Integer({ description: '事项记录的版本号' }),
});
const ItemDetailView = Type.Object({
  ...ItemSummaryView.properties,
  published: Nullable(VersionView), latest: VersionView, versions: Type.Array(VersionSummaryView),
});

const ImportResultView = Type.Object({
  rows: Type.Integer({ description: '导入的事项数' }), created: Type.Integer({ description: '新建的事项' }),
  newVersions: Type.Integer({ description: '已有事项新增的版本' }), published: Type.Integer({ description: '发布的版本' }),
  unchanged: Type.Integer({ description: '与最新版本相同、未作改动的事项' }),
});

const Page = Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' }));
const PageSize = Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$', description: '每页条数，1–100，默认 20' }));
const OrgIdParam = Type.String({ minLength: 1, maxLength: 64 });
const Publish = Type.Optional(Type.Unsafe<'true' | 'false'>({ type: 'string', enum: ['true', 'false'], description: 'true：直接发布；默认保存为草稿' }));
const Query = Type.Optional(Type.String({ maxLength: 50, description: '名称、简称、俗称、编码、拼音全拼或首字母，如 低保、dibao、db' }));
const Department = Type.Optional(Type.String({ pattern: DEPARTMENT_CODE_PATTERN, description: '主管部门代码' }));
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const VersionParams = Type.Object({ id: Type.String({ maxLength: 64 }), version: Type.String({ pattern: '^[1-9][0-9]{0,5}$' }) });

// ---- presenters ----

const listOf = (column: string): string[] => column.split(',').filter(Boolean);

function presentSummary(i: ItemRow) {
  return {
    id: i.id, ownerOrgId: i.owner_org_id, code: i.code, name: i.name, shortName: i.short_name, department: i.department,
    departmentName: departmentLabel(i.department), itemType: i.item_type, handlingMode: i.handling_mode, caseType: i.case_type,
    proxyCategory: i.proxy_category, acceptLevels: listOf(i.accept_levels), lifeEvents: listOf(i.life_events),
    publishedVersion: i.published_version, latestVersion: i.latest_version, hasDraft: i.latest_status === 'draft',
    retired: Number(i.withdrawn) === 1,
    updatedAt: i.updated_at, version: i.version,
  };
}

function presentVersionSummary(v: VersionSummary) {
  return {
    itemId: v.item_id, version: v.version, status: v.status, statusLabel: STATUS_LABELS[v.status], createdAt: v.created_at,
    createdBy: v.created_by, publishedAt: v.published_at, publishedBy: v.published_by,
  };
}

function presentVersion(v: CatalogItemVersionTable) {
  return { ...presentVersionSummary(v), elements: JSON.parse(v.elements) as ItemElements };
}

function presentDetail(d: ItemDetail) {
  return {
    ...presentSummary(d.item), published: d.published ? presentVersion(d.published) : null, latest: presentVersion(d.latest),
    versions: d.versions.map(presentVersionSummary),
  };
}

// ---- public views ----

const labelled = <K extends string>(labels: Record<K, string>, v: K | undefined) => (v === undefined ? null : labels[v] ?? v);

const PublicItemView = Type.Object({
  id: Type.String(), code: Type.String(), name: Type.String(), shortName: Nullable(Type.String()),
  itemType: Type.String(), itemTypeLabel: Type.String(), department: Type.String(), departmentName: Type.String(),
  handlingMode: Type.String(), handlingModeLabel: Type.String(), caseType: Type.String(), caseTypeLabel: Type.String(),
  committedLimitDays: Type.Integer(), maxVisits: Type.Integer(),
  proxyCategory: Nullable(Type.String()), proxyCategoryLabel: Nullable(Type.String()),
  acceptLevels: Type.Array(Type.String()), lifeEvents: Type.Array(Type.String()),
  ownerOrgId: Type.String(), ownerName: Type.String(),
});

function presentPublicItem(r: { id: string; ownerOrgId: string; ownerName: string; elements: ItemElements }) {
  const e = r.elements;
  return {
    id: r.id, code: e.code, name: e.name, shortName: e.shortName ?? null,
    itemType: e.itemType, itemTypeLabel: ITEM_TYPES[e.itemType], department: e.department, departmentName: departmentLabel(e.department),
    handlingMode: e.handlingMode, handlingModeLabel: HANDLING_MODES[e.handlingMode], caseType: e.caseType, caseTypeLabel: CASE_TYPES[e.caseType],
    committedLimitDays: e.committedLimitDays, maxVisits: e.maxVisits,
    proxyCategory: e.proxyCategory ?? null, proxyCategoryLabel: labelled(PROXY_CATEGORIES, e.proxyCategory),
    acceptLevels: e.acceptLevels, lifeEvents: e.lifeEvents, ownerOrgId: r.ownerOrgId, ownerName: r.ownerName,
  };
}

const Labelled = Type.Object({ code: Type.String(), label: Type.String() });

const PublicGuideView = Type.Object({
  ...PublicItemView.properties,
  version: Type.Integer({ description: '公开的版本号' }), publishedAt: Type.String(),
  overview: Type.String({ description: '事项概述' }),
  legalBasis: Type.Array(Type.Object({ law: Type.String(), articles: Nullable(Type.String()) }), { description: '法定依据' }),
  fee: Type.Object({
    charged: Type.Boolean(), standard: Nullable(Type.String()), basis: Nullable(Type.String()), amountYuan: Nullable(Type.Number()),
  }, { description: '收费依据及标准' }),
  materials: Type.Array(Type.Object({
    name: Type.String(), requirement: Type.String(), requirementLabel: Type.String(), condition: Nullable(Type.String()),
    form: Type.String(), formLabel: Type.String(), copies: Type.Integer(), medium: Type.String(), mediumLabel: Type.String(),
    sample: Nullable(Type.String()), note: Nullable(Type.String()),
  }), { description: '申报材料' }),
  preconditions: Type.Array(Type.String(), { description: '申办前置条件' }),
  procedure: Type.Array(Type.String(), { description: '办事程序' }),
  legalLimitDays: Type.Integer({ description: '法定时限（工作日）' }),
  specialSteps: Type.Array(Type.Object({ name: Type.String(), countsInLimit: Type.Boolean(), maxDays: Type.Integer() })),
  process: Type.Array(Type.Object({
    name: Type.String(), limitDays: Type.Integer(),
    handlers: Type.Array(Type.Object({ department: Type.String(), departmentName: Type.String(), level: Type.String(), levelLabel: Type.String() })),
  }), { description: '办理环节及各环节时限' }),
  acceptLevelLabels: Type.Array(Type.String()), lifeEventLabels: Type.Array(Labelled),
  where: Type.Object({
    orgName: Type.String(), address: Nullable(Type.String()), phone: Nullable(Type.String()), openingHours: Nullable(Type.String()),
    contact: Nullable(Type.String({ description: '事项自身写明的办理地点及咨询电话' })),
  }, { description: '在哪里办、办公时间、咨询电话' }),
});

function presentGuide(g: { item: ItemRow; version: CatalogItemVersionTable; elements: ItemElements; owner: OrgTable }) {
  const e = g.elements;
  return {
    ...presentPublicItem({ id: g.item.id, ownerOrgId: g.owner.id, ownerName: g.owner.name, elements: e }),
    version: g.version.version, publishedAt: g.version.published_at ?? g.version.created_at,
    overview: e.overview,
    legalBasis: e.legalBasis.map((b) => ({ law: b.law, articles: b.articles ?? null })),
    fee: e.fee.charged
      ? { charged: true, standard: e.fee.standard, basis: e.fee.basis, amountYuan: e.fee.amountYuan ?? null }
      : { charged: false, standard: null, basis: null, amountYuan: null },
    materials: e.materials.map((m) => ({
      name: m.name, requirement: m.requirement, requirementLabel: m.requirement === 'required' ? '必要' : '视情形提供',
      condition: m.condition ?? null, form: m.form, formLabel: MATERIAL_FORMS[m.form], copies: m.copies,
      medium: m.medium, mediumLabel: MATERIAL_MEDIA[m.medium], sample: m.sample ?? null, note: m.note ?? null,
    })),
    preconditions: e.preconditions, procedure: e.procedure, legalLimitDays: e.legalLimitDays, specialSteps: e.specialSteps,
    process: e.process.map((s) => ({
      name: s.name, limitDays: s.limitDays,
      handlers: s.handlers.map((h) => ({ department: h.department, departmentName: departmentLabel(h.department, h.level), level: h.level, levelLabel: LEVEL_LABELS[h.level] })),
    })),
    acceptLevelLabels: e.acceptLevels.map((l) => LEVEL_LABELS[l]),
    lifeEventLabels: e.lifeEvents.map((l) => ({ code: l, label: LIFE_EVENTS[l] })),
    where: { orgName: g.owner.name, address: g.owner.address, phone: g.owner.phone, openingHours: g.owner.opening_hours, contact: e.contact ?? null },
  };
}

// ---- routes ----

export function registerCatalogRoutes(app: App, ctx: AppContext): void {
  app.addSchema(ItemElementsSchema);
  const pageOf = (q: { page?: string; pageSize?: string }) => ({ page: Number(q.page ?? 1), pageSize: Number(q.pageSize ?? 20) });

  app.get('/api/catalog/items', {
    schema: {
      tags: ['catalog'], summary: '服务事项列表与检索（名称、编码、拼音、首字母；仅本人管辖范围）',
      querystring: Type.Object({
        ownerOrgId: Type.Optional(OrgIdParam), q: Query, department: Department,
        lifeEvent: Type.Optional(enumOf(LIFE_EVENTS)), handlingMode: Type.Optional(enumOf(HANDLING_MODES)),
        proxyCategory: Type.Optional(enumOf(PROXY_CATEGORIES)), acceptLevel: Type.Optional(Level),
        status: Type.Optional(Type.Unsafe<'published' | 'draft' | 'unpublished' | 'retired'>({
          type: 'string', enum: ['published', 'draft', 'unpublished', 'retired'],
          description: 'published：有公开版本；draft：最新版本是草稿；unpublished：从未发布；retired：已停用（曾公开，现已撤下）',
        })),
        page: Page, pageSize: PageSize,
      }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ total: Type.Integer(), items: Type.Array(ItemSummaryView) }) }),
    },
  }, async (request) => {
    const { page: _p, pageSize: _s, lifeEvent, handlingMode, proxyCategory, acceptLevel, ...rest } = request.query;
    const r = await listItems(ctx, signedIn(request), { ...rest, lifeEvent, handlingMode, proxyCategory, acceptLevel, ...pageOf(request.query) });
    return { total: r.total, items: r.rows.map(presentSummary) };
  });

  app.post('/api/catalog/items', {
    schema: {
      tags: ['catalog'], summary: '新建服务事项（第 1 版为草稿，或以 publish=true 直接发布）',
      querystring: Type.Object({ ownerOrgId: OrgIdParam, publish: Publish }, { additionalProperties: false }),
      body: ElementsBody, response: withProblems({ 201: ItemDetailView }),
    },
  }, async (request, reply) => {
    const d = await createItem(ctx, signedIn(request), { ownerOrgId: request.query.ownerOrgId, publish: request.query.publish === 'true' }, request.body);
    return reply.code(201).send(presentDetail(d));
  });

  app.get('/api/catalog/items/:id', {
    schema: {
      tags: ['catalog'], summary: '服务事项详情（正在公开的版本、最新版本及版本列表）', params: IdParams,
      response: withProblems({ 200: ItemDetailView }),
    },
  }, async (request) => presentDetail(await getItem(ctx, signedIn(request), request.params.id)));

  app.get('/api/catalog/items/:id/versions/:version', {
    schema: { tags: ['catalog'], summary: '服务事项的某一版本（原样，不随后续发布改变）', params: VersionParams, response: withProblems({ 200: VersionView }) },
  }, async (request) => presentVersion(await getVersion(ctx, signedIn(request), request.params.id, Number(request.params.version))));

  app.post('/api/catalog/items/:id/versions', {
    schema: {
      tags: ['catalog'], summary: '保存为新的草稿版本', params: IdParams,
      querystring: Type.Object({
        basedOn: Type.String({ pattern: '^[1-9][0-9]{0,5}$', description: '编辑所依据的最新版本号，用于防止覆盖他人的修改' }),
      }, { additionalProperties: false }),
      body: ElementsBody, response: withProblems({ 201: VersionView }),
    },
  }, async (request, reply) => {
    const v = await saveDraft(ctx, signedIn(request), request.params.id, Number(request.query.basedOn), request.body);
    return reply.code(201).send(presentVersion(v));
  });

  app.post('/api/catalog/items/:id/versions/:version/publish', {
    schema: {
      tags: ['catalog'], summary: '发布某一草稿版本（原公开版本随之停用，已受理的办件仍按原版本办理）', params: VersionParams,
      response: withProblems({ 200: ItemDetailView }),
    },
  }, async (request) => presentDetail(await publishVersion(ctx, signedIn(request), request.params.id, Number(request.params.version))));

  app.post('/api/catalog/items/:id/retire', {
    schema: {
      tags: ['catalog'], params: IdParams,
      summary: '停用服务事项：撤下正在公开的版本，公开目录、服务指南和受理登记不再出现该事项；已受理的办件照常办理；发布新版本即恢复',
      body: Type.Object({
        version: Type.Integer({ minimum: 0, description: '事项记录的版本号（详情中的 version），用于防止覆盖他人的修改' }),
        reason: Type.Optional(Type.String({ maxLength: 2000, description: '停用原因（必填，用中文写明，最多 500 字），记入审计日志' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: ItemDetailView }),
    },
  }, async (request) => presentDetail(await retireItem(ctx, signedIn(request), request.params.id, { version: request.body.version, reason: request.body.reason ?? '' })));

  app.get('/api/catalog/export', {
    schema: {
      tags: ['catalog'], summary: '导出服务事项目录（Excel 工作簿，每个事项取最新版本）',
      querystring: Type.Object({ ownerOrgId: OrgIdParam }, { additionalProperties: false }),
      response: withProblems({
        200: { description: 'Excel 工作簿（.xlsx）', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } },
      }),
    },
  }, async (request, reply) => {
    const { filename, data } = await exportCatalog(ctx, signedIn(request), request.query.ownerOrgId);
    return reply
      .header('Content-Type', XLSX_TYPE)
      .header('Content-Disposition', `attachment; filename="catalog.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
      .send(data);
  });

  // The import takes the workbook as the raw request body, up to 5 MB, on this route only.
  void app.register(async (plugin) => {
    const scope = plugin as unknown as App;
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(XLSX_TYPE, { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.addContentTypeParser('*', (_request, _payload, done) => done(new UnsupportedMediaType(
      `请上传 Excel 工作簿（.xlsx），Content-Type 应为 ${XLSX_TYPE}`,
      [{ pointer: '#/file', code: 'NOT_XLSX', detail: '请上传 .xlsx 格式的 Excel 工作簿' }],
    ), undefined));
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendProblem(request, reply, 413, `文件过大：上传的工作簿不能超过 ${IMPORT_BODY_LIMIT / 1024 / 1024} MB，请分批导入`);
      }
      throw error; // the app's handler answers everything else
    });
    scope.post('/api/catalog/import', {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['catalog'],
        summary: '导入服务事项目录（上传 .xlsx；任何一行有误则全部不导入，并列出每一处错误）',
        description: `请求体为工作簿文件本身，Content-Type: ${XLSX_TYPE}，不超过 5 MB。编码已存在的事项导入为新版本，与最新版本相同的不作改动。`,
        querystring: Type.Object({ ownerOrgId: OrgIdParam, publish: Publish }, { additionalProperties: false }),
        consumes: [XLSX_TYPE],
        // Documents the upload; no type, so the buffer itself is not checked against a JSON schema.
        body: { content: { [XLSX_TYPE]: { schema: { description: 'Excel 工作簿文件本身（.xlsx 二进制内容）' } } } },
        response: withProblems({ 200: ImportResultView }),
      },
    }, async (request) => {
      const meta = signedIn(request);
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new UnsupportedMediaType('请上传 Excel 工作簿（.xlsx）', [{ pointer: '#/file', code: 'NOT_XLSX', detail: '请求中没有文件' }]);
      }
      return importCatalog(ctx, meta, { ownerOrgId: request.query.ownerOrgId, publish: request.query.publish === 'true' }, body);
    });
  });

  // ---- public: no sign-in ----

  app.get('/api/public/catalog', {
    config: { public: true, rateLimit: { family: 'public-catalog' } },
    schema: {
      tags: ['public'], summary: '公开的服务事项目录（无需登录）', security: [],
      description: '只列出已发布的事项。给出 orgCode 时，列出该机构所属的目录（最近的、有公开事项的本级或上级机构，如村民看到本县的目录）。',
      querystring: Type.Object({
        q: Query, lifeEvent: Type.Optional(enumOf(LIFE_EVENTS)), department: Department,
        proxyCategory: Type.Optional(enumOf(PROXY_CATEGORIES)),
        orgCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: '机构代码，如 341125101001（黄龙村）' })),
        page: Page, pageSize: PageSize,
      }, { additionalProperties: false }),
      response: withProblems({
        200: Type.Object({
          owner: Nullable(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() })),
          total: Type.Integer(), items: Type.Array(PublicItemView),
        }),
      }),
    },
  }, async (request, reply) => {
    const { page: _p, pageSize: _s, lifeEvent, proxyCategory, ...rest } = request.query;
    const r = await publicCatalog(ctx, { ...rest, lifeEvent, proxyCategory, ...pageOf(request.query) });
    reply.header('Cache-Control', 'public, max-age=60');
    return {
      owner: r.owner ? { id: r.owner.id, code: r.owner.code, name: r.owner.name } : null,
      total: r.total, items: r.items.map(presentPublicItem),
    };
  });

  app.get('/api/public/catalog/:id', {
    config: { public: true, rateLimit: { family: 'public-catalog' } },
    schema: {
      tags: ['public'], summary: '服务指南（八公开：概述、依据、收费、材料、条件、程序、时限、地点；无需登录）', security: [],
      params: IdParams, response: withProblems({ 200: PublicGuideView }),
    },
  }, async (request, reply) => {
    const g = await publicGuide(ctx, request.params.id);
    reply.header('Cache-Control', 'public, max-age=60');
    return presentGuide(g);
  });
}
