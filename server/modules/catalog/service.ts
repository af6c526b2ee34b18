// The service catalog's use cases: search, read, create, save a draft version, publish, Excel export and
// import, the public guide, and what case handling reads (an item as it was at a version). All writes audited.
import { randomUUID } from 'node:crypto';
import type { Actor, AppContext, RequestMeta } from '../../context.ts';
import type { Db } from '../../db/index.ts';
import type { CatalogItemTable, CatalogItemVersionTable, OrgTable } from '../../db/schema.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import {
  LEVEL_LABELS, matchRank, normalizeItem, normalizeQuery, olderThanRetired, processHandlers, retireIssues, searchColumns, validateItem,
  type ItemElements, type ItemIssue,
} from '../../domain/catalog.ts';
import { can, scopeOf } from '../../domain/roles.ts';
import { Conflict, Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { systemMeta } from '../../seed/system-writes.ts';
import { recordAudit } from '../audit/service.ts';
import * as orgs from '../orgs/repo.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import {
  departmentLabel, describeRowIssue, MAX_UNPACKED_BYTES, NotAWorkbook, readCatalogWorkbook, WorkbookTooLarge, writeCatalogWorkbook, type ParsedRow,
} from './excel.ts';
import * as repo from './repo.ts';

type Meta = RequestMeta & { actor: Actor };
type Runner = Db | Tx;

const ITEM_NOT_FOUND = '服务事项不存在或不在您的管辖范围内';
const ORG_NOT_FOUND = '机构不存在或不在您的管辖范围内';
export const STATUS_LABELS = { draft: '草稿', published: '已发布', retired: '已停用' } as const;

function invalid(errors: FieldError[]): Invalid {
  return new Invalid(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 处输入有误，请逐项修改后重新提交`, errors);
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const duplicateCode = (code: string) =>
  new Conflict(`本机构的目录中已有编码为 ${code} 的事项；如要修改它，请保存为该事项的新版本`, [{ pointer: '#/code', code: 'DUPLICATE', detail: '事项编码已被使用' }]);

// ---- scope ----

/** An org whose catalog the actor reads (orgs.read) or changes (catalog.manage); anything else is 404, audited. */
async function loadOwner(ctx: AppContext, meta: Meta, orgId: string, permission: 'orgs.read' | 'catalog.manage', pointer: string): Promise<OrgTable> {
  const org = await orgs.findOrg(ctx.db, orgId);
  if (org && can(meta.actor.roles, permission, org.path)) return org;
  if (org && can(meta.actor.roles, 'orgs.read', org.path)) throw new Forbidden('您可以查看该机构的服务事项，但无权修改');
  const errors = [{ pointer, code: 'ORG_NOT_FOUND', detail: ORG_NOT_FOUND }];
  if (org) return denyAsNotFound(ctx, meta, 'org', org.id, ORG_NOT_FOUND, errors);
  throw new NotFound(ORG_NOT_FOUND, errors);
}

async function loadItem(ctx: AppContext, meta: Meta, id: string, permission: 'orgs.read' | 'catalog.manage'): Promise<repo.ItemRow> {
  const item = await repo.findItem(ctx.db, id);
  if (item && can(meta.actor.roles, permission, item.owner_path)) return item;
  if (item && can(meta.actor.roles, 'orgs.read', item.owner_path)) throw new Forbidden('您可以查看该事项，但无权修改');
  if (item) return denyAsNotFound(ctx, meta, 'catalog_item', id, ITEM_NOT_FOUND);
  throw new NotFound(ITEM_NOT_FOUND);
}

// ---- checks ----

/**
 * A process stage must name a department that has somewhere to go: within the owner's subtree, an org of
 * the stage's level with an active handling window or room of that department.
 */
export function networkGaps(coverage: Set<string>, e: Pick<ItemElements, 'process'>, ownerName: string): ItemIssue[] {
  return processHandlers(e as ItemElements)
    .filter((h) => !coverage.has(repo.coverageKey(h.department, h.level)))
    .map((h) => ({
      pointer: `#/process/${h.stage}/handlers/${h.handler}/department`,
      code: 'NO_UNIT_AT_LEVEL',
      detail: `${ownerName}辖区内没有${LEVEL_LABELS[h.level]}级“${departmentLabel(h.department, h.level)}”（${h.department}）的办理窗口或办理室，该阶段无人办理：请先在服务网络中设立，或改为有办理单位的部门和层级`,
    }));
}

/** validateItem, then — when the process itself is sound — the network check; all problems together. */
function itemIssues(input: unknown, coverage: Set<string>, ownerName: string): ItemIssue[] {
  const issues = validateItem(input);
  if (issues.some((i) => i.pointer === '#' || i.pointer.startsWith('#/process'))) return issues;
  return [...issues, ...networkGaps(coverage, input as ItemElements, ownerName)];
}

async function checkedElements(db: Runner, owner: OrgTable, input: unknown): Promise<ItemElements> {
  const issues = itemIssues(input, await repo.handlingCoverage(db, owner.path), owner.name);
  if (issues.length) throw invalid(issues);
  return normalizeItem(input as ItemElements);
}

const listColumn = (values: readonly string[]): string => (values.length ? `,${values.join(',')},` : ',');

function columnsOf(e: ItemElements): repo.ItemColumns {
  const s = searchColumns(e);
  return {
    name: e.name, short_name: e.shortName ?? null, department: e.department, item_type: e.itemType, handling_mode: e.handlingMode,
    case_type: e.caseType, proxy_category: e.proxyCategory ?? null, accept_levels: listColumn(e.acceptLevels),
    life_events: listColumn(e.lifeEvents), search_text: s.text, search_pinyin: s.pinyin, search_initials: s.initials,
  };
}

const parseElements = (v: CatalogItemVersionTable | { elements: string }): ItemElements => JSON.parse(v.elements) as ItemElements;
const sameElements = (stored: string, e: ItemElements): boolean => JSON.stringify(normalizeItem(JSON.parse(stored) as ItemElements)) === JSON.stringify(e);

// ---- writes shared by the API, the import and the seed ----

/** How a write came: `via` goes into audit rows; an import writes one audit row for the whole file instead of one per item. */
interface WriteOptions {
  via: 'api' | 'import' | 'seed';
  audit: boolean;
}

async function insertNewItem(ctx: AppContext, tx: Tx, meta: RequestMeta, owner: OrgTable, e: ItemElements, publish: boolean, w: WriteOptions): Promise<string> {
  const id = randomUUID();
  const at = ctx.now().toISOString();
  const by = meta.actor?.userId ?? 'system';
  const row: CatalogItemTable = {
    id, owner_org_id: owner.id, code: e.code, ...columnsOf(e), published_version: publish ? 1 : null, latest_version: 1,
    created_at: at, updated_at: at, version: 1,
  };
  await repo.insertItem(tx, row);
  await repo.insertVersion(tx, {
    item_id: id, version: 1, elements: JSON.stringify(e), status: publish ? 'published' : 'draft',
    created_at: at, created_by: by, published_at: publish ? at : null, published_by: publish ? by : null,
  });
  if (w.audit) {
    await recordAudit(ctx, tx, meta, {
      action: 'catalog.item.create', objectType: 'catalog_item', objectId: id, ...(meta.actor ? {} : { username: 'system' }),
      detail: { ownerOrgId: owner.id, code: e.code, name: e.name, version: 1, status: publish ? 'published' : 'draft', via: w.via },
    });
  }
  return id;
}

const staleLatest = (latest: number) =>
  new Conflict(`该事项刚被他人修改，最新为第 ${latest} 版；请刷新后在最新版本上修改`, [{ pointer: '#/query/basedOn', code: 'STALE_VERSION', detail: `最新版本为第 ${latest} 版` }]);

/** Adds version basedOn+1; with `publish` it goes live at once and the previously published version retires. */
async function appendVersion(
  ctx: AppContext, tx: Tx, meta: Meta, item: repo.ItemRow, basedOn: number, e: ItemElements, publish: boolean, w: WriteOptions,
): Promise<number> {
  const at = ctx.now().toISOString();
  const version = basedOn + 1;
  if (!(await repo.advanceLatest(tx, item.id, basedOn, columnsOf(e), at))) {
    throw staleLatest((await repo.findItem(tx, item.id))?.latest_version ?? basedOn);
  }
  await repo.insertVersion(tx, {
    item_id: item.id, version, elements: JSON.stringify(e), status: 'draft', created_at: at, created_by: meta.actor.userId,
    published_at: null, published_by: null,
  });
  if (w.audit) {
    await recordAudit(ctx, tx, meta, {
      action: 'catalog.version.create', objectType: 'catalog_item', objectId: item.id, detail: { code: e.code, version, basedOn, via: w.via },
    });
  }
  if (publish) await publishInTx(ctx, tx, meta, item, item.published_version, version, w);
  return version;
}

async function publishInTx(ctx: AppContext, tx: Tx, meta: Meta, item: repo.ItemRow, previous: number | null, version: number, w: WriteOptions): Promise<void> {
  const at = ctx.now().toISOString();
  const stale = new Conflict('该事项的发布状态刚被他人改变，请刷新后重试', [{ pointer: '#/params/version', code: 'STALE_VERSION', detail: '发布状态已改变' }]);
  if (!(await repo.setPublished(tx, item.id, previous, version, at))) throw stale;
  if (!(await repo.markPublished(tx, item.id, version, at, meta.actor.userId))) throw stale;
  if (previous !== null) await repo.markRetired(tx, item.id, previous);
  if (w.audit) {
    await recordAudit(ctx, tx, meta, {
      action: 'catalog.version.publish', objectType: 'catalog_item', objectId: item.id,
      detail: { code: item.code, version, retired: previous, via: w.via },
    });
  }
}

const API: WriteOptions = { via: 'api', audit: true };
const IMPORT: WriteOptions = { via: 'import', audit: false };

// ---- admin use cases ----

export interface ItemDetail {
  item: repo.ItemRow;
  latest: CatalogItemVersionTable;
  published: CatalogItemVersionTable | null;
  versions: repo.VersionSummary[];
}

async function detailOf(db: Runner, item: repo.ItemRow): Promise<ItemDetail> {
  const latest = await repo.findVersion(db, item.id, item.latest_version);
  if (!latest) throw new Error(`catalog item ${item.id} has no version ${item.latest_version}`);
  const published = item.published_version === null ? null
    : item.published_version === item.latest_version ? latest : (await repo.findVersion(db, item.id, item.published_version)) ?? null;
  return { item, latest, published, versions: await repo.listVersions(db, item.id) };
}

export interface ListFilter extends Omit<repo.ItemFilter, 'query'> {
  q?: string;
  page: number;
  pageSize: number;
}

/** A search ranks at most this many matches; past it (a one-letter query over a province) order falls back to codes. */
export const SEARCH_RANK_CAP = 2000;

/**
 * One page of a list: in code order without a search; with one, best match first (matchRank), so typing
 * `db` puts 最低生活保障 above the items merely tagged 低保.
 */
async function findPage(db: Runner, where: repo.Where, f: Omit<ListFilter, 'page' | 'pageSize'>, page: number, pageSize: number) {
  const { q, ...filter } = f;
  const query = q ? normalizeQuery(q) : undefined;
  const offset = (page - 1) * pageSize;
  if (!query || query.terms.length === 0) return repo.pageByCode(db, { where, filter, limit: pageSize, offset });
  const matches = await repo.searchMatches(db, { where, filter: { ...filter, query }, cap: SEARCH_RANK_CAP });
  const ranked = matches
    .map((m) => ({ id: m.id, code: m.code, rank: matchRank({ text: m.search_text, pinyin: m.search_pinyin, initials: m.search_initials, code: m.code }, query) ?? Infinity }))
    .sort((a, b) => a.rank - b.rank || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { total: ranked.length, ids: ranked.slice(offset, offset + pageSize).map((r) => r.id) };
}

export async function listItems(ctx: AppContext, meta: Meta, f: ListFilter): Promise<{ total: number; rows: repo.ItemRow[] }> {
  if (f.ownerOrgId) await loadOwner(ctx, meta, f.ownerOrgId, 'orgs.read', '#/query/ownerOrgId');
  const { page, pageSize, ...filter } = f;
  const { total, ids } = await findPage(ctx.db, { scope: scopeOf(meta.actor.roles, 'orgs.read') }, filter, page, pageSize);
  return { total, rows: await repo.itemsByIds(ctx.db, ids) };
}

export async function getItem(ctx: AppContext, meta: Meta, id: string): Promise<ItemDetail> {
  return detailOf(ctx.db, await loadItem(ctx, meta, id, 'orgs.read'));
}

export async function getVersion(ctx: AppContext, meta: Meta, id: string, version: number): Promise<CatalogItemVersionTable> {
  const item = await loadItem(ctx, meta, id, 'orgs.read');
  const v = await repo.findVersion(ctx.db, item.id, version);
  if (!v) {
    const detail = `该事项没有第 ${version} 版（最新为第 ${item.latest_version} 版）`;
    throw new NotFound(detail, [{ pointer: '#/params/version', code: 'NOT_FOUND', detail }]);
  }
  return v;
}

/** A new item; its first version is a draft, or published at once with `publish`. */
export async function createItem(ctx: AppContext, meta: Meta, opts: { ownerOrgId: string; publish: boolean }, input: unknown): Promise<ItemDetail> {
  const owner = await loadOwner(ctx, meta, opts.ownerOrgId, 'catalog.manage', '#/query/ownerOrgId');
  const e = await checkedElements(ctx.db, owner, input);
  try {
    const id = await inTransaction(ctx.db, async (tx) => {
      if ((await repo.itemsByCode(tx, owner.id, [e.code])).size > 0) throw duplicateCode(e.code);
      return insertNewItem(ctx, tx, meta, owner, e, opts.publish, API);
    });
    return detailOf(ctx.db, (await repo.findItem(ctx.db, id))!);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateCode(e.code);
    throw err;
  }
}

/** Saves the elements as a new draft version on top of `basedOn` (the latest version the editor started from). */
export async function saveDraft(ctx: AppContext, meta: Meta, id: string, basedOn: number, input: unknown): Promise<CatalogItemVersionTable> {
  const item = await loadItem(ctx, meta, id, 'catalog.manage');
  const owner = (await orgs.findOrg(ctx.db, item.owner_org_id))!;
  const e = await checkedElements(ctx.db, owner, input);
  if (e.code !== item.code) {
    throw invalid([{ pointer: '#/code', code: 'CODE_CHANGED', detail: `事项编码不能修改（应为 ${item.code}）；如需新的编码，请新建事项` }]);
  }
  if (basedOn !== item.latest_version) throw staleLatest(item.latest_version);
  const version = await inTransaction(ctx.db, (tx) => appendVersion(ctx, tx, meta, item, basedOn, e, false, API));
  return (await repo.findVersion(ctx.db, id, version))!;
}

/** Publishes a draft; the version published before it retires. Neither version's elements change. */
export async function publishVersion(ctx: AppContext, meta: Meta, id: string, version: number): Promise<ItemDetail> {
  const item = await loadItem(ctx, meta, id, 'catalog.manage');
  const v = await repo.findVersion(ctx.db, id, version);
  const refuse = (code: string, detail: string, E: typeof Conflict | typeof NotFound = Conflict) => {
    throw new E(detail, [{ pointer: '#/params/version', code, detail }]);
  };
  if (!v) return refuse('NOT_FOUND', `该事项没有第 ${version} 版（最新为第 ${item.latest_version} 版）`, NotFound);
  if (v.status === 'published') refuse('ALREADY_PUBLISHED', `第 ${version} 版已是正在公开的版本`);
  if (v.status === 'retired') refuse('RETIRED', `第 ${version} 版已停用，不能重新发布；如需恢复，请以它为底稿保存新版本后发布`);
  if (item.published_version !== null && version < item.published_version) {
    refuse('OLDER_THAN_PUBLISHED', `第 ${version} 版早于正在公开的第 ${item.published_version} 版，不能发布；请在最新版本上修改后发布`);
  }
  if (item.published_version === null) {
    const retired = (await repo.listVersions(ctx.db, id)).filter((x) => x.status === 'retired').map((x) => x.version);
    const newer = olderThanRetired(version, retired);
    if (newer !== null) refuse('OLDER_THAN_RETIRED', `第 ${version} 版早于已停用的第 ${newer} 版，不能发布；请在最新版本上修改后发布`);
  }
  // The network may have changed since the draft was saved.
  const owner = (await orgs.findOrg(ctx.db, item.owner_org_id))!;
  const gaps = networkGaps(await repo.handlingCoverage(ctx.db, owner.path), parseElements(v), owner.name);
  if (gaps.length) throw invalid(gaps);
  await inTransaction(ctx.db, (tx) => publishInTx(ctx, tx, meta, item, item.published_version, version, API));
  return detailOf(ctx.db, (await repo.findItem(ctx.db, id))!);
}

/**
 * 停用: withdraws the item from service. Its published version retires; the public catalog, the guide and
 * case registration no longer find it; cases registered under it keep their version and carry on. It can be
 * published again by publishing a draft at least as new as the retired version. `version` is the item
 * record's version the admin saw (409 when someone changed the item since).
 */
export async function retireItem(ctx: AppContext, meta: Meta, id: string, input: { version: number; reason: string }): Promise<ItemDetail> {
  const item = await loadItem(ctx, meta, id, 'catalog.manage');
  const stale = () => new Conflict('该事项刚被他人修改，请刷新后再停用', [{ pointer: '#/body/version', code: 'STALE_VERSION', detail: `事项记录已是第 ${item.version} 版，请刷新后重试` }]);
  if (input.version !== item.version) throw stale();
  const issues = retireIssues({ publishedVersion: item.published_version }, input.reason);
  if (issues.some((i) => i.state)) throw new Conflict(issues[0]!.detail, issues.map(({ state: _s, ...i }) => i));
  if (issues.length) throw invalid(issues);
  const published = item.published_version!;
  const reason = input.reason.trim();
  await inTransaction(ctx.db, async (tx) => {
    const at = ctx.now().toISOString();
    if (!(await repo.withdraw(tx, item.id, input.version, published, at))) throw stale();
    if (!(await repo.markRetired(tx, item.id, published))) throw stale();
    await recordAudit(ctx, tx, meta, {
      action: 'catalog.item.retire', objectType: 'catalog_item', objectId: item.id,
      detail: { code: item.code, retired: published, reason },
    });
  });
  return detailOf(ctx.db, (await repo.findItem(ctx.db, id))!);
}

// ---- Excel ----

export async function exportCatalog(ctx: AppContext, meta: Meta, ownerOrgId: string): Promise<{ filename: string; data: Buffer }> {
  const owner = await loadOwner(ctx, meta, ownerOrgId, 'orgs.read', '#/query/ownerOrgId');
  const rows = await repo.allItemsOf(ctx.db, owner.id);
  const data = await writeCatalogWorkbook(rows.map((r) => ({
    elements: parseElements(r), version: r.version,
    status: r.status === 'draft' && r.published_version !== null ? `草稿（正在公开第 ${r.published_version} 版）` : STATUS_LABELS[r.status],
  })), `${owner.name}服务事项目录`);
  const date = ctx.now().toISOString().slice(0, 10);
  return { filename: `${owner.name}服务事项目录-${date}.xlsx`, data };
}

export interface ImportResult {
  rows: number;
  created: number;
  newVersions: number;
  published: number;
  unchanged: number;
}

/** What is wrong with one parsed row: unreadable cells first, then the rules on what could be read. */
function rowIssues(r: ParsedRow, coverage: Set<string>, ownerName: string): ItemIssue[] {
  const covered = (p: string) => r.issues.some((i) => p === i.pointer || p.startsWith(`${i.pointer}/`));
  return [...r.issues, ...itemIssues(r.raw, coverage, ownerName).filter((i) => !covered(i.pointer))];
}

/**
 * Imports a workbook into an owner's catalog: all rows or none. A new code becomes a new item; a known
 * code gets a new version unless the row equals its latest version. With `publish` every imported
 * version goes live (a latest draft equal to its row is published as it is).
 */
export async function importCatalog(ctx: AppContext, meta: Meta, opts: { ownerOrgId: string; publish: boolean }, data: Buffer): Promise<ImportResult> {
  const owner = await loadOwner(ctx, meta, opts.ownerOrgId, 'catalog.manage', '#/query/ownerOrgId');
  let parsed;
  try {
    parsed = await readCatalogWorkbook(data);
  } catch (err) {
    if (err instanceof WorkbookTooLarge) {
      const detail = `工作簿解压后超过 ${MAX_UNPACKED_BYTES / 1024 / 1024} MB，不像是服务事项目录；请检查文件，或分批导入`;
      throw new Invalid(detail, [{ pointer: '#/file', code: 'TOO_LARGE', detail }]);
    }
    if (!(err instanceof NotAWorkbook)) throw err;
    const detail = '文件不是有效的 Excel 工作簿（.xlsx）；如果是 .xls 或 .csv 文件，请在 Excel 中“另存为” .xlsx 后重新上传';
    throw new Invalid(detail, [{ pointer: '#/file', code: 'NOT_XLSX', detail }]);
  }
  if (!parsed.ok) throw new Invalid(`工作簿无法导入：${parsed.issues.map((i) => i.detail).join('；')}`, parsed.issues);

  const coverage = await repo.handlingCoverage(ctx.db, owner.path);
  const errors: FieldError[] = [];
  const badRows = new Set<number>();
  const firstRowOf = new Map<string, number>();
  const good: ItemElements[] = [];
  for (const r of parsed.rows) {
    const issues = rowIssues(r, coverage, owner.name);
    const code = typeof r.raw.code === 'string' ? r.raw.code.trim() : undefined;
    if (code) {
      const first = firstRowOf.get(code);
      if (first !== undefined) issues.unshift({ pointer: '#/code', code: 'DUPLICATE', detail: `与第 ${first} 行的事项编码 ${code} 相同，同一编码只能出现一次` });
      else firstRowOf.set(code, r.row);
    }
    for (const i of issues) errors.push({ pointer: `#/rows/${r.row}${i.pointer.slice(1)}`, code: i.code, detail: describeRowIssue(r.row, i) });
    if (issues.length) badRows.add(r.row);
    else good.push(normalizeItem(r.raw as unknown as ItemElements));
  }
  if (errors.length) {
    const rows = [...badRows];
    const list = rows.length > 20 ? `${rows.slice(0, 20).join('、')} 等` : rows.join('、');
    throw new Invalid(`共有 ${rows.length} 行有误（第 ${list} 行），未导入任何事项；请逐项修改后重新导入`, errors);
  }

  const result: ImportResult = { rows: good.length, created: 0, newVersions: 0, published: 0, unchanged: 0 };
  try {
    await inTransaction(ctx.db, async (tx) => {
      Object.assign(result, { created: 0, newVersions: 0, published: 0, unchanged: 0 });
      const existing = await repo.itemsByCode(tx, owner.id, good.map((e) => e.code));
      for (const e of good) {
        const item = existing.get(e.code);
        if (!item) {
          await insertNewItem(ctx, tx, meta, owner, e, opts.publish, IMPORT);
          result.created++;
          if (opts.publish) result.published++;
          continue;
        }
        const latest = (await repo.findVersion(tx, item.id, item.latest_version))!;
        if (!sameElements(latest.elements, e)) {
          await appendVersion(ctx, tx, meta, item, item.latest_version, e, opts.publish, IMPORT);
          result.newVersions++;
          if (opts.publish) result.published++;
        } else if (opts.publish && latest.status === 'draft') {
          await publishInTx(ctx, tx, meta, item, item.published_version, latest.version, IMPORT);
          result.published++;
        } else {
          result.unchanged++;
        }
      }
      await recordAudit(ctx, tx, meta, {
        action: 'catalog.import', objectType: 'org', objectId: owner.id, detail: { ownerOrgId: owner.id, publish: opts.publish, ...result },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('导入期间目录被他人修改，请稍后重新导入；本次未导入任何事项');
    throw err;
  }
  return result;
}

// ---- public ----

/**
 * The catalog an org's public sees: that of its nearest ancestor-or-self with published items (a
 * village's villagers see their county's list). Null when no org on the path has any.
 */
async function publicOwner(ctx: AppContext, orgCode: string): Promise<OrgTable | null> {
  const org = await orgs.findOrgByCode(ctx.db, orgCode);
  if (!org) {
    const detail = `没有代码为 ${orgCode} 的机构`;
    throw new NotFound(detail, [{ pointer: '#/query/orgCode', code: 'ORG_NOT_FOUND', detail }]);
  }
  const path = org.path.split('/').filter(Boolean);
  const owners = new Set(await repo.ownersWithPublishedItems(ctx.db, path));
  const nearest = [...path].reverse().find((id) => owners.has(id));
  return nearest ? ((await orgs.findOrg(ctx.db, nearest)) ?? null) : null;
}

export interface PublicFilter {
  q?: string;
  lifeEvent?: string;
  department?: string;
  proxyCategory?: string;
  orgCode?: string;
  page: number;
  pageSize: number;
}

export async function publicCatalog(ctx: AppContext, f: PublicFilter) {
  const owner = f.orgCode ? await publicOwner(ctx, f.orgCode) : undefined;
  if (owner === null) return { owner: null, total: 0, items: [] };
  const { page, pageSize, orgCode: _o, ...filter } = f;
  const { total, ids } = await findPage(ctx.db, { publishedOnly: true }, { ...filter, ownerOrgId: owner?.id }, page, pageSize);
  const rows = await repo.publishedByIds(ctx.db, ids);
  return {
    owner: owner ?? null, total,
    items: rows.map((r) => ({ id: r.id, ownerOrgId: r.owner_org_id, ownerName: r.owner_name, version: r.published_version!, elements: parseElements(r) })),
  };
}

export async function publicGuide(ctx: AppContext, id: string) {
  const item = await repo.findItem(ctx.db, id);
  const v = item?.published_version ? await repo.findVersion(ctx.db, item.id, item.published_version) : undefined;
  if (!item || !v) throw new NotFound('没有这个服务事项，或该事项尚未公开');
  const owner = (await orgs.findOrg(ctx.db, item.owner_org_id))!;
  return { item, version: v, elements: parseElements(v), owner };
}

// ---- for case handling (issue 4) ----

/** The elements exactly as they were at `version`: a case reads the guide it was accepted under, whatever was published since. */
export async function itemVersion(ctx: AppContext, itemId: string, version: number, db: Runner = ctx.db): Promise<ItemElements> {
  const v = await repo.findVersion(db, itemId, version);
  if (!v) throw new NotFound(`服务事项 ${itemId} 没有第 ${version} 版`);
  return parseElements(v);
}

/** The version an application is accepted under today; undefined when the item does not exist or was never published. */
export async function publishedItem(ctx: AppContext, itemId: string, db: Runner = ctx.db):
Promise<{ itemId: string; ownerOrgId: string; version: number; elements: ItemElements } | undefined> {
  const item = await repo.findItem(db, itemId);
  if (!item || item.published_version === null) return undefined;
  const v = await repo.findVersion(db, itemId, item.published_version);
  return v ? { itemId, ownerOrgId: item.owner_org_id, version: v.version, elements: parseElements(v) } : undefined;
}

// ---- seed ----

/**
 * Loads items into an org's catalog as published version 1, audited as the system; codes already there
 * are skipped, so it can run on every start. Items are checked like any other and, unless told not to,
 * against the network too: a demo item naming a department with no unit at that level fails loudly.
 */
export async function seedCatalog(
  ctx: AppContext, ownerOrgCode: string, items: readonly ItemElements[], opts: { checkNetwork?: boolean } = {},
): Promise<{ added: number; skipped: number }> {
  const owner = await orgs.findOrgByCode(ctx.db, ownerOrgCode);
  if (!owner) throw new Error(`seedCatalog: no org with code ${ownerOrgCode}`);
  const coverage = opts.checkNetwork === false ? null : await repo.handlingCoverage(ctx.db, owner.path);
  const problems = items.flatMap((e) => {
    const issues = coverage ? itemIssues(e, coverage, owner.name) : validateItem(e);
    return issues.map((i) => `${e.code ?? '?'} ${i.pointer}: ${i.detail}`);
  });
  if (problems.length) throw new Error(`seedCatalog: ${problems.length} problem(s) in the items\n${problems.join('\n')}`);
  const meta = systemMeta('seed-catalog');
  return inTransaction(ctx.db, async (tx) => {
    const existing = await repo.itemsByCode(tx, owner.id, items.map((e) => e.code));
    let added = 0;
    for (const raw of items) {
      if (existing.has(raw.code)) continue;
      const e = normalizeItem(raw);
      await insertNewItem(ctx, tx, meta, owner, e, true, { via: 'seed', audit: true });
      existing.set(e.code, {} as repo.ItemRow); // a code listed twice is added once
      added++;
    }
    return { added, skipped: items.length - added };
  });
}
