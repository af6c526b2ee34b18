// The monthly proxy report as the office files it (Excel, A4 portrait): the title 「××村（镇）代办服务
// 月报表」, the reporting unit and the period, the table by proxy category with a total line, for a
// township a second table by village, and the signature lines 填报人 / 审核人 / 填报日期.
import ExcelJS from 'exceljs';
import { chineseDate } from '../cases/notices.ts';
import type { Counts, ProxyMonthlyReport } from './service.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const SHEET_NAME = '代办服务月报表';

const HEADERS = ['序号', '代办类别', '受理件数', '其中代办件数', '办结件数', '在办件数', '办结率', '备注'];
const UNIT_HEADERS = ['序号', '村（中心）', '受理件数', '其中代办件数', '办结件数', '在办件数', '办结率', '备注'];
const WIDTHS = [6, 26, 10, 12, 10, 10, 10, 16];
const thin = { style: 'thin' as const };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };

/** 98.4% as Excel shows it; — when nothing was accepted. */
const rate = (c: Counts): string | number => (c.accepted === 0 ? '—' : c.finished / c.accepted);

/** The reporting unit: 大汉山镇黄龙村便民服务室 / 大汉山镇便民服务中心. */
export function reportingUnit(r: ProxyMonthlyReport): string {
  return r.org.level === 'village' ? `${r.parentName ?? ''}${r.org.name}便民服务室` : `${r.org.name}便民服务中心`;
}

export const chinesePeriod = (r: ProxyMonthlyReport): string => `${chineseDate(`${r.period.from}T04:00:00Z`)}至${chineseDate(`${r.period.to}T04:00:00Z`)}`;

function table(ws: ExcelJS.Worksheet, headers: string[], lines: (string | number)[][]): void {
  const head = ws.addRow(headers);
  head.font = { bold: true };
  head.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  head.height = 30;
  for (const values of lines) {
    const row = ws.addRow(values);
    row.alignment = { vertical: 'middle' };
    row.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
    row.getCell(7).numFmt = '0.0%';
  }
  for (let r = head.number; r <= ws.rowCount; r++) {
    for (let c = 1; c <= headers.length; c++) ws.getCell(r, c).border = BORDER;
  }
}

const countsOf = (c: Counts) => [c.accepted, c.acceptedByProxy, c.finished, c.inProgress, rate(c)];

export async function proxyMonthlyWorkbook(r: ProxyMonthlyReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '便民 bianmin';
  wb.created = new Date(r.generatedAt);
  const ws = wb.addWorksheet(SHEET_NAME, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true },
  });
  ws.columns = WIDTHS.map((width) => ({ width }));

  ws.mergeCells('A1:H1');
  const title = ws.getCell('A1');
  title.value = r.title;
  title.font = { name: '黑体', size: 18, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 36;

  ws.mergeCells('A2:D2');
  ws.getCell('A2').value = `填报单位：${reportingUnit(r)}`;
  ws.mergeCells('E2:H2');
  ws.getCell('E2').value = `统计期间：${chinesePeriod(r)}`;
  ws.getCell('E2').alignment = { horizontal: 'right' };

  table(ws, HEADERS, [
    ...r.categories.map((c, i) => [i + 1, c.label, ...countsOf(c), '']),
    ['', '合计', ...countsOf(r.total), ''],
  ]);
  ws.getRow(ws.rowCount).font = { bold: true };

  if (r.org.level === 'township') {
    ws.addRow([]);
    const caption = ws.addRow(['分村（中心）统计']);
    caption.font = { bold: true };
    table(ws, UNIT_HEADERS, r.units.map((u, i) => [i + 1, u.name, ...countsOf(u), '']));
  }

  ws.addRow([]);
  const notes = ws.addRow(['说明：受理件数为本月受理的办件；办结件数为本月办结（已送达）的办件；在办件数为月末尚未办结的办件；办结率 = 办结件数 ÷ 受理件数。']);
  ws.mergeCells(notes.number, 1, notes.number, 8);
  notes.alignment = { wrapText: true, vertical: 'top' };
  notes.height = 32;
  ws.addRow([]);
  const signatures = ws.addRow(['', '填报人：＿＿＿＿＿＿', '', '审核人：＿＿＿＿＿＿', '', '', `填报日期：${chineseDate(r.generatedAt)}`]);
  ws.mergeCells(signatures.number, 2, signatures.number, 3);
  ws.mergeCells(signatures.number, 4, signatures.number, 6);
  ws.mergeCells(signatures.number, 7, signatures.number, 8);
  ws.pageSetup.printArea = `A1:H${ws.rowCount}`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
