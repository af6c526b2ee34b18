import Type, { type TSchema } from 'typebox';
import type { AppContext } from '../../context.ts';
import { CASE_ACTION_LABELS, CHANNELS, type CaseActionType, type Channel } from '../../domain/case-lifecycle.ts';
import { Invalid } from '../../errors.ts';
import { withProblems } from '../../http/problem.ts';
import { metaOf, signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { respondOnce, schedulePurge } from './idempotency.ts';
import { NOTICE_TITLES, renderNotice } from './notices.ts';
import { transferTargets } from './transfer-targets.ts';
import {
  ChannelName, DeliveryName, DetailView, ListView, ProcedureName, PublicView, RefusalGroundName, StateName, WriteView,
  presentDetail, presentList, presentPublic, presentWrite,
} from './presenter.ts';
import {
  ACTION_FIELDS, CASE_ACTION_TYPES, NOTICE_KINDS, QUEUES, actOnCase, createCase, getCase, listCases, noticeFor, publicProgress, queueCounts,
  type ActionInput, type CaseWrite, type ListQuery, type NoticeKind, type Queue,
} from './service.ts';

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    maxLength: 255, description: '幂等键（建议 UUID）：同一键、同一请求重复提交只办理一次，返回第一次的结果；同一键用于不同请求返回 422',
  })),
});
const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });

const NewCaseBody = Type.Object({
  id: Type.Optional(Type.String({ format: 'uuid', description: '客户端生成的办件 ID（离线登记同步时使用）' })),
  itemId: Type.String({ minLength: 1, maxLength: 64, description: '服务事项 ID，按其当前发布版本受理' }),
  unitId: Type.Optional(Type.String({ maxLength: 64, description: '登记申请的单位（本人在多个单位工作时必填）' })),
  channel: Type.Unsafe<Exclude<Channel, 'online'>>({
    type: 'string', enum: ['counter', 'village_room', 'proxy'],
    description: `申请渠道：${(['counter', 'village_room', 'proxy'] as const).map((c) => `${c}=${CHANNELS[c]}`).join('，')}`,
  }),
  applicant: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 50 }),
    idNumber: Type.String({ minLength: 1, maxLength: 32, description: '居民身份证号码（GB 11643 校验），加密保存，只显示脱敏号码' }),
    phone: Type.Optional(Type.String({ maxLength: 20, description: '手机号码，加密保存；后四位可用于公开查询进度' })),
  }, { additionalProperties: false }),
  proxy: Type.Optional(Type.Object({
    reason: Type.Optional(Text(2000, '代办原因（年老、偏远、行动不便等）')),
    consent: Type.Optional(Type.Boolean({ description: '群众本人已签字同意代办' })),
  }, { additionalProperties: false })),
  opinion: Type.Optional(Text(2000)),
  attachments: Type.Optional(Type.Array(Text(200), { maxItems: 50, description: '附件（材料）名称' })),
}, { additionalProperties: false });

/** The fields each action may carry (others are refused by the schema). */
const ACTION_FIELD_SCHEMAS: Record<keyof ActionInput, TSchema> = {
  version: Type.Integer({ minimum: 0, description: '读取时的办件版本号；已被他人处理时返回 409' }),
  unitId: Text(64, '以本人所在的哪个单位办理（在多个单位工作时可指定）'),
  opinion: Text(2000, '办理意见'),
  attachments: Type.Array(Text(200), { maxItems: 50, description: '附件名称' }),
  to: Text(64, '接收单位 ID；不填时按流程自动选择（村→乡镇受理部，窗口→本级受理部，受理部→承办单位或上级受理部）'),
  ground: RefusalGroundName,
  reason: Text(2000, '理由（书面告知申请人）'),
  referTo: Text(200, '有权受理的行政机关（理由为“不属于本机关职权范围”时必填）'),
  missing: Type.Array(Text(500), { maxItems: 100, description: '一次性告知：需补齐补正的全部材料' }),
  handler: Type.Integer({ minimum: 0, maximum: 50, description: '并联环节中本部门的序号（不填时自动选择）' }),
  procedure: ProcedureName,
  expectedDays: Type.Integer({ description: '特别程序预计所需工作日' }),
  days: Type.Integer({ description: '延长的工作日' }),
  outcome: Type.Unsafe<'approve' | 'deny'>({ type: 'string', enum: ['approve', 'deny'], description: 'approve=准予，deny=不予（须填写理由）' }),
  method: DeliveryName,
  trackingNo: Text(64, '邮件单号'),
  feeCharged: Type.Number({ description: '实收费用（元）；与公示收费标准不符时电子监察发出红牌' }),
};

function actionBody(action: Exclude<CaseActionType, 'apply'>) {
  const keys: (keyof ActionInput)[] = ['version', 'unitId', 'opinion', 'attachments', ...ACTION_FIELDS[action]];
  const properties = Object.fromEntries(keys.map((k) => [k, k === 'version' ? ACTION_FIELD_SCHEMAS[k] : Type.Optional(ACTION_FIELD_SCHEMAS[k])]));
  return Type.Object(properties, { additionalProperties: false });
}

const ListFilters = {
  queue: Type.Optional(Type.Unsafe<Queue>({
    type: 'string', enum: [...QUEUES],
    description: 'to_accept=待受理，to_receive=待签收，to_handle=待办理/待转办，to_reply=待回复，to_deliver=待送达，due_soon=临近期限，overdue=已超期，done=已办，all=全部（默认）',
  })),
  number: Type.Optional(Type.String({ maxLength: 60, description: '办件编号（可只输前几位）' })),
  itemId: Type.Optional(Type.String({ maxLength: 64 })),
  unitId: Type.Optional(Type.String({ maxLength: 64, description: '所在或正被转往的单位' })),
  state: Type.Optional(StateName),
  channel: Type.Optional(ChannelName),
  from: Type.Optional(Type.String({ maxLength: 40, description: '申请日期自（含），如 2026-03-01' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: '申请日期至（含），如 2026-03-31' })),
};
const Page = Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' }));
const PageSize = Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' }));

export function registerCaseRoutes(app: App, ctx: AppContext): void {
  app.post('/api/cases', {
    schema: {
      tags: ['cases'], summary: '登记申请（窗口、村便民服务室、代办）：生成办件编号和查询码',
      headers: IdempotencyHeaders, body: NewCaseBody, response: withProblems({ 201: WriteView }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    return respondOnce<CaseWrite>(ctx, request, reply, meta.actor.userId, 201,
      (hooks) => createCase(ctx, meta, request.body, hooks), (w) => presentWrite(w, { lookupCode: true }));
  });

  app.get('/api/cases', {
    schema: {
      tags: ['cases'], summary: '我的工作台与办件查询（仅本人管辖范围；按身份证号查询请用 POST /api/cases/search）',
      querystring: Type.Object({ ...ListFilters, page: Page, pageSize: PageSize }, { additionalProperties: false }),
      response: withProblems({ 200: ListView }),
    },
  }, async (request) => {
    const { page, pageSize, ...filters } = request.query;
    const q: ListQuery = { ...filters, page: Number(page ?? 1), pageSize: Number(pageSize ?? 20) };
    return presentList(await listCases(ctx, signedIn(request), q), q.page, q.pageSize);
  });

  app.post('/api/cases/search', {
    schema: {
      tags: ['cases'], summary: '办件查询（可按申请人身份证号查询，结果脱敏；身份证号不放在网址中）',
      body: Type.Object({
        ...ListFilters,
        idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: '申请人身份证号（精确匹配）' })),
        page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
        pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: ListView }),
    },
  }, async (request) => {
    const { page, pageSize, ...filters } = request.body;
    const q: ListQuery = { ...filters, page: page ?? 1, pageSize: pageSize ?? 20 };
    return presentList(await listCases(ctx, signedIn(request), q), q.page, q.pageSize);
  });

  app.get('/api/cases/counts', {
    schema: {
      tags: ['cases'], summary: '我的各工作队列件数',
      response: withProblems({ 200: Type.Object(Object.fromEntries(QUEUES.map((q) => [q, Type.Integer()]))) }),
    },
  }, async (request) => queueCounts(ctx, signedIn(request)));

  app.get('/api/cases/:id', {
    schema: {
      tags: ['cases'], summary: '办件详情：进度、期限、全部办理记录、本人此刻可做的操作',
      params: IdParams, response: withProblems({ 200: DetailView }),
    },
  }, async (request) => {
    const d = await getCase(ctx, signedIn(request), request.params.id);
    const targets = d.allowedActions.includes('transfer') ? await transferTargets(ctx, d.snapshot, d.suggestedTransfer) : [];
    return presentDetail(d, targets);
  });

  for (const action of CASE_ACTION_TYPES) {
    app.post(`/api/cases/:id/${action}`, {
      schema: {
        tags: ['cases'], summary: `办件操作：${CASE_ACTION_LABELS[action]}`,
        params: IdParams, headers: IdempotencyHeaders, body: actionBody(action), response: withProblems({ 200: WriteView }),
      },
    }, async (request, reply) => {
      const meta = signedIn(request);
      const input = request.body as unknown as ActionInput;
      return respondOnce<CaseWrite>(ctx, request, reply, meta.actor.userId, 200,
        (hooks) => actOnCase(ctx, meta, request.params.id, action, input, hooks), (w) => presentWrite(w));
    });
  }

  app.get('/api/cases/:id/notices/:kind', {
    schema: {
      tags: ['cases'], summary: `打印通知书（HTML）：${NOTICE_KINDS.map((k) => `${k}=${NOTICE_TITLES[k]}`).join('，')}`,
      params: Type.Object({
        id: Type.String({ maxLength: 64 }),
        kind: Type.Unsafe<NoticeKind>({ type: 'string', enum: [...NOTICE_KINDS] }),
      }),
      response: withProblems({ 200: Type.String({ description: 'text/html 通知书' }) }),
    },
  }, async (request, reply) => {
    const notice = await noticeFor(ctx, signedIn(request), request.params.id, request.params.kind);
    return reply.type('text/html; charset=utf-8').send(renderNotice(notice));
  });

  app.get('/api/public/cases/:number', {
    // Counted (and refusals audited) in publicProgress: per address, and wrong phone endings per case.
    config: { public: true, rateLimit: 'in-service' },
    schema: {
      tags: ['public'], summary: '公开查询办件进度（办件编号 + 查询码或手机号后四位），不显示申请人信息',
      security: [],
      params: Type.Object({ number: Type.String({ maxLength: 60 }) }),
      querystring: Type.Object({
        code: Type.Optional(Type.String({ maxLength: 16, description: '通知书上的 6 位查询码' })),
        phone4: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: '申请人登记手机号的后四位' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: PublicView }),
    },
  }, async (request) => {
    const { code, phone4 } = request.query;
    if (code === undefined && phone4 === undefined) {
      const detail = '请输入查询码，或申请人登记手机号的后四位';
      throw new Invalid(detail, [{ pointer: '#/query/code', code: 'REQUIRED', detail }]);
    }
    return presentPublic(await publicProgress(ctx, metaOf(request), request.params.number, code !== undefined ? { code } : { phone4 }));
  });

  // Expired Idempotency-Keys are ignored already; deleting them keeps the table small.
  let stopPurge: (() => void) | null = null;
  app.addHook('onReady', async () => {
    stopPurge = schedulePurge(ctx, 60, (msg, err) => (err ? app.log.error({ err }, msg) : app.log.info(msg)));
  });
  app.addHook('onClose', async () => stopPurge?.());
}
