/**
 * Electronic supervision (电子监察): which signals a case has earned, when the next one may fall due,
 * and how a signal is followed up. Pure: a case snapshot, a rule configuration, a work calendar and
 * a moment in; signals and moments out. The supervision module stores what these functions decide.
 *
 * Signals. Each is raised at most once per (case, stage, rule); stage -1 names the whole case.
 * - case_near (办件临近时限): the case has at most max(days, fraction × limit) working days left;
 * - stage_near (环节临近时限): the same for the current stage and its own limit;
 * - stage_overdue (环节超时): a stage passed its own limit, though the total may not have;
 * - case_overdue (办件超期): the case passed its committed limit (decided late counts too);
 * - case_oversight_overdue (督办期满仍未办结): Zhanjiang's scheme — after the limit passed, a new
 *   oversight deadline of N working days; still undecided after it;
 * - village_unsigned (村报送未签收): a case a village room sent (in a batch) not signed for by the
 *   township desk within N working days;
 * - no_reason (拒绝无理由): a refusal (不予受理) or denial (不予许可) without a real reason;
 * - skipped_stage (跳过环节): a stage of the process never completed before the decision or the
 *   next stage;
 * - fee_mismatch (收费不符): the fee charged differs from the published standard.
 *
 * Colours are configuration (domain.md §10): the level of each rule (warning, yellow, red, or off)
 * comes from the region's rules, with presets for Chengdu and Zhanjiang.
 */
import { addWorkingDays, countWorkingDays, shanghaiDate, type WorkCalendar } from './calendar.ts';
import { readCaseClock, readStageClock, type CaseClock } from './case-clock.ts';
import type { CaseSnapshot, CaseState } from './case-lifecycle.ts';

// ---- vocabulary ----

export const SIGNAL_LEVELS = ['warning', 'yellow', 'red'] as const;
export type SignalLevel = (typeof SIGNAL_LEVELS)[number];
export const SIGNAL_LEVEL_LABELS: Record<SignalLevel, string> = { warning: '预警', yellow: '黄牌', red: '红牌' };

export const SIGNAL_RULES = [
  'case_near', 'stage_near', 'stage_overdue', 'case_overdue', 'case_oversight_overdue',
  'village_unsigned', 'no_reason', 'skipped_stage', 'fee_mismatch',
] as const;
export type SignalRule = (typeof SIGNAL_RULES)[number];
export const SIGNAL_RULE_LABELS: Record<SignalRule, string> = {
  case_near: '办件临近承诺时限',
  stage_near: '环节临近时限',
  stage_overdue: '环节超过本环节时限',
  case_overdue: '办件超过承诺时限',
  case_oversight_overdue: '超期督办期满仍未办结',
  village_unsigned: '村报送批次未按时签收',
  no_reason: '不予受理或不予许可未说明理由',
  skipped_stage: '办件跳过办理环节',
  fee_mismatch: '收费与公示标准不符',
};
/** Stage index of a signal about the whole case rather than one stage. */
export const WHOLE_CASE = -1;

export const PRESETS = ['default', 'chengdu', 'zhanjiang'] as const;
export type PresetName = (typeof PRESETS)[number];
export const PRESET_LABELS: Record<PresetName | 'custom', string> = {
  default: '默认（预警、黄牌、红牌）', chengdu: '成都模式（临近亮黄牌，超期亮红牌）',
  zhanjiang: '湛江模式（临近短信提醒，超期黄牌并限期督办，督办期满仍未办结红牌）', custom: '自定义',
};

export interface RuleConfig {
  preset: PresetName | 'custom';
  /** The level each rule raises; null turns the rule off. */
  levels: Record<SignalRule, SignalLevel | null>;
  /** Near a deadline: at most `days` working days left, or at most `fraction` of the limit, whichever is larger. */
  warning: { days: number; fraction: number };
  /** Zhanjiang: working days of the oversight deadline set when a case passes its limit. */
  oversightDays: number;
  /** Working days a township desk has to sign for what a village room sent. */
  villageSignForDays: number;
  /** Working days the carded unit has to answer (explain or rectify) a signal. */
  feedbackDays: number;
  /** A refusal or denial reason shorter than this (after trimming) counts as no reason. */
  minReasonChars: number;
}

const DEFAULT_LEVELS: Record<SignalRule, SignalLevel | null> = {
  case_near: 'warning', stage_near: 'warning', stage_overdue: 'yellow', case_overdue: 'red', case_oversight_overdue: null,
  village_unsigned: 'yellow', no_reason: 'red', skipped_stage: 'red', fee_mismatch: 'red',
};

const BASE: Omit<RuleConfig, 'preset' | 'levels'> = {
  warning: { days: 1, fraction: 0.2 }, oversightDays: 3, villageSignForDays: 2, feedbackDays: 5, minReasonChars: 2,
};

export const PRESET_RULES: Record<PresetName, RuleConfig> = {
  default: { preset: 'default', levels: { ...DEFAULT_LEVELS }, ...structuredClone(BASE) },
  // Chengdu: yellow as the deadline nears, red when overdue (a step past its own limit: yellow).
  chengdu: {
    preset: 'chengdu',
    levels: { ...DEFAULT_LEVELS, case_near: 'yellow', stage_near: null, stage_overdue: 'yellow', case_overdue: 'red' },
    ...structuredClone(BASE),
  },
  // Zhanjiang: a reminder (SMS) one working day before, yellow when overdue with a new oversight
  // deadline, red when still unfinished after it.
  zhanjiang: {
    preset: 'zhanjiang',
    levels: { ...DEFAULT_LEVELS, case_near: 'warning', stage_near: 'warning', stage_overdue: 'yellow', case_overdue: 'yellow', case_oversight_overdue: 'red' },
    ...structuredClone(BASE),
    warning: { days: 1, fraction: 0 },
    oversightDays: 3,
  },
};

export const DEFAULT_RULES: RuleConfig = PRESET_RULES.default;

// ---- validating a configuration ----

export interface RuleIssue {
  pointer: string;
  detail: string;
}

const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Problems with a configuration sent by a supervisor (pointers relative to it); [] when valid. */
export function validateRuleConfig(input: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [{ pointer: '', detail: '规则配置应为对象' }];
  const c = input as Record<string, unknown>;
  if (!(['custom', ...PRESETS] as unknown[]).includes(c.preset)) issues.push({ pointer: '/preset', detail: `预设无效，可选：custom、${PRESETS.join('、')}` });
  const levels = c.levels as Record<string, unknown> | undefined;
  if (typeof levels !== 'object' || levels === null || Array.isArray(levels)) {
    issues.push({ pointer: '/levels', detail: '请为每条规则设置等级（warning、yellow、red 或 null 关闭）' });
  } else {
    for (const rule of SIGNAL_RULES) {
      const v = levels[rule];
      if (v !== null && !(SIGNAL_LEVELS as readonly unknown[]).includes(v)) {
        issues.push({ pointer: `/levels/${rule}`, detail: `“${SIGNAL_RULE_LABELS[rule]}”的等级应为 warning（预警）、yellow（黄牌）、red（红牌）或 null（关闭）` });
      }
    }
    for (const k of Object.keys(levels)) if (!(SIGNAL_RULES as readonly string[]).includes(k)) issues.push({ pointer: `/levels/${k}`, detail: `不认识的规则 ${k}` });
  }
  const w = c.warning as Record<string, unknown> | undefined;
  if (typeof w !== 'object' || w === null) issues.push({ pointer: '/warning', detail: '请设置预警阈值（剩余工作日 days 与剩余比例 fraction）' });
  else {
    if (!isInt(w.days, 0, 30)) issues.push({ pointer: '/warning/days', detail: '预警剩余工作日应为 0 到 30 之间的整数' });
    if (typeof w.fraction !== 'number' || !(w.fraction >= 0 && w.fraction <= 0.9)) issues.push({ pointer: '/warning/fraction', detail: '预警剩余比例应在 0 到 0.9 之间（如 0.2 表示 20%）' });
  }
  if (!isInt(c.oversightDays, 1, 60)) issues.push({ pointer: '/oversightDays', detail: '督办期限应为 1 到 60 个工作日' });
  if (!isInt(c.villageSignForDays, 1, 30)) issues.push({ pointer: '/villageSignForDays', detail: '村报送签收时限应为 1 到 30 个工作日' });
  if (!isInt(c.feedbackDays, 1, 60)) issues.push({ pointer: '/feedbackDays', detail: '反馈期限应为 1 到 60 个工作日' });
  if (!isInt(c.minReasonChars, 1, 50)) issues.push({ pointer: '/minReasonChars', detail: '理由最少字数应为 1 到 50 之间的整数' });
  return issues;
}

// ---- what a case has earned ----

export interface DueSignal {
  rule: SignalRule;
  level: SignalLevel;
  stageIndex: number;
  /** The deadline passed or nearing, when the rule is about one. */
  deadlineAt: string | null;
  /** The facts in one Chinese sentence (依据), for the card and its notices. */
  basis: string;
}

/** The published fee standard (catalog Fee) and what was charged, when an action recorded it. */
export interface FeeFacts {
  standard: { charged: boolean; amountYuan?: number };
  chargedYuan: number;
}

const RUNNING: readonly CaseState[] = ['accepted', 'in_transfer', 'handling'];
const ms = (at: string | Date) => (typeof at === 'string' ? Date.parse(at) : at.getTime());
const iso = (d: Date) => d.toISOString();
const after = (d: Date) => new Date(d.getTime() + 1);
const fmt = (at: string | Date) => `${shanghaiDate(at)}`;

/** Is this a reason in substance? Blank, too short, or a placeholder (无、略、/ …) is not. */
export function hasReason(reason: string | null | undefined, minChars: number): boolean {
  const r = (reason ?? '').trim();
  if (r.length < minChars) return false;
  return !/^(无|没有|无理由|略|同上|不详|[/\\\-—_.。,，、\s])+$/u.test(r);
}

/** Does the fee charged differ from the published standard? null when the standard names no amount to compare. */
export function feeDiffers(f: FeeFacts): boolean | null {
  if (!Number.isFinite(f.chargedYuan) || f.chargedYuan < 0) return true;
  if (!f.standard.charged) return f.chargedYuan > 0;
  if (f.standard.amountYuan === undefined) return null;
  return Math.round(f.chargedYuan * 100) !== Math.round(f.standard.amountYuan * 100);
}

/** Stages of the process that were passed over: before the current one (or all, once approved) and never completed. */
export function skippedStages(s: Pick<CaseSnapshot, 'stageIndex' | 'item' | 'clock' | 'decision'>): number[] {
  const upTo = s.decision?.outcome === 'approved' ? s.item.process.length : Math.min(s.stageIndex, s.item.process.length);
  const out: number[] = [];
  for (let i = 0; i < upTo; i++) {
    if (!s.clock.stages.some((c) => c.index === i && c.finishedAt !== null)) out.push(i);
  }
  return out;
}

/** The first moment at which at most `threshold` working days are left before `due` (start of that Shanghai day). */
export function nearMoment(cal: WorkCalendar, due: Date, limitDays: number, warning: RuleConfig['warning']): Date {
  const threshold = Math.max(warning.days, warning.fraction * limitDays);
  const startOf = (date: string) => new Date(`${date}T00:00:00+08:00`);
  let day = shanghaiDate(due);
  for (let i = 0; i < 400; i++) {
    const before = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    if (countWorkingDays(cal, startOf(before), due) > threshold) break;
    day = before;
  }
  return startOf(day);
}

const running = (s: CaseSnapshot) => RUNNING.includes(s.state) && s.clock.stoppedAt === null && !s.clock.pauses.some((p) => p.to === null);

function levelOf(cfg: RuleConfig, rule: SignalRule): SignalLevel | null {
  return cfg.levels[rule] ?? null;
}

export interface Supervision {
  /** Signals that hold at `now` (the caller raises each at most once). */
  due: DueSignal[];
  /** The earliest moment after `now` at which a further time-based signal may fall due; null when none can without another case action. */
  nextAt: string | null;
}

/**
 * Everything supervision decides about one case at `now`. Time-based rules read the clocks
 * (case-clock.ts) with the region's warning threshold; event rules read what the snapshot records.
 * `fee` is given when the last action recorded a fee charged.
 */
export function superviseCase(s: CaseSnapshot, cfg: RuleConfig, cal: WorkCalendar, now: Date, fee?: FeeFacts): Supervision {
  const due: DueSignal[] = [];
  const next: Date[] = [];
  const nowMs = now.getTime();
  const add = (rule: SignalRule, stageIndex: number, deadline: Date | null, basis: string) => {
    const level = levelOf(cfg, rule);
    if (level) due.push({ rule, level, stageIndex, deadlineAt: deadline ? iso(deadline) : null, basis });
  };
  const later = (rule: SignalRule, at: Date) => {
    if (levelOf(cfg, rule) && at.getTime() > nowMs) next.push(at);
  };
  const live = running(s);
  const clock: CaseClock = s.clock;

  // The whole case against its committed limit.
  const caseReading = readCaseClock(cal, clock, now, cfg.warning);
  if (caseReading && !caseReading.paused) {
    const { due: dueAt, limitDays } = caseReading;
    const decidedAt = clock.stoppedAt;
    const overdue = decidedAt ? ms(decidedAt) > dueAt.getTime() : nowMs > dueAt.getTime();
    if (overdue) {
      add('case_overdue', WHOLE_CASE, dueAt, decidedAt
        ? `承诺时限 ${limitDays} 个工作日，应于 ${fmt(dueAt)} 前办结，实际 ${fmt(decidedAt)} 才作出决定`
        : `承诺时限 ${limitDays} 个工作日，应于 ${fmt(dueAt)} 前办结，至今未办结`);
      const oversight = addWorkingDays(cal, dueAt, cfg.oversightDays).due;
      const stillOpen = decidedAt ? ms(decidedAt) > oversight.getTime() : nowMs > oversight.getTime();
      if (stillOpen) {
        add('case_oversight_overdue', WHOLE_CASE, oversight, `超期后限期 ${cfg.oversightDays} 个工作日（至 ${fmt(oversight)}）督办，期满仍未办结`);
      } else if (live) later('case_oversight_overdue', after(oversight));
    } else if (live) {
      const near = nearMoment(cal, dueAt, limitDays, cfg.warning);
      if (nowMs >= near.getTime()) {
        add('case_near', WHOLE_CASE, dueAt, `承诺时限 ${limitDays} 个工作日，将于 ${fmt(dueAt)} 到期，剩余 ${caseReading.remainingWorkingDays} 个工作日`);
      } else later('case_near', near);
      later('case_overdue', after(dueAt));
      if (levelOf(cfg, 'case_oversight_overdue') && !levelOf(cfg, 'case_overdue')) {
        later('case_oversight_overdue', after(addWorkingDays(cal, dueAt, cfg.oversightDays).due));
      }
    }
  }

  // Each stage against its own limit: every stage that ran (finished late counts), the current one for nearing.
  for (const st of clock.stages) {
    const r = readStageClock(cal, clock, st.index, now, cfg.warning);
    if (!r || r.paused) continue;
    const name = s.item.process[st.index]?.name ?? `第 ${st.index + 1} 环节`;
    const finishedAt = st.finishedAt ?? (clock.stoppedAt && ms(clock.stoppedAt) < nowMs ? clock.stoppedAt : null);
    const overdue = finishedAt ? ms(finishedAt) > r.due.getTime() : nowMs > r.due.getTime();
    if (overdue) {
      add('stage_overdue', st.index, r.due, finishedAt
        ? `环节“${name}”时限 ${r.limitDays} 个工作日，应于 ${fmt(r.due)} 前完成，实际 ${fmt(finishedAt)} 完成`
        : `环节“${name}”时限 ${r.limitDays} 个工作日，应于 ${fmt(r.due)} 前完成，至今未完成`);
    } else if (!finishedAt && live && st.index === s.stageIndex) {
      const near = nearMoment(cal, r.due, r.limitDays, cfg.warning);
      if (nowMs >= near.getTime()) add('stage_near', st.index, r.due, `环节“${name}”将于 ${fmt(r.due)} 到期，剩余 ${r.remainingWorkingDays} 个工作日`);
      else later('stage_near', near);
      later('stage_overdue', after(r.due));
    }
  }

  // What a village room sent, waiting for the township desk's sign-for.
  if (s.state === 'in_transfer' && s.transfer && s.path[s.path.length - 1]?.unitKind === 'village_room') {
    const signBy = addWorkingDays(cal, s.transfer.at, cfg.villageSignForDays).due;
    if (nowMs > signBy.getTime()) {
      add('village_unsigned', WHOLE_CASE, signBy, `村便民服务室 ${fmt(s.transfer.at)} 报送，乡镇应在 ${cfg.villageSignForDays} 个工作日内（${fmt(signBy)} 前）签收，至今未签收`);
    } else later('village_unsigned', after(signBy));
  }

  // Event rules: what the snapshot records.
  if (s.ending?.kind === 'refused' && !hasReason(s.ending.reason, cfg.minReasonChars)) {
    add('no_reason', WHOLE_CASE, null, `${fmt(s.ending.at)} 作出不予受理，未说明理由`);
  }
  if (s.decision?.outcome === 'denied' && !hasReason(s.decision.reason, cfg.minReasonChars)) {
    add('no_reason', WHOLE_CASE, null, `${fmt(s.decision.at)} 作出不予许可决定，未说明理由`);
  }
  const skipped = skippedStages(s);
  if (skipped.length > 0) {
    const names = skipped.map((i) => `“${s.item.process[i]?.name ?? i + 1}”`).join('、');
    add('skipped_stage', skipped[0]!, null, `办理流程中的环节${names}未办理即进入后续环节或作出决定`);
  }
  if (fee && feeDiffers(fee) === true) {
    const std = fee.standard.charged ? (fee.standard.amountYuan !== undefined ? `${fee.standard.amountYuan} 元` : '见公示') : '不收费';
    add('fee_mismatch', WHOLE_CASE, null, `公示收费标准：${std}，实际收取 ${fee.chargedYuan} 元`);
  }

  const nextAt = next.length ? iso(new Date(Math.min(...next.map((d) => d.getTime())))) : null;
  return { due, nextAt };
}

// ---- following a signal up (纠错/整改, 申诉, 督办) ----

export const SIGNAL_STATUSES = ['open', 'acknowledged', 'explained', 'rectified', 'appealed', 'escalated', 'closed', 'revoked'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];
export const SIGNAL_STATUS_LABELS: Record<SignalStatus, string> = {
  open: '已发出（待反馈）', acknowledged: '已签收', explained: '已说明情况', rectified: '已整改（待核销）',
  appealed: '申诉中', escalated: '督办中（已升级）', closed: '已核销', revoked: '已撤销',
};
export const CLOSED_STATUSES: readonly SignalStatus[] = ['closed', 'revoked'];

export const SIGNAL_STEPS = ['acknowledge', 'explain', 'rectify', 'appeal', 'close', 'revoke', 'reject_appeal', 'escalate'] as const;
export type SignalStep = (typeof SIGNAL_STEPS)[number];
export const SIGNAL_STEP_LABELS: Record<SignalStep, string> = {
  acknowledge: '签收', explain: '说明情况', rectify: '纠错整改', appeal: '申诉',
  close: '核销', revoke: '撤销', reject_appeal: '驳回申诉', escalate: '升级督办',
};

/** Who takes each step: the responsible unit, or the supervisor. */
export const STEP_SIDE: Record<SignalStep, 'unit' | 'supervisor'> = {
  acknowledge: 'unit', explain: 'unit', rectify: 'unit', appeal: 'unit',
  close: 'supervisor', revoke: 'supervisor', reject_appeal: 'supervisor', escalate: 'supervisor',
};

const STEP_FROM: Record<SignalStep, readonly SignalStatus[]> = {
  acknowledge: ['open', 'escalated'],
  explain: ['open', 'acknowledged', 'escalated'],
  rectify: ['open', 'acknowledged', 'explained', 'escalated'],
  appeal: ['open', 'acknowledged', 'explained'],
  close: ['acknowledged', 'explained', 'rectified'],
  revoke: ['open', 'acknowledged', 'explained', 'rectified', 'appealed', 'escalated'],
  reject_appeal: ['appealed'],
  escalate: ['open', 'acknowledged', 'explained', 'appealed'],
};

const STEP_TO: Record<SignalStep, SignalStatus> = {
  acknowledge: 'acknowledged', explain: 'explained', rectify: 'rectified', appeal: 'appealed',
  close: 'closed', revoke: 'revoked', reject_appeal: 'acknowledged', escalate: 'escalated',
};

/** Steps whose text (说明, 整改措施, 申诉理由, 撤销/驳回/升级理由) is required. */
const TEXT_REQUIRED: Record<SignalStep, string | null> = {
  acknowledge: null, explain: '情况说明', rectify: '纠错整改措施及结果', appeal: '申诉理由',
  close: null, revoke: '撤销理由', reject_appeal: '驳回理由', escalate: '升级督办意见',
};

export interface SignalFacts {
  status: SignalStatus;
  level: SignalLevel;
  /** A unit appeals once. */
  appealed: boolean;
}

export type StepResult =
  | { ok: true; next: SignalFacts }
  | { ok: false; code: 'invalid_state' | 'forbidden' | 'invalid_input'; detail: string; pointer?: string };

/** One follow-up step by one side; pure. */
export function applySignalStep(s: SignalFacts, step: SignalStep, side: 'unit' | 'supervisor', text?: string | null): StepResult {
  if (!(SIGNAL_STEPS as readonly string[]).includes(step)) return { ok: false, code: 'invalid_input', detail: '未知的跟踪操作', pointer: '/step' };
  const label = SIGNAL_STEP_LABELS[step];
  if (STEP_SIDE[step] !== side) {
    return { ok: false, code: 'forbidden', detail: STEP_SIDE[step] === 'unit' ? `${label}由被监察的责任单位办理` : `${label}由监察人员办理` };
  }
  if (!STEP_FROM[step].includes(s.status)) {
    const detail = CLOSED_STATUSES.includes(s.status)
      ? `本信号${SIGNAL_STATUS_LABELS[s.status]}，不能再${label}`
      : `本信号当前为“${SIGNAL_STATUS_LABELS[s.status]}”，不能${label}`;
    return { ok: false, code: 'invalid_state', detail };
  }
  if (step === 'appeal' && s.appealed) return { ok: false, code: 'invalid_state', detail: '本信号已申诉过一次，申诉被驳回后不能再次申诉' };
  if (step === 'close' && s.level !== 'warning' && s.status === 'acknowledged') {
    return { ok: false, code: 'invalid_state', detail: '黄牌、红牌须由责任单位说明情况或整改后才能核销' };
  }
  const need = TEXT_REQUIRED[step];
  if (need && (typeof text !== 'string' || text.trim().length < 2)) {
    return { ok: false, code: 'invalid_input', detail: `请填写${need}`, pointer: '/text' };
  }
  return { ok: true, next: { status: STEP_TO[step], level: s.level, appealed: s.appealed || step === 'appeal' } };
}

/** The steps each side may take now (for the UI). */
export function allowedSteps(s: SignalFacts, sides: readonly ('unit' | 'supervisor')[]): SignalStep[] {
  return SIGNAL_STEPS.filter((step) => sides.some((side) => {
    const r = applySignalStep(s, step, side, 'xx');
    return r.ok;
  }));
}
