// Raising signals, exactly once. The sweep and the case-write hook both call raiseSignals inside their
// transaction: each signal is an INSERT … ON CONFLICT (case_id, stage_index, rule) DO NOTHING, and only
// the rows this transaction inserted get their first step, inbox rows and outbox rows — so however
// many processes evaluate the same case at the same moment, one of them raises it and notifies once.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { CaseTable, NotificationOutboxTable, NotificationTable, SignalStepTable, SignalTable } from '../../db/schema.ts';
import type { Tx } from '../../db/transaction.ts';
import { addWorkingDays, shanghaiDate, type WorkCalendar } from '../../domain/calendar.ts';
import type { CaseSnapshot } from '../../domain/case-lifecycle.ts';
import { isAbsentAt } from '../../domain/network.ts';
import { SIGNAL_LEVEL_LABELS, SIGNAL_RULE_LABELS, WHOLE_CASE, type DueSignal, type SignalLevel, type SignalRule } from '../../domain/supervision.ts';
import { absencesCovering } from '../network/repo.ts';
import type { RegionRules } from './cache.ts';

/** The case columns supervision reads. */
export type WatchedCase = Pick<CaseTable,
  'id' | 'number' | 'item_id' | 'item_version' | 'item_name' | 'state' | 'accepting_org_id' | 'accepting_org_path' |
  'current_unit_id' | 'pending_unit_id' | 'holder_user_id' | 'snapshot'>;

export const WATCHED_COLUMNS = [
  'id', 'number', 'item_id', 'item_version', 'item_name', 'state', 'accepting_org_id', 'accepting_org_path',
  'current_unit_id', 'pending_unit_id', 'holder_user_id', 'snapshot',
] as const;

export interface ToRaise {
  row: WatchedCase;
  snapshot: CaseSnapshot;
  rules: RegionRules;
  calendar: WorkCalendar;
  due: DueSignal[];
}

export type Channel = 'webhook' | 'smtp';

const CHUNK = 200;
const chunks = <T>(list: T[], n = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
};

interface UnitFacts {
  id: string;
  kind: string;
  name: string;
  head_user_id: string | null;
  org_id: string;
  org_name: string;
  org_path: string;
}

async function unitsOf(tx: Tx, ids: string[]): Promise<Map<string, UnitFacts>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await tx.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id')
    .select(['units.id', 'units.kind', 'units.name', 'units.head_user_id', 'orgs.id as org_id', 'orgs.name as org_name', 'orgs.path as org_path'])
    .where('units.id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The nearest active center manager up each org path (the unit's head when it names none). */
async function managersOver(tx: Tx, paths: string[]): Promise<Map<string, string>> {
  const orgIds = [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))];
  if (orgIds.length === 0) return new Map();
  const rows = await tx.selectFrom('user_roles').innerJoin('users', 'users.id', 'user_roles.user_id')
    .select(['user_roles.org_id', 'user_roles.user_id'])
    .where('user_roles.role', '=', 'center_manager').where('user_roles.org_id', 'in', orgIds).where('users.disabled', '=', 0)
    .orderBy('user_roles.user_id').execute();
  const byOrg = new Map<string, string>();
  for (const r of rows) if (!byOrg.has(r.org_id)) byOrg.set(r.org_id, r.user_id);
  const out = new Map<string, string>();
  for (const p of paths) {
    const ids = p.split('/').filter(Boolean).reverse();
    const found = ids.map((id) => byOrg.get(id)).find((u) => u !== undefined);
    if (found) out.set(p, found);
  }
  return out;
}

/** A window's serving post when the holder is away (AB角): B while A is absent. */
async function servingPosts(tx: Tx, unitIds: string[]): Promise<Map<string, { a: string; b: string }[]>> {
  const unique = [...new Set(unitIds)];
  if (unique.length === 0) return new Map();
  const rows = await tx.selectFrom('window_units').innerJoin('windows', 'windows.id', 'window_units.window_id')
    .select(['window_units.unit_id', 'windows.a_user_id', 'windows.b_user_id'])
    .where('window_units.unit_id', 'in', unique).where('windows.active', '=', 1).orderBy('windows.number').execute();
  const out = new Map<string, { a: string; b: string }[]>();
  for (const r of rows) out.set(r.unit_id, [...(out.get(r.unit_id) ?? []), { a: r.a_user_id, b: r.b_user_id }]);
  return out;
}

/** The channels this process writes outbox rows for (configured senders). */
export function configuredChannels(ctx: AppContext): Channel[] {
  return [...(ctx.config.notify.webhook ? ['webhook' as const] : []), ...(ctx.config.notify.smtp ? ['smtp' as const] : [])];
}

function title(level: SignalLevel, rule: SignalRule, caseNumber: string): string {
  return `【${SIGNAL_LEVEL_LABELS[level]}】办件 ${caseNumber}：${SIGNAL_RULE_LABELS[rule]}`;
}

/**
 * Raises the due signals of these cases (those not raised before) with their first step, inbox rows
 * for the responsible person and the unit's head, and outbox rows for each configured channel.
 * Returns the signals this call inserted.
 */
export async function raiseSignals(ctx: AppContext, tx: Tx, items: ToRaise[], now: Date): Promise<SignalTable[]> {
  const wanted = items.filter((i) => i.due.length > 0);
  if (wanted.length === 0) return [];
  const at = now.toISOString();

  // Who answers: the unit holding the case (the receiver, for a batch not signed for).
  const unitIdOf = (i: ToRaise, d: DueSignal) => (d.rule === 'village_unsigned' && i.row.pending_unit_id ? i.row.pending_unit_id : i.row.current_unit_id);
  const units = await unitsOf(tx, wanted.flatMap((i) => i.due.map((d) => unitIdOf(i, d))));
  const managers = await managersOver(tx, [...units.values()].filter((u) => !u.head_user_id).map((u) => u.org_path));
  const windowUnits = [...units.values()].filter((u) => u.kind === 'handling_window').map((u) => u.id);
  const posts = await servingPosts(tx, windowUnits);
  const people = [...new Set([...wanted.map((i) => i.row.holder_user_id), ...[...posts.values()].flat().flatMap((p) => [p.a, p.b])].filter((x): x is string => !!x))];
  const absences = people.length
    ? (await absencesCovering(tx, people, at)).map((a) => ({ userId: a.user_id, startsAt: a.starts_at, endsAt: a.ends_at, cancelledAt: a.cancelled_at }))
    : [];
  const present = (u: string | null) => (u && !isAbsentAt(absences, u, now) ? u : null);

  const responsibleFor = (row: WatchedCase, unit: UnitFacts): string | null => {
    const holder = unit.id === row.current_unit_id ? row.holder_user_id : null;
    if (unit.kind === 'handling_room') return present(holder) ?? unit.head_user_id;
    if (unit.kind !== 'handling_window') return present(holder);
    if (present(holder)) return holder;
    for (const p of posts.get(unit.id) ?? []) {
      const serving = present(p.a) ?? present(p.b);
      if (serving) return serving;
    }
    return null;
  };

  // The same for every signal on the same calendar and rules: computed once each.
  const feedbackDues = new Map<WorkCalendar, Map<number, string>>();
  const feedbackDueOf = (calendar: WorkCalendar, days: number): string => {
    let byDays = feedbackDues.get(calendar);
    if (!byDays) feedbackDues.set(calendar, (byDays = new Map()));
    let due = byDays.get(days);
    if (due === undefined) byDays.set(days, (due = addWorkingDays(calendar, now, days).due.toISOString()));
    return due;
  };
  const rows: SignalTable[] = [];
  for (const i of wanted) {
    for (const d of i.due) {
      const unit = units.get(unitIdOf(i, d));
      if (!unit) continue;
      const feedbackDue = feedbackDueOf(i.calendar, i.rules.config.feedbackDays);
      rows.push({
        id: randomUUID(), case_id: i.row.id, case_number: i.row.number, item_name: i.row.item_name,
        stage_index: d.stageIndex, stage_name: d.stageIndex === WHOLE_CASE ? null : i.snapshot.item.process[d.stageIndex]?.name ?? null,
        rule: d.rule, level: d.level, rule_org_id: i.rules.orgId, rule_version: i.rules.version, basis: d.basis, deadline_at: d.deadlineAt,
        unit_id: unit.id, unit_name: `${unit.org_name}${unit.name}`, org_id: unit.org_id, org_path: unit.org_path,
        responsible_user_id: responsibleFor(i.row, unit), head_user_id: unit.head_user_id ?? managers.get(unit.org_path) ?? null,
        raised_at: at, feedback_due_at: feedbackDue, status: 'open', appealed: 0, closed_at: null, updated_at: at, version: 1,
      });
    }
  }

  const insertedIds = new Set<string>();
  for (const part of chunks(rows)) {
    const got = await tx.insertInto('signals').values(part)
      .onConflict((oc) => oc.columns(['case_id', 'stage_index', 'rule']).doNothing())
      .returning('id').execute();
    for (const r of got) insertedIds.add(r.id);
  }
  const inserted = rows.filter((r) => insertedIds.has(r.id));
  if (inserted.length === 0) return [];

  const steps: SignalStepTable[] = inserted.map((s) => ({
    signal_id: s.id, seq: 1, at, step: 'raise', from_status: null, to_status: 'open', user_id: null, user_name: '电子监察系统', text: s.basis,
  }));
  const channels = configuredChannels(ctx);
  const recipientsOf = (s: SignalTable) => [...new Set([s.responsible_user_id, s.head_user_id].filter((x): x is string => !!x))];
  const allRecipients = [...new Set(inserted.flatMap(recipientsOf))];
  const withEmail = new Set<string>();
  if (channels.includes('smtp') && allRecipients.length) {
    const rowsC = await tx.selectFrom('notification_contacts').select('user_id').where('channel', '=', 'smtp').where('user_id', 'in', allRecipients).execute();
    for (const r of rowsC) withEmail.add(r.user_id);
  }
  const inbox: NotificationTable[] = [];
  const outbox: NotificationOutboxTable[] = [];
  for (const s of inserted) {
    const t = title(s.level as SignalLevel, s.rule as SignalRule, s.case_number);
    const body = `${s.item_name}。${s.basis}。责任单位：${s.unit_name}。请于 ${shanghaiDate(s.feedback_due_at)} 前反馈（说明情况或纠错整改）。`;
    for (const userId of recipientsOf(s)) {
      inbox.push({ id: randomUUID(), user_id: userId, signal_id: s.id, kind: 'signal', title: t, body, link: `/supervision/signals/${s.id}`, created_at: at, read_at: null });
      for (const channel of channels) {
        if (channel === 'smtp' && !withEmail.has(userId)) continue;
        const id = randomUUID();
        const payload = {
          deliveryId: id, signalId: s.id, caseNumber: s.case_number, level: s.level, levelLabel: SIGNAL_LEVEL_LABELS[s.level as SignalLevel],
          rule: s.rule, ruleLabel: SIGNAL_RULE_LABELS[s.rule as SignalRule], title: t, text: body, unitName: s.unit_name,
          raisedAt: s.raised_at, feedbackDueAt: s.feedback_due_at, recipientUserId: userId,
        };
        outbox.push({
          id, signal_id: s.id, channel, recipient_user_id: userId, payload: JSON.stringify(payload), attempts: 0, next_attempt_at: at,
          claimed_until: null, sent_at: null, failed_at: null, last_error: null, created_at: at,
        });
      }
    }
  }
  for (const part of chunks(steps)) await tx.insertInto('signal_steps').values(part).execute();
  for (const part of chunks(inbox)) await tx.insertInto('notifications').values(part).onConflict((oc) => oc.columns(['signal_id', 'user_id']).doNothing()).execute();
  for (const part of chunks(outbox)) {
    await tx.insertInto('notification_outbox').values(part).onConflict((oc) => oc.columns(['signal_id', 'channel', 'recipient_user_id']).doNothing()).execute();
  }
  return inserted;
}

/** Sets (or, with null, removes) the next threshold moments of these cases: one statement each way. */
export async function setWatch(tx: Tx, next: { caseId: string; nextAt: string | null }[]): Promise<void> {
  const keep = next.filter((n) => n.nextAt !== null).map((n) => ({ case_id: n.caseId, next_at: n.nextAt! }));
  const drop = next.filter((n) => n.nextAt === null).map((n) => n.caseId);
  for (const part of chunks(keep, 500)) {
    await tx.insertInto('case_watch').values(part)
      .onConflict((oc) => oc.column('case_id').doUpdateSet((eb) => ({ next_at: eb.ref('excluded.next_at') }))).execute();
  }
  for (const part of chunks(drop, 500)) await tx.deleteFrom('case_watch').where('case_id', 'in', part).execute();
}
