import Type, { type TSchema } from 'typebox';
import type { AppContext } from '../../context.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { proxyMonthlyWorkbook, XLSX_TYPE } from './excel.ts';
import { attachment } from './layout.ts';
import { auditExport, proxyMonthly, REPORT_CATEGORIES, REPORT_CATEGORY_LABELS } from './service.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const CountFields = {
  accepted: Type.Integer({ description: '本月受理件数' }),
  acceptedByProxy: Type.Integer({ description: '其中代办（村干部代群众申请）件数' }),
  finished: Type.Integer({ description: '本月办结（已送达）件数' }),
  inProgress: Type.Integer({ description: '月末在办件数' }),
  finishRate: Nullable(Type.Number({ description: '办结率（%）= 办结件数 ÷ 受理件数，保留一位小数' })),
};

const ReportView = Type.Object({
  org: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), level: Type.String() }),
  parentName: Nullable(Type.String()),
  month: Type.String(),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  title: Type.String(),
  categories: Type.Array(Type.Object({
    category: Type.Unsafe<string>({
      type: 'string', enum: [...REPORT_CATEGORIES], description: REPORT_CATEGORIES.map((c) => `${c}=${REPORT_CATEGORY_LABELS[c]}`).join('，'),
    }),
    label: Type.String(), ...CountFields,
  })),
  total: Type.Object(CountFields),
  units: Type.Array(Type.Object({ orgId: Type.String(), code: Type.String(), name: Type.String(), own: Type.Boolean(), ...CountFields })),
  generatedAt: Type.String(),
});

export function registerReportRoutes(app: App, ctx: AppContext): void {
  app.get('/api/reports/proxy-monthly', {
    schema: {
      tags: ['reports'],
      summary: '代办服务月报表（村或乡镇）：按代办类别统计本月受理、办结和月末在办件数；format=xlsx 下载 Excel',
      querystring: Type.Object({
        orgId: Type.String({ minLength: 1, maxLength: 64, description: '村或乡镇（机构 ID）' }),
        month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: '月份，如 2026-11（按北京时间）' }),
        format: Type.Optional(Type.Unsafe<'json' | 'xlsx'>({ type: 'string', enum: ['json', 'xlsx'], description: 'json（默认）或 xlsx' })),
      }, { additionalProperties: false }),
      response: withProblems({
        200: {
          description: '报表（JSON），或 Excel 工作簿（format=xlsx）',
          content: { 'application/json': { schema: ReportView }, [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } },
        },
      }),
    },
  }, async (request, reply) => {
    const meta = signedIn(request);
    const report = await proxyMonthly(ctx, meta, request.query.orgId, request.query.month);
    if (request.query.format !== 'xlsx') return reply.type('application/json; charset=utf-8').send(JSON.stringify(report));
    const data = await proxyMonthlyWorkbook(report);
    await auditExport(ctx, meta, report);
    const filename = `${report.title}-${report.month}.xlsx`;
    return reply
      .header('Content-Type', XLSX_TYPE)
      .header('Content-Disposition', attachment(`proxy-monthly-${report.org.code}-${report.month}.xlsx`, filename))
      .send(data);
  });
}
