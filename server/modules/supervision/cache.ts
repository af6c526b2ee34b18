// What every supervision evaluation needs and what changes a few times a year: the regions' rules and
// the orgs' work calendars. Each process keeps them for a few seconds per database, so the case write
// path (the hook) and the sweep pay a query only on a miss; a change reaches every process within
// CACHE_TTL_MS (and a rules change also moves every watched case of the region to "now").
// Reads go through whatever runner the caller holds (inside a case write, its transaction: on SQLite a
// read through the pool would wait for the one connection the transaction holds).
import type { AppContext } from '../../context.ts';
import type { Db } from '../../db/index.ts';
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

const keyOf = (ctx: AppContext) => JSON.stringify(ctx.config.database);
const rulesCache = new Map<string, { until: number; rules: Promise<RegionRules[]> }>();
const calendarCache = new Map<string, Map<string, { until: number; calendar: Promise<WorkCalendar> }>>();

/** The newest version of every region's rules. */
export async function currentRules(db: Runner): Promise<RegionRules[]> {
  const rows = await db.selectFrom('supervision_rules as r')
    .select(['r.org_id', 'r.org_path', 'r.version', 'r.config'])
    .where((eb) => eb('r.version', '=', eb.selectFrom('supervision_rules as n').select((e) => e.fn.max('n.version').as('v')).whereRef('n.org_id', '=', 'r.org_id')))
    .execute();
  return rows.map((r) => ({ orgId: r.org_id, orgPath: r.org_path, version: Number(r.version), config: JSON.parse(r.config) as RuleConfig }));
}

export function forgetRules(ctx: AppContext): void {
  rulesCache.delete(keyOf(ctx));
}

async function allRules(ctx: AppContext, db: Runner): Promise<RegionRules[]> {
  const key = keyOf(ctx);
  const now = Date.now();
  const hit = rulesCache.get(key);
  if (hit && hit.until > now) return hit.rules;
  const rules = currentRules(db);
  rulesCache.set(key, { until: now + CACHE_TTL_MS, rules });
  rules.catch(() => rulesCache.delete(key));
  return rules;
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
  const key = keyOf(ctx);
  let byOrg = calendarCache.get(key);
  if (!byOrg) calendarCache.set(key, (byOrg = new Map()));
  const now = Date.now();
  const hit = byOrg.get(orgId);
  if (hit && hit.until > now) return hit.calendar;
  const calendar = loadCalendar({ ...ctx, db: db as Db }, orgId);
  byOrg.set(orgId, { until: now + CACHE_TTL_MS, calendar });
  calendar.catch(() => byOrg!.delete(orgId));
  return calendar;
}
