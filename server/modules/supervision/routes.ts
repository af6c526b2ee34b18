import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import { PRESETS, SIGNAL_STEP_LABELS, SIGNAL_STEPS, type PresetName, type SignalLevel, type SignalStatus, type SignalStep } from '../../domain/supervision.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { onCaseWritten } from '../cases/write-hooks.ts';
import {
  LevelName, RulesView_, SignalListView, SignalView, StatusName, SummaryView, SweepView,
  presentDetail, presentRules, presentSignal, presentSummary, presentSweep,
} from './presenter.ts';
import { getRules, getSignal, listSignals, putRules, stepSignal, summary, sweepNow } from './service.ts';
import { createStream } from './stream.ts';
import { startSweepScheduler } from './sweep.ts';
import { superviseCaseWrite } from './watch.ts';

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const DateText = (description: string) => Type.Optional(Type.String({ maxLength: 10, description }));

/** Supervision: the case-write hook, the sweep scheduler (when the server listens), and the routes. */
export function registerSupervision(app: App, ctx: AppContext): void {
  onCaseWritten(superviseCaseWrite);
  let stopSweep: (() => void) | null = null;
  const stream = createStream(ctx, app.log);
  app.addHook('onListen', async () => {
    const seconds = ctx.config.supervision.sweepSeconds;
    if (seconds > 0) stopSweep = startSweepScheduler(ctx, seconds, app.log);
  });
  app.addHook('onClose', async () => {
    stopSweep?.();
    stream.close();
  });

  app.get('/api/supervision/signals', {
    schema: {
      tags: ['supervision'], summary: '监察信号列表（本人管辖范围；可按等级、状态、机构、单位、日期筛选）',
      querystring: Type.Object({
        level: Type.Optional(LevelName),
        status: Type.Optional(Type.Union([StatusName, Type.Literal('active')], { description: '状态；active = 所有未核销、未撤销的' })),
        orgId: Type.Optional(Type.String({ maxLength: 64, description: '机构（含下级）' })),
        unitId: Type.Optional(Type.String({ maxLength: 64 })),
        caseId: Type.Optional(Type.String({ maxLength: 64 })),
        from: DateText('发出日期自（含），如 2026-03-01'), to: DateText('发出日期至（含）'),
        page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
        pageSize: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: SignalListView }),
    },
  }, async (request) => {
    const { page, pageSize, level, status, ...rest } = request.query;
    const q = { ...rest, level: level as SignalLevel | undefined, status: status as SignalStatus | 'active' | undefined, page: Number(page ?? 1), pageSize: Number(pageSize ?? 20) };
    const r = await listSignals(ctx, signedIn(request), q);
    return { total: r.total, page: q.page, pageSize: q.pageSize, items: r.rows.map(presentSignal) };
  });

  app.get('/api/supervision/signals/:id', {
    schema: { tags: ['supervision'], summary: '监察信号详情：办件、责任单位与责任人、跟踪记录、本人可做的操作', params: IdParams, response: withProblems({ 200: SignalView }) },
  }, async (request) => presentDetail(await getSignal(ctx, signedIn(request), request.params.id)));

  for (const step of SIGNAL_STEPS) {
    app.post(`/api/supervision/signals/:id/${step}`, {
      schema: {
        tags: ['supervision'], summary: `监察信号跟踪：${SIGNAL_STEP_LABELS[step]}`,
        params: IdParams,
        body: Type.Object({
          version: Type.Integer({ minimum: 0, description: '读取时的信号版本号' }),
          text: Type.Optional(Type.String({ maxLength: 2000, description: '说明、整改措施、申诉理由或监察意见' })),
        }, { additionalProperties: false }),
        response: withProblems({ 200: SignalView }),
      },
    }, async (request) => presentDetail(await stepSignal(ctx, signedIn(request), request.params.id, step as SignalStep, request.body)));
  }

  app.get('/api/supervision/rules', {
    schema: {
      tags: ['supervision'], summary: '本机构（区域）在用的监察规则、本机构的规则版本历史和预设',
      querystring: Type.Object({ orgId: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
      response: withProblems({ 200: RulesView_ }),
    },
  }, async (request) => presentRules(await getRules(ctx, signedIn(request), request.query.orgId)));

  app.put('/api/supervision/rules', {
    schema: {
      tags: ['supervision'], summary: '设置本区域的监察规则（选预设或提交完整配置）；记入审计，并按新规则重新评估本区域的在办件',
      body: Type.Object({
        orgId: Type.String({ maxLength: 64 }),
        version: Type.Integer({ minimum: 0, description: '读取时本机构的规则版本（未设置过为 0）' }),
        preset: Type.Optional(Type.Unsafe<PresetName>({ type: 'string', enum: [...PRESETS] })),
        config: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object' })),
      }, { additionalProperties: false }),
      response: withProblems({ 200: RulesView_ }),
    },
  }, async (request) => {
    const { orgId, ...input } = request.body;
    return presentRules(await putRules(ctx, signedIn(request), orgId, input));
  });

  app.get('/api/supervision/summary', {
    schema: {
      tags: ['supervision'], summary: '监察汇总（大屏）：各机构未办结的预警、黄牌、红牌数，最新信号，当前超期件数',
      querystring: Type.Object({ orgId: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: withProblems({ 200: SummaryView }),
    },
  }, async (request) => presentSummary(await summary(ctx, signedIn(request), request.query.orgId)));

  app.get('/api/supervision/stream', {
    schema: {
      tags: ['supervision'], summary: '监察大屏实时推送（text/event-stream）：summary 事件（汇总）与 signal 事件（新信号）',
      querystring: Type.Object({ orgId: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    const orgId = request.query.orgId;
    const path = orgId ? (await ctx.db.selectFrom('orgs').select('path').where('id', '=', orgId).executeTakeFirst())?.path ?? null : null;
    await stream.open(meta, reply, orgId, path);
  });

  app.post('/api/supervision/sweep', {
    schema: {
      tags: ['supervision'], summary: '立即执行一次电子监察扫描（监察人员、系统管理员）；平时每分钟自动执行',
      response: withProblems({ 200: SweepView }),
    },
  }, async (request) => presentSweep(await sweepNow(ctx, signedIn(request))));
}
