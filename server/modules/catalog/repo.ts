// SQL for the service catalog: items (with list and search columns copied from their newest version),
// their immutable versions, and the one question the catalog asks the network.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/index.ts';
import { orgInScope, type OrgScope } from '../../db/scope.ts';
import type { CatalogItemTable, CatalogItemVersionTable, Database, OrgLevel } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';
import type { SearchQuery } from '../../domain/catalog.ts';

type Runner = Db | Tx;

export type ItemRow = CatalogItemTable & {
  owner_path: string;
  /** The status of the newest version. */
  latest_status: CatalogItemVersionTable['status'];
  /** 1 when withdrawn from service (停用): nothing published now, and a version was retired. */
  withdrawn: number;
};
export type VersionSummary = Omit<CatalogItemVersionTable, 'elements'>;

const ITEM_COLUMNS = [
  'catalog_items.id', 'catalog_items.owner_org_id', 'catalog_items.code', 'catalog_items.name', 'catalog_items.short_name',
  'catalog_items.department', 'catalog_items.item_type', 'catalog_items.handling_mode', 'catalog_items.case_type',
  'catalog_items.proxy_category', 'catalog_items.accept_levels', 'catalog_items.life_events', 'catalog_items.search_text',
  'catalog_items.search_pinyin', 'catalog_items.search_initials', 'catalog_items.published_version',
  'catalog_items.latest_version', 'catalog_items.created_at', 'catalog_items.updated_at', 'catalog_items.version',
] as const;

const hasRetired = sql<boolean>`exists (select 1 from catalog_item_versions r where r.item_id = catalog_items.id and r.status = 'retired')`;

function items(db: Runner) {
  return db.selectFrom('catalog_items').innerJoin('orgs', 'orgs.id', 'catalog_items.owner_org_id')
    .select([...ITEM_COLUMNS, 'orgs.path as owner_path'])
    .select(sql<CatalogItemVersionTable['status']>`(select l.status from catalog_item_versions l where l.item_id = catalog_items.id and l.version = catalog_items.latest_version)`.as('latest_status'))
    .select(sql<number>`case when catalog_items.published_version is null and ${hasRetired} then 1 else 0 end`.as('withdrawn'));
}

export async function findItem(db: Runner, id: string): Promise<ItemRow | undefined> {
  return items(db).where('catalog_items.id', '=', id).executeTakeFirst();
}

export async function itemsByCode(db: Runner, ownerOrgId: string, codes: string[]): Promise<Map<string, ItemRow>> {
  const out = new Map<string, ItemRow>();
  // Chunked: a workbook of a thousand codes stays under every engine's parameter limit.
  for (let i = 0; i < codes.length; i += 500) {
    const rows = await items(db).where('catalog_items.owner_org_id', '=', ownerOrgId)
      .where('catalog_items.code', 'in', codes.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.code, r);
  }
  return out;
}

export interface ItemFilter {
  ownerOrgId?: string;
  query?: SearchQuery;
  department?: string;
  lifeEvent?: string;
  handlingMode?: string;
  proxyCategory?: string;
  acceptLevel?: string;
  status?: 'published' | 'draft' | 'unpublished' | 'retired';
}

type ItemQuery = SelectQueryBuilder<Database, 'catalog_items' | 'orgs', object>;

/** Search terms all match (text or code; pinyin and initials for Latin input). normalizeQuery leaves no LIKE wildcards. */
function applyFilter(q: ItemQuery, f: ItemFilter): ItemQuery {
  if (f.ownerOrgId) q = q.where('catalog_items.owner_org_id', '=', f.ownerOrgId);
  for (const t of f.query?.terms ?? []) {
    const like = `%${t.value}%`;
    q = q.where((eb) => eb.or([
      eb('catalog_items.search_text', 'like', like),
      eb(eb.fn('lower', ['catalog_items.code']), 'like', like),
      ...(t.latin ? [eb('catalog_items.search_pinyin', 'like', like), eb('catalog_items.search_initials', 'like', like)] : []),
    ]));
  }
  if (f.department) q = q.where('catalog_items.department', '=', f.department);
  if (f.handlingMode) q = q.where('catalog_items.handling_mode', '=', f.handlingMode);
  if (f.proxyCategory) q = q.where('catalog_items.proxy_category', '=', f.proxyCategory);
  if (f.lifeEvent) q = q.where('catalog_items.life_events', 'like', `%,${f.lifeEvent},%`);
  if (f.acceptLevel) q = q.where('catalog_items.accept_levels', 'like', `%,${f.acceptLevel},%`);
  if (f.status === 'published') q = q.where('catalog_items.published_version', 'is not', null);
  // Never published: nothing public and nothing retired; withdrawn (停用): nothing public, a version retired.
  if (f.status === 'unpublished') q = q.where('catalog_items.published_version', 'is', null).where(sql<boolean>`not ${hasRetired}`);
  if (f.status === 'retired') q = q.where('catalog_items.published_version', 'is', null).where(hasRetired);
  if (f.status === 'draft') {
    q = q.where(sql<boolean>`exists (select 1 from catalog_item_versions d where d.item_id = catalog_items.id and d.version = catalog_items.latest_version and d.status = 'draft')`);
  }
  return q;
}

/** Where a search looks: the items in an actor's scope, or (for the public) published items only. */
export type Where = { scope: OrgScope } | { publishedOnly: true };

function itemsWhere(db: Runner, where: Where, f: ItemFilter): ItemQuery {
  const q = db.selectFrom('catalog_items').innerJoin('orgs', 'orgs.id', 'catalog_items.owner_org_id');
  return applyFilter('scope' in where
    ? q.where((eb: ExpressionBuilder<Database, 'catalog_items' | 'orgs'>) => orgInScope(eb, { path: 'orgs.path', id: 'orgs.id' }, where.scope))
    : q.where('catalog_items.published_version', 'is not', null), f);
}

/** A page in code order, for listing without a search. */
export async function pageByCode(db: Runner, o: { where: Where; filter: ItemFilter; limit: number; offset: number }) {
  const base = itemsWhere(db, o.where, o.filter);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base.select('catalog_items.id').orderBy('catalog_items.code').orderBy('catalog_items.id')
    .limit(o.limit).offset(o.offset).execute();
  return { total: Number(total.n), ids: rows.map((r) => r.id) };
}

/** Enough to rank a search in code: every match (up to `cap`), with its search columns only. */
export async function searchMatches(db: Runner, o: { where: Where; filter: ItemFilter; cap: number }) {
  return itemsWhere(db, o.where, o.filter)
    .select(['catalog_items.id', 'catalog_items.code', 'catalog_items.search_text', 'catalog_items.search_pinyin', 'catalog_items.search_initials'])
    .orderBy('catalog_items.code').limit(o.cap).execute();
}

/** Items by id, in the order of `ids`. */
export async function itemsByIds(db: Runner, ids: string[]): Promise<ItemRow[]> {
  if (ids.length === 0) return [];
  const rows = await items(db).where('catalog_items.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is ItemRow => r !== undefined);
}

/** Published items by id, in the order of `ids`, with the published version's elements — what the public may see. */
export async function publishedByIds(db: Runner, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('catalog_items').innerJoin('orgs', 'orgs.id', 'catalog_items.owner_org_id')
    .innerJoin('catalog_item_versions as v', (j) => j.onRef('v.item_id', '=', 'catalog_items.id').onRef('v.version', '=', 'catalog_items.published_version'))
    .select(['catalog_items.id', 'catalog_items.owner_org_id', 'catalog_items.published_version', 'v.elements', 'orgs.name as owner_name'])
    .where('catalog_items.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
}

/** Of the given orgs, those that own at least one published item. */
export async function ownersWithPublishedItems(db: Runner, orgIds: string[]): Promise<string[]> {
  if (orgIds.length === 0) return [];
  const rows = await db.selectFrom('catalog_items').select('owner_org_id').distinct()
    .where('owner_org_id', 'in', orgIds).where('published_version', 'is not', null).execute();
  return rows.map((r) => r.owner_org_id);
}

export async function allItemsOf(db: Runner, ownerOrgId: string) {
  return db.selectFrom('catalog_items')
    .innerJoin('catalog_item_versions as v', (j) => j.onRef('v.item_id', '=', 'catalog_items.id').onRef('v.version', '=', 'catalog_items.latest_version'))
    .select(['catalog_items.id', 'catalog_items.code', 'catalog_items.published_version', 'v.version', 'v.status', 'v.elements'])
    .where('catalog_items.owner_org_id', '=', ownerOrgId).orderBy('catalog_items.code').execute();
}

export async function insertItem(tx: Tx, row: CatalogItemTable): Promise<void> {
  await tx.insertInto('catalog_items').values(row).execute();
}

export type ItemColumns = Pick<CatalogItemTable,
  'name' | 'short_name' | 'department' | 'item_type' | 'handling_mode' | 'case_type' | 'proxy_category' | 'accept_levels'
  | 'life_events' | 'search_text' | 'search_pinyin' | 'search_initials'>;

/**
 * Moves the item to a new latest version, only if nobody else did since `basedOn` was read. Taking the
 * row first also serialises two concurrent saves: the second finds latest_version moved and gets 0.
 */
export async function advanceLatest(tx: Tx, id: string, basedOn: number, columns: ItemColumns, at: string): Promise<boolean> {
  const r = await tx.updateTable('catalog_items')
    .set((eb) => ({ ...columns, latest_version: basedOn + 1, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id).where('latest_version', '=', basedOn).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Points the item at its newly published version, if the published version is still the one the caller saw. */
export async function setPublished(tx: Tx, id: string, previous: number | null, version: number, at: string): Promise<boolean> {
  const r = await tx.updateTable('catalog_items')
    .set((eb) => ({ published_version: version, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => (previous === null ? eb('published_version', 'is', null) : eb('published_version', '=', previous)))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** 停用: the item stops pointing at a published version, only if its record is still at `version` and `published`. */
export async function withdraw(tx: Tx, id: string, version: number, published: number, at: string): Promise<boolean> {
  const r = await tx.updateTable('catalog_items')
    .set((eb) => ({ published_version: null, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id).where('version', '=', version).where('published_version', '=', published)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertVersion(tx: Tx, row: CatalogItemVersionTable): Promise<void> {
  await tx.insertInto('catalog_item_versions').values(row).execute();
}

export async function findVersion(db: Runner, itemId: string, version: number): Promise<CatalogItemVersionTable | undefined> {
  return db.selectFrom('catalog_item_versions').selectAll().where('item_id', '=', itemId).where('version', '=', version).executeTakeFirst();
}

export async function listVersions(db: Runner, itemId: string): Promise<VersionSummary[]> {
  return db.selectFrom('catalog_item_versions')
    .select(['item_id', 'version', 'status', 'created_at', 'created_by', 'published_at', 'published_by'])
    .where('item_id', '=', itemId).orderBy('version', 'desc').execute();
}

/** Versions change status only (draft → published → retired); their elements are never rewritten. */
export async function markPublished(tx: Tx, itemId: string, version: number, at: string, by: string): Promise<boolean> {
  const r = await tx.updateTable('catalog_item_versions').set({ status: 'published', published_at: at, published_by: by })
    .where('item_id', '=', itemId).where('version', '=', version).where('status', '=', 'draft').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markRetired(tx: Tx, itemId: string, version: number): Promise<boolean> {
  const r = await tx.updateTable('catalog_item_versions').set({ status: 'retired' })
    .where('item_id', '=', itemId).where('version', '=', version).where('status', '=', 'published').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Which departments can handle a stage at which level, within an owner's subtree: some org of that
 * level has an active handling window or handling room of a department with that code.
 *
 * ```sql
 * select distinct d.code, o.level from units u join departments d on d.id = u.department_id
 * join orgs o on o.id = u.org_id
 * where u.active = 1 and u.kind in ('handling_window', 'handling_room') and o.path like '/…/county/%'
 * ```
 */
export async function handlingCoverage(db: Runner, ownerPath: string): Promise<Set<string>> {
  const rows = await db.selectFrom('units')
    .innerJoin('departments', 'departments.id', 'units.department_id')
    .innerJoin('orgs', 'orgs.id', 'units.org_id')
    .select(['departments.code', 'orgs.level']).distinct()
    .where('units.active', '=', 1)
    .where('units.kind', 'in', ['handling_window', 'handling_room'])
    .where('orgs.path', 'like', `${ownerPath}%`)
    .execute();
  return new Set(rows.map((r) => coverageKey(r.code, r.level)));
}

export const coverageKey = (department: string, level: OrgLevel): string => `${department}@${level}`;
