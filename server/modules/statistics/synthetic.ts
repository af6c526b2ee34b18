// Case rows written straight into the cases table, for statistics tests and bench/reports: only the
// columns reports read are meaningful; the rest are the NOT NULL minimum and one shared snapshot
// string. Never used by the application itself.
import type { Db } from '../../db/index.ts';
import type { CaseTable, UnitKind } from '../../db/schema.ts';

export interface SyntheticCase {
  orgId: string;
  orgPath: string;
  unitId: string;
  unitKind: UnitKind;
  itemId: string;
  channel: string;
  state: string;
  submittedAt: string;
  acceptedAt: string | null;
  dueAt: string | null;
  decidedAt: string | null;
  decision: 'approved' | 'denied' | null;
  finishedAt: string | null;
}

export interface SyntheticBase {
  /** Prefix of case ids and numbers, unique per call site. */
  prefix: string;
  createdBy: string;
}

export const SYNTHETIC_SNAPSHOT = JSON.stringify({ synthetic: true, note: 'bench/test row: only the report columns are real' });

export function syntheticRow(c: SyntheticCase, n: number, base: SyntheticBase): CaseTable {
  const id = `${base.prefix}-${n}`;
  return {
    id, number: id, lookup_code: 'SYN000', item_id: c.itemId, item_version: 1, item_code: 'SYN', item_name: '合成办件',
    channel: c.channel, state: c.state, stage_index: 0,
    accepting_unit_id: c.unitId, accepting_org_id: c.orgId, accepting_org_path: c.orgPath,
    current_unit_id: c.unitId, current_unit_kind: c.unitKind, current_org_id: c.orgId, current_org_path: c.orgPath,
    pending_unit_id: null, pending_unit_kind: null, owner_user_id: null, holder_user_id: null,
    applicant_name: '合成', applicant_id_sealed: '-', applicant_id_index: `syn-${n % 1000}`, applicant_id_masked: '-',
    applicant_phone_sealed: null, applicant_phone_last4: null, applicant_phone_masked: null,
    proxy_agent_user_id: null, proxy_reason: null, proxy_consent: null,
    submitted_at: c.submittedAt, accepted_at: c.acceptedAt, due_at: c.dueAt, due_soon_at: null, stage_due_at: null,
    decided_at: c.decidedAt, finished_at: c.finishedAt, decision: c.decision, snapshot: SYNTHETIC_SNAPSHOT, batch_id: null,
    created_by: base.createdBy, created_at: c.submittedAt, updated_at: c.finishedAt ?? c.acceptedAt ?? c.submittedAt, version: 1,
  };
}

/** Inserts the cases in chunks inside one transaction. */
export async function insertSyntheticCases(db: Db, cases: SyntheticCase[], base: SyntheticBase): Promise<void> {
  const CHUNK = 300;
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < cases.length; i += CHUNK) {
      await tx.insertInto('cases').values(cases.slice(i, i + CHUNK).map((c, j) => syntheticRow(c, i + j, base))).execute();
    }
  });
}
