// The monthly proxy report as the office files it (Excel, A4 portrait) in the shared official layout
// (layout.ts): the title 「××村（镇）代办服务月报表」, the reporting unit and the period, the table by
// proxy category with a total line, for a township a second table by village, notes, and the
// signature lines 填表人 / 审核人 / 负责人 with 填报日期.
import { chineseDate } from '../cases/notices.ts';
import { addOfficialSheet, workbookBuffer, XLSX_TYPE } from './layout.ts';
import type { Counts, ProxyMonthlyReport } from './service.ts';

export { XLSX_TYPE };
export const SHEET_NAME = '代办服务月报表';

const COLUMNS = [
  { header: '序号', width: 6 }, { header: '代办类别', width: 26 }, { header: '受理件数', width: 10 }, { header: '其中代办件数', width: 12 },
  { header: '办结件数', width: 10 }, { header: '在办件数', width: 10 }, { header: '办结率', width: 10, numFmt: '0.0%' }, { header: '备注', width: 16 },
];

/** 98.4% as Excel shows it (the rounded figure of the JSON report); — when nothing was accepted. */
const rate = (c: Counts): string | number => (c.finishRate === null ? '—' : Math.round(c.finishRate * 10) / 1000);

/** The reporting unit: 大汉山镇黄龙村便民服务室 / 大汉山镇便民服务中心. */
export function reportingUnit(r: ProxyMonthlyReport): string {
  return r.org.level === 'village' ? `${r.parentName ?? ''}${r.org.name}便民服务室` : `${r.org.name}便民服务中心`;
}

export const chinesePeriod = (r: ProxyMonthlyReport): string => `${chineseDate(`${r.period.from}T04:00:00Z`)}至${chineseDate(`${r.period.to}T04:00:00Z`)}`;

const countsOf = (c: Counts) => [c.accepted, c.acceptedByProxy, c.finished, c.inProgress, rate(c)];

export function proxyMonthlyWorkbook(r: ProxyMonthlyReport): Promise<Buffer> {
  return workbookBuffer((wb) => addOfficialSheet(wb, {
    sheetName: SHEET_NAME,
    title: r.title,
    unit: reportingUnit(r),
    period: chinesePeriod(r),
    columns: COLUMNS,
    orientation: 'portrait',
    tables: [
      { rows: r.categories.map((c, i) => [i + 1, c.label, ...countsOf(c), '']), total: ['', '合计', ...countsOf(r.total), ''] },
      ...(r.org.level === 'township'
        ? [{ caption: '分村（中心）统计', rows: r.units.map((u, i) => [i + 1, u.name, ...countsOf(u), '']) }]
        : []),
    ],
    notes: ['受理件数为本月受理的办件；办结件数为本月办结（已送达）的办件；在办件数为月末尚未办结的办件；办结率 = 办结件数 ÷ 受理件数，保留一位小数。'],
    generatedAt: r.generatedAt,
  }), r.generatedAt);
}
