// Who acts on a case: the signed-in person turned into the lifecycle's Actor, for the unit they work
// at, and who a case's work goes to next (window A/B posts, a room's head, a unit's shared queue).
//
// A person is staff of a unit when they hold the unit kind's staff role at the unit's org AND:
// - acceptance desk (咨询受理部): any acceptance clerk of that org (the desk is one shared queue);
// - handling window (办理窗口): the A or B post of an active window (counter) that serves the unit —
//   a window clerk of the same org on other counters is not staff of it;
// - handling room (办理室): the room's head; a handling officer of the org who heads no room works
//   every room of that org (rooms have no post list yet);
// - village room (村便民服务室): any village cadre of that village.
// A center manager acts over their grant's subtree (extension approval), with no unit.
import type { Actor as SessionActor, AppContext } from '../../context.ts';
import { perDatabaseCache } from '../../db/per-database-cache.ts';
import type { UnitKind } from '../../db/schema.ts';
import {
  whyNot, type Actor, type CaseActionType, type CaseSnapshot, type LifecycleContext, type Refusal, type UnitRef,
  acceptingUnit, currentStage, handlesStage, holder,
} from '../../domain/case-lifecycle.ts';
import { isAbsentAt } from '../../domain/network.ts';
import type { Role } from '../../domain/roles.ts';
import { onNetworkChange } from '../network/changes.ts';
import { absencesCovering } from '../network/repo.ts';
import { windowHolder, windowsServing } from '../network/service.ts';
import * as repo from './repo.ts';

export interface Membership {
  unit: UnitRef;
  info: repo.UnitInfo;
  /** The window (counter) and post, for a handling window. */
  post?: { windowId: string; post: 'A' | 'B' };
}

export function unitRefOf(u: repo.UnitInfo): UnitRef {
  return {
    unitId: u.id, unitKind: u.kind, orgId: u.org_id, orgPath: u.org_path, orgLevel: u.org_level,
    department: u.kind === 'handling_window' || u.kind === 'handling_room' ? u.department_code : null,
    name: `${u.org_name}${u.name}`,
  };
}

const STAFF_KINDS: Partial<Record<Role, UnitKind>> = {
  acceptance_clerk: 'acceptance_desk',
  handling_officer: 'handling_room',
  village_cadre: 'village_room',
};

// Read on nearly every case request and changed only by the network's administration: kept for a
// few seconds per person; a unit or window change in this process forgets them all at once.
const MEMBERSHIPS_TTL_MS = 2_000;
const memberships = perDatabaseCache<readonly Membership[]>(MEMBERSHIPS_TTL_MS);

onNetworkChange((ctx) => memberships.forget(ctx));

/** Every unit the person works at now. */
export function membershipsOf(ctx: AppContext, actor: SessionActor): Promise<readonly Membership[]> {
  const key = `${actor.userId} ${actor.roles.map((g) => `${g.role}@${g.orgId}`).join(',')}`;
  return memberships.get(ctx, key, async () => Object.freeze(await readMemberships(ctx, actor)));
}

async function readMemberships(ctx: AppContext, actor: SessionActor): Promise<Membership[]> {
  const out: Membership[] = [];
  const orgsByKind = new Map<UnitKind, string[]>();
  for (const g of actor.roles) {
    const kind = STAFF_KINDS[g.role];
    if (kind) orgsByKind.set(kind, [...(orgsByKind.get(kind) ?? []), g.orgId]);
  }
  const orgIds = [...new Set([...orgsByKind.values()].flat())];
  const units = await repo.activeUnitsOfOrgs(ctx.db, orgIds, [...orgsByKind.keys()]);
  for (const u of units) {
    if (!(orgsByKind.get(u.kind) ?? []).includes(u.org_id)) continue;
    if (u.kind === 'handling_room') {
      const headsOne = units.some((r) => r.kind === 'handling_room' && r.org_id === u.org_id && r.head_user_id === actor.userId);
      if (headsOne && u.head_user_id !== actor.userId) continue;
    }
    out.push({ unit: unitRefOf(u), info: u });
  }
  if (actor.roles.some((g) => g.role === 'window_clerk')) {
    const clerkOrgs = new Set(actor.roles.filter((g) => g.role === 'window_clerk').map((g) => g.orgId));
    const seen = new Set<string>();
    for (const w of await repo.windowUnitsOfUser(ctx.db, actor.userId)) {
      if (!clerkOrgs.has(w.org_id) || seen.has(w.id)) continue;
      seen.add(w.id);
      const { window_id, a_user_id, b_user_id: _b, ...info } = w;
      out.push({ unit: unitRefOf(info), info, post: { windowId: window_id, post: a_user_id === actor.userId ? 'A' : 'B' } });
    }
  }
  return out;
}

/** The lifecycle actor for a membership: the roles the person holds at that unit's org. */
export function actorAt(actor: SessionActor, m: Membership): Actor {
  const roles = [...new Set(actor.roles.filter((g) => g.orgId === m.unit.orgId).map((g) => g.role))];
  return { userId: actor.userId, roles, unit: m.unit, orgPath: m.unit.orgPath };
}

/** A center manager acting over each org they manage (no unit). */
export function managerActors(actor: SessionActor): Actor[] {
  return actor.roles.filter((g) => g.role === 'center_manager')
    .map((g) => ({ userId: actor.userId, roles: ['center_manager'], unit: null, orgPath: g.orgPath }));
}

export interface Candidate {
  actor: Actor;
  membership: Membership | null;
}

/** Candidates in order of how closely they touch the case: the receiver, the holder, the accepting unit, a co-handler, the rest. */
export function candidatesFor(session: SessionActor, memberships: readonly Membership[], s: CaseSnapshot): Candidate[] {
  const to = s.transfer?.to.unitId;
  const here = holder(s)?.unitId;
  const first = acceptingUnit(s)?.unitId;
  const stage = currentStage(s);
  const rank = (m: Membership): number => {
    if (m.unit.unitId === to) return 0;
    if (m.unit.unitId === here) return 1;
    if (m.unit.unitId === first) return 2;
    if (stage && handlesStage(m.unit, stage)) return 3;
    return 4;
  };
  const staff = [...memberships].sort((a, b) => rank(a) - rank(b)).map((m) => ({ actor: actorAt(session, m), membership: m }));
  const managers = managerActors(session).map((actor) => ({ actor, membership: null }));
  if (staff.length + managers.length > 0) return [...staff, ...managers];
  // Nobody at any unit: the lifecycle still says why (wrong role, no unit).
  return [{ actor: { userId: session.userId, roles: [...new Set(session.roles.map((g) => g.role))], unit: null, orgPath: null }, membership: null }];
}

/** The first candidate the lifecycle lets take `type` now; otherwise the most relevant candidate's refusal. */
export function pickCandidate(
  s: CaseSnapshot, type: CaseActionType, candidates: Candidate[], ctx: LifecycleContext & { now: string },
): { candidate: Candidate; refusal: Refusal | null } {
  let firstRefusal: { candidate: Candidate; refusal: Refusal } | null = null;
  for (const c of candidates) {
    const refusal = whyNot(s, type, c.actor, ctx);
    if (!refusal) return { candidate: c, refusal: null };
    firstRefusal ??= { candidate: c, refusal };
  }
  return firstRefusal!;
}

/** Every action some candidate may take now (for the UI). */
export function actionsFor(s: CaseSnapshot, candidates: Candidate[], types: readonly CaseActionType[], ctx: LifecycleContext & { now: string }): CaseActionType[] {
  return types.filter((t) => candidates.some((c) => whyNot(s, t, c.actor, ctx) === null));
}

/**
 * Who is responsible once the case sits at (or is sent to) `unit`: a window's serving post (A, or B
 * while A is absent; null when both are away or no window serves it — the center manager's queue),
 * a room's head, nobody for a desk's or village room's shared queue.
 */
export async function responsibleAt(ctx: AppContext, unit: repo.UnitInfo, at: Date): Promise<string | null> {
  if (unit.kind === 'handling_room') return unit.head_user_id;
  if (unit.kind !== 'handling_window') return null;
  for (const windowId of await windowsServing(ctx, unit.id)) {
    const serving = await windowHolder(ctx, windowId, at);
    if (serving?.userId) return serving.userId;
  }
  return null;
}

/**
 * The people whose window work this person covers now: themself, and the A post of every window
 * where they are B while A is absent (AB角: nothing waits for an absent person).
 */
export async function coveredHolders(ctx: AppContext, userId: string, memberships: readonly Membership[], at: Date): Promise<string[]> {
  const asB = memberships.filter((m) => m.post?.post === 'B');
  if (asB.length === 0) return [userId];
  const windows = await repo.windowUnitsOfUser(ctx.db, userId);
  const aUsers = [...new Set(windows.filter((w) => w.b_user_id === userId).map((w) => w.a_user_id))];
  const absences = (await absencesCovering(ctx.db, aUsers, at.toISOString()))
    .map((a) => ({ userId: a.user_id, startsAt: a.starts_at, endsAt: a.ends_at, cancelledAt: a.cancelled_at }));
  return [userId, ...aUsers.filter((id) => isAbsentAt(absences, id, at))];
}
