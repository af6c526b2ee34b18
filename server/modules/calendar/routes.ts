import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import type { CalendarLocalChangeTable } from '../../db/schema.ts';
import { withProblems } from '../../http/problem.ts';
import { signedIn } from '../../http/session.ts';
import type { App } from '../../http/types.ts';
import { addLocalChange, getYear, importYears, listLocalChanges, removeLocalChange, setYear } from './service.ts';

const Year = Type.String({ pattern: '^[0-9]{4}$', description: '四位年份' });
const Kind = Type.Unsafe<'closed' | 'open'>({ type: 'string', enum: ['closed', 'open'], description: 'closed：本地停止办公；open：本地照常上班' });

const HolidayRange = Type.Object({ name: Type.String(), from: Type.String(), to: Type.String() });
const CalendarYearView = Type.Object({
  year: Type.Integer(), off: Type.Array(HolidayRange), makeup: Type.Array(Type.String()), published: Type.Optional(Type.String()),
});
// Shape only for the docs: the content is checked by validateCalendarYear, so every problem comes back as 422 with its pointer.
const CalendarYearBody = Type.Unsafe<unknown>({
  type: 'object', description: '一年的放假安排：{ year, off: [{ name, from, to }], makeup: [日期], published? }',
});
const ImportBody = Type.Unsafe<unknown>({ type: 'object', description: '与随附文件 cn-holidays.json 同样的格式：{ years: { "2027": { off, makeup, published? } } }' });

const YearView = Type.Object({
  year: Type.Integer(),
  orgId: Type.Union([Type.String(), Type.Null()]),
  official: Type.Boolean({ description: '该年已有放假安排（随附或管理员录入）' }),
  provisional: Type.Boolean({ description: '该年没有放假安排，工作日暂按周一至周五计算' }),
  warning: Type.Union([Type.String(), Type.Null()]),
  days: Type.Array(Type.Object({ date: Type.String(), working: Type.Boolean(), reason: Type.String(), local: Type.Boolean() })),
});

const LocalChangeView = Type.Object({
  orgId: Type.String(), date: Type.String(), kind: Kind, reason: Type.String(), createdAt: Type.String(),
});

function presentChange(c: CalendarLocalChangeTable) {
  return { orgId: c.org_id, date: c.date, kind: c.kind, reason: c.reason, createdAt: c.created_at };
}

export function registerCalendarRoutes(app: App, ctx: AppContext): void {
  app.get('/api/calendar/:year', {
    schema: {
      tags: ['calendar'], summary: '某年每一天是否工作日（含本机构及上级机构的本地调整）',
      params: Type.Object({ year: Year }),
      querystring: Type.Object({ orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false }),
      response: withProblems({ 200: YearView }),
    },
  }, async (request) => getYear(ctx, signedIn(request), Number(request.params.year), request.query.orgId));

  app.put('/api/calendar/years/:year', {
    schema: {
      tags: ['calendar'], summary: '录入或更正某年的全国放假安排（系统管理员）',
      params: Type.Object({ year: Year }), body: CalendarYearBody,
      response: withProblems({ 200: CalendarYearView }),
    },
  }, async (request) => setYear(ctx, signedIn(request), Number(request.params.year), request.body));

  app.post('/api/calendar/import', {
    schema: {
      tags: ['calendar'], summary: '导入放假安排文件（全部成功或全部不导入，系统管理员）', body: ImportBody,
      response: withProblems({ 200: Type.Object({ years: Type.Array(CalendarYearView) }) }),
    },
  }, async (request) => ({ years: await importYears(ctx, signedIn(request), request.body) }));

  app.get('/api/calendar/local-changes', {
    schema: {
      tags: ['calendar'], summary: '本地调整列表（仅本人管辖范围，可按机构、年份筛选）',
      querystring: Type.Object({
        orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        year: Type.Optional(Year),
      }, { additionalProperties: false }),
      response: withProblems({ 200: Type.Object({ items: Type.Array(Type.Object({ ...LocalChangeView.properties, orgName: Type.String() })) }) }),
    },
  }, async (request) => {
    const { orgId, year } = request.query;
    const rows = await listLocalChanges(ctx, signedIn(request), { orgId, year: year === undefined ? undefined : Number(year) });
    return { items: rows.map((r) => ({ ...presentChange(r), orgName: r.org_name })) };
  });

  app.post('/api/calendar/local-changes', {
    schema: {
      tags: ['calendar'], summary: '新增本地调整（停止办公或照常上班）',
      body: Type.Object({
        orgId: Type.String({ minLength: 1, maxLength: 64 }),
        date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
        kind: Kind,
        reason: Type.Optional(Type.String({ maxLength: 100 })),
      }, { additionalProperties: false }),
      response: withProblems({ 201: LocalChangeView }),
    },
  }, async (request, reply) => reply.code(201).send(presentChange(await addLocalChange(ctx, signedIn(request), request.body))));

  app.delete('/api/calendar/local-changes/:orgId/:date', {
    schema: {
      tags: ['calendar'], summary: '删除本地调整',
      params: Type.Object({ orgId: Type.String({ maxLength: 64 }), date: Type.String({ maxLength: 10 }) }),
      response: withProblems({ 204: Type.Null() }),
    },
  }, async (request, reply) => {
    await removeLocalChange(ctx, signedIn(request), request.params.orgId, request.params.date);
    return reply.code(204).send(null);
  });
}
