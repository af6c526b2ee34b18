// Supervision use cases: the signal list and one signal with its case and history, the follow-up steps
// (the carded unit acknowledges, explains, rectifies or appeals; the supervisor closes, revokes, rejects
// the appeal or escalates), the region rules (read, change — audited, versioned), the summary the big
// screen shows, and the sweep on demand. Who: supervision.read over the signal's org to read;
// supervision.respond over it (or being the named responsible person or head) to answer;
// supervision.manage over it to decide. Others get 404, audited.
import type { Actor as SessionActor, AppContext, RequestMeta } from '../../context.ts';
import type { SignalStepTable, SignalTable } from '../../db/schema.ts';
import { orgInScope } from '../../db/scope.ts';
import { inTransaction } from '../../db/transaction.ts';
import {
  CLOSED_STATUSES, PRESET_RULES, SIGNAL_STEP_LABELS, SIGNAL_STEPS, STEP_SIDE, allowedSteps, applySignalStep, validateRuleConfig,
  type PresetName, type RuleConfig, type SignalFacts, type SignalLevel, type SignalStatus, type SignalStep,
} from '../../domain/supervision.ts';
import { can, hasPermission, scopeOf } from '../../domain/roles.ts';
import { AppError, Conflict, Forbidden, Invalid, NotFound, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import { denyAsNotFound } from '../orgs/service.ts';
import { BUILT_IN, currentRules, forgetRules, rulesForPath, type RegionRules } from './cache.ts';
import { sweep, type SweepResult } from './sweep.ts';

type Meta = RequestMeta & { actor: SessionActor };

export const SIGNAL_NOT_FOUND = '监察信号不存在或不在您的管辖范围内';
export const STALE_SIGNAL = '该信号已被他人处理，请刷新后重试';
const ORG_NOT_FOUND = '机构不存在或不在您的管辖范围内';

const withCode = <E extends AppError>(error: E, code: string): E => Object.assign(error, { code });

function invalid(errors: FieldError[]): Invalid {
  return withCode(new Invalid(errors.length === 1 ? errors[0]!.detail : `共有 ${errors.length} 处输入有误，请逐项修改后重新提交`, errors), errors[0]?.code ?? 'INVALID');
}

// ---- reading ----

export interface SignalQuery {
  level?: SignalLevel;
  status?: SignalStatus | 'active';
  orgId?: string;
  unitId?: string;
  caseId?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

const dayStart = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));

async function orgPathIn(ctx: AppContext, meta: Meta, orgId: string, permission: 'supervision.read' | 'supervision.manage', pointer: string): Promise<string> {
  const org = await ctx.db.selectFrom('orgs').select(['id', 'path']).where('id', '=', orgId).executeTakeFirst();
  if (org && can(meta.actor.roles, permission, org.path)) return org.path;
  const errors = [{ pointer, code: 'ORG_NOT_FOUND', detail: ORG_NOT_FOUND }];
  if (org) return denyAsNotFound(ctx, meta, 'org', orgId, ORG_NOT_FOUND, errors);
  throw withCode(new NotFound(ORG_NOT_FOUND, errors), 'ORG_NOT_FOUND');
}

export async function listSignals(ctx: AppContext, meta: Meta, q: SignalQuery): Promise<{ total: number; rows: SignalTable[] }> {
  const errors: FieldError[] = [];
  const range: { from?: string; to?: string } = {};
  if (q.from !== undefined) isDate(q.from) ? (range.from = dayStart(q.from)) : errors.push({ pointer: '#/query/from', code: 'FORMAT', detail: '应为日期，如 2026-03-01' });
  if (q.to !== undefined) isDate(q.to) ? (range.to = new Date(Date.parse(dayStart(q.to)) + 86_400_000).toISOString()) : errors.push({ pointer: '#/query/to', code: 'FORMAT', detail: '应为日期，如 2026-03-31' });
  if (errors.length) throw invalid(errors);
  const scope = scopeOf(meta.actor.roles, 'supervision.read');
  const under = q.orgId ? await orgPathIn(ctx, meta, q.orgId, 'supervision.read', '#/query/orgId') : null;
  let base = ctx.db.selectFrom('signals').where((eb) => orgInScope(eb, { path: 'signals.org_path', id: 'signals.org_id' }, scope));
  if (under) base = base.where('org_path', 'like', `${under}%`);
  if (q.level) base = base.where('level', '=', q.level);
  if (q.status === 'active') base = base.where('status', 'not in', [...CLOSED_STATUSES]);
  else if (q.status) base = base.where('status', '=', q.status);
  if (q.unitId) base = base.where('unit_id', '=', q.unitId);
  if (q.caseId) base = base.where('case_id', '=', q.caseId);
  if (range.from) base = base.where('raised_at', '>=', range.from);
  if (range.to) base = base.where('raised_at', '<', range.to);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    base.selectAll().orderBy('raised_at', 'desc').orderBy('id').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
  ]);
  return { total: Number(count.n), rows };
}

/** Which sides the person may act for on this signal. */
export function sidesOf(actor: SessionActor, s: SignalTable): ('unit' | 'supervisor')[] {
  const sides: ('unit' | 'supervisor')[] = [];
  if (actor.userId === s.responsible_user_id || actor.userId === s.head_user_id || can(actor.roles, 'supervision.respond', s.org_path)
    || actor.roles.some((g) => ['acceptance_clerk', 'window_clerk', 'handling_officer', 'village_cadre'].includes(g.role) && g.orgId === s.org_id)) {
    sides.push('unit');
  }
  if (can(actor.roles, 'supervision.manage', s.org_path)) sides.push('supervisor');
  return sides;
}

async function visibleSignal(ctx: AppContext, meta: Meta, id: string): Promise<SignalTable> {
  const s = await ctx.db.selectFrom('signals').selectAll().where('id', '=', id).executeTakeFirst();
  if (s && (can(meta.actor.roles, 'supervision.read', s.org_path) || sidesOf(meta.actor, s).length > 0)) return s;
  if (s) return denyAsNotFound(ctx, meta, 'signal', id, SIGNAL_NOT_FOUND);
  throw withCode(new NotFound(SIGNAL_NOT_FOUND), 'SIGNAL_NOT_FOUND');
}

export interface SignalDetail {
  signal: SignalTable;
  steps: SignalStepTable[];
  caseRow: { id: string; number: string; item_name: string; state: string; due_at: string | null; accepted_at: string | null; current_unit_id: string };
  names: Map<string, string>;
  allowedSteps: SignalStep[];
}

async function detailOf(ctx: AppContext, meta: Meta, s: SignalTable): Promise<SignalDetail> {
  const [steps, caseRow, people] = await Promise.all([
    ctx.db.selectFrom('signal_steps').selectAll().where('signal_id', '=', s.id).orderBy('seq').execute(),
    ctx.db.selectFrom('cases').select(['id', 'number', 'item_name', 'state', 'due_at', 'accepted_at', 'current_unit_id']).where('id', '=', s.case_id).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [s.responsible_user_id ?? '', s.head_user_id ?? '']).execute(),
  ]);
  return {
    signal: s, steps, caseRow, names: new Map(people.map((p) => [p.id, p.display_name])),
    allowedSteps: allowedSteps(factsOf(s), sidesOf(meta.actor, s)),
  };
}

export async function getSignal(ctx: AppContext, meta: Meta, id: string): Promise<SignalDetail> {
  return detailOf(ctx, meta, await visibleSignal(ctx, meta, id));
}

const factsOf = (s: SignalTable): SignalFacts => ({ status: s.status as SignalStatus, level: s.level as SignalLevel, appealed: s.appealed === 1 });

// ---- follow-up ----

export async function stepSignal(ctx: AppContext, meta: Meta, id: string, step: SignalStep, input: { version: number; text?: string }): Promise<SignalDetail> {
  if (!(SIGNAL_STEPS as readonly string[]).includes(step)) throw withCode(new NotFound('未知的跟踪操作'), 'UNKNOWN_STEP');
  const s = await visibleSignal(ctx, meta, id);
  const sides = sidesOf(meta.actor, s);
  const side = STEP_SIDE[step];
  if (!sides.includes(side)) {
    throw withCode(new Forbidden(side === 'unit' ? `${SIGNAL_STEP_LABELS[step]}由被监察的责任单位（${s.unit_name}）办理` : `${SIGNAL_STEP_LABELS[step]}须由监察人员办理`), 'NOT_YOUR_SIDE');
  }
  const r = applySignalStep(factsOf(s), step, side, input.text);
  if (!r.ok) {
    const errors = r.pointer ? [{ pointer: `#${r.pointer}`, code: r.code.toUpperCase(), detail: r.detail }] : [];
    if (r.code === 'invalid_state') throw withCode(new Conflict(r.detail, errors), 'INVALID_STATE');
    if (r.code === 'forbidden') throw withCode(new Forbidden(r.detail, errors), 'FORBIDDEN');
    throw invalid(errors.length ? errors : [{ pointer: '#', code: 'INVALID', detail: r.detail }]);
  }
  const stale = () => withCode(new Conflict(STALE_SIGNAL, [{ pointer: '#/version', code: 'STALE_VERSION', detail: STALE_SIGNAL }]), 'STALE_VERSION');
  if (input.version !== s.version) throw stale();
  const updated = await inTransaction(ctx.db, async (tx) => {
    const at = ctx.now().toISOString();
    const closing = CLOSED_STATUSES.includes(r.next.status);
    const res = await tx.updateTable('signals').set({
      status: r.next.status, appealed: r.next.appealed ? 1 : 0, updated_at: at, version: s.version + 1, ...(closing ? { closed_at: at } : {}),
    }).where('id', '=', id).where('version', '=', s.version).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw stale();
    const last = await tx.selectFrom('signal_steps').select((eb) => eb.fn.max('seq').as('seq')).where('signal_id', '=', id).executeTakeFirstOrThrow();
    await tx.insertInto('signal_steps').values({
      signal_id: id, seq: Number(last.seq ?? 0) + 1, at, step, from_status: s.status, to_status: r.next.status,
      user_id: meta.actor.userId, user_name: meta.actor.displayName, text: input.text?.trim() || null,
    }).execute();
    await recordAudit(ctx, tx, meta, {
      action: `signal.${step}`, objectType: 'signal', objectId: id, orgId: s.org_id,
      detail: { case: s.case_number, rule: s.rule, level: s.level, from: s.status, to: r.next.status, version: s.version + 1 },
    });
    return (await tx.selectFrom('signals').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
  return detailOf(ctx, meta, updated);
}

// ---- rules ----

export interface RulesView {
  org: { id: string; path: string };
  /** The rules in force here: this org's own, an ancestor's, or the built-in default. */
  inForce: RegionRules;
  /** This org's own versions, newest first. */
  history: { version: number; preset: string; createdAt: string; createdBy: string }[];
  presets: Record<PresetName, RuleConfig>;
}

export async function getRules(ctx: AppContext, meta: Meta, orgId: string): Promise<RulesView> {
  const path = await orgPathIn(ctx, meta, orgId, 'supervision.read', '#/query/orgId');
  const all = await currentRules(ctx.db);
  const history = await ctx.db.selectFrom('supervision_rules').select(['version', 'preset', 'created_at', 'created_by'])
    .where('org_id', '=', orgId).orderBy('version', 'desc').execute();
  return {
    org: { id: orgId, path }, inForce: rulesForPath(all, path),
    history: history.map((h) => ({ version: Number(h.version), preset: h.preset, createdAt: h.created_at, createdBy: h.created_by })),
    presets: PRESET_RULES,
  };
}

/**
 * Sets an org's rules (a preset, or a full configuration): a new version, audited with the old and new
 * values. Every watched case of the region is looked at again by the next sweep.
 */
export async function putRules(ctx: AppContext, meta: Meta, orgId: string, input: { version: number; preset?: PresetName; config?: unknown }): Promise<RulesView> {
  const path = await orgPathIn(ctx, meta, orgId, 'supervision.manage', '#/orgId');
  let config: RuleConfig;
  if (input.preset !== undefined && input.config !== undefined) throw invalid([{ pointer: '#/config', code: 'ONE_OF', detail: '请选择预设（preset）或填写完整配置（config），不要同时提交' }]);
  if (input.preset !== undefined) {
    if (!(input.preset in PRESET_RULES)) throw invalid([{ pointer: '#/preset', code: 'NOT_ALLOWED', detail: '预设无效，可选：default、chengdu、zhanjiang' }]);
    config = structuredClone(PRESET_RULES[input.preset]);
  } else {
    const issues = validateRuleConfig(input.config);
    if (issues.length) throw invalid(issues.map((i) => ({ pointer: `#/config${i.pointer}`, code: 'INVALID', detail: i.detail })));
    config = input.config as RuleConfig;
  }
  await inTransaction(ctx.db, async (tx) => {
    const last = await tx.selectFrom('supervision_rules').select((eb) => eb.fn.max('version').as('v')).where('org_id', '=', orgId).executeTakeFirstOrThrow();
    const current = Number(last.v ?? 0);
    if (input.version !== current) {
      const detail = '监察规则已被他人修改，请刷新后重试';
      throw withCode(new Conflict(detail, [{ pointer: '#/version', code: 'STALE_VERSION', detail }]), 'STALE_VERSION');
    }
    const before = current ? await tx.selectFrom('supervision_rules').select('config').where('org_id', '=', orgId).where('version', '=', current).executeTakeFirst() : undefined;
    const at = ctx.now().toISOString();
    try {
      await tx.insertInto('supervision_rules').values({
        org_id: orgId, org_path: path, version: current + 1, preset: config.preset, config: JSON.stringify(config), created_at: at, created_by: meta.actor.userId,
      }).execute();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        const detail = '监察规则已被他人修改，请刷新后重试';
        throw withCode(new Conflict(detail, [{ pointer: '#/version', code: 'STALE_VERSION', detail }]), 'STALE_VERSION');
      }
      throw err;
    }
    // The region's moments were computed with the old thresholds: look at each case again.
    await tx.updateTable('case_watch').set({ next_at: at })
      .where('case_id', 'in', (eb) => eb.selectFrom('cases').select('id').where('accepting_org_path', 'like', `${path}%`)).execute();
    await recordAudit(ctx, tx, meta, {
      action: 'supervision.rules', objectType: 'org', objectId: orgId, orgId,
      detail: { version: current + 1, preset: config.preset, before: before ? JSON.parse(before.config) : null, after: config },
    });
  });
  forgetRules(ctx);
  return getRules(ctx, meta, orgId);
}

// ---- the summary (big screen) ----

export interface Summary {
  at: string;
  orgId: string | null;
  open: { warning: number; yellow: number; red: number };
  byOrg: { orgId: string; orgName: string; warning: number; yellow: number; red: number }[];
  newest: SignalTable[];
  overdueCases: number;
}

export async function summary(ctx: AppContext, meta: Meta, orgId?: string): Promise<Summary> {
  const scope = scopeOf(meta.actor.roles, 'supervision.read');
  const under = orgId ? await orgPathIn(ctx, meta, orgId, 'supervision.read', '#/query/orgId') : null;
  const now = ctx.now().toISOString();
  let open = ctx.db.selectFrom('signals').innerJoin('orgs', 'orgs.id', 'signals.org_id')
    .where((eb) => orgInScope(eb, { path: 'signals.org_path', id: 'signals.org_id' }, scope))
    .where('signals.status', 'not in', [...CLOSED_STATUSES]);
  if (under) open = open.where('signals.org_path', 'like', `${under}%`);
  const grouped = await open.select(['signals.org_id', 'orgs.name', 'signals.level', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['signals.org_id', 'orgs.name', 'signals.level']).execute();
  let newest = ctx.db.selectFrom('signals').selectAll().where((eb) => orgInScope(eb, { path: 'signals.org_path', id: 'signals.org_id' }, scope));
  if (under) newest = newest.where('org_path', 'like', `${under}%`);
  const caseScope = scopeOf(meta.actor.roles, 'cases.read');
  let overdue = ctx.db.selectFrom('cases').where('state', 'in', ['accepted', 'in_transfer', 'handling']).where('due_at', '<', now)
    .where((eb) => orgInScope(eb, { path: 'cases.current_org_path', id: 'cases.current_org_id' }, caseScope));
  if (under) overdue = overdue.where('current_org_path', 'like', `${under}%`);
  const [rows, overdueRow] = await Promise.all([
    newest.orderBy('raised_at', 'desc').orderBy('id').limit(10).execute(),
    overdue.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const byOrg = new Map<string, Summary['byOrg'][number]>();
  const totals = { warning: 0, yellow: 0, red: 0 };
  for (const g of grouped) {
    const entry = byOrg.get(g.org_id) ?? { orgId: g.org_id, orgName: g.name, warning: 0, yellow: 0, red: 0 };
    entry[g.level as SignalLevel] += Number(g.n);
    totals[g.level as SignalLevel] += Number(g.n);
    byOrg.set(g.org_id, entry);
  }
  return {
    at: now, orgId: orgId ?? null, open: totals,
    byOrg: [...byOrg.values()].sort((a, b) => b.red - a.red || b.yellow - a.yellow || b.warning - a.warning || a.orgName.localeCompare(b.orgName)),
    newest: rows, overdueCases: Number(overdueRow.n),
  };
}

// ---- the sweep on demand ----

export async function sweepNow(ctx: AppContext, meta: Meta): Promise<SweepResult> {
  if (!hasPermission(meta.actor.roles, 'supervision.manage') && !meta.actor.roles.some((g) => g.role === 'system_admin')) {
    throw withCode(new Forbidden('只有监察人员或系统管理员可以立即执行电子监察扫描'), 'FORBIDDEN');
  }
  const result = await sweep(ctx);
  await inTransaction(ctx.db, (tx) => recordAudit(ctx, tx, meta, {
    action: 'supervision.sweep', objectType: 'supervision', detail: { cases: result.cases, raised: result.raised, ...result.byLevel, ms: result.ms },
  }));
  return result;
}

export { BUILT_IN };
