// Statistics as official workbooks (A4 landscape, layout.ts): the half-year report by channel, the
// report by org, the monthly report by item — one layout for every grouping, titled by org, period
// and grouping (大汉山镇2026年上半年办件统计表（按渠道）).
import type { Figures } from '../../domain/statistics.ts';
import type { StatisticsReport } from '../statistics/service.ts';
import { addOfficialSheet, workbookBuffer } from './layout.ts';

export const STATISTICS_SHEET = '办件统计表';

const GROUP_HEADERS: Record<StatisticsReport['groupBy'], string> = {
  channel: '受理渠道', org: '机构', unit: '受理单位', window: '窗口', item: '服务事项', month: '月份',
};

export function workbookTitle(r: StatisticsReport): string {
  return `${r.org.name}${r.period.label}办件统计表（${r.groupLabel}）`;
}

export function statisticsUnit(r: StatisticsReport): string {
  if (r.org.level === 'village') return `${r.parentName ?? ''}${r.org.name}便民服务室`;
  if (r.org.level === 'township') return `${r.org.name}便民服务中心`;
  return `${r.org.name}政务服务中心`;
}

const cn = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
/** 98.7 → 0.987 exactly as Excel should hold it (98.4 / 100 would be 0.9840000000000001). */
const pct = (v: number | null) => (v === null ? '—' : Math.round(v * 10) / 1000);
const num = (v: number | null) => (v === null ? '—' : v);

const figures = (f: Figures) => [
  f.accepted, f.acceptedByProxy, f.finished, pct(f.finishRate), pct(f.onTimeRate), num(f.avgWorkingDays), f.refused, f.denied, f.withdrawn, f.overdueNow,
];

export function statisticsWorkbook(r: StatisticsReport): Promise<Buffer> {
  const filters = [r.filters.unit && `单位：${r.filters.unit}`, r.filters.window && `窗口：${r.filters.window}`, r.filters.item && `事项：${r.filters.item}`,
    r.filters.channel && `渠道：${r.filters.channel}`].filter(Boolean);
  return workbookBuffer((wb) => addOfficialSheet(wb, {
    sheetName: STATISTICS_SHEET,
    title: workbookTitle(r),
    unit: statisticsUnit(r),
    period: `${cn(r.period.from)}至${cn(r.period.to)}`,
    orientation: 'landscape',
    columns: [
      { header: '序号', width: 6 }, { header: GROUP_HEADERS[r.groupBy], width: 28 }, { header: '受理件数', width: 10, numFmt: '#,##0' },
      { header: '其中代办', width: 10, numFmt: '#,##0' }, { header: '办结件数', width: 10, numFmt: '#,##0' }, { header: '办结率', width: 9, numFmt: '0.0%' },
      { header: '按时办结率', width: 10, numFmt: '0.0%' }, { header: '平均办理用时（工作日）', width: 12, numFmt: '0.0' },
      { header: '不予受理', width: 9, numFmt: '#,##0' }, { header: '不予许可', width: 9, numFmt: '#,##0' }, { header: '撤回', width: 8, numFmt: '#,##0' },
      { header: '超期在办', width: 9, numFmt: '#,##0' }, { header: '备注', width: 14 },
    ],
    tables: [{
      rows: r.rows.map((row, i) => [i + 1, row.label, ...figures(row), r.groupBy === 'item' ? row.code : '']),
      total: ['', '合计', ...figures(r.total), ''],
    }],
    notes: [
      ...(filters.length ? [`本表只统计${filters.join('，')}。`] : []),
      ...(r.ownOnly ? ['本表只统计本级受理的办件。'] : []),
      '受理件数为统计期间受理的办件；办结件数为期间内办结（已送达）的办件，不论何时受理；办结率 = 办结件数 ÷ 受理件数；',
      '按时办结率 = 在承诺期限内作出决定的办结件 ÷ 办结件数；平均办理用时为办结件自受理至办结的工作日数的平均；',
      '比率保留一位小数（四舍五入）；超期在办为制表时已超过承诺期限仍在办理的办件。',
    ],
    generatedAt: r.generatedAt,
  }), r.generatedAt);
}
