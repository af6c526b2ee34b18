import ExcelJS from 'exceljs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { demoOrgIds, engineUnderTest, testApp, type TestApp } from '../../../test/helpers.ts';
import { normalizeItem, validateItem, type ItemElements } from '../../domain/catalog.ts';
import { insertUserAsSystem, systemMeta } from '../../seed/system-writes.ts';
import { DEMO_CATALOG } from '../../seed/demo-catalog.ts';
import {
  COLUMNS, declaredUnpackedSize, describeRowIssue, GUIDE_SHEET, ITEMS_SHEET, NotAWorkbook, readCatalogWorkbook, WorkbookTooLarge,
  writeCatalogWorkbook, writeMaterial, writeStage, XLSX_TYPE,
} from './excel.ts';
import { dibao, ensureHandlingUnits, jianfang, yanglao, zixun } from './fixtures.ts';

type Json = Record<string, any>;

/** A local department (no standard name) and an item with nothing optional filled in. */
function local(): ItemElements {
  const e = normalizeItem({ ...yanglao(), code: 'T-LOCAL-1', department: 'county_tea_office', keywords: [] });
  e.process = [{ name: '审核：初审', handlers: [{ department: 'county_tea_office', level: 'county' }], limitDays: 3 }];
  return e;
}

const header = (key: string) => COLUMNS.find((c) => c.key === key)!.header;

/** Loads a workbook, lets `edit` change cells by header name, writes it back. */
async function editWorkbook(data: Buffer, edit: (set: (row: number, key: string, value: ExcelJS.CellValue) => void, ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
  const ws = wb.getWorksheet(ITEMS_SHEET)!;
  const at = new Map<string, number>();
  ws.getRow(1).eachCell((cell, col) => at.set(String(cell.value), col));
  edit((row, key, value) => {
    ws.getCell(row, at.get(header(key))!).value = value;
  }, ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A zip of one entry that claims to unpack to `bytes`: local header, central directory entry, end record. */
function zipClaiming(bytes: number): Buffer {
  const name = Buffer.from('xl/workbook.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(bytes, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length, 16);
  return Buffer.concat([local, name, central, name, end]);
}

async function roundTrip(items: ItemElements[]) {
  const data = await writeCatalogWorkbook(items.map((e) => ({ elements: normalizeItem(e), version: 1, status: '已发布' })), 'test');
  const parsed = await readCatalogWorkbook(data);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.rows;
}

describe('catalog workbook', () => {
  it('export then import gives back identical elements: fixtures and the whole demo catalog', async () => {
    const items = [dibao(), yanglao(), jianfang(), zixun(), local(), ...DEMO_CATALOG];
    const rows = await roundTrip(items);
    assert.equal(rows.length, items.length);
    rows.forEach((r, i) => {
      assert.equal(r.row, i + 2);
      assert.deepEqual(r.issues, [], items[i]!.code);
      assert.deepEqual(validateItem(r.raw), [], items[i]!.code);
      assert.deepEqual(normalizeItem(r.raw as unknown as ItemElements), normalizeItem(items[i]!), items[i]!.code);
    });
  });

  it('writes list elements as readable lines', async () => {
    const e = jianfang();
    assert.equal(writeMaterial(e.materials[0]!), '农村宅基地和建房（规划许可）申请表｜必要｜原件｜2份｜纸质｜申请表（空白）｜村民小组签署意见');
    assert.equal(writeMaterial(e.materials[1]!), '承诺书｜必要｜原件｜1份｜纸质或电子｜｜告知承诺');
    assert.equal(writeMaterial(e.materials[2]!), '房屋设计图｜视情形：建三层以上的｜复印件｜1份｜电子');
    assert.equal(writeStage(e.process[0]!), '审核：国土所@乡镇（5日）');
    assert.equal(writeStage(e.process[1]!), '联合审查：自然资源局@县+住房和城乡建设局@县（10日）');
    assert.equal(writeStage(local().process[0]!), '审核：初审：county_tea_office@县（3日）');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await writeCatalogWorkbook([{ elements: e, version: 3, status: '草稿' }], 't') as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet(ITEMS_SHEET)!;
    const cells = (ws.getRow(2).values as ExcelJS.CellValue[]).slice(1);
    const byHeader = Object.fromEntries((ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map((h, i) => [String(h), cells[i]]));
    assert.equal(byHeader['事项类型'], '行政许可');
    assert.equal(byHeader['主管部门'], '自然资源局');
    assert.equal(byHeader['法定依据'], '《中华人民共和国土地管理法》｜第六十二条\n《农村宅基地管理办法（示范）》');
    assert.equal(byHeader['是否收费'], '是');
    assert.equal(byHeader['收费金额（元）'], 10);
    assert.equal(byHeader['承诺时限（工作日）'], 20);
    assert.equal(byHeader['办件类型'], '联办件');
    assert.equal(byHeader['特殊环节'], '现场踏勘｜计入时限｜3日\n公示｜不计入时限｜7日');
    assert.equal(byHeader['受理层级'], '村、乡镇、县');
    assert.equal(byHeader['主题分类'], '建房、农业生产');
    assert.equal(byHeader['版本（导入时忽略）'], 3);
    assert.equal(byHeader['状态（导入时忽略）'], '草稿');
    assert.deepEqual(wb.worksheets.map((w) => w.name), [ITEMS_SHEET, GUIDE_SHEET]);
    assert.deepEqual(ws.getCell(2, COLUMNS.findIndex((c) => c.key === 'caseType') + 1).dataValidation.formulae, ['"即办件,承诺件,联办件,上报件"']);
  });

  it('reads what people type: codes or labels, half-width marks, 10 or 10日, other separators', async () => {
    const data = await editWorkbook(await writeCatalogWorkbook([{ elements: normalizeItem(jianfang()), version: 1, status: '' }], 't'), (set) => {
      set(2, 'itemType', 'administrative_license');
      set(2, 'department', 'natural_resources');
      set(2, 'caseType', ' 联办件 ');
      set(2, 'legalLimitDays', '20');
      set(2, 'committedLimitDays', '20个工作日');
      set(2, 'maxVisits', 2);
      set(2, 'fee/charged', '收费');
      set(2, 'fee/amountYuan', '10');
      set(2, 'acceptLevels', '村（社区），乡镇级 county');
      set(2, 'lifeEvents', 'housing;农业生产');
      set(2, 'keywords', '宅基地, 建房');
      set(2, 'materials', [
        '农村宅基地和建房（规划许可）申请表|必要|原件|2|纸质|申请表（空白）|村民小组签署意见',
        '承诺书｜必需｜original｜1份｜纸质或电子｜｜告知承诺',
        '',
        '房屋设计图｜视情形: 建三层以上的｜复印件｜1｜electronic',
      ].join('\r\n'));
      set(2, 'process', '审核:国土所＠乡镇(5天)\n联合审查：自然资源局@县级＋housing@县（ 10 日）');
      set(2, 'specialSteps', '现场踏勘|计入时限|3\n公示｜不计入时限｜7日');
      set(2, 'overview', { richText: [{ text: '农村村民申请在本集体经济组织的土地上建设住宅。\n' }, { text: '一户只能拥有一处宅基地。', font: { bold: true } }] });
    });
    const parsed = await readCatalogWorkbook(data);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.rows[0]!.issues, []);
    assert.deepEqual(validateItem(parsed.rows[0]!.raw), []);
    assert.deepEqual(normalizeItem(parsed.rows[0]!.raw as unknown as ItemElements), normalizeItem(jianfang()));
  });

  it('an unreadable line or an unknown department is pointed at, with the cell and line in words', async () => {
    const data = await editWorkbook(await writeCatalogWorkbook([{ elements: normalizeItem(dibao()), version: 1, status: '' }], 't'), (set) => {
      set(2, 'materials', '居民身份证｜必要｜原件｜1份｜纸质\n户口簿，复印件');
      set(2, 'process', '审核：民政所@乡镇（10日）\n审批 民政局 10日');
      set(2, 'code', 11341125000105001);
    });
    const parsed = await readCatalogWorkbook(data);
    assert.ok(parsed.ok);
    const r = parsed.rows[0]!;
    assert.deepEqual(r.issues.map((i) => [i.pointer, i.code]), [
      ['#/code', 'CODE_AS_NUMBER'], ['#/materials/1', 'LINE_FORMAT'], ['#/process/0/handlers/0/department', 'UNKNOWN_DEPARTMENT'], ['#/process/1', 'LINE_FORMAT'],
    ]);
    assert.equal(describeRowIssue(r.row, r.issues[1]!),
      '第 2 行「申报材料」第 2 条：“户口簿，复印件”应写成：材料名称｜必要 或 视情形：适用情形｜原件/复印件/原件及复印件｜份数｜纸质/电子/纸质或电子｜样表名称（可空）｜备注（可空）');
    assert.equal(describeRowIssue(7, { pointer: '#/fee/basis', code: 'REQUIRED', detail: '请填写收费依据' }), '第 7 行「收费依据」：请填写收费依据');
    assert.equal(describeRowIssue(7, { pointer: '#/committedLimitDays', code: 'X', detail: '…' }), '第 7 行「承诺时限（工作日）」：…');
    assert.equal(describeRowIssue(7, { pointer: '#/process', code: 'X', detail: '…' }), '第 7 行「办理流程」：…');
  });

  it('refuses a zip that would unpack to more than 50 MB before inflating it', async () => {
    const real = await writeCatalogWorkbook(DEMO_CATALOG.map((e) => ({ elements: normalizeItem(e), version: 1, status: '' })), 't');
    const size = declaredUnpackedSize(real)!;
    assert.ok(size > real.length && size < 2 * 1024 * 1024, String(size));
    const bomb = zipClaiming(60 * 1024 * 1024);
    assert.equal(declaredUnpackedSize(bomb), 60 * 1024 * 1024);
    await assert.rejects(readCatalogWorkbook(bomb), WorkbookTooLarge);
  });

  it('the operator docs list every column, in order', () => {
    const doc = readFileSync(new URL('../../../docs/catalog.md', import.meta.url), 'utf8');
    const listed = [...doc.matchAll(/^\| ([^|]+?) \|/gm)].map((m) => m[1]).filter((h) => COLUMNS.some((c) => c.header === h));
    assert.deepEqual(listed, COLUMNS.map((c) => c.header));
  });

  it('refuses what is not a workbook, a sheet without the columns, and an empty sheet', async () => {
    await assert.rejects(readCatalogWorkbook(Buffer.from('事项编码,事项名称\nA,B\n')), NotAWorkbook);
    await assert.rejects(readCatalogWorkbook(Buffer.from('d0cf11e0a1b11ae1000000', 'hex')), NotAWorkbook);
    await assert.rejects(readCatalogWorkbook(Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(100)])), NotAWorkbook);

    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['事项编码', '事项名称', '事项名称']);
    const noColumns = await readCatalogWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    assert.equal(noColumns.ok, false);
    if (!noColumns.ok) {
      assert.deepEqual(noColumns.issues[0], { pointer: '#/columns/name', code: 'DUPLICATE', detail: '列“事项名称”出现了两次' });
      assert.deepEqual(noColumns.issues.slice(1).map((i) => i.pointer), COLUMNS.slice(2).map((c) => `#/columns/${c.key}`));
      assert.equal(noColumns.issues[1]!.detail, '缺少列“简称”：请以导出的工作簿为模板，不要修改第一行的列名');
    }
    const empty = await readCatalogWorkbook(await writeCatalogWorkbook([], 't'));
    assert.deepEqual(empty, { ok: false, issues: [{ pointer: '#/rows', code: 'EMPTY', detail: '“服务事项”工作表中没有任何事项' }] });
  });
});

describe(`catalog import and export API (${engineUnderTest})`, () => {
  let t: TestApp;
  let admin: string;
  let county: string;
  let otherCounty: string;
  before(async () => {
    t = await testApp();
    admin = await t.login('admin');
    ({ county, otherCounty } = await demoOrgIds(t.ctx));
    const { town } = await demoOrgIds(t.ctx);
    await ensureHandlingUnits(t.ctx, county, ['civil_affairs', 'human_resources', 'natural_resources', 'housing', 'county_tea_office']);
    await ensureHandlingUnits(t.ctx, town, ['civil_affairs', 'human_resources', 'natural_resources']);
    const east = await t.ctx.db.selectFrom('orgs').selectAll().where('id', '=', otherCounty).executeTakeFirstOrThrow();
    await insertUserAsSystem(t.ctx, systemMeta('test'), {
      username: 'dongshan', displayName: '东山主任', org: east, roles: ['center_manager'], password: 'Dong#shan2026',
    });
    for (const e of [dibao(), yanglao()]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/catalog/items?ownerOrgId=${county}&publish=true`, headers: { cookie: admin }, payload: e });
      assert.equal(res.statusCode, 201, res.body);
    }
  });
  after(() => t.close());

  const exportOf = async (cookie = admin, owner = county) =>
    t.app.inject({ method: 'GET', url: `/api/catalog/export?ownerOrgId=${owner}`, headers: { cookie } });
  const importFile = (data: Buffer | string, o: { publish?: boolean; cookie?: string; type?: string; owner?: string } = {}) =>
    t.app.inject({
      method: 'POST', url: `/api/catalog/import?ownerOrgId=${o.owner ?? county}${o.publish ? '&publish=true' : ''}`,
      headers: { cookie: o.cookie ?? admin, 'content-type': o.type ?? XLSX_TYPE }, payload: data,
    });
  const snapshot = async () => ({
    items: await t.ctx.db.selectFrom('catalog_items').selectAll().orderBy('id').execute(),
    versions: await t.ctx.db.selectFrom('catalog_item_versions').selectAll().orderBy('item_id').orderBy('version').execute(),
    audit: (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', 'like', 'catalog.%').execute()).length,
  });
  const assertProblem = (res: { statusCode: number; headers: Json; body: string }, status: number) => {
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  };
  const itemByCode = (code: string) =>
    t.ctx.db.selectFrom('catalog_items').selectAll().where('owner_org_id', '=', county).where('code', '=', code).executeTakeFirstOrThrow();
  const auditRows = (action: string) => t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();
  /** The row of the exported sheet that holds `code`. */
  const rowOf = (ws: ExcelJS.Worksheet, code: string) => {
    let found = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(1).value === code) found = n;
    });
    assert.ok(found, code);
    return found;
  };

  it('exports the catalog as a workbook of the latest versions', async () => {
    const res = await exportOf();
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], XLSX_TYPE);
    assert.equal(res.headers['content-disposition'],
      `attachment; filename="catalog.xlsx"; filename*=UTF-8''${encodeURIComponent('示范县服务事项目录-2026-03-02.xlsx')}`);
    const parsed = await readCatalogWorkbook(res.rawPayload);
    assert.ok(parsed.ok);
    const mine = parsed.rows.filter((r) => String(r.raw.code).startsWith('T-'));
    assert.deepEqual(mine.map((r) => normalizeItem(r.raw as unknown as ItemElements)), [normalizeItem(dibao()), normalizeItem(yanglao())]);
    const jiancha = await t.login('jiancha');
    assert.equal((await exportOf(jiancha)).statusCode, 200); // reading is enough to export
  });

  it('importing the export changes nothing; one audit row with the counts', async () => {
    const data = (await exportOf()).rawPayload;
    const before = await snapshot();
    const total = before.items.filter((i) => i.owner_org_id === county).length;
    const res = await importFile(data);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { rows: total, created: 0, newVersions: 0, published: 0, unchanged: total });
    const after = await snapshot();
    assert.deepEqual(after.versions, before.versions);
    assert.equal(after.audit, before.audit + 1);
    const audit = (await auditRows('catalog.import')).at(-1)!;
    assert.deepEqual(JSON.parse(audit.detail), { ownerOrgId: county, publish: false, rows: total, created: 0, newVersions: 0, published: 0, unchanged: total });
    assert.equal(audit.object_id, county);
  });

  it('a changed row becomes a new draft version, a new code a new item; publish=true then makes both live', async () => {
    const data = await editWorkbook((await exportOf()).rawPayload, (set, ws) => {
      const row = rowOf(ws, 'T-RS-001');
      set(row, 'committedLimitDays', 12);
      const added = ws.rowCount + 1;
      ws.getRow(rowOf(ws, 'T-MZ-001')).eachCell({ includeEmpty: true }, (cell, col) => { ws.getCell(added, col).value = cell.value; });
      set(added, 'code', 'T-MZ-NEW');
      set(added, 'name', '特困人员救助供养');
    });
    const auditBefore = (await snapshot()).audit;
    const published = (await itemByCode('T-RS-001')).published_version;
    const res = await importFile(data);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual({ ...(res.json() as Json), rows: 0, unchanged: 0 }, { rows: 0, created: 1, newVersions: 1, published: 0, unchanged: 0 });
    assert.equal((await snapshot()).audit, auditBefore + 1); // the import's own row only, not one per item
    const rs = await itemByCode('T-RS-001');
    assert.deepEqual([rs.latest_version, rs.published_version], [2, published]);
    const v2 = await t.ctx.db.selectFrom('catalog_item_versions').selectAll().where('item_id', '=', rs.id).where('version', '=', 2).executeTakeFirstOrThrow();
    assert.equal(v2.status, 'draft');
    assert.equal(JSON.parse(v2.elements).committedLimitDays, 12);
    const fresh = await itemByCode('T-MZ-NEW');
    assert.deepEqual([fresh.name, fresh.latest_version, fresh.published_version], ['特困人员救助供养', 1, null]);

    const again = await importFile(data, { publish: true });
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual({ ...(again.json() as Json), rows: 0, unchanged: 0 }, { rows: 0, created: 0, newVersions: 0, published: 2, unchanged: 0 });
    assert.equal((await itemByCode('T-RS-001')).published_version, 2);
    assert.equal((await itemByCode('T-MZ-NEW')).published_version, 1);
    const statuses = await t.ctx.db.selectFrom('catalog_item_versions').select(['version', 'status']).where('item_id', '=', rs.id).orderBy('version').execute();
    assert.deepEqual(statuses, [{ version: 1, status: 'retired' }, { version: 2, status: 'published' }]);
    assert.equal(JSON.parse((await auditRows('catalog.import')).at(-1)!.detail).published, 2);

    // A changed row with publish=true goes live at once as a new version.
    const third = await editWorkbook(data, (set, ws) => set(rowOf(ws, 'T-RS-001'), 'overview', '第三版概述'));
    const res3 = await importFile(third, { publish: true });
    assert.deepEqual({ ...(res3.json() as Json), rows: 0, unchanged: 0 }, { rows: 0, created: 0, newVersions: 1, published: 1, unchanged: 0 });
    const rs3 = await itemByCode('T-RS-001');
    assert.deepEqual([rs3.latest_version, rs3.published_version], [3, 3]);
  });

  it('bad rows: 422 listing every bad row with its row, column and reason; nothing imported', async () => {
    const base = await writeCatalogWorkbook([dibao(), yanglao(), dibao(), dibao(), dibao(), dibao(), dibao(), dibao()].map((e, i) => ({
      elements: normalizeItem({ ...e, code: `T-BATCH-${i + 2}` }), version: 1, status: '',
    })), 't');
    const data = await editWorkbook(base, (set) => {
      set(3, 'committedLimitDays', 40);
      set(4, 'materials', '居民身份证｜必要｜原件｜1份｜纸质\n｜必要｜原件｜1份｜纸质');
      set(5, 'process', '审核：民政办@村（10日）\n审批：民政局@县（10日）');
      set(6, 'code', 'T-BATCH-2');
      set(7, 'process', '审批 民政局 10日');
      set(8, 'legalLimitDays', -5);
      set(9, 'itemType', '行政审批');
      set(9, 'fee/charged', '是');
    });
    const before = await snapshot();
    const res = await importFile(data);
    assertProblem(res, 422);
    const body = res.json();
    assert.equal(body.detail, '共有 7 行有误（第 3、4、5、6、7、8、9 行），未导入任何事项；请逐项修改后重新导入');
    assert.deepEqual(body.errors.map((e: Json) => [e.pointer, e.code]), [
      ['#/rows/3/committedLimitDays', 'EXCEEDS_LEGAL_LIMIT'],
      ['#/rows/4/materials/1/name', 'REQUIRED'],
      ['#/rows/5/process/0/handlers/0/department', 'NO_UNIT_AT_LEVEL'],
      ['#/rows/6/code', 'DUPLICATE'],
      ['#/rows/7/process/0', 'LINE_FORMAT'],
      ['#/rows/8/legalLimitDays', 'NEGATIVE'],
      ['#/rows/9/itemType', 'NOT_ALLOWED'],
      ['#/rows/9/fee/standard', 'REQUIRED'],
      ['#/rows/9/fee/basis', 'REQUIRED'],
    ]);
    const detail = (pointer: string) => body.errors.find((e: Json) => e.pointer === pointer).detail;
    assert.equal(detail('#/rows/3/committedLimitDays'), '第 3 行「承诺时限（工作日）」：承诺时限（40 个工作日）不能超过法定时限（20 个工作日）');
    assert.equal(detail('#/rows/4/materials/1/name'), '第 4 行「申报材料」第 2 条：请填写材料名称');
    assert.match(detail('#/rows/5/process/0/handlers/0/department'), /^第 5 行「办理流程」第 1 条：示范县辖区内没有村级“民政办”/);
    assert.equal(detail('#/rows/6/code'), '第 6 行「事项编码」：与第 2 行的事项编码 T-BATCH-2 相同，同一编码只能出现一次');
    assert.match(detail('#/rows/9/itemType'), /^第 9 行「事项类型」：事项类型“行政审批”无效，可选：行政许可、/);
    assert.equal(detail('#/rows/9/fee/basis'), '第 9 行「收费依据」：请填写收费依据');
    assert.deepEqual(await snapshot(), before);
  });

  it('refuses a file that is not an .xlsx workbook with a clear reason, and keeps the size limit to 5 MB', async () => {
    const before = await snapshot();
    const csv = await importFile('事项编码,事项名称\nT-1,测试\n', { type: 'text/csv' });
    assertProblem(csv, 415);
    assert.equal(csv.json().detail, `请上传 Excel 工作簿（.xlsx），Content-Type 应为 ${XLSX_TYPE}`);
    assert.deepEqual(csv.json().errors, [{ pointer: '#/file', code: 'NOT_XLSX', detail: '请上传 .xlsx 格式的 Excel 工作簿' }]);
    assertProblem(await importFile('{"rows":[]}', { type: 'application/json' }), 415);

    for (const bytes of [Buffer.from('事项编码,事项名称\n'), Buffer.from('d0cf11e0a1b11ae1000000000000', 'hex')]) {
      const res = await importFile(bytes);
      assertProblem(res, 422);
      assert.deepEqual(res.json().errors, [{
        pointer: '#/file', code: 'NOT_XLSX', detail: '文件不是有效的 Excel 工作簿（.xlsx）；如果是 .xls 或 .csv 文件，请在 Excel 中“另存为” .xlsx 后重新上传',
      }]);
    }
    // Above the app's 1 MB body limit but within this route's 5 MB: read, and refused for what it is.
    const big = await importFile(Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(1536 * 1024)]));
    assertProblem(big, 422);
    assert.equal(big.json().errors[0].code, 'NOT_XLSX');
    const bomb = await importFile(zipClaiming(60 * 1024 * 1024));
    assertProblem(bomb, 422);
    assert.deepEqual(bomb.json().errors.map((e: Json) => [e.pointer, e.code]), [['#/file', 'TOO_LARGE']]);
    const tooBig = await importFile(Buffer.alloc(5 * 1024 * 1024 + 1));
    assertProblem(tooBig, 413);
    assert.equal(tooBig.json().detail, '文件过大：上传的工作簿不能超过 5 MB，请分批导入');
    // Elsewhere the 1 MB limit stands.
    const json = await t.app.inject({ method: 'POST', url: `/api/catalog/items?ownerOrgId=${county}`, headers: { cookie: admin, 'content-type': 'application/json' }, payload: `{"x":"${'a'.repeat(1024 * 1024)}"}` });
    assertProblem(json, 413);

    const wb = new ExcelJS.Workbook();
    wb.addWorksheet(ITEMS_SHEET).addRow(['事项编码', '事项名称']);
    const noColumns = await importFile(Buffer.from(await wb.xlsx.writeBuffer()));
    assertProblem(noColumns, 422);
    assert.equal(noColumns.json().errors.length, COLUMNS.length - 2);
    assert.match(noColumns.json().detail, /^工作簿无法导入：缺少列“简称”/);
    const empty = await importFile(await writeCatalogWorkbook([], 't'));
    assertProblem(empty, 422);
    assert.deepEqual(empty.json().errors.map((e: Json) => e.pointer), ['#/rows']);
    assert.deepEqual(await snapshot(), before);
  });

  it('only managers of the owner org import: read-only 403, another county 404 (audited)', async () => {
    const data = (await exportOf()).rawPayload;
    const before = await snapshot();
    const jiancha = await t.login('jiancha');
    const ro = await importFile(data, { cookie: jiancha });
    assertProblem(ro, 403);
    assert.equal(ro.json().detail, '您可以查看该机构的服务事项，但无权修改');
    const dongshan = await t.login('dongshan', 'Dong#shan2026');
    const denied = (await auditRows('access.denied')).length;
    const other = await importFile(data, { cookie: dongshan });
    assertProblem(other, 404);
    assert.deepEqual(other.json().errors, [{ pointer: '#/query/ownerOrgId', code: 'ORG_NOT_FOUND', detail: '机构不存在或不在您的管辖范围内' }]);
    assertProblem(await exportOf(dongshan), 404);
    assert.equal((await auditRows('access.denied')).length, denied + 2);
    assert.deepEqual({ ...(await snapshot()), audit: 0 }, { ...before, audit: 0 });
    const unsigned = await t.app.inject({ method: 'POST', url: `/api/catalog/import?ownerOrgId=${county}`, headers: { 'content-type': XLSX_TYPE }, payload: data });
    assertProblem(unsigned, 401);

    // Their own county checks the rows against its own network.
    const nowhere = await editWorkbook(data, (set, ws) => set(rowOf(ws, 'T-RS-001'), 'process', '核定：zz_nowhere@县（5日）'));
    const res = await importFile(nowhere, { cookie: dongshan, owner: otherCounty });
    assertProblem(res, 422);
    const row = (await (async () => { const wb = new ExcelJS.Workbook(); await wb.xlsx.load(nowhere as unknown as ExcelJS.Buffer); return rowOf(wb.getWorksheet(ITEMS_SHEET)!, 'T-RS-001'); })());
    assert.ok(res.json().errors.some((e: Json) => e.pointer === `#/rows/${row}/process/0/handlers/0/department` && e.code === 'NO_UNIT_AT_LEVEL'));
    assert.match(res.json().errors.find((e: Json) => e.pointer === `#/rows/${row}/process/0/handlers/0/department`).detail, /东山县辖区内没有县级“zz_nowhere”/);
  });
});
