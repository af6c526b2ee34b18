// SQL for reports. The monthly proxy report reads the cases accepted in an org's subtree that were
// open at some moment of the month, grouped by the item's proxy category and the accepting org, in
// one pass with conditional sums. The subtree is a prefix of accepting_org_path, written so each
// engine can use the cases_report_accepting index: LIKE 'prefix%' on PostgreSQL (text_pattern_ops),
// a range on SQLite (whose LIKE ignores case and so cannot use a plain index).
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { engineOf } from '../../db/index.ts';
import type { Tx } from '../../db/transaction.ts';

type Runner = Db | Tx;

export interface ProxyCountRow {
  category: string | null;
  org_id: string;
  accepted: number;
  accepted_by_proxy: number;
  finished: number;
  in_progress: number;
}

/** The upper bound of every path that starts with `prefix` (which ends in '/', so the next character is '0'). */
export const pathUpperBound = (prefix: string): string => `${prefix.slice(0, -1)}0`;

export function proxyCountsQuery(db: Runner, orgPath: string, from: string, to: string) {
  const postgres = engineOf(db) === 'postgres';
  return db.selectFrom('cases')
    .innerJoin('catalog_items', 'catalog_items.id', 'cases.item_id')
    .select([
      'catalog_items.proxy_category as category',
      'cases.accepting_org_id as org_id',
      sql<number>`sum(case when cases.accepted_at >= ${from} then 1 else 0 end)`.as('accepted'),
      sql<number>`sum(case when cases.accepted_at >= ${from} and cases.channel = 'proxy' then 1 else 0 end)`.as('accepted_by_proxy'),
      sql<number>`sum(case when cases.state = 'finished' and cases.finished_at < ${to} then 1 else 0 end)`.as('finished'),
      sql<number>`sum(case when cases.finished_at is null or cases.finished_at >= ${to} then 1 else 0 end)`.as('in_progress'),
    ])
    .where((eb) => (postgres
      ? eb('cases.accepting_org_path', 'like', `${orgPath}%`)
      : eb.and([eb('cases.accepting_org_path', '>=', orgPath), eb('cases.accepting_org_path', '<', pathUpperBound(orgPath))])))
    .where('cases.accepted_at', '<', to)
    .where('cases.accepted_at', 'is not', null)
    // Open at some moment of the month: not ended before it began.
    .where((eb) => eb.or([eb('cases.finished_at', 'is', null), eb('cases.finished_at', '>=', from)]))
    .groupBy(['catalog_items.proxy_category', 'cases.accepting_org_id']);
}

export async function proxyCounts(db: Runner, orgPath: string, from: string, to: string): Promise<ProxyCountRow[]> {
  const rows = await proxyCountsQuery(db, orgPath, from, to).execute();
  return rows.map((r) => ({
    category: r.category, org_id: r.org_id,
    accepted: Number(r.accepted), accepted_by_proxy: Number(r.accepted_by_proxy), finished: Number(r.finished), in_progress: Number(r.in_progress),
  }));
}

export async function findOrg(db: Runner, id: string) {
  return db.selectFrom('orgs').select(['id', 'code', 'name', 'level', 'path', 'parent_id']).where('id', '=', id).executeTakeFirst();
}

/** The org itself and its children, by code (a township's villages on the report). */
export async function orgAndChildren(db: Runner, id: string) {
  return db.selectFrom('orgs').select(['id', 'code', 'name', 'level', 'path', 'parent_id'])
    .where((eb) => eb.or([eb('id', '=', id), eb('parent_id', '=', id)])).orderBy('code').execute();
}
