// The official layout every report workbook shares, as offices file them on A4: a merged title row
// (黑体 18), the reporting unit (填报单位) and the period (统计期间), one or more bordered tables with a
// bold totals row, notes on how figures are counted, and the signature lines 填表人 / 审核人 / 负责人
// with 填报日期 (the day the workbook was made, Asia/Shanghai).
import ExcelJS from 'exceljs';
import { chineseDate } from '../cases/notices.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface Column {
  header: string;
  width: number;
  /** Excel number format, e.g. '0.0%' or '#,##0'. */
  numFmt?: string;
}

export interface Table {
  /** A caption line above the table (e.g. 分村（中心）统计). */
  caption?: string;
  rows: (string | number | null)[][];
  /** The totals line, bold; its first cell is usually blank and the second 合计. */
  total?: (string | number | null)[];
}

export interface OfficialSheet {
  sheetName: string;
  title: string;
  unit: string;
  period: string;
  columns: Column[];
  tables: Table[];
  notes: string[];
  generatedAt: string;
  orientation: 'portrait' | 'landscape';
}

const thin = { style: 'thin' as const };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };

/** Column letter of a 1-based index (up to 26 columns). */
const letter = (n: number) => String.fromCharCode(64 + n);

/** What the signature row says, in order: the labels with room to sign, then the date. */
export const SIGNATURE_LABELS = ['填表人', '审核人', '负责人'] as const;

export function addOfficialSheet(wb: ExcelJS.Workbook, s: OfficialSheet): ExcelJS.Worksheet {
  const n = s.columns.length;
  const last = letter(n);
  const ws = wb.addWorksheet(s.sheetName, {
    pageSetup: { paperSize: 9, orientation: s.orientation, fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true },
  });
  ws.columns = s.columns.map((c) => ({ width: c.width }));

  ws.mergeCells(`A1:${last}1`);
  const title = ws.getCell('A1');
  title.value = s.title;
  title.font = { name: '黑体', size: 18, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 36;

  const half = Math.ceil(n / 2);
  ws.mergeCells(2, 1, 2, half);
  ws.getCell(2, 1).value = `填报单位：${s.unit}`;
  ws.mergeCells(2, half + 1, 2, n);
  ws.getCell(2, half + 1).value = `统计期间：${s.period}`;
  ws.getCell(2, half + 1).alignment = { horizontal: 'right' };

  s.tables.forEach((t, i) => {
    if (i > 0) ws.addRow([]);
    if (t.caption) ws.addRow([t.caption]).font = { bold: true };
    const head = ws.addRow(s.columns.map((c) => c.header));
    head.font = { bold: true };
    head.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    head.height = 32;
    const lines = t.total ? [...t.rows, t.total] : t.rows;
    for (const values of lines) {
      const row = ws.addRow(values);
      row.alignment = { vertical: 'middle', wrapText: true };
      row.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
      s.columns.forEach((c, ci) => {
        if (c.numFmt) row.getCell(ci + 1).numFmt = c.numFmt;
        const v = values[ci];
        if (v === '—') row.getCell(ci + 1).alignment = { horizontal: 'center', vertical: 'middle' };
      });
    }
    if (t.total) ws.getRow(ws.rowCount).font = { bold: true };
    for (let r = head.number; r <= ws.rowCount; r++) {
      for (let c = 1; c <= n; c++) ws.getCell(r, c).border = BORDER;
    }
  });

  if (s.notes.length) {
    ws.addRow([]);
    const notes = ws.addRow([`说明：${s.notes.join('')}`]);
    ws.mergeCells(notes.number, 1, notes.number, n);
    notes.alignment = { wrapText: true, vertical: 'top' };
    notes.height = Math.max(32, 16 * Math.ceil(notes.getCell(1).text.length / (n * 7)));
  }
  ws.addRow([]);
  // 填表人：＿＿  审核人：＿＿  负责人：＿＿  填报日期：2026年7月1日, spread over the width.
  const sign = ws.addRow([]);
  const parts = [...SIGNATURE_LABELS.map((l) => `${l}：＿＿＿＿＿＿`), `填报日期：${chineseDate(s.generatedAt)}`];
  const span = Math.max(1, Math.floor(n / parts.length));
  parts.forEach((text, i) => {
    const start = i * span + 1;
    const end = i === parts.length - 1 ? n : start + span - 1;
    if (end > start) ws.mergeCells(sign.number, start, sign.number, end);
    ws.getCell(sign.number, start).value = text;
  });
  ws.pageSetup.printArea = `A1:${last}${ws.rowCount}`;
  return ws;
}

export async function workbookBuffer(build: (wb: ExcelJS.Workbook) => void, generatedAt: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '便民 bianmin';
  wb.created = new Date(generatedAt);
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A Content-Disposition value with an ASCII fallback and the Chinese name (RFC 6266 / 5987). */
export const attachment = (ascii: string, name: string) => `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
