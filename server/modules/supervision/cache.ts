// What every supervision evaluation needs and what changes a few times a year: the regions' rules and
// the orgs' work calendars. Each process keeps them for a few seconds per database, so the case write
// path (the hook) and the sweep pay a query only on a miss; a change reaches every process within
// CACHE_TTL_MS (and a rules change also moves every watched case of the region to "now").
// Reads go through whatever runner the caller holds (inside a case write, its transaction: on SQLite a
// read through the pool would wait for the one connection the transaction holds).
import type { AppContext } from '../../context.ts';
import type { Db } from '../../db/index.ts';
import { perDatabaseCache } from '../../db/per-database-cache.ts';
import type { Tx } from '../../db/transaction.ts';
import type { WorkCalendar } from '../../domain/calendar.ts';
import { DEFAULT_RULES, type RuleConfig } from '../../domain/supervision.ts';
import { loadCalendar } from '../calendar/service.ts';

export const CACHE_TTL_MS = 5_000;

type Runner = Db | Tx;

export interface RegionRules {
  /** The org whose rules these are; null for the built-in default. */
  orgId: string | null;
  orgPath: string;
  version: number;
  config: RuleConfig;
}

export const BUILT_IN: RegionRules = { orgId: null, orgPath: '/', version: 0, config: DEFAULT_RULES };

const rulesCache = perDatabaseCache<RegionRules[]>(CACHE_TTL_MS);
const calendarCache = perDatabaseCache<WorkCalendar>(CACHE_TTL_MS);

/** The newest version of every region's rules. */
export async function currentRules(db: Runner): Promise<RegionRules[]> {
  const rows = await db.selectFrom('supervision_rules as r')
    .select(['r.org_id', 'r.org_path', 'r.version', 'r.config'])
    .where((eb) => eb('r.version', '=', eb.selectFrom('supervision_rules as n').select((e) => e.fn.max('n.version').as('v')).whereRef('n.org_id', '=', 'r.org_id')))
    .execute();
  return rows.map((r) => ({ orgId: r.org_id, orgPath: r.org_path, version: Number(r.version), config: JSON.parse(r.config) as RuleConfig }));
}

export function forgetRules(ctx: AppContext): void {
  rulesCache.forget(ctx);
}

function allRules(ctx: AppContext, db: Runner): Promise<RegionRules[]> {
  return rulesCache.get(ctx, 'all', () => currentRules(db));
}

/** The rules in force for an org path: the nearest region up the tree, else the built-in default. */
export function rulesForPath(all: readonly RegionRules[], orgPath: string): RegionRules {
  let best: RegionRules = BUILT_IN;
  for (const r of all) if (orgPath.startsWith(r.orgPath) && r.orgPath.length > best.orgPath.length) best = r;
  return best;
}

export async function rulesFor(ctx: AppContext, db: Runner, orgPath: string): Promise<RegionRules> {
  return rulesForPath(await allRules(ctx, db), orgPath);
}

/** The work calendar of a case's accepting org (as the cases module computes its due moments). */
export function calendarFor(ctx: AppContext, db: Runner, orgId: string): Promise<WorkCalendar> {
  return calendarCache.get(ctx, orgId, () => loadCalendar({ ...ctx, db: db as Db }, orgId));
}
