// What leaves the server about batches, decided once: applicants' names masked (surname only), no
// ID or phone numbers at all, people and units by name, every moment as ISO text.
import Type, { type TSchema } from 'typebox';
import { maskName } from '../../../shared/validators/mask.ts';
import type { BatchCaseStatus, BatchKind, BatchState, BatchTable } from '../../db/schema.ts';
import { CASE_STATE_LABELS, type CaseState } from '../../domain/case-lifecycle.ts';
import {
  BATCH_ACTIONS, BATCH_CASE_STATUS_LABELS, BATCH_KIND_LABELS, BATCH_STATE_LABELS, type BatchDetail, type listBatches,
} from './service.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const enumOf = <T extends string>(labels: Record<T, string>, description: string) => {
  const values = Object.keys(labels) as T[];
  return Type.Unsafe<T>({ type: 'string', enum: values, description: `${description}：${values.map((v) => `${v}=${labels[v]}`).join('，')}` });
};

export const BatchKindName = enumOf<BatchKind>(BATCH_KIND_LABELS, '批次类别');
export const BatchStateName = enumOf<BatchState>(BATCH_STATE_LABELS, '批次状态');
const CaseStatusName = enumOf<BatchCaseStatus>(BATCH_CASE_STATUS_LABELS, '办件在批次中的状态');
const Person = Nullable(Type.Object({ id: Type.String(), name: Type.String() }));
const OrgRef = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() });

const BatchFields = {
  id: Type.String(),
  number: Type.String({ description: '批次编号：发出单位代码-PS(报送)/HS(回送)-日期-序号，如 341125101001-PS-20261125-01' }),
  kind: BatchKindName, kindLabel: Type.String(),
  state: BatchStateName, stateLabel: Type.String(),
  village: OrgRef, township: OrgRef,
  villageUnitId: Type.String(), deskUnitId: Type.String(),
  caseCount: Type.Integer(), materialsCount: Type.Integer({ description: '随批次移交的材料总份数' }),
  missingCount: Type.Integer({ description: '清点时标记为缺件的办件数' }),
  note: Nullable(Type.String()),
  createdAt: Type.String(), sentAt: Nullable(Type.String()), checkedAt: Nullable(Type.String()), cancelledAt: Nullable(Type.String()),
  version: Type.Integer({ description: '发出、清点、作废时须提交读取时的版本号' }),
};

export const BatchSummaryView = Type.Object(BatchFields);

export const BatchView = Type.Object({
  ...BatchFields,
  villageUnitName: Type.String(), deskUnitName: Type.String(),
  createdBy: Person, sentBy: Person, checkedBy: Person, cancelledBy: Person,
  allowedActions: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...BATCH_ACTIONS] }), { description: '本人此刻可做的批次操作' }),
  cases: Type.Array(Type.Object({
    caseId: Type.String(), number: Type.String(), position: Type.Integer(),
    itemName: Type.String(), applicantName: Type.String({ description: '申请人姓名（脱敏）' }),
    caseState: Type.String(), caseStateLabel: Type.String(), caseVersion: Type.Integer(),
    status: CaseStatusName, statusLabel: Type.String(),
    materials: Type.Array(Type.String()), materialsCount: Type.Integer(),
    sentVersion: Nullable(Type.Integer()),
    signedAt: Nullable(Type.String()), signedBy: Person,
    flaggedAt: Nullable(Type.String({ description: '清点时标记缺件的时间（已找到并签收的仍保留）' })), flaggedBy: Person,
    deliveredAt: Nullable(Type.String()), deliveredBy: Person,
  })),
});

export const BatchListView = Type.Object({
  total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(), items: Type.Array(BatchSummaryView),
});

type Orgs = Map<string, { id: string; code: string; name: string }>;
const orgOf = (orgs: Orgs, id: string) => {
  const o = orgs.get(id);
  return o ? { id: o.id, code: o.code, name: o.name } : { id, code: '', name: '' };
};

function summary(b: BatchTable, orgs: Orgs, missing: number) {
  return {
    id: b.id, number: b.number, kind: b.kind, kindLabel: BATCH_KIND_LABELS[b.kind], state: b.state, stateLabel: BATCH_STATE_LABELS[b.state],
    village: orgOf(orgs, b.village_org_id), township: orgOf(orgs, b.township_org_id),
    villageUnitId: b.village_unit_id, deskUnitId: b.desk_unit_id,
    caseCount: b.case_count, materialsCount: b.materials_count, missingCount: missing, note: b.note,
    createdAt: b.created_at, sentAt: b.sent_at, checkedAt: b.checked_at, cancelledAt: b.cancelled_at, version: b.version,
  };
}

export function presentBatch(d: BatchDetail) {
  const person = (id: string | null) => (id ? { id, name: d.names.get(id) ?? '' } : null);
  const b = d.batch;
  return {
    ...summary(b, d.orgs, d.cases.filter((c) => c.status === 'missing').length),
    villageUnitName: d.units.get(b.village_unit_id) ?? '', deskUnitName: d.units.get(b.desk_unit_id) ?? '',
    createdBy: person(b.created_by), sentBy: person(b.sent_by), checkedBy: person(b.checked_by), cancelledBy: person(b.cancelled_by),
    allowedActions: d.allowedActions,
    cases: d.cases.map((c) => ({
      caseId: c.case_id, number: c.case_number, position: c.position,
      itemName: c.item_name, applicantName: maskName(c.applicant_name),
      caseState: c.case_state, caseStateLabel: CASE_STATE_LABELS[c.case_state] ?? c.case_state, caseVersion: c.case_version,
      status: c.status, statusLabel: BATCH_CASE_STATUS_LABELS[c.status],
      materials: JSON.parse(c.materials) as string[], materialsCount: c.materials_count, sentVersion: c.sent_version,
      signedAt: c.signed_at, signedBy: person(c.signed_by),
      flaggedAt: c.flagged_at, flaggedBy: person(c.flagged_by),
      deliveredAt: c.delivered_at, deliveredBy: person(c.delivered_by),
    })),
  };
}

export function presentBatchList(list: Awaited<ReturnType<typeof listBatches>>, page: number, pageSize: number) {
  return {
    total: list.total, page, pageSize,
    items: list.rows.map((b) => summary(b, list.orgs, list.missing.get(b.id) ?? 0)),
  };
}

export const CandidatesView = Type.Object({
  village: OrgRef, villageUnitId: Type.String(), deskUnitId: Type.String(),
  items: Type.Array(Type.Object({
    caseId: Type.String(), number: Type.String(), itemName: Type.String(), applicantName: Type.String(),
    state: Type.String(), stateLabel: Type.String(), version: Type.Integer(), acceptedAt: Nullable(Type.String()),
  })),
});

export function presentCandidates(c: { route: { village: { id: string; code: string; name: string }; villageUnitId: string; deskUnitId: string }; rows: { id: string; number: string; item_name: string; applicant_name: string; state: string; version: number; accepted_at: string | null }[] }) {
  return {
    village: { id: c.route.village.id, code: c.route.village.code, name: c.route.village.name },
    villageUnitId: c.route.villageUnitId, deskUnitId: c.route.deskUnitId,
    items: c.rows.map((r) => ({
      caseId: r.id, number: r.number, itemName: r.item_name, applicantName: maskName(r.applicant_name),
      state: r.state, stateLabel: CASE_STATE_LABELS[r.state as CaseState] ?? r.state, version: r.version, acceptedAt: r.accepted_at,
    })),
  };
}
