// What leaves the server about signals, decided once: labels beside codes, people by name, no applicant data.
import Type, { type TSchema } from 'typebox';
import type { SignalTable } from '../../db/schema.ts';
import {
  PRESETS, SIGNAL_LEVEL_LABELS, SIGNAL_LEVELS, SIGNAL_RULE_LABELS, SIGNAL_RULES, SIGNAL_STATUS_LABELS, SIGNAL_STATUSES, SIGNAL_STEP_LABELS,
  SIGNAL_STEPS, type SignalLevel, type SignalRule, type SignalStatus,
} from '../../domain/supervision.ts';
import type { SweepResult } from './sweep.ts';
import type { RulesView, SignalDetail, Summary } from './service.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const enumOf = (values: readonly string[], labels: Record<string, string>, description: string) =>
  Type.Unsafe<string>({ type: 'string', enum: [...values], description: `${description}：${values.map((v) => `${v}=${labels[v]}`).join('，')}` });

export const LevelName = enumOf(SIGNAL_LEVELS, SIGNAL_LEVEL_LABELS, '信号等级');
export const StatusName = enumOf(SIGNAL_STATUSES, SIGNAL_STATUS_LABELS, '信号状态');
export const RuleName = enumOf(SIGNAL_RULES, SIGNAL_RULE_LABELS, '监察规则');
export const StepName = enumOf(SIGNAL_STEPS, SIGNAL_STEP_LABELS, '跟踪操作');

const SignalFields = {
  id: Type.String(),
  caseId: Type.String(), caseNumber: Type.String(), itemName: Type.String(),
  stageIndex: Type.Integer({ description: '环节序号（从 0 起）；-1 表示整个办件' }), stageName: Nullable(Type.String()),
  rule: RuleName, ruleLabel: Type.String(), level: LevelName, levelLabel: Type.String(),
  ruleVersion: Type.Integer({ description: '规则版本（0 为系统默认）' }), ruleOrgId: Nullable(Type.String()),
  basis: Type.String({ description: '依据' }), deadlineAt: Nullable(Type.String()),
  unitId: Type.String(), unitName: Type.String(), orgId: Type.String(),
  responsibleUserId: Nullable(Type.String()), headUserId: Nullable(Type.String()),
  raisedAt: Type.String(), feedbackDueAt: Type.String({ description: '反馈期限' }),
  status: StatusName, statusLabel: Type.String(), appealed: Type.Boolean(), closedAt: Nullable(Type.String()),
  version: Type.Integer({ description: '跟踪操作须提交读取时的版本号；已被他人处理时返回 409' }),
};
export const SignalSummaryView = Type.Object(SignalFields);

export function presentSignal(s: SignalTable) {
  return {
    id: s.id, caseId: s.case_id, caseNumber: s.case_number, itemName: s.item_name, stageIndex: s.stage_index, stageName: s.stage_name,
    rule: s.rule, ruleLabel: SIGNAL_RULE_LABELS[s.rule as SignalRule] ?? s.rule, level: s.level, levelLabel: SIGNAL_LEVEL_LABELS[s.level as SignalLevel] ?? s.level,
    ruleVersion: s.rule_version, ruleOrgId: s.rule_org_id, basis: s.basis, deadlineAt: s.deadline_at,
    unitId: s.unit_id, unitName: s.unit_name, orgId: s.org_id, responsibleUserId: s.responsible_user_id, headUserId: s.head_user_id,
    raisedAt: s.raised_at, feedbackDueAt: s.feedback_due_at, status: s.status, statusLabel: SIGNAL_STATUS_LABELS[s.status as SignalStatus] ?? s.status,
    appealed: s.appealed === 1, closedAt: s.closed_at, version: s.version,
  };
}

export const SignalListView = Type.Object({ total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(), items: Type.Array(SignalSummaryView) });

export const SignalView = Type.Object({
  ...SignalFields,
  responsibleName: Nullable(Type.String()), headName: Nullable(Type.String()),
  case: Type.Object({ id: Type.String(), number: Type.String(), itemName: Type.String(), state: Type.String(), dueAt: Nullable(Type.String()), acceptedAt: Nullable(Type.String()) }),
  steps: Type.Array(Type.Object({
    seq: Type.Integer(), at: Type.String(), step: Type.String(), stepLabel: Type.String(), fromStatus: Nullable(Type.String()), toStatus: Type.String(),
    userId: Nullable(Type.String()), userName: Type.String(), text: Nullable(Type.String()),
  })),
  allowedSteps: Type.Array(StepName, { description: '本人此刻可做的跟踪操作' }),
});

export function presentDetail(d: SignalDetail) {
  const s = d.signal;
  return {
    ...presentSignal(s),
    responsibleName: s.responsible_user_id ? d.names.get(s.responsible_user_id) ?? null : null,
    headName: s.head_user_id ? d.names.get(s.head_user_id) ?? null : null,
    case: { id: d.caseRow.id, number: d.caseRow.number, itemName: d.caseRow.item_name, state: d.caseRow.state, dueAt: d.caseRow.due_at, acceptedAt: d.caseRow.accepted_at },
    steps: d.steps.map((st) => ({
      seq: st.seq, at: st.at, step: st.step, stepLabel: st.step === 'raise' ? '发出' : SIGNAL_STEP_LABELS[st.step as 'close'] ?? st.step,
      fromStatus: st.from_status, toStatus: st.to_status, userId: st.user_id, userName: st.user_name, text: st.text,
    })),
    allowedSteps: d.allowedSteps,
  };
}

const LevelCounts = Type.Object({ warning: Type.Integer(), yellow: Type.Integer(), red: Type.Integer() });

export const SummaryView = Type.Object({
  at: Type.String(), orgId: Nullable(Type.String()),
  open: LevelCounts,
  byOrg: Type.Array(Type.Object({ orgId: Type.String(), orgName: Type.String(), warning: Type.Integer(), yellow: Type.Integer(), red: Type.Integer() })),
  newest: Type.Array(SignalSummaryView),
  overdueCases: Type.Integer({ description: '当前已超期未办结的办件数' }),
});

export function presentSummary(s: Summary) {
  return { at: s.at, orgId: s.orgId, open: s.open, byOrg: s.byOrg, newest: s.newest.map(presentSignal), overdueCases: s.overdueCases };
}

export const SweepView = Type.Object({ cases: Type.Integer(), raised: Type.Integer(), byLevel: LevelCounts, pages: Type.Integer(), ms: Type.Integer() });
export const presentSweep = (r: SweepResult) => r;

const ConfigSchema = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: '规则配置（RuleConfig，见 docs/supervision.md）' });

export const RulesView_ = Type.Object({
  orgId: Type.String(),
  inForce: Type.Object({ orgId: Nullable(Type.String()), version: Type.Integer(), inherited: Type.Boolean(), config: ConfigSchema }),
  version: Type.Integer({ description: '本机构自己的规则版本（0 为未设置）；修改时提交' }),
  history: Type.Array(Type.Object({ version: Type.Integer(), preset: Type.String(), createdAt: Type.String(), createdBy: Type.String() })),
  presets: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: `预设：${PRESETS.join('、')}` }),
});

export function presentRules(r: RulesView) {
  return {
    orgId: r.org.id,
    inForce: { orgId: r.inForce.orgId, version: r.inForce.version, inherited: r.inForce.orgId !== r.org.id, config: r.inForce.config as unknown as Record<string, unknown> },
    version: r.history[0]?.version ?? 0,
    history: r.history,
    presets: r.presets as unknown as Record<string, unknown>,
  };
}
