// The monthly proxy report (代办月报表) of a village or a township: service items by proxy category
// (PROXY_CATEGORIES, plus items outside the proxy list), for one calendar month in Asia/Shanghai:
// - accepted (受理): cases accepted in the month (and of them, registered as 代办 for a villager);
// - finished (办结): cases finished (delivered) in the month, whenever accepted;
// - in progress (在办): cases accepted by the month's end and not yet ended at that moment.
// A village's report counts the cases its room accepted; a township's counts its own center and
// every village below it, with a line per village. Counting is by the item's current proxy category.
//
// Who reads it: anyone whose case scope covers the org (the village's cadres, the township's clerks
// and center, managers, supervisors and leaders above), and the township desk for its villages.
// Others get 404, audited.
import type { Actor as SessionActor, AppContext, RequestMeta } from '../../context.ts';
import { inTransaction } from '../../db/transaction.ts';
import { PROXY_CATEGORIES, type ProxyCategory } from '../../domain/catalog.ts';
import { can } from '../../domain/roles.ts';
import { Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import * as repo from './repo.ts';

type Meta = RequestMeta & { actor: SessionActor };

export const REPORT_ORG_NOT_FOUND = '机构不存在或不在您的管辖范围内';
export const OTHER_CATEGORY = 'other';
export type ReportCategory = ProxyCategory | typeof OTHER_CATEGORY;
export const REPORT_CATEGORIES: readonly ReportCategory[] = [...(Object.keys(PROXY_CATEGORIES) as ProxyCategory[]), OTHER_CATEGORY];
export const REPORT_CATEGORY_LABELS: Record<ReportCategory, string> = { ...PROXY_CATEGORIES, other: '其他（代办清单外事项）' };

export interface Counts {
  accepted: number;
  acceptedByProxy: number;
  finished: number;
  inProgress: number;
  /** finished ÷ accepted, as the seed reports it (98.4%); null when nothing was accepted. */
  finishRate: number | null;
}

export interface ProxyMonthlyReport {
  org: { id: string; code: string; name: string; level: 'village' | 'township' };
  /** The township above a village, for the reporting unit's full name. */
  parentName: string | null;
  month: string;
  /** First and last day of the month, Asia/Shanghai. */
  period: { from: string; to: string };
  title: string;
  categories: (Counts & { category: ReportCategory; label: string })[];
  total: Counts;
  /** A township's report: its own center (本级) and each village; a village's: itself. */
  units: (Counts & { orgId: string; code: string; name: string; own: boolean })[];
  generatedAt: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** [first moment, first moment of the next month) in Asia/Shanghai, as UTC ISO text, and the month's last date. */
export function monthBounds(month: string): { from: string; to: string; lastDay: string } {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(month);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  const next = mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
  const lastDay = new Date(Date.UTC(year, mon, 0)).toISOString().slice(0, 10);
  return { from: new Date(`${month}-01T00:00:00+08:00`).toISOString(), to: new Date(`${next}-01T00:00:00+08:00`).toISOString(), lastDay };
}

const zero = (): Omit<Counts, 'finishRate'> => ({ accepted: 0, acceptedByProxy: 0, finished: 0, inProgress: 0 });
const withRate = (c: Omit<Counts, 'finishRate'>): Counts => ({ ...c, finishRate: c.accepted ? Math.round((c.finished / c.accepted) * 1000) / 10 : null });
function add(into: Omit<Counts, 'finishRate'>, r: repo.ProxyCountRow) {
  into.accepted += r.accepted;
  into.acceptedByProxy += r.accepted_by_proxy;
  into.finished += r.finished;
  into.inProgress += r.in_progress;
}

/** Whose report it is: cases.read over the org, or the township desk for one of its villages. */
function mayRead(actor: SessionActor, org: { level: string; path: string; parent_id: string | null }): boolean {
  if (can(actor.roles, 'cases.read', org.path)) return true;
  return org.level === 'village' && actor.roles.some((g) => g.role === 'acceptance_clerk' && g.orgId === org.parent_id);
}

export async function proxyMonthly(ctx: AppContext, meta: Meta, orgId: string, month: string): Promise<ProxyMonthlyReport> {
  if (!MONTH.test(month)) {
    const detail = '月份应写成 2026-11 的形式';
    throw new Invalid(detail, [{ pointer: '#/query/month', code: 'FORMAT', detail }]);
  }
  const org = await repo.findOrg(ctx.db, orgId);
  if (!org) throw new NotFound(REPORT_ORG_NOT_FOUND);
  if (!mayRead(meta.actor, org)) return denyAsNotFound(ctx, meta, 'report', orgId, REPORT_ORG_NOT_FOUND);
  if (org.level !== 'village' && org.level !== 'township') {
    const detail = '代办月报表按村或乡镇统计，请选择一个村或乡镇';
    throw new Invalid(detail, [{ pointer: '#/query/orgId', code: 'ORG_LEVEL', detail }]);
  }
  const { from, to, lastDay } = monthBounds(month);
  const [rows, orgs, parent] = await Promise.all([
    repo.proxyCounts(ctx.db, org.path, from, to),
    repo.orgAndChildren(ctx.db, org.id),
    org.parent_id ? repo.findOrg(ctx.db, org.parent_id) : Promise.resolve(undefined),
  ]);
  const byCategory = new Map(REPORT_CATEGORIES.map((c) => [c, zero()]));
  const byOrg = new Map(orgs.map((o) => [o.id, zero()]));
  const total = zero();
  for (const r of rows) {
    const category = (r.category && r.category in PROXY_CATEGORIES ? r.category : OTHER_CATEGORY) as ReportCategory;
    add(byCategory.get(category)!, r);
    // Cases are accepted at the org itself or at a village right below it; anything deeper counts for the org.
    add(byOrg.get(byOrg.has(r.org_id) ? r.org_id : org.id)!, r);
    add(total, r);
  }
  const units = orgs.map((o) => ({
    orgId: o.id, code: o.code, own: o.id === org.id,
    name: o.id === org.id && org.level === 'township' ? `${o.name}便民服务中心（本级）` : o.name,
    ...withRate(byOrg.get(o.id)!),
  }));
  return {
    org: { id: org.id, code: org.code, name: org.name, level: org.level },
    parentName: parent?.name ?? null,
    month,
    period: { from: `${month}-01`, to: lastDay },
    title: `${org.name}代办服务月报表`,
    categories: REPORT_CATEGORIES.map((c) => ({ category: c, label: REPORT_CATEGORY_LABELS[c], ...withRate(byCategory.get(c)!) })),
    total: withRate(total),
    units,
    generatedAt: ctx.now().toISOString(),
  };
}

/** An export leaves the system: one audit row per workbook. */
export async function auditExport(ctx: AppContext, meta: Meta, report: ProxyMonthlyReport): Promise<void> {
  await inTransaction(ctx.db, (tx) => recordAudit(ctx, tx, meta, {
    action: 'report.export', objectType: 'report', objectId: report.org.id,
    detail: { report: 'proxy-monthly', org: report.org.code, month: report.month, format: 'xlsx' },
  }));
}
