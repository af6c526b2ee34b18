// The catalog as an Excel workbook: one row per item, one column per element, list-valued elements as
// one line per entry inside the cell. Pure conversion both ways; validation and saving are the service's.
import ExcelJS from 'exceljs';
import type { OrgLevel } from '../../db/schema.ts';
import {
  CASE_TYPES, HANDLING_MODES, ITEM_TYPES, LEVEL_LABELS, LIFE_EVENTS, MATERIAL_FORMS, MATERIAL_MEDIA, PROXY_CATEGORIES,
  type ItemElements, type ItemIssue, type Material, type ProcessStage,
} from '../../domain/catalog.ts';
import { ORG_LEVEL_LABELS } from '../../domain/org-tree.ts';
import { STANDARD_DEPARTMENTS, standardDepartment } from '../../domain/departments.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const ITEMS_SHEET = '服务事项';
export const GUIDE_SHEET = '填写说明';
/** Rows an import may hold (a county's list is a few hundred to a thousand and some). */
export const MAX_IMPORT_ROWS = 3000;

const SEP = '｜';
const DEPARTMENT_CODE = /^[a-z][a-z0-9_]{1,39}$/;
const REQUIREMENT = { required: '必要', conditional: '视情形' } as const;

type Raw = Record<string, unknown>;
type Cell = string | number | undefined;

interface Reader {
  /** Records a problem with the layout of a cell (a line that cannot be read); the service adds row and column. */
  issue(pointer: string, code: string, detail: string): void;
}

export interface Column {
  /** Pointer into ItemElements this column fills (`fee/standard` for a part of an element). */
  key: string;
  header: string;
  width: number;
  /** What to write, shown on the guide sheet. */
  help: string;
  /** A dropdown of these labels is offered in the cell. */
  choices?: readonly string[];
  write(e: ItemElements): Cell;
  read(cell: CellValue, raw: Raw, r: Reader): void;
}

export interface CellValue {
  /** The cell as text, trimmed; '' when empty. */
  text: string;
  /** The number when the cell holds one. */
  number?: number;
}

// ---- labels ----

const invert = (labels: Record<string, string>, extra: Record<string, string> = {}): Map<string, string> => {
  const m = new Map<string, string>();
  for (const [code, label] of Object.entries(labels)) {
    m.set(code.toLowerCase(), code);
    m.set(label, code);
  }
  for (const [label, code] of Object.entries(extra)) m.set(label, code);
  return m;
};
const levelNames = invert(LEVEL_LABELS, {
  ...Object.fromEntries(Object.entries(ORG_LEVEL_LABELS).map(([code, label]) => [label, code])),
  县级: 'county', 乡镇级: 'township', 村级: 'village', 乡: 'township', 镇: 'township', 街道: 'township', 社区: 'village', 区: 'county',
});
const fromLabel = (map: Map<string, string>, text: string): string => map.get(text) ?? map.get(text.toLowerCase()) ?? text;
const ITEM_TYPE_BY_LABEL = invert(ITEM_TYPES);
const CASE_TYPE_BY_LABEL = invert(CASE_TYPES);
const MODE_BY_LABEL = invert(HANDLING_MODES, { 代办: 'proxy', 直办: 'direct', 咨询: 'consultation', 咨询服务: 'consultation' });
const PROXY_BY_LABEL = invert(PROXY_CATEGORIES);
const EVENT_BY_LABEL = invert(LIFE_EVENTS);
const FORM_BY_LABEL = invert(MATERIAL_FORMS);
const MEDIUM_BY_LABEL = invert(MATERIAL_MEDIA);

/** 民政局 and 民政办 both name civil_affairs; codes stand for themselves. */
const DEPARTMENT_BY_NAME = new Map<string, string>(STANDARD_DEPARTMENTS.flatMap((d) => [[d.name, d.code], [d.stationName, d.code]]));

/** A county department by its name, a township or village one by its station's name, a local one by its code. */
export function departmentLabel(code: string, level?: OrgLevel): string {
  const d = standardDepartment(code);
  if (!d) return code;
  return level === 'township' || level === 'village' ? d.stationName : d.name;
}

function readDepartment(text: string, pointer: string, r: Reader): string {
  const code = DEPARTMENT_BY_NAME.get(text) ?? (DEPARTMENT_CODE.test(text) ? text : undefined);
  if (code) return code;
  if (text) r.issue(pointer, 'UNKNOWN_DEPARTMENT', `不认识的部门“${text}”：请填写标准部门名称（如 民政局、民政办）或部门代码（如 civil_affairs）`);
  return text;
}

// ---- cells ----

const lines = (text: string): string[] => text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
const words = (text: string): string[] => text.split(/[、，,；;\s]+/).map((w) => w.trim()).filter(Boolean);
const fields = (line: string): string[] => line.split(/[｜|]/).map((f) => f.trim());
const optional = (text: string): string | undefined => (text ? text : undefined);

/** A whole number written as 10, 10日, 10个工作日, 2份; other text is passed on for validateItem to explain. */
function count(text: string, unit: RegExp): number | string {
  const m = new RegExp(`^(-?\\d+)\\s*(?:${unit.source})?$`).exec(text);
  return m ? Number(m[1]) : text;
}
const DAYS = /个工作日|工作日|日|天/;

function numberCell(c: CellValue): number | string | undefined {
  if (c.number !== undefined) return c.number;
  if (!c.text) return undefined;
  const n = count(c.text, DAYS);
  return typeof n === 'number' ? n : /^-?\d+(\.\d+)?$/.test(c.text) ? Number(c.text) : c.text;
}

function textColumn(key: keyof ItemElements, header: string, width: number, help: string): Column {
  return {
    key, header, width, help,
    write: (e) => (e[key] as string | undefined) ?? '',
    read: (c, raw) => {
      if (c.text) raw[key] = c.text;
    },
  };
}

function numberColumn(key: keyof ItemElements, header: string, help: string): Column {
  return {
    key, header, width: 12, help,
    write: (e) => e[key] as number,
    read: (c, raw) => {
      const v = numberCell(c);
      if (v !== undefined) raw[key] = v;
    },
  };
}

function choiceColumn(key: keyof ItemElements, header: string, width: number, labels: Record<string, string>, byLabel: Map<string, string>, help: string): Column {
  return {
    key, header, width, help: `${help}可选：${Object.values(labels).join('、')}`, choices: Object.values(labels),
    write: (e) => (e[key] ? labels[e[key] as string] ?? String(e[key]) : ''),
    read: (c, raw) => {
      if (c.text) raw[key] = fromLabel(byLabel, c.text);
    },
  };
}

function wordsColumn(key: keyof ItemElements, header: string, width: number, write: (e: ItemElements) => string[], read: (w: string) => string, help: string): Column {
  return {
    key, header, width, help,
    write: (e) => write(e).join('、'),
    read: (c, raw) => {
      raw[key] = words(c.text).map(read);
    },
  };
}

function linesColumn(key: keyof ItemElements, header: string, width: number, help: string): Column {
  return {
    key, header, width, help,
    write: (e) => (e[key] as string[]).join('\n'),
    read: (c, raw) => {
      raw[key] = lines(c.text);
    },
  };
}

// ---- list elements: one entry per line ----

export function writeMaterial(m: Material): string {
  const parts = [
    m.name,
    m.requirement === 'conditional' ? `${REQUIREMENT.conditional}：${m.condition ?? ''}` : REQUIREMENT.required,
    MATERIAL_FORMS[m.form] ?? m.form,
    `${m.copies}份`,
    MATERIAL_MEDIA[m.medium] ?? m.medium,
    m.sample ?? '',
    m.note ?? '',
  ];
  while (parts.length > 5 && parts.at(-1) === '') parts.pop();
  return parts.join(SEP);
}

const MATERIAL_FORMAT = '材料名称｜必要 或 视情形：适用情形｜原件/复印件/原件及复印件｜份数｜纸质/电子/纸质或电子｜样表名称（可空）｜备注（可空）';

function readMaterial(line: string, pointer: string, r: Reader): Raw | null {
  const f = fields(line);
  if (f.length < 5 || f.length > 7) {
    r.issue(pointer, 'LINE_FORMAT', `“${line}”应写成：${MATERIAL_FORMAT}`);
    return null;
  }
  const [name, requirement, form, copies, medium, sample, note] = f as [string, string, string, string, string, string?, string?];
  const m: Raw = { name };
  const conditional = /^(?:视情形|情形|视情况)\s*(?:[：:]\s*(.*))?$/.exec(requirement);
  if (conditional) {
    m.requirement = 'conditional';
    if (conditional[1]) m.condition = conditional[1].trim();
  } else {
    m.requirement = requirement === REQUIREMENT.required || requirement === '必需' || requirement === '必须' ? 'required' : requirement;
  }
  m.form = fromLabel(FORM_BY_LABEL, form);
  m.copies = count(copies, /份/);
  m.medium = fromLabel(MEDIUM_BY_LABEL, medium);
  if (sample) m.sample = sample;
  if (note) m.note = note;
  return m;
}

export function writeStage(s: ProcessStage): string {
  return `${s.name}：${s.handlers.map((h) => `${departmentLabel(h.department, h.level)}@${LEVEL_LABELS[h.level] ?? h.level}`).join('+')}（${s.limitDays}日）`;
}

const STAGE_FORMAT = '阶段名称：部门@层级+部门@层级（n日），如 审核：民政办@乡镇（10日）';

function readStage(line: string, pointer: string, r: Reader): Raw | null {
  const m = /^(.*)[：:](.+?)[（(]\s*(-?\d+)\s*(?:个工作日|工作日|日|天)\s*[）)]$/.exec(line);
  if (!m) {
    r.issue(pointer, 'LINE_FORMAT', `“${line}”应写成：${STAGE_FORMAT}`);
    return null;
  }
  const handlers = m[2]!.split(/[+＋]/).map((h, j) => {
    const [dep, level, ...rest] = h.split(/[@＠]/).map((x) => x.trim());
    if (!dep || !level || rest.length > 0) {
      r.issue(`${pointer}/handlers/${j}`, 'LINE_FORMAT', `办理部门“${h.trim()}”应写成 部门@层级，如 民政办@乡镇`);
      return null;
    }
    return { department: readDepartment(dep, `${pointer}/handlers/${j}/department`, r), level: fromLabel(levelNames, level) };
  });
  return { name: m[1]!.trim(), handlers, limitDays: Number(m[3]) };
}

const STEP_FORMAT = '特殊环节名称｜计入时限 或 不计入时限｜n日';

function readSpecialStep(line: string, pointer: string, r: Reader): Raw | null {
  const f = fields(line);
  const counts = f[1] === '计入时限' ? true : f[1] === '不计入时限' ? false : undefined;
  if (f.length !== 3 || counts === undefined) {
    r.issue(pointer, 'LINE_FORMAT', `“${line}”应写成：${STEP_FORMAT}`);
    return null;
  }
  return { name: f[0], countsInLimit: counts, maxDays: count(f[2]!, DAYS) };
}

function listColumn<T>(
  key: keyof ItemElements, header: string, width: number, help: string,
  write: (v: T) => string, read: (line: string, pointer: string, r: Reader) => Raw | null,
): Column {
  return {
    key, header, width, help,
    write: (e) => (e[key] as T[]).map(write).join('\n'),
    read: (c, raw, r) => {
      raw[key] = lines(c.text).map((line, i) => read(line, `/${String(key)}/${i}`, r));
    },
  };
}

// ---- the columns ----

const LEVEL_HELP = Object.values(LEVEL_LABELS).join('、');

export const COLUMNS: readonly Column[] = [
  { ...textColumn('code', '事项编码', 22, '本机构目录内唯一；已有编码的行导入为该事项的新版本。字母、数字、点、下划线、连字符。'),
    read: (c, raw, r) => {
      if (c.number !== undefined && !Number.isSafeInteger(c.number)) {
        r.issue('/code', 'CODE_AS_NUMBER', '事项编码被 Excel 当成了数字，末几位已丢失：请把该列设为“文本”格式后重新输入');
      }
      if (c.text) raw.code = c.text;
    } },
  textColumn('name', '事项名称', 28, '必填，最多 100 字。'),
  textColumn('shortName', '简称', 16, '可空，如“农村低保”。'),
  choiceColumn('itemType', '事项类型', 14, ITEM_TYPES, ITEM_TYPE_BY_LABEL, ''),
  { key: 'department', header: '主管部门', width: 18, help: '标准部门名称（如 民政局）或部门代码（如 civil_affairs）。',
    write: (e) => departmentLabel(e.department),
    read: (c, raw, r) => {
      if (c.text) raw.department = readDepartment(c.text, '/department', r);
    } },
  textColumn('overview', '事项概述', 40, '必填，可换行。'),
  listColumn('legalBasis', '法定依据', 40, '每行一项：法律法规名称｜条款（条款可省略），如 《社会救助暂行办法》｜第九条。',
    (b: { law: string; articles?: string }) => (b.articles ? `${b.law}${SEP}${b.articles}` : b.law),
    (line, pointer, r) => {
      const f = fields(line);
      if (f.length > 2) {
        r.issue(pointer, 'LINE_FORMAT', `“${line}”应写成：法律法规名称｜条款`);
        return null;
      }
      return { law: f[0], ...(f[1] ? { articles: f[1] } : {}) };
    }),
  linesColumn('preconditions', '申办条件', 30, '每行一条，可空。'),
  listColumn('materials', '申报材料', 60, `每行一份材料：${MATERIAL_FORMAT}。`, writeMaterial, readMaterial),
  { key: 'fee/charged', header: '是否收费', width: 10, help: '是 或 否。', choices: ['是', '否'],
    write: (e) => (e.fee.charged ? '是' : '否'),
    read: (c, raw) => {
      const fee = (raw.fee ??= {}) as Raw;
      if (['是', '收费'].includes(c.text)) fee.charged = true;
      else if (['否', '不收费', '免费'].includes(c.text)) fee.charged = false;
      else if (c.text) fee.charged = c.text;
    } },
  ...(['standard', 'basis'] as const).map((k): Column => ({
    key: `fee/${k}`, header: k === 'standard' ? '收费标准' : '收费依据', width: 24, help: '收费时必填；不收费时留空。',
    write: (e) => (e.fee.charged ? e.fee[k] : ''),
    read: (c, raw) => {
      if (c.text) ((raw.fee ??= {}) as Raw)[k] = c.text;
    },
  })),
  { key: 'fee/amountYuan', header: '收费金额（元）', width: 12, help: '可空；固定金额时填写，最多两位小数。',
    write: (e) => (e.fee.charged && e.fee.amountYuan !== undefined ? e.fee.amountYuan : ''),
    read: (c, raw) => {
      const v = c.number ?? (c.text ? (/^\d+(\.\d+)?$/.test(c.text) ? Number(c.text) : c.text) : undefined);
      if (v !== undefined) ((raw.fee ??= {}) as Raw).amountYuan = v;
    } },
  linesColumn('procedure', '办事程序', 30, '每行一步，如 申请、受理、审核、办结。'),
  numberColumn('legalLimitDays', '法定时限（工作日）', '整数，不小于 0。'),
  numberColumn('committedLimitDays', '承诺时限（工作日）', '整数，不超过法定时限；即办件为 0。'),
  choiceColumn('caseType', '办件类型', 10, CASE_TYPES, CASE_TYPE_BY_LABEL, ''),
  listColumn('specialSteps', '特殊环节', 30, `每行一项：${STEP_FORMAT}，可空。`,
    (s: { name: string; countsInLimit: boolean; maxDays: number }) => [s.name, s.countsInLimit ? '计入时限' : '不计入时限', `${s.maxDays}日`].join(SEP),
    readSpecialStep),
  numberColumn('maxVisits', '最多到现场次数', '整数：0 表示不用到现场，1 表示最多跑一次。'),
  choiceColumn('handlingMode', '办理方式', 10, HANDLING_MODES, MODE_BY_LABEL, ''),
  choiceColumn('proxyCategory', '代办类别', 12, PROXY_CATEGORIES, PROXY_BY_LABEL, '列入村级代办清单时填写，否则留空。'),
  wordsColumn('acceptLevels', '受理层级', 14, (e) => e.acceptLevels.map((l) => LEVEL_LABELS[l] ?? l), (w) => fromLabel(levelNames, w),
    `可在哪些层级受理，用顿号分隔：${LEVEL_HELP}。`),
  listColumn('process', '办理流程', 50, `每行一个阶段：${STAGE_FORMAT}；并联审批的各部门用 + 连接。`, writeStage, readStage),
  wordsColumn('lifeEvents', '主题分类', 16, (e) => e.lifeEvents.map((l) => LIFE_EVENTS[l] ?? l), (w) => fromLabel(EVENT_BY_LABEL, w),
    `用顿号分隔，可空。可选：${Object.values(LIFE_EVENTS).join('、')}`),
  wordsColumn('keywords', '关键词', 16, (e) => e.keywords ?? [], (w) => w, '群众常用的叫法，用顿号分隔，如 低保、救助。'),
  textColumn('contact', '办理地点及咨询电话', 30, '可空，可换行。'),
];

/** Written on export for the reader; an import ignores them. */
const INFO_HEADERS = ['版本', '状态'] as const;

const COLUMN_BY_KEY = new Map(COLUMNS.map((c) => [c.key, c]));

/** The column a pointer into ItemElements falls in (`/fee/basis` → 收费依据, `/materials/2/name` → 申报材料). */
export function columnOf(pointer: string): Column | undefined {
  const parts = pointer.replace(/^#?\//, '').split('/');
  return COLUMN_BY_KEY.get(parts.slice(0, 2).join('/')) ?? COLUMN_BY_KEY.get(parts[0] ?? '');
}

/** “第 7 行「申报材料」第 3 条：…” — where an Excel user finds the problem. */
export function describeRowIssue(row: number, issue: ItemIssue): string {
  const parts = issue.pointer.replace(/^#?\//, '').split('/');
  const column = columnOf(issue.pointer);
  const line = column && !column.key.includes('/') && /^\d+$/.test(parts[1] ?? '') ? `第 ${Number(parts[1]) + 1} 条` : '';
  return `第 ${row} 行${column ? `「${column.header}」` : ''}${line}：${issue.detail}`;
}

// ---- export ----

export interface ExportRow {
  elements: ItemElements;
  version: number;
  status: string;
}

export async function writeCatalogWorkbook(rows: readonly ExportRow[], title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '便民 bianmin';
  wb.title = title;
  const ws = wb.addWorksheet(ITEMS_SHEET, { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  ws.columns = [
    ...COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width })),
    ...INFO_HEADERS.map((h) => ({ header: `${h}（导入时忽略）`, key: h, width: 12 })),
  ];
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  ws.getColumn(1).numFmt = '@'; // codes stay text: 000105 keeps its zeros
  for (const r of rows) {
    const row = ws.addRow([...COLUMNS.map((c) => c.write(r.elements)), r.version, r.status]);
    row.alignment = { vertical: 'top', wrapText: true };
  }
  // Dropdowns for the columns with a fixed list, on the rows written and some spare ones.
  COLUMNS.forEach((c, i) => {
    if (!c.choices) return;
    const list = `"${c.choices.join(',')}"`;
    for (let r = 2; r <= rows.length + 200; r++) {
      ws.getCell(r, i + 1).dataValidation = {
        type: 'list', allowBlank: true, formulae: [list], showErrorMessage: true, errorTitle: c.header, error: `请从下拉列表中选择${c.header}`,
      };
    }
  });

  const guide = wb.addWorksheet(GUIDE_SHEET);
  guide.columns = [{ header: '列', key: 'h', width: 20 }, { header: '填写要求', key: 'd', width: 100 }];
  guide.getRow(1).font = { bold: true };
  for (const c of COLUMNS) guide.addRow([c.header, c.help]).alignment = { vertical: 'top', wrapText: true };
  guide.addRow([]);
  guide.addRow(['说明', `每行一个事项。“${ITEMS_SHEET}”表的第一行是列名，请勿修改；列的先后可以调整。单元格内换行：Alt+Enter（Mac：Option+Return）。导入时只要有一行有误，就一行也不导入，并列出每一处错误。`])
    .alignment = { wrapText: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- import ----

export interface ParsedRow {
  /** The spreadsheet's own row number (the header is row 1). */
  row: number;
  /** What the row says, in ItemElements' shape but not yet validated. */
  raw: Raw;
  /** Cells that could not be read at all, pointers relative to the row's elements. */
  issues: ItemIssue[];
}

export type ParsedWorkbook = { ok: true; rows: ParsedRow[] } | { ok: false; issues: ItemIssue[] };

export class NotAWorkbook extends Error {}

function cellValue(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return { text: '' };
  if (typeof v === 'number') return { text: String(v), number: v };
  if (typeof v === 'string') return { text: v.trim() };
  if (typeof v === 'boolean') return { text: v ? '是' : '否' };
  if (v instanceof Date) return { text: v.toISOString().slice(0, 10) };
  if ('richText' in v) return { text: v.richText.map((t) => t.text).join('').trim() };
  if ('text' in v && typeof v.text === 'string') return { text: v.text.trim() }; // hyperlink
  if ('result' in v) return cellValue((v.result ?? null) as ExcelJS.CellValue); // formula: its last computed value
  if ('error' in v) return { text: String(v.error) };
  return { text: '' };
}

/** What an upload may inflate to; a 3000-item catalog is a few MB unpacked. */
export const MAX_UNPACKED_BYTES = 50 * 1024 * 1024;

/**
 * The unpacked size a zip declares in its central directory, or null when it cannot be read. Checked
 * before the workbook is inflated, so a small upload cannot expand into gigabytes (a "zip bomb").
 */
export function declaredUnpackedSize(zip: Buffer): number | null {
  const from = Math.max(0, zip.length - 22 - 0xffff);
  let end = -1;
  for (let i = zip.length - 22; i >= from; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) return null;
    const size = zip.readUInt32LE(at + 24);
    if (size === 0xffffffff) return Infinity; // zip64: far beyond any catalog
    total += size;
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}

export class WorkbookTooLarge extends Error {}

/** Reads the items sheet; throws NotAWorkbook when the bytes are not an .xlsx file at all. */
export async function readCatalogWorkbook(data: Buffer): Promise<ParsedWorkbook> {
  // .xlsx is a zip archive; the old .xls (OLE2) and CSV are not.
  if (data.length < 22 || data.readUInt32LE(0) !== 0x04034b50) throw new NotAWorkbook();
  const unpacked = declaredUnpackedSize(data);
  if (unpacked === null) throw new NotAWorkbook();
  if (unpacked > MAX_UNPACKED_BYTES) throw new WorkbookTooLarge();
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch {
    throw new NotAWorkbook();
  }
  const ws = wb.getWorksheet(ITEMS_SHEET) ?? wb.worksheets.find((w) => w.name !== GUIDE_SHEET);
  if (!ws) return { ok: false, issues: [{ pointer: '#/sheet', code: 'NO_SHEET', detail: `工作簿中没有“${ITEMS_SHEET}”工作表` }] };
  if (ws.actualRowCount > MAX_IMPORT_ROWS + 1) {
    return { ok: false, issues: [{ pointer: '#/rows', code: 'TOO_MANY', detail: `一次最多导入 ${MAX_IMPORT_ROWS} 个事项，请分批导入` }] };
  }

  const headerRow = ws.getRow(1);
  const at = new Map<string, number>();
  const issues: ItemIssue[] = [];
  headerRow.eachCell((cell, col) => {
    const h = cellValue(cell.value).text;
    const c = COLUMNS.find((x) => x.header === h);
    if (!c) return;
    if (at.has(c.key)) issues.push({ pointer: `#/columns/${c.key}`, code: 'DUPLICATE', detail: `列“${h}”出现了两次` });
    at.set(c.key, col);
  });
  const missing = COLUMNS.filter((c) => !at.has(c.key));
  for (const c of missing) issues.push({ pointer: `#/columns/${c.key}`, code: 'MISSING_COLUMN', detail: `缺少列“${c.header}”：请以导出的工作簿为模板，不要修改第一行的列名` });
  if (issues.length) return { ok: false, issues };

  const rows: ParsedRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells = COLUMNS.map((c) => cellValue(row.getCell(at.get(c.key)!).value));
    if (cells.every((c) => c.text === '')) return;
    const raw: Raw = {};
    const rowIssues: ItemIssue[] = [];
    const reader: Reader = { issue: (pointer, code, detail) => void rowIssues.push({ pointer: `#${pointer}`, code, detail }) };
    COLUMNS.forEach((c, i) => c.read(cells[i]!, raw, reader));
    rows.push({ row: rowNumber, raw, issues: rowIssues });
  });
  if (rows.length === 0) return { ok: false, issues: [{ pointer: '#/rows', code: 'EMPTY', detail: `“${ws.name}”工作表中没有任何事项` }] };
  return { ok: true, rows };
}
