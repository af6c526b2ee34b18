import Type, { type TSchema } from 'typebox';
import type { AppContext } from '../../context.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { GROUP_BYS, STAT_CHANNELS, STAT_CHANNEL_LABELS } from '../../domain/statistics.ts';
import { attachment, XLSX_TYPE } from '../reports/layout.ts';
import { statisticsWorkbook, workbookTitle } from '../reports/statistics-excel.ts';
import { scheduleRollup } from './rollup.ts';
import { auditStatisticsExport, statistics, triggerRollup } from './service.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Figures = {
  accepted: Type.Integer({ description: '受理件数（受理时间在期间内）' }),
  acceptedByProxy: Type.Integer({ description: '其中代办渠道受理件数' }),
  finished: Type.Integer({ description: '办结件数（办结送达时间在期间内，不论何时受理）' }),
  finishedByProxy: Type.Integer({ description: '其中代办渠道办结件数' }),
  finishedOnTime: Type.Integer({ description: '按时办结件数（在承诺期限内作出决定的办结件）' }),
  workingDays: Type.Integer({ description: '办结件的办理用时合计（工作日）' }),
  refused: Type.Integer({ description: '不予受理件数' }),
  denied: Type.Integer({ description: '不予许可件数（已计入办结）' }),
  withdrawn: Type.Integer({ description: '撤回件数' }),
  finishRate: Nullable(Type.Number({ description: '办结率（%）= 办结件数 ÷ 受理件数，保留一位小数' })),
  onTimeRate: Nullable(Type.Number({ description: '按时办结率（%）= 按时办结件数 ÷ 办结件数' })),
  avgWorkingDays: Nullable(Type.Number({ description: '平均办理用时（工作日）= 办理用时合计 ÷ 办结件数' })),
  overdueNow: Type.Integer({ description: '当前超期在办件数（此刻，不随期间变化）' }),
  signals: Nullable(Type.Object({ warning: Type.Integer(), yellow: Type.Integer(), red: Type.Integer() }, { description: '统计期间内对这些办件发出的预警、黄牌、红牌数（不含已撤销的）；按月分组的各行为 null，只计入合计' })),
};

const StatisticsView = Type.Object({
  org: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), level: Type.String() }),
  parentName: Nullable(Type.String()),
  period: Type.Object({ from: Type.String(), to: Type.String(), label: Type.String() }),
  groupBy: Type.String(),
  groupLabel: Type.String(),
  filters: Type.Object({ unit: Nullable(Type.String()), window: Nullable(Type.String()), item: Nullable(Type.String()), channel: Nullable(Type.String()) }),
  ownOnly: Type.Boolean({ description: '只统计本机构本级受理的办件（受理员、村干部等只看本级）' }),
  rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), code: Nullable(Type.String()), own: Type.Optional(Type.Boolean()), ...Figures })),
  total: Type.Object(Figures),
  source: Type.Object({
    months: Type.Array(Type.String(), { description: '从月汇总读取的整月' }),
    days: Type.Integer({ description: '从日汇总读取的天数' }),
    live: Type.Array(Type.Object({ from: Type.String(), to: Type.String() }), { description: '尚未定稿、从办件实时统计的日期段' }),
  }),
  generatedAt: Type.String(),
});

const text = (description: string) => Type.Optional(Type.String({ maxLength: 64, description }));

export function registerStatisticsRoutes(app: App, ctx: AppContext): void {
  app.get('/api/statistics', {
    schema: {
      tags: ['statistics'],
      summary: '办件统计：任一机构及下级、单位、窗口、事项、渠道和期间的受理、办结、办结率、按时办结率、平均用时、不予受理、超期在办和代办件数；format=xlsx 下载 Excel（正式版式）',
      querystring: Type.Object({
        orgId: text('统计的机构（机构 ID），含其下级'),
        from: text('开始日期 YYYY-MM-DD（北京时间，含当天）'),
        to: text('结束日期 YYYY-MM-DD（含当天）'),
        groupBy: text(`分组：${GROUP_BYS.join(' | ')}（默认 channel）`),
        unitId: text('只统计该受理单位'),
        windowId: text('只统计该窗口服务的单位'),
        itemId: text('只统计该事项'),
        channel: text(`只统计该渠道：${STAT_CHANNELS.map((c) => `${c}=${STAT_CHANNEL_LABELS[c]}`).join('，')}`),
        format: Type.Optional(Type.Unsafe<'json' | 'xlsx'>({ type: 'string', enum: ['json', 'xlsx'], description: 'json（默认）或 xlsx' })),
      }, { additionalProperties: false }),
      response: withProblems({
        200: {
          description: '统计（JSON），或 Excel 工作簿（format=xlsx）',
          content: { 'application/json': { schema: StatisticsView }, [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } },
        },
      }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    const { format, ...query } = request.query;
    const report = await statistics(ctx, meta, query);
    if (format !== 'xlsx') return reply.type('application/json; charset=utf-8').send(JSON.stringify(report));
    const data = await statisticsWorkbook(report);
    await auditStatisticsExport(ctx, meta, report);
    return reply.header('Content-Type', XLSX_TYPE)
      .header('Content-Disposition', attachment(`statistics-${report.org.code}-${report.period.from}-${report.period.to}-${report.groupBy}.xlsx`, `${workbookTitle(report)}.xlsx`))
      .send(data);
  });

  app.post('/api/statistics/rollup', {
    schema: {
      tags: ['statistics'],
      summary: '重新计算统计汇总（系统管理员、中心主任）：默认今天和昨天；可指定日期段（最长三年），例如补算停机期间或调整工作日历之后',
      body: Type.Object({
        from: Type.Optional(Type.String({ maxLength: 10, description: '开始日期 YYYY-MM-DD' })),
        to: Type.Optional(Type.String({ maxLength: 10, description: '结束日期 YYYY-MM-DD（不晚于今天）' })),
      }, { additionalProperties: false }),
      response: withProblems({
        200: Type.Object({
          from: Type.String(), to: Type.String(), days: Type.Integer(), written: Type.Integer(), unchanged: Type.Integer(), stale: Type.Integer(),
          final: Type.Integer(), monthsRebuilt: Type.Array(Type.String()), ms: Type.Integer(),
        }),
      }),
    },
  }, async (request) => triggerRollup(ctx, signedIn(request), request.body ?? {}));

  if (ctx.config.statisticsRollupSeconds > 0) {
    let stop: (() => void) | null = null;
    app.addHook('onReady', async () => {
      stop = scheduleRollup(ctx, ctx.config.statisticsRollupSeconds, ctx.config.statisticsLookbackDays, (msg, err) => (err ? app.log.error({ err }, msg) : app.log.info(msg)));
    });
    app.addHook('onClose', async () => stop?.());
  }
}
