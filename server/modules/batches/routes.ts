import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import type { BatchKind, BatchState } from '../../db/schema.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { respondOnce } from '../cases/idempotency.ts';
import { renderManifest } from './manifest.ts';
import {
  BatchKindName, BatchListView, BatchStateName, BatchView, CandidatesView, presentBatch, presentBatchList, presentCandidates,
} from './presenter.ts';
import {
  BATCH_KIND_LABELS, BATCH_STATE_LABELS, MAX_BATCH_CASES, batchCandidates, cancelBatch, checkBatch, createBatch, deliverBatchCase, getBatch, listBatches, manifestOf,
  receiveBatchCase, sendBatch, type BatchDetail,
} from './service.ts';

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const CaseParams = Type.Object({ id: Type.String({ maxLength: 64 }), caseId: Type.String({ maxLength: 64 }) });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 255, description: '幂等键（建议 UUID）：同一请求重复提交只办理一次' })),
});
const Opinion = Type.Optional(Type.String({ maxLength: 2000, description: '意见' }));
const Version = Type.Integer({ minimum: 0, description: '读取时的批次版本号；已被他人处理时返回 409' });

const STATES = Object.keys(BATCH_STATE_LABELS) as BatchState[];
const KINDS = Object.keys(BATCH_KIND_LABELS) as BatchKind[];

/** The list's tab badges: per state (within the kind asked for) and per kind (within the state asked for), whatever the page. */
const BatchCounts = Type.Object({
  all: Type.Integer({ description: '本人可见的批次总数（只按村筛选）' }),
  byState: Type.Object(Object.fromEntries(STATES.map((s) => [s, Type.Integer({ description: BATCH_STATE_LABELS[s] })])) as Record<BatchState, ReturnType<typeof Type.Integer>>),
  byKind: Type.Object(Object.fromEntries(KINDS.map((k) => [k, Type.Integer({ description: BATCH_KIND_LABELS[k] })])) as Record<BatchKind, ReturnType<typeof Type.Integer>>),
}, { description: '各状态、各类别的批次数（标签上的数字）' });
const BatchListWithCounts = Type.Object({ ...BatchListView.properties, counts: BatchCounts });

function countsOf(rows: { kind: BatchKind; state: BatchState; n: number }[], q: { kind?: BatchKind; state?: BatchState }) {
  const byState = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<BatchState, number>;
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<BatchKind, number>;
  let all = 0;
  for (const r of rows) {
    all += r.n;
    if (!q.kind || r.kind === q.kind) byState[r.state] += r.n;
    if (!q.state || r.state === q.state) byKind[r.kind] += r.n;
  }
  return { all, byState, byKind };
}

export function registerBatchRoutes(app: App, ctx: AppContext): void {
  app.get('/api/batches', {
    schema: {
      tags: ['batches'], summary: '定期报送批次：本人可见的报送与回送批次（村干部：本村；乡镇受理员：本乡镇各村；中心主任：辖区）',
      querystring: Type.Object({
        kind: Type.Optional(BatchKindName), state: Type.Optional(BatchStateName),
        villageId: Type.Optional(Type.String({ maxLength: 64 })),
        page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
        pageSize: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: BatchListWithCounts }),
    },
  }, async (request) => {
    const { page, pageSize, ...filters } = request.query;
    const q = { ...filters, page: Number(page ?? 1), pageSize: Number(pageSize ?? 20) };
    const list = await listBatches(ctx, signedIn(request), q);
    return { ...presentBatchList(list, q.page, q.pageSize), counts: countsOf(list.byKindAndState, q) };
  });

  app.get('/api/batches/candidates', {
    schema: {
      tags: ['batches'], summary: '可列入新批次的办件：报送——本村已受理、尚未报送；回送——已回复到乡镇咨询受理部、待回送本村',
      querystring: Type.Object({
        kind: BatchKindName, villageId: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: CandidatesView }),
    },
  }, async (request) => {
    const { kind, villageId, limit } = request.query;
    return presentCandidates(await batchCandidates(ctx, signedIn(request), kind as BatchKind, villageId, Number(limit ?? MAX_BATCH_CASES)));
  });

  app.post('/api/batches', {
    schema: {
      tags: ['batches'], summary: '建立批次（未发出）：村干部建立报送批次，乡镇受理员建立回送批次；清单含办件与材料份数',
      headers: IdempotencyHeaders,
      body: Type.Object({
        kind: BatchKindName,
        villageId: Type.Optional(Type.String({ maxLength: 64, description: '村（机构 ID）；村干部只在一个村任职时可不填' })),
        caseIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: MAX_BATCH_CASES, description: '列入批次的办件 ID，按清单顺序' }),
        note: Type.Optional(Type.String({ maxLength: 500, description: '备注' })),
      }, { additionalProperties: false }),
      response: withProblems({ 201: BatchView }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    const body = { ...request.body, kind: request.body.kind as BatchKind };
    return respondOnce<BatchDetail>(ctx, request, reply, meta.actor.userId, 201, (hooks) => createBatch(ctx, meta, body, hooks), presentBatch);
  });

  app.get('/api/batches/:id', {
    schema: { tags: ['batches'], summary: '批次详情：清单上的每个办件、签收与缺件情况、本人可做的操作', params: IdParams, response: withProblems({ 200: BatchView }) },
  }, async (request) => presentBatch(await getBatch(ctx, signedIn(request), request.params.id)));

  app.get('/api/batches/:id/manifest', {
    schema: {
      tags: ['batches'], summary: '打印批次清单（HTML）', params: IdParams,
      response: withProblems({ 200: Type.String({ description: 'text/html 清单' }) }),
    },
  }, async (request, reply) => {
    const detail = await manifestOf(ctx, signedIn(request), request.params.id);
    return reply.type('text/html; charset=utf-8').send(renderManifest(detail));
  });

  const VersionBody = Type.Object({ version: Version }, { additionalProperties: false });

  app.post('/api/batches/:id/send', {
    schema: {
      tags: ['batches'], summary: '发出批次：报送批次的全部办件转办乡镇咨询受理部，回送批次的全部办件回复到村（同一事务，全部或全不）',
      params: IdParams, headers: IdempotencyHeaders, body: VersionBody, response: withProblems({ 200: BatchView }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    return respondOnce<BatchDetail>(ctx, request, reply, meta.actor.userId, 200,
      (hooks) => sendBatch(ctx, meta, request.params.id, request.body, hooks), presentBatch);
  });

  app.post('/api/batches/:id/cancel', {
    schema: {
      tags: ['batches'], summary: '作废未发出的批次（办件可另行列入新批次）',
      params: IdParams, headers: IdempotencyHeaders, body: VersionBody, response: withProblems({ 200: BatchView }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    return respondOnce<BatchDetail>(ctx, request, reply, meta.actor.userId, 200,
      (hooks) => cancelBatch(ctx, meta, request.params.id, request.body, hooks), presentBatch);
  });

  app.post('/api/batches/:id/check', {
    schema: {
      tags: ['batches'], summary: '清点完毕：未签收的办件立即标记为缺件（记入审计，供电子监察）',
      params: IdParams, headers: IdempotencyHeaders,
      body: Type.Object({ version: Version, opinion: Opinion }, { additionalProperties: false }),
      response: withProblems({ 200: BatchView }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    return respondOnce<BatchDetail>(ctx, request, reply, meta.actor.userId, 200,
      (hooks) => checkBatch(ctx, meta, request.params.id, request.body, hooks), presentBatch);
  });

  const OpinionBody = Type.Object({ opinion: Opinion }, { additionalProperties: false });

  app.post('/api/batches/:id/cases/:caseId/receive', {
    schema: {
      tags: ['batches'], summary: '逐件签收：报送批次即办件的“签收”操作；回送批次记录村干部已收到办理结果',
      params: CaseParams, headers: IdempotencyHeaders, body: OpinionBody, response: withProblems({ 200: BatchView }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    return respondOnce<BatchDetail>(ctx, request, reply, meta.actor.userId, 200,
      (hooks) => receiveBatchCase(ctx, meta, request.params.id, request.params.caseId, request.body ?? {}, hooks), presentBatch);
  });

  app.post('/api/batches/:id/cases/:caseId/deliver', {
    schema: {
      tags: ['batches'], summary: '回送批次：村干部把办理结果交给群众（送达方式：村干部送达）',
      params: CaseParams, headers: IdempotencyHeaders, body: OpinionBody, response: withProblems({ 200: BatchView }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    return respondOnce<BatchDetail>(ctx, request, reply, meta.actor.userId, 200,
      (hooks) => deliverBatchCase(ctx, meta, request.params.id, request.params.caseId, request.body ?? {}, hooks), presentBatch);
  });
}
