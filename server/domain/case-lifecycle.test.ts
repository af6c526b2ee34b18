import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import holidays from './holidays/cn-holidays.json' with { type: 'json' };
import { buildCalendar, loadOfficialYears } from './calendar.ts';
import {
  CASE_ACTIONS,
  CASE_STATES,
  TRANSITIONS,
  allowedActions,
  applyAction,
  draftCase,
  holder,
  isTerminal,
  whyNot,
  type Actor,
  type CaseAction,
  type CaseActionType,
  type CaseEvent,
  type CaseItem,
  type CaseSnapshot,
  type CaseState,
  type UnitRef,
} from './case-lifecycle.ts';
import { ROLES } from './roles.ts';

const ctx = { calendar: buildCalendar({ years: loadOfficialYears(holidays) }) };

// ---- the world: a county, two townships, two villages ----

const unit = (unitId: string, unitKind: UnitRef['unitKind'], orgPath: string, orgLevel: UnitRef['orgLevel'], department: string | null): UnitRef =>
  ({ unitId, unitKind, orgId: orgPath.split('/').at(-2)!, orgPath, orgLevel, department, name: unitId });

const U = {
  vRoom: unit('v-room', 'village_room', '/c/t/v/', 'village', null),
  v2Room: unit('v2-room', 'village_room', '/c/t2/v2/', 'village', null),
  tDesk: unit('t-desk', 'acceptance_desk', '/c/t/', 'township', null),
  tCivil: unit('t-civil-window', 'handling_window', '/c/t/', 'township', 'civil_affairs'),
  tLand: unit('t-land-room', 'handling_room', '/c/t/', 'township', 'natural_resources'),
  t2Desk: unit('t2-desk', 'acceptance_desk', '/c/t2/', 'township', null),
  cDesk: unit('c-desk', 'acceptance_desk', '/c/', 'county', null),
  cCivil: unit('c-civil-window', 'handling_window', '/c/', 'county', 'civil_affairs'),
  cForest: unit('c-forest-room', 'handling_room', '/c/', 'county', 'forestry'),
  cLand: unit('c-land-room', 'handling_room', '/c/', 'county', 'natural_resources'),
};
const ALL_UNITS = Object.values(U);

const staff = (u: UnitRef, role: Actor['roles'][number]): Actor => ({ userId: `${u.unitId}-staff`, roles: [role], unit: u, orgPath: u.orgPath });
const A = {
  vCadre: staff(U.vRoom, 'village_cadre'),
  v2Cadre: staff(U.v2Room, 'village_cadre'),
  tClerk: staff(U.tDesk, 'acceptance_clerk'),
  tCivil: staff(U.tCivil, 'window_clerk'),
  tLand: staff(U.tLand, 'handling_officer'),
  t2Clerk: staff(U.t2Desk, 'acceptance_clerk'),
  cClerk: staff(U.cDesk, 'acceptance_clerk'),
  cCivil: staff(U.cCivil, 'window_clerk'),
  cForest: staff(U.cForest, 'handling_officer'),
  cLand: staff(U.cLand, 'handling_officer'),
  applicant: { userId: 'applicant', roles: ['applicant'], unit: null, orgPath: null } as Actor,
  cManager: { userId: 'c-manager', roles: ['center_manager'], unit: null, orgPath: '/c/' } as Actor,
  tManager: { userId: 't-manager', roles: ['center_manager'], unit: null, orgPath: '/c/t/' } as Actor,
  t2Manager: { userId: 't2-manager', roles: ['center_manager'], unit: null, orgPath: '/c/t2/' } as Actor,
  supervisor: { userId: 'supervisor', roles: ['supervisor', 'leader', 'auditor', 'system_admin'], unit: null, orgPath: '/c/' } as Actor,
};
type ActorName = keyof typeof A;
const ACTOR_NAMES = Object.keys(A) as ActorName[];

const base = {
  handlingMode: 'direct', legalLimitDays: 20,
} as const;
const ITEMS = {
  // The seed's 林木采伐许可: handled by the county forestry bureau, which is not stationed in the hall.
  timber: {
    ...base, code: 'LM-001', name: '林木采伐许可', caseType: 'forwarded', committedLimitDays: 10,
    acceptLevels: ['county', 'township', 'village'],
    process: [{ name: '审查决定', handlers: [{ department: 'forestry', level: 'county' }], limitDays: 10 }],
  },
  // 低保: the township reviews, the county approves.
  dibao: {
    ...base, code: 'MZ-002', name: '最低生活保障审批', caseType: 'forwarded', committedLimitDays: 15,
    acceptLevels: ['township', 'village'],
    process: [
      { name: '乡镇审核', handlers: [{ department: 'civil_affairs', level: 'township' }], limitDays: 5 },
      { name: '县级审批', handlers: [{ department: 'civil_affairs', level: 'county' }], limitDays: 10 },
    ],
  },
  // 联办件: land and forestry review together (并联), then land decides.
  joint: {
    ...base, code: 'ZJ-003', name: '农村宅基地用地审批', caseType: 'joint', committedLimitDays: 13,
    acceptLevels: ['county', 'township', 'village'],
    process: [
      { name: '联合审查', handlers: [{ department: 'natural_resources', level: 'county' }, { department: 'forestry', level: 'county' }], limitDays: 8 },
      { name: '审批', handlers: [{ department: 'natural_resources', level: 'county' }], limitDays: 5 },
    ],
  },
  immediate: {
    ...base, code: 'MZ-004', name: '婚姻登记记录证明', caseType: 'immediate', committedLimitDays: 0, legalLimitDays: 0,
    acceptLevels: ['township', 'village'],
    process: [{ name: '当场办理', handlers: [{ department: 'civil_affairs', level: 'township' }], limitDays: 0 }],
  },
  consultation: {
    ...base, code: 'ZX-005', name: '外省社保转移政策咨询', caseType: 'pledged', handlingMode: 'consultation', committedLimitDays: 0,
    acceptLevels: ['county', 'township', 'village'],
    process: [{ name: '咨询', handlers: [{ department: 'human_resources', level: 'county' }], limitDays: 0 }],
  },
  townLand: {
    ...base, code: 'TD-006', name: '村民建房规划许可', caseType: 'pledged', committedLimitDays: 5,
    acceptLevels: ['county', 'township', 'village'],
    process: [{ name: '审查', handlers: [{ department: 'natural_resources', level: 'township' }], limitDays: 5 }],
  },
} satisfies Record<string, CaseItem>;

// ---- driving cases ----

type Act = CaseAction extends infer T ? (T extends unknown ? Omit<T, 'at'> & { at?: string } : never) : never;
const START = '2026-03-02T09:00:00+08:00'; // a Monday
const later = (s: CaseSnapshot, minutes = 10): string => new Date(Date.parse(s.lastActionAt ?? START) + minutes * 60_000).toISOString();

function attempt(s: CaseSnapshot, actor: Actor, act: Act) {
  return applyAction(s, { ...act, at: act.at ?? later(s) } as CaseAction, actor, ctx);
}

function run(s: CaseSnapshot, steps: [Actor, Act][], events: CaseEvent[] = []): CaseSnapshot {
  for (const [actor, act] of steps) {
    const r = attempt(s, actor, act);
    if (!r.ok) assert.fail(`${act.type} by ${actor.userId} in ${s.state}: ${r.code} ${r.detail}`);
    events.push(r.event);
    s = r.next;
  }
  return s;
}

function refused(s: CaseSnapshot, actor: Actor, act: Act, code: string, detail?: RegExp | string, pointer?: string): void {
  const r = attempt(s, actor, act);
  assert.equal(r.ok, false, `${act.type} by ${actor.userId} should be refused`);
  if (r.ok) return;
  assert.equal(r.code, code, r.detail);
  if (typeof detail === 'string') assert.equal(r.detail, detail);
  else if (detail) assert.match(r.detail, detail);
  assert.match(r.detail, /[\u4e00-\u9fff]/, 'the detail is Chinese');
  if (pointer) assert.equal(r.pointer, pointer);
}

const path = (s: CaseSnapshot) => s.path.map((u) => u.unitId);

// The seed's whole path for the timber permit, step by step.
const SEED_STEPS: [Actor, Act][] = [
  [A.vCadre, { type: 'apply', channel: 'village_room', at: START }],
  [A.vCadre, { type: 'accept' }],
  [A.vCadre, { type: 'transfer', to: U.tDesk }],
  [A.tClerk, { type: 'receive' }],
  [A.tClerk, { type: 'transfer', to: U.cDesk }],
  [A.cClerk, { type: 'receive' }],
  [A.cClerk, { type: 'transfer', to: U.cForest }],
  [A.cForest, { type: 'receive' }],
  [A.cForest, { type: 'complete_stage', opinion: '经现场核查，符合采伐条件' }],
  [A.cForest, { type: 'decide', outcome: 'approve' }],
  [A.cForest, { type: 'reply' }],
  [A.cClerk, { type: 'reply' }],
  [A.tClerk, { type: 'reply' }],
  [A.vCadre, { type: 'deliver', method: 'village_cadre' }],
];

// Named snapshots in every state, for the matrices.
function fixtures(): Record<string, CaseSnapshot> {
  const out: Record<string, CaseSnapshot> = {};
  let s = draftCase(ITEMS.timber);
  out.A0_draft = s;
  const names = ['A1_submitted_v', 'A3_accepted_v', 'A4_transfer_v_t', 'A5_accepted_t', 'A6_transfer_t_c', 'A7_accepted_c',
    'A8_transfer_c_forest', 'A9_handling_forest', 'A11_handling_done', 'A12_decided_forest', 'A13_decided_c', 'A14_decided_t',
    'A15_ready_v', 'A16_finished'];
  SEED_STEPS.forEach((step, i) => {
    s = run(s, [step]);
    out[names[i]!] = s;
  });
  const submitted = out.A1_submitted_v!;
  out.A2_awaiting_v = run(submitted, [[A.vCadre, { type: 'request_materials', missing: ['户口簿复印件'] }]]);
  out.A10_suspended = run(out.A9_handling_forest!, [[A.cForest, { type: 'suspend', procedure: 'site_survey', reason: '现场勘察林木', expectedDays: 3 }]]);
  out.A17_refused = run(submitted, [[A.vCadre, { type: 'refuse', ground: 'ineligible', reason: '申请人不是林权所有人' }]]);
  out.A18_withdrawn = run(submitted, [[A.applicant, { type: 'withdraw' }]]);
  out.B0_draft = draftCase(ITEMS.immediate);
  out.B1_submitted_window = run(out.B0_draft, [[A.tCivil, { type: 'apply', channel: 'counter', at: START }]]);
  out.B2_awaiting_window = run(out.B1_submitted_window, [[A.tCivil, { type: 'request_materials', missing: ['身份证原件'] }]]);
  out.B3_handling_window = run(out.B1_submitted_window, [[A.tCivil, { type: 'accept' }]]);
  return out;
}

/** Every plausible way to fill in an action (the matrix tries them all). */
function payloads(type: CaseActionType): Act[] {
  switch (type) {
    case 'apply': return [
      { type, channel: 'village_room' }, { type, channel: 'counter' }, { type, channel: 'proxy', proxy: { reason: '独居老人，行动不便', consent: true } },
      { type, channel: 'online', unit: U.vRoom },
    ];
    case 'refuse': return [{ type, ground: 'ineligible', reason: '不符合条件' }];
    case 'request_materials': return [{ type, missing: ['身份证复印件'] }];
    case 'transfer': return ALL_UNITS.map((to) => ({ type, to }));
    case 'return': return [{ type, reason: '材料与事项不符' }];
    case 'suspend': return [{ type, procedure: 'site_survey', reason: '现场勘察', expectedDays: 3 }];
    case 'extend': return [{ type, days: 5, reason: '情况复杂，需要延期' }];
    case 'decide': return [{ type, outcome: 'approve' }, { type, outcome: 'deny', reason: '不符合条件' }];
    case 'deliver': return [{ type, method: 'counter' }, { type, method: 'village_cadre' }];
    case 'withdraw': return [{ type, reason: '申请人书面撤回' }];
    default: return [{ type } as Act];
  }
}

const FIX = fixtures();

describe('the state × action matrix', () => {
  // Written out, not read from the module: which actions each state allows at all.
  const LEGAL: Record<CaseState, CaseActionType[]> = {
    draft: ['apply'],
    submitted: ['accept', 'refuse', 'request_materials', 'withdraw', 'finish_immediately'],
    awaiting_materials: ['refuse', 'supplement', 'withdraw', 'finish_immediately'],
    accepted: ['transfer', 'return', 'extend', 'withdraw'],
    in_transfer: ['receive', 'return', 'extend', 'withdraw'],
    handling: ['complete_stage', 'return', 'suspend', 'extend', 'decide', 'withdraw'],
    suspended: ['resume', 'extend', 'withdraw'],
    decided: ['reply'],
    ready_for_delivery: ['deliver'],
    finished: [],
    refused: [],
    withdrawn: [],
  };

  it('every state has a fixture', () => {
    const covered = new Set(Object.values(FIX).map((s) => s.state));
    assert.deepEqual([...covered].sort(), [...CASE_STATES].sort());
  });

  it('the module’s transition table says the same', () => {
    for (const state of CASE_STATES) {
      assert.deepEqual(CASE_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state)), LEGAL[state], state);
    }
  });

  for (const state of CASE_STATES) {
    for (const type of CASE_ACTIONS) {
      const legal = LEGAL[state].includes(type);
      it(`${state} × ${type}: ${legal ? 'legal' : 'refused'}`, () => {
        let succeeded = false;
        let passedStateCheck = false;
        for (const s of Object.values(FIX).filter((f) => f.state === state)) {
          for (const name of ACTOR_NAMES) {
            for (const act of payloads(type)) {
              const r = attempt(s, A[name], act);
              if (r.ok) {
                succeeded = true;
                assert.ok(TRANSITIONS[type].to.includes(r.next.state), `${type} led to ${r.next.state}`);
                assert.equal(r.event.fromState, state);
                assert.equal(r.event.toState, r.next.state);
              }
              if (r.ok || r.code !== 'invalid_state') passedStateCheck = true;
              if (!legal) {
                assert.equal(r.ok, false);
                if (!r.ok) {
                  assert.equal(r.code, 'invalid_state', `${name}: ${r.detail}`);
                  assert.match(r.detail, /[\u4e00-\u9fff]/);
                }
              }
            }
          }
        }
        assert.equal(passedStateCheck, legal);
        assert.equal(succeeded, legal, 'some actor can do every legal action in some fixture');
      });
    }
  }
});

describe('who may act: every fixture × action × actor', () => {
  // The actors for whom some filling-in of the action succeeds; every other combination is refused.
  const EXPECTED: Record<string, Partial<Record<CaseActionType, ActorName[]>>> = {
    A0_draft: { apply: ['vCadre', 'v2Cadre', 'tClerk', 'tCivil', 't2Clerk', 'cClerk', 'cCivil', 'applicant'] },
    A1_submitted_v: { accept: ['vCadre'], refuse: ['vCadre'], request_materials: ['vCadre'], withdraw: ['vCadre', 'applicant'] },
    A2_awaiting_v: { supplement: ['vCadre'], refuse: ['vCadre'], withdraw: ['vCadre', 'applicant'] },
    A3_accepted_v: { transfer: ['vCadre'], extend: ['cManager', 'tManager'], withdraw: ['vCadre', 'applicant'] },
    A4_transfer_v_t: { receive: ['tClerk'], return: ['tClerk'], extend: ['cManager', 'tManager'], withdraw: ['vCadre', 'applicant'] },
    A5_accepted_t: { transfer: ['tClerk'], return: ['tClerk'], extend: ['cManager', 'tManager'], withdraw: ['vCadre', 'applicant'] },
    A6_transfer_t_c: { receive: ['cClerk'], return: ['cClerk'], extend: ['cManager', 'tManager'], withdraw: ['vCadre', 'applicant'] },
    A7_accepted_c: { transfer: ['cClerk'], return: ['cClerk'], extend: ['cManager'], withdraw: ['vCadre', 'applicant'] },
    A8_transfer_c_forest: { receive: ['cForest'], return: ['cForest'], extend: ['cManager'], withdraw: ['vCadre', 'applicant'] },
    A9_handling_forest: {
      complete_stage: ['cForest'], return: ['cForest'], suspend: ['cForest'], decide: ['cForest'], extend: ['cManager'],
      withdraw: ['vCadre', 'applicant'],
    },
    A10_suspended: { resume: ['cForest'], extend: ['cManager'], withdraw: ['vCadre', 'applicant'] },
    A11_handling_done: { suspend: ['cForest'], decide: ['cForest'], extend: ['cManager'], withdraw: ['vCadre', 'applicant'] },
    A12_decided_forest: { reply: ['cForest'] },
    A13_decided_c: { reply: ['cClerk'] },
    A14_decided_t: { reply: ['tClerk'] },
    A15_ready_v: { deliver: ['vCadre'] },
    A16_finished: {},
    A17_refused: {},
    A18_withdrawn: {},
    B0_draft: { apply: ['vCadre', 'v2Cadre', 'tClerk', 'tCivil', 't2Clerk', 'applicant'] },
    B1_submitted_window: {
      accept: ['tCivil'], refuse: ['tCivil'], request_materials: ['tCivil'], withdraw: ['tCivil', 'applicant'], finish_immediately: ['tCivil'],
    },
    B2_awaiting_window: { supplement: ['tCivil'], refuse: ['tCivil'], withdraw: ['tCivil', 'applicant'], finish_immediately: ['tCivil'] },
    B3_handling_window: {
      complete_stage: ['tCivil'], suspend: ['tCivil'], decide: ['tCivil'], extend: ['cManager', 'tManager'], withdraw: ['tCivil', 'applicant'],
    },
  };

  it('covers every fixture', () => assert.deepEqual(Object.keys(EXPECTED).sort(), Object.keys(FIX).sort()));

  for (const [fixture, expected] of Object.entries(EXPECTED)) {
    it(fixture, () => {
      const s = FIX[fixture]!;
      for (const type of CASE_ACTIONS) {
        const who = ACTOR_NAMES.filter((name) => payloads(type).some((act) => attempt(s, A[name], act).ok));
        assert.deepEqual(who, ACTOR_NAMES.filter((n) => (expected[type] ?? []).includes(n)), `${fixture} × ${type}`);
        // allowedActions offers exactly what someone can do (the payload-free part of the check).
        for (const name of ACTOR_NAMES) {
          const offered = allowedActions(s, A[name], { ...ctx, now: later(s) }).includes(type);
          if (who.includes(name)) assert.ok(offered, `${name} should be offered ${type} in ${fixture}`);
        }
      }
    });
  }

  it('allowedActions for the handling room, the village cadre, a manager and a finished case', () => {
    const s = FIX.A9_handling_forest!;
    const now = { ...ctx, now: later(s) };
    assert.deepEqual(allowedActions(s, A.cForest, now), ['complete_stage', 'return', 'suspend', 'decide']);
    assert.deepEqual(allowedActions(s, A.vCadre, now), ['withdraw']);
    assert.deepEqual(allowedActions(s, A.cManager, now), ['extend']);
    assert.deepEqual(allowedActions(s, A.supervisor, now), []);
    for (const name of ACTOR_NAMES) assert.deepEqual(allowedActions(FIX.A16_finished!, A[name], now), []);
  });

  it('supervisors, leaders, auditors and system admins take no case action', () => {
    for (const role of ['supervisor', 'leader', 'auditor', 'system_admin'] as const) {
      const actor: Actor = { userId: role, roles: [role], unit: null, orgPath: '/c/' };
      for (const s of Object.values(FIX)) {
        for (const type of CASE_ACTIONS) {
          const r = whyNot(s, type, actor, { ...ctx, now: later(s) });
          assert.ok(r && (r.code === 'forbidden_role' || r.code === 'invalid_state'), `${role} ${type} ${s.state}`);
        }
      }
    }
    assert.ok(ROLES.includes('supervisor'));
  });
});

describe('unit kinds and roles', () => {
  const ROOM = '办理室只办理本级受理部转来的件，不能直接受理申请人的申请';

  it('a handling room refuses a direct applicant, at the counter and online', () => {
    const draft = draftCase(ITEMS.timber);
    refused(draft, A.cForest, { type: 'apply', channel: 'counter' }, 'unit_kind', ROOM);
    refused(draft, A.applicant, { type: 'apply', channel: 'online', unit: U.cForest }, 'unit_kind', ROOM);
    assert.deepEqual(whyNot(draft, 'apply', A.cForest, { ...ctx, now: START })?.detail, ROOM);
  });

  it('acceptance desks and village rooms do not handle', () => {
    const atDesk = run(draftCase(ITEMS.timber), [[A.cClerk, { type: 'apply', channel: 'counter', at: START }], [A.cClerk, { type: 'accept' }]]);
    assert.equal(atDesk.state, 'accepted');
    const h = FIX.A9_handling_forest!;
    refused(h, A.cClerk, { type: 'complete_stage' }, 'unit_kind', '咨询受理部只受理、不办理，请将本件转交承办单位');
    refused(h, A.vCadre, { type: 'decide', outcome: 'approve' }, 'unit_kind', '村便民服务室只受理、不办理，请将本件报送乡镇便民服务中心');
    refused(h, A.cClerk, { type: 'suspend', procedure: 'hearing', reason: '听证', expectedDays: 5 }, 'unit_kind');
  });

  it('a handling room neither transfers nor delivers', () => {
    const cf = run(FIX.A9_handling_forest!, [[A.cForest, { type: 'complete_stage' }], [A.cForest, { type: 'decide', outcome: 'approve' }]]);
    refused(cf, A.cForest, { type: 'deliver', method: 'counter' }, 'invalid_state');
    refused(FIX.A15_ready_v!, A.cForest, { type: 'deliver', method: 'counter' }, 'unit_kind', '办理室不直接向申请人送达，办结后应回复本级咨询受理部');
    const roomAccepted = run(FIX.A9_handling_forest!, [[A.cForest, { type: 'return', reason: '非本局事项' }]]);
    refused(roomAccepted, A.cForest, { type: 'transfer', to: U.cLand }, 'unit_kind', '办理室不能自行转办，办结后应回复本级咨询受理部');
  });

  it('records the fee charged at hand-over; refuses a negative, sub-fen or non-numeric amount at /feeCharged', () => {
    const ready = FIX.A15_ready_v!;
    for (const fee of [-1, 1.234, Number.NaN, '5' as unknown as number]) {
      refused(ready, A.vCadre, { type: 'deliver', method: 'village_cadre', feeCharged: fee }, 'invalid_input', /实收费用/, '/feeCharged');
    }
    const r = attempt(ready, A.vCadre, { type: 'deliver', method: 'village_cadre', feeCharged: 1.15 });
    assert.ok(r.ok);
    if (r.ok) assert.equal(r.event.data.feeCharged, 1.15);
    const none = attempt(ready, A.vCadre, { type: 'deliver', method: 'village_cadre' });
    assert.ok(none.ok && !('feeCharged' in none.event.data));
  });

  it('the wrong role at the right unit, and the right role at another unit', () => {
    const s = FIX.A1_submitted_v!;
    const impostor: Actor = { ...A.vCadre, userId: 'x', roles: ['window_clerk'] };
    refused(s, impostor, { type: 'accept' }, 'forbidden_role', /村干部/);
    refused(s, A.v2Cadre, { type: 'accept' }, 'wrong_unit', /v-room/);
    refused(s, A.applicant, { type: 'accept' }, 'forbidden_role', /受理只能由/);
    refused(FIX.A4_transfer_v_t!, A.t2Clerk, { type: 'receive' }, 'wrong_unit', /接收单位/);
    refused(FIX.A4_transfer_v_t!, A.vCadre, { type: 'receive' }, 'unit_kind', '村便民服务室不签收转办件；办结件由乡镇中心回复送回');
  });

  it('a manager approves extensions only within the scope of their center', () => {
    const s = FIX.A5_accepted_t!;
    refused(s, A.t2Manager, { type: 'extend', days: 3, reason: '复杂' }, 'wrong_unit', /中心主任批准/);
    refused(s, A.tClerk, { type: 'extend', days: 3, reason: '复杂' }, 'forbidden_role', /中心主任/);
    assert.equal(attempt(s, A.tManager, { type: 'extend', days: 3, reason: '复杂' }).ok, true);
  });

  it('staff withdraw only at the accepting unit; the applicant anywhere before a decision', () => {
    const s = FIX.A9_handling_forest!;
    refused(s, A.cClerk, { type: 'withdraw' }, 'wrong_unit', /受理单位/);
    refused(s, A.cForest, { type: 'withdraw' }, 'unit_kind', /撤回申请应向受理本件的单位提出/);
    assert.equal(attempt(s, A.vCadre, { type: 'withdraw', reason: '书面申请撤回' }).ok, true);
  });
});

describe('the seed’s whole path: village → township → county handling room → reply → village hand-over', () => {
  const events: CaseEvent[] = [];
  const paths: string[][] = [];
  let s = draftCase(ITEMS.timber);
  for (const step of SEED_STEPS) {
    s = run(s, [step], events);
    paths.push(path(s));
  }

  it('every event, state and holder in order', () => {
    assert.deepEqual(events.map((e) => [e.type, e.fromState, e.toState, e.unitId, e.actorUserId]), [
      ['apply', 'draft', 'submitted', 'v-room', 'v-room-staff'],
      ['accept', 'submitted', 'accepted', 'v-room', 'v-room-staff'],
      ['transfer', 'accepted', 'in_transfer', 'v-room', 'v-room-staff'],
      ['receive', 'in_transfer', 'accepted', 't-desk', 't-desk-staff'],
      ['transfer', 'accepted', 'in_transfer', 't-desk', 't-desk-staff'],
      ['receive', 'in_transfer', 'accepted', 'c-desk', 'c-desk-staff'],
      ['transfer', 'accepted', 'in_transfer', 'c-desk', 'c-desk-staff'],
      ['receive', 'in_transfer', 'handling', 'c-forest-room', 'c-forest-room-staff'],
      ['complete_stage', 'handling', 'handling', 'c-forest-room', 'c-forest-room-staff'],
      ['decide', 'handling', 'decided', 'c-forest-room', 'c-forest-room-staff'],
      ['reply', 'decided', 'decided', 'c-desk', 'c-forest-room-staff'],
      ['reply', 'decided', 'decided', 't-desk', 'c-desk-staff'],
      ['reply', 'decided', 'ready_for_delivery', 'v-room', 't-desk-staff'],
      ['deliver', 'ready_for_delivery', 'finished', 'v-room', 'v-room-staff'],
    ]);
    assert.deepEqual(events.map((e) => e.version), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('the path grows on every sign-for and the reply walks it back exactly', () => {
    assert.deepEqual(paths, [
      ['v-room'], ['v-room'], ['v-room'],
      ['v-room', 't-desk'], ['v-room', 't-desk'],
      ['v-room', 't-desk', 'c-desk'], ['v-room', 't-desk', 'c-desk'],
      ['v-room', 't-desk', 'c-desk', 'c-forest-room'], ['v-room', 't-desk', 'c-desk', 'c-forest-room'],
      ['v-room', 't-desk', 'c-desk', 'c-forest-room'],
      ['v-room', 't-desk', 'c-desk'], ['v-room', 't-desk'], ['v-room'], ['v-room'],
    ]);
    assert.deepEqual(events.filter((e) => e.type === 'reply').map((e) => [e.data.from, e.data.to]), [
      ['c-forest-room', 'c-desk'], ['c-desk', 't-desk'], ['t-desk', 'v-room'],
    ]);
  });

  it('the accepting cadre owns the case, and the decision and hand-over are recorded', () => {
    assert.equal(s.ownerUserId, 'v-room-staff');
    assert.equal(s.channel, 'village_room');
    assert.equal(s.decision?.outcome, 'approved');
    assert.equal(s.decision?.unitId, 'c-forest-room');
    assert.equal(s.delivery?.method, 'village_cadre');
    assert.equal(events[8]!.opinion, '经现场核查，符合采伐条件');
  });

  it('due dates: 10 working days from Monday 2026-03-02 is the end of 2026-03-16; decided on time', () => {
    assert.equal(s.clock.acceptedAt, '2026-03-02T01:10:00.000Z');
    assert.equal(s.deadline.dueAt, '2026-03-16T15:59:59.999Z');
    assert.equal(FIX.A9_handling_forest!.deadline.stageDueAt, '2026-03-16T15:59:59.999Z');
    assert.equal(s.deadline.stageDueAt, null);
    assert.equal(s.clock.stoppedAt, events[9]!.at);
    assert.deepEqual(s.clock.stages.map((c) => [c.index, c.startedAt, c.finishedAt]), [[0, events[1]!.at, events[8]!.at]]);
  });
});

describe('parallel stages (并联审批) wait for every department', () => {
  const accepted = run(draftCase(ITEMS.joint), [
    [A.cClerk, { type: 'apply', channel: 'counter', at: START }],
    [A.cClerk, { type: 'accept' }],
  ]);

  it('the desk sends it to a department of the stage, not to another one', () => {
    refused(accepted, A.cClerk, { type: 'transfer', to: U.cCivil }, 'transfer_rule', /不承办本事项当前环节“联合审查”/, '/to');
    assert.equal(attempt(accepted, A.cClerk, { type: 'transfer', to: U.cForest }).ok, true);
  });

  it('forestry finishing first does not finish the stage; land finishing completes it and moves on', () => {
    let s = run(accepted, [[A.cClerk, { type: 'transfer', to: U.cLand }], [A.cLand, { type: 'receive' }]]);
    assert.equal(s.state, 'handling');
    s = run(s, [[A.cForest, { type: 'complete_stage', opinion: '不涉及林地' }]]);
    assert.equal(s.stageIndex, 0);
    assert.deepEqual(s.finishedHandlers, [1]);
    refused(s, A.cForest, { type: 'complete_stage' }, 'rule', /本部门已完成环节“联合审查”/);
    refused(s, A.cLand, { type: 'decide', outcome: 'approve' }, 'rule', '还有环节“联合审查”未办完，不能作出准予决定');
    refused(s, A.tLand, { type: 'complete_stage' }, 'wrong_unit', /不是本环节“联合审查”的承办部门/);
    refused(s, A.cCivil, { type: 'complete_stage' }, 'wrong_unit');
    refused(s, A.cLand, { type: 'complete_stage', handler: 1 }, 'wrong_unit', undefined, '/handler');
    s = run(s, [[A.cLand, { type: 'complete_stage' }]]);
    assert.equal(s.stageIndex, 1);
    assert.equal(s.state, 'handling', 'the land room handles the next stage itself');
    assert.deepEqual(s.finishedHandlers, []);
    refused(s, A.cForest, { type: 'complete_stage' }, 'wrong_unit');
    const events: CaseEvent[] = [];
    s = run(s, [
      [A.cLand, { type: 'complete_stage' }],
      [A.cLand, { type: 'decide', outcome: 'approve' }],
      [A.cLand, { type: 'reply' }],
      [A.cClerk, { type: 'deliver', method: 'post', trackingNo: 'EMS1234567890' }],
    ], events);
    assert.equal(s.state, 'finished');
    assert.deepEqual(events.map((e) => e.toState), ['handling', 'decided', 'ready_for_delivery', 'finished']);
    assert.deepEqual(s.clock.stages.map((c) => c.index), [0, 1]);
    assert.equal(s.delivery?.trackingNo, 'EMS1234567890');
  });

  it('a denial needs no finished stages, but a reason', () => {
    const s = run(accepted, [[A.cClerk, { type: 'transfer', to: U.cLand }], [A.cLand, { type: 'receive' }]]);
    refused(s, A.cLand, { type: 'decide', outcome: 'deny' }, 'invalid_input', /不予许可的理由/, '/reason');
    refused(s, A.cLand, { type: 'decide', outcome: 'deny', reason: '  ' }, 'invalid_input', undefined, '/reason');
    const denied = run(s, [[A.cLand, { type: 'decide', outcome: 'deny', reason: '占用基本农田' }]]);
    assert.deepEqual([denied.state, denied.decision?.outcome, denied.decision?.reason], ['decided', 'denied', '占用基本农田']);
  });
});

describe('stages at two levels (低保: township reviews, county approves)', () => {
  it('the finished township stage goes back to the township desk, which forwards it to the county', () => {
    const events: CaseEvent[] = [];
    let s = run(draftCase(ITEMS.dibao), [
      [A.vCadre, { type: 'apply', channel: 'proxy', proxy: { reason: '五保老人行动不便', consent: true }, at: START }],
      [A.vCadre, { type: 'accept' }],
      [A.vCadre, { type: 'transfer', to: U.tDesk }],
      [A.tClerk, { type: 'receive' }],
    ], events);
    refused(s, A.tClerk, { type: 'transfer', to: U.cDesk }, 'transfer_rule', '本事项当前环节“乡镇审核”在本级办理，应转交本级承办部门，不需代转上级');
    s = run(s, [[A.tClerk, { type: 'transfer', to: U.tCivil }], [A.tCivil, { type: 'receive' }], [A.tCivil, { type: 'complete_stage' }]], events);
    assert.deepEqual([s.state, s.stageIndex, path(s)], ['accepted', 1, ['v-room', 't-desk']]);
    assert.deepEqual(events.at(-1)!.data.handedBackTo, 't-desk');
    refused(s, A.tClerk, { type: 'transfer', to: U.tCivil }, 'transfer_rule', /不承办本事项当前环节“县级审批”/);
    s = run(s, [
      [A.tClerk, { type: 'transfer', to: U.cDesk }], [A.cClerk, { type: 'receive' }],
      [A.cClerk, { type: 'transfer', to: U.cCivil }], [A.cCivil, { type: 'receive' }],
      [A.cCivil, { type: 'complete_stage' }], [A.cCivil, { type: 'decide', outcome: 'approve' }],
      [A.cCivil, { type: 'reply' }], [A.cClerk, { type: 'reply' }], [A.tClerk, { type: 'reply' }],
      [A.vCadre, { type: 'deliver', method: 'village_cadre' }],
    ], events);
    assert.equal(s.state, 'finished');
    assert.equal(s.proxy?.reason, '五保老人行动不便');
    assert.deepEqual(s.clock.stages.map((c) => [c.index, c.limitDays]), [[0, 5], [1, 10]]);
    assert.deepEqual(events.filter((e) => e.type === 'reply').map((e) => e.unitId), ['c-desk', 't-desk', 'v-room']);
  });

  it('cannot be accepted where the item is not accepted, or above a stage it would have to send down', () => {
    refused(draftCase(ITEMS.dibao), A.cClerk, { type: 'apply', channel: 'counter' }, 'rule', '本事项不在县（区）受理，可受理层级：乡镇（街道）、村（社区）');
    refused(draftCase(ITEMS.townLand), A.cClerk, { type: 'apply', channel: 'counter' }, 'rule', /无法向下转办/);
  });

  it('a proxy case needs a reason and the villager’s consent', () => {
    const d = draftCase(ITEMS.dibao);
    refused(d, A.vCadre, { type: 'apply', channel: 'proxy' }, 'invalid_input', /代办原因/, '/proxy/reason');
    refused(d, A.vCadre, { type: 'apply', channel: 'proxy', proxy: { reason: '行动不便', consent: false } }, 'invalid_input', /本人同意/, '/proxy/consent');
  });
});

describe('transfers follow the seed', () => {
  const accepted = (item: CaseItem, actor: Actor) =>
    run(draftCase(item), [[actor, { type: 'apply', channel: actor === A.vCadre ? 'village_room' : 'counter', at: START }], [actor, { type: 'accept' }]]);

  it('a village room reports only to its own township’s desk', () => {
    const s = accepted(ITEMS.timber, A.vCadre);
    for (const to of [U.t2Desk, U.cDesk, U.tCivil, U.tLand]) {
      refused(s, A.vCadre, { type: 'transfer', to }, 'transfer_rule', '村便民服务室受理的件应报送所属乡镇便民服务中心咨询受理部');
    }
    refused(s, A.vCadre, { type: 'transfer', to: U.vRoom }, 'transfer_rule', '不能转办给本单位');
    refused(s, A.vCadre, { type: 'transfer', to: U.v2Room }, 'transfer_rule', /不能把办件转给村便民服务室/);
  });

  it('a desk sends to its own center’s handling units or up one level, never down or sideways', () => {
    const c = run(accepted(ITEMS.timber, A.cClerk), []);
    refused(c, A.cClerk, { type: 'transfer', to: U.tDesk }, 'transfer_rule', '咨询受理部只能代转上一级中心的咨询受理部');
    const t = accepted(ITEMS.timber, A.tClerk);
    refused(t, A.tClerk, { type: 'transfer', to: U.t2Desk }, 'transfer_rule', '咨询受理部只能代转上一级中心的咨询受理部');
    refused(t, A.tClerk, { type: 'transfer', to: U.cForest }, 'transfer_rule', /只能转交本级中心的办理部窗口或办理室/);
    refused(t, A.tClerk, { type: 'transfer', to: U.tLand }, 'transfer_rule', /不承办本事项当前环节/);
    assert.equal(attempt(t, A.tClerk, { type: 'transfer', to: U.cDesk }).ok, true);
  });

  it('a handling window that accepted an item it does not handle hands it to its own desk', () => {
    const s = accepted(ITEMS.timber, A.tCivil);
    assert.equal(s.state, 'accepted');
    refused(s, A.tCivil, { type: 'transfer', to: U.cDesk }, 'transfer_rule', '窗口受理的非本窗口承办事项，应交本级中心咨询受理部转办');
    const sent = run(s, [[A.tCivil, { type: 'transfer', to: U.tDesk }], [A.tClerk, { type: 'receive' }]]);
    assert.deepEqual(path(sent), ['t-civil-window', 't-desk']);
  });

  it('a handling window accepts its own item straight into handling (受理即办理)', () => {
    const s = accepted(ITEMS.dibao, A.tCivil);
    assert.deepEqual([s.state, path(s)], ['handling', ['t-civil-window']]);
  });
});

describe('return (退回)', () => {
  it('the receiver may refuse to sign for it: back to the sender, unchanged path', () => {
    const s = run(FIX.A6_transfer_t_c!, [[A.cClerk, { type: 'return', reason: '本事项应由乡镇林业站初审' }]]);
    assert.deepEqual([s.state, path(s), s.transfer], ['accepted', ['v-room', 't-desk'], null]);
  });

  it('after sign-for it goes back one hop along the path', () => {
    const s = run(FIX.A9_handling_forest!, [[A.cForest, { type: 'return', reason: '申请材料与事项不符' }]]);
    assert.deepEqual([s.state, path(s)], ['accepted', ['v-room', 't-desk', 'c-desk']]);
  });

  it('needs a reason, and something to return to', () => {
    refused(FIX.A9_handling_forest!, A.cForest, { type: 'return', reason: '' }, 'invalid_input', /退回理由/, '/reason');
    refused(FIX.B3_handling_window!, A.tCivil, { type: 'return', reason: '无' }, 'rule', '本件由本单位受理，没有可退回的上一单位');
    refused(FIX.A11_handling_done!, A.cForest, { type: 'return', reason: '无' }, 'rule', /请作出决定/);
  });
});

describe('acceptance, materials and refusal', () => {
  it('one notice lists every missing material, once', () => {
    const s = FIX.A1_submitted_v!;
    refused(s, A.vCadre, { type: 'request_materials', missing: [] }, 'invalid_input', /一份告知书中列出全部/, '/missing');
    refused(s, A.vCadre, { type: 'request_materials', missing: ['身份证', ' '] }, 'invalid_input', undefined, '/missing/1');
    refused(s, A.vCadre, { type: 'request_materials', missing: ['身份证', '身份证 '] }, 'invalid_input', /重复/, '/missing/1');
    const waiting = run(s, [[A.vCadre, { type: 'request_materials', missing: ['户口簿复印件', '林权证原件'] }]]);
    assert.deepEqual(waiting.materialsNotice?.missing, ['户口簿复印件', '林权证原件']);
    assert.equal(waiting.clock.acceptedAt, null);
    assert.equal(waiting.deadline.dueAt, null);
    refused(waiting, A.vCadre, { type: 'request_materials', missing: ['照片'] }, 'invalid_state', /已一次性告知，不能再次要求补正/);
  });

  it('the acceptance date is the day the materials became complete', () => {
    const s = run(FIX.A2_awaiting_v!, [[A.vCadre, { type: 'supplement', at: '2026-03-05T15:00:00+08:00' }]]);
    assert.equal(s.state, 'accepted');
    assert.equal(s.clock.acceptedAt, '2026-03-05T07:00:00.000Z');
    assert.equal(s.deadline.dueAt, '2026-03-19T15:59:59.999Z');
    assert.equal(s.ownerUserId, 'v-room-staff');
  });

  it('a notice given after 5 working days counts the case as accepted when it arrived', () => {
    const late = run(FIX.A1_submitted_v!, [[A.vCadre, { type: 'request_materials', missing: ['照片'], at: '2026-03-10T10:00:00+08:00' }]]);
    assert.equal(late.materialsNotice?.late, true);
    const s = run(late, [[A.vCadre, { type: 'supplement', at: '2026-03-12T10:00:00+08:00' }]]);
    assert.equal(s.clock.acceptedAt, s.submittedAt);
    const onTime = run(FIX.A1_submitted_v!, [[A.vCadre, { type: 'request_materials', missing: ['照片'], at: '2026-03-09T10:00:00+08:00' }]]);
    assert.equal(onTime.materialsNotice?.late, false);
  });

  it('refusal needs a written reason, and names the competent agency when it is not ours', () => {
    const s = FIX.A1_submitted_v!;
    refused(s, A.vCadre, { type: 'refuse', ground: 'ineligible', reason: '' }, 'invalid_input', /不予受理的理由/, '/reason');
    refused(s, A.vCadre, { type: 'refuse', ground: 'ineligible', reason: ' \n ' }, 'invalid_input', undefined, '/reason');
    refused(s, A.vCadre, { type: 'refuse', ground: 'not_competent', reason: '不属本县' }, 'invalid_input', /有权受理的行政机关/, '/referTo');
    refused(s, A.vCadre, { type: 'refuse', ground: 'whatever' as 'ineligible', reason: 'x' }, 'invalid_input', undefined, '/ground');
    const r = run(s, [[A.vCadre, { type: 'refuse', ground: 'not_competent', reason: '国有林区采伐由省林业局审批', referTo: '省林业局' }]]);
    assert.deepEqual(r.ending, { kind: 'refused', reason: '国有林区采伐由省林业局审批', ground: 'not_competent', referTo: '省林业局', at: r.lastActionAt });
    assert.equal(r.clock.acceptedAt, null);
  });

  it('a consultation item cannot be applied for', () => {
    refused(draftCase(ITEMS.consultation), A.cClerk, { type: 'apply', channel: 'counter' }, 'rule', /咨询类事项只提供咨询服务/);
  });

  it('channels fit who applies where', () => {
    const d = draftCase(ITEMS.timber);
    refused(d, A.applicant, { type: 'apply', channel: 'counter' }, 'invalid_input', '申请人只能通过网上申请', '/channel');
    refused(d, A.applicant, { type: 'apply', channel: 'online' }, 'invalid_input', '请选择受理单位', '/unit');
    refused(d, A.cClerk, { type: 'apply', channel: 'online' }, 'invalid_input', undefined, '/channel');
    refused(d, A.cClerk, { type: 'apply', channel: 'village_room' }, 'invalid_input', undefined, '/channel');
    refused(d, A.vCadre, { type: 'apply', channel: 'counter' }, 'invalid_input', undefined, '/channel');
    const online = run(d, [[A.applicant, { type: 'apply', channel: 'online', unit: U.tDesk, at: START }]]);
    assert.deepEqual([online.state, online.channel, path(online), online.ownerUserId], ['submitted', 'online', ['t-desk'], null]);
    assert.equal(run(online, [[A.tClerk, { type: 'accept' }]]).ownerUserId, 't-desk-staff');
  });
});

describe('immediate items (即办件)', () => {
  it('are accepted, decided and delivered in one sitting by the handling window', () => {
    const events: CaseEvent[] = [];
    const s = run(FIX.B0_draft!, [
      [A.tCivil, { type: 'apply', channel: 'counter', at: '2026-03-06T16:50:00+08:00' }],
      [A.tCivil, { type: 'finish_immediately' }],
    ], events);
    assert.equal(s.state, 'finished');
    assert.equal(s.decision?.outcome, 'approved');
    assert.equal(s.delivery?.method, 'counter');
    assert.equal(s.clock.acceptedAt, s.clock.stoppedAt);
    assert.equal(s.stageIndex, 1);
    assert.equal(s.deadline.dueAt, '2026-03-06T15:59:59.999Z', 'due the same working day');
    assert.deepEqual(events.map((e) => e.type), ['apply', 'finish_immediately']);
  });

  it('or step by step at the same counter', () => {
    const s = run(FIX.B1_submitted_window!, [
      [A.tCivil, { type: 'accept' }], [A.tCivil, { type: 'complete_stage' }],
      [A.tCivil, { type: 'decide', outcome: 'approve' }], [A.tCivil, { type: 'deliver', method: 'counter' }],
    ]);
    assert.equal(s.state, 'finished');
  });

  it('only for immediate items, and only at a window that handles every stage', () => {
    const timber = run(draftCase(ITEMS.timber), [[A.cCivil, { type: 'apply', channel: 'counter', at: START }]]);
    refused(timber, A.cCivil, { type: 'finish_immediately' }, 'rule', /只有即办件可以当场办结/);
    const atDesk = run(FIX.B0_draft!, [[A.tClerk, { type: 'apply', channel: 'counter', at: START }]]);
    refused(atDesk, A.tClerk, { type: 'finish_immediately' }, 'unit_kind', /即办件由承办窗口当场办结/);
  });

  it('accepted on a Saturday it is due the next working day', () => {
    const s = run(FIX.B0_draft!, [
      [A.vCadre, { type: 'apply', channel: 'village_room', at: '2026-03-07T10:00:00+08:00' }],
      [A.vCadre, { type: 'accept' }],
    ]);
    assert.equal(s.deadline.dueAt, '2026-03-09T15:59:59.999Z');
  });
});

describe('suspension, extension and the clock', () => {
  // A9: accepted 2026-03-02 09:10, due at the end of 2026-03-16.
  const h = FIX.A9_handling_forest!;

  it('a special procedure needs its kind, a reason and expected days; the clock stops and moves the due date', () => {
    refused(h, A.cForest, { type: 'suspend', procedure: 'site_survey', reason: '勘察', expectedDays: 0 }, 'invalid_input', undefined, '/expectedDays');
    refused(h, A.cForest, { type: 'suspend', procedure: 'nap' as 'hearing', reason: '勘察', expectedDays: 2 }, 'invalid_input', undefined, '/procedure');
    refused(h, A.cForest, { type: 'suspend', procedure: 'hearing', reason: '', expectedDays: 2 }, 'invalid_input', undefined, '/reason');
    const s = run(h, [
      [A.cForest, { type: 'suspend', procedure: 'site_survey', reason: '现场勘察', expectedDays: 3, at: '2026-03-04T10:00:00+08:00' }],
    ]);
    assert.equal(s.state, 'suspended');
    refused(s, A.cForest, { type: 'complete_stage' }, 'invalid_state', '本件处于特别程序（现场勘察）中，请先恢复办理');
    const resumed = run(s, [[A.cForest, { type: 'resume', at: '2026-03-09T10:00:00+08:00' }]]);
    // Lost 03-05, 03-06, 03-09: three working days.
    assert.equal(resumed.deadline.dueAt, '2026-03-19T15:59:59.999Z');
    assert.equal(resumed.deadline.stageDueAt, '2026-03-19T15:59:59.999Z');
    assert.deepEqual(resumed.clock.pauses, [{ from: '2026-03-04T02:00:00.000Z', to: '2026-03-09T02:00:00.000Z', stageIndex: 0, expectedDays: 3 }]);
  });

  it('an extension needs a manager, a reason, at most 10 days (15 joint), once, before the limit expires', () => {
    refused(h, A.cManager, { type: 'extend', days: 11, reason: '复杂' }, 'invalid_input', /1 至 10/, '/days');
    refused(h, A.cManager, { type: 'extend', days: 5, reason: '' }, 'invalid_input', undefined, '/reason');
    const s = run(h, [[A.cManager, { type: 'extend', days: 5, reason: '需补充林业调查', at: '2026-03-16T17:00:00+08:00' }]]);
    assert.equal(s.deadline.dueAt, '2026-03-23T15:59:59.999Z');
    assert.equal(s.state, 'handling');
    refused(s, A.cManager, { type: 'extend', days: 1, reason: '再延' }, 'rule', '本件已延期一次，不能再次延期');
    refused(h, A.cManager, { type: 'extend', days: 5, reason: '迟了', at: '2026-03-17T08:30:00+08:00' }, 'limit_expired', /期限届满前批准/);
    assert.equal(whyNot(h, 'extend', A.cManager, { ...ctx, now: '2026-03-17T08:30:00+08:00' })?.code, 'limit_expired');
  });

  it('a joint item may be extended by 15 days', () => {
    const joint = run(draftCase(ITEMS.joint), [[A.cClerk, { type: 'apply', channel: 'counter', at: START }], [A.cClerk, { type: 'accept' }]]);
    assert.equal(attempt(joint, A.cManager, { type: 'extend', days: 15, reason: '多部门会审' }).ok, true);
  });

  it('withdrawal before the decision stops the clock and closes a suspension; after it, refused', () => {
    const suspended = FIX.A10_suspended!;
    const w = run(suspended, [[A.applicant, { type: 'withdraw', reason: '不再采伐' }]]);
    assert.equal(w.state, 'withdrawn');
    assert.equal(w.suspension, null);
    assert.ok(w.clock.pauses.every((p) => p.to !== null));
    assert.equal(w.clock.stoppedAt, w.lastActionAt);
    assert.deepEqual(w.ending, { kind: 'withdrawn', reason: '不再采伐', ground: null, referTo: null, at: w.lastActionAt });
    refused(FIX.A12_decided_forest!, A.applicant, { type: 'withdraw' }, 'invalid_state', '本件已作出决定，不能再撤回申请');
    refused(FIX.A15_ready_v!, A.vCadre, { type: 'withdraw' }, 'invalid_state', '本件已作出决定，不能再撤回申请');
    refused(FIX.A16_finished!, A.applicant, { type: 'withdraw' }, 'invalid_state', '本件已办结，不能再撤回申请');
    refused(FIX.A17_refused!, A.vCadre, { type: 'accept' }, 'invalid_state', '本件已不予受理，不能再受理');
  });
});

describe('input hygiene', () => {
  it('refuses a moment without an offset or earlier than the last action', () => {
    const s = FIX.A1_submitted_v!;
    refused(s, A.vCadre, { type: 'accept', at: '2026-03-02T10:00:00' }, 'invalid_input', /带时区/, '/at');
    refused(s, A.vCadre, { type: 'accept', at: '2026-03-01T10:00:00+08:00' }, 'invalid_input', /早于/, '/at');
    refused(s, A.vCadre, { type: 'fly' } as unknown as Act, 'invalid_input', '未知的办件操作', '/type');
  });

  it('never changes the snapshot it is given', () => {
    const deepFreeze = <T>(o: T): T => {
      if (o && typeof o === 'object') {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
      }
      return o;
    };
    let s = deepFreeze(draftCase(ITEMS.joint));
    for (const step of [
      [A.cClerk, { type: 'apply', channel: 'counter', at: START }], [A.cClerk, { type: 'accept' }],
      [A.cClerk, { type: 'transfer', to: U.cLand }], [A.cLand, { type: 'receive' }],
      [A.cLand, { type: 'suspend', procedure: 'expert_review', reason: '专家评审', expectedDays: 5 }],
      [A.cLand, { type: 'resume' }], [A.cForest, { type: 'complete_stage' }], [A.cLand, { type: 'complete_stage' }],
    ] as [Actor, Act][]) {
      const before = JSON.stringify(s);
      const r = attempt(s, step[0], step[1]);
      assert.ok(r.ok, r.ok ? '' : r.detail);
      assert.equal(JSON.stringify(s), before);
      s = deepFreeze(r.next);
    }
  });

  it('draftCase refuses an item its process cannot drive', () => {
    assert.throws(() => draftCase({ ...ITEMS.timber, process: [] }), RangeError);
    assert.throws(() => draftCase({ ...ITEMS.timber, process: [{ name: 'x', handlers: [], limitDays: 1 }] }), RangeError);
  });
});

describe('property: random action sequences keep the snapshot consistent', () => {
  const items = [ITEMS.timber, ITEMS.dibao, ITEMS.joint, ITEMS.immediate, ITEMS.townLand];
  const ACCEPTED_STATES: CaseState[] = ['accepted', 'in_transfer', 'handling', 'suspended', 'decided', 'ready_for_delivery', 'finished'];

  function check(s: CaseSnapshot, prev: CaseSnapshot): void {
    const stages = s.item.process;
    assert.ok(CASE_STATES.includes(s.state));
    assert.ok(s.stageIndex >= 0 && s.stageIndex <= stages.length, 'stage index within the process');
    assert.ok(s.stageIndex >= prev.stageIndex, 'stage index never goes back');
    const stage = stages[s.stageIndex];
    assert.equal(new Set(s.finishedHandlers).size, s.finishedHandlers.length);
    if (stage) {
      assert.ok(s.finishedHandlers.every((i) => i >= 0 && i < stage.handlers.length));
      assert.ok(s.finishedHandlers.length < stage.handlers.length, 'a completed stage moves on');
    } else assert.deepEqual(s.finishedHandlers, []);
    assert.equal(s.state === 'draft', s.path.length === 0);
    if (s.path.length) assert.notEqual(s.path[0]!.unitKind, 'handling_room', 'a handling room never accepts');
    assert.equal(s.state === 'in_transfer', s.transfer !== null);
    assert.equal(s.state === 'suspended', s.suspension !== null);
    assert.equal(s.clock.pauses.filter((p) => p.to === null).length, s.state === 'suspended' ? 1 : 0);
    assert.equal(s.decision !== null, ['decided', 'ready_for_delivery', 'finished'].includes(s.state));
    assert.equal(s.delivery !== null, s.state === 'finished');
    assert.equal(s.ending !== null, s.state === 'refused' || s.state === 'withdrawn');
    if (s.state === 'decided') assert.ok(s.path.length >= 2);
    if (s.state === 'ready_for_delivery' || s.state === 'finished') assert.equal(s.path.length, 1);
    if (s.state === 'handling') assert.ok(['handling_window', 'handling_room'].includes(holder(s)!.unitKind));
    if (s.state === 'accepted') assert.notEqual(holder(s)!.unitKind, 'handling_room');
    if (ACCEPTED_STATES.includes(s.state)) {
      assert.ok(s.clock.acceptedAt && s.ownerUserId && s.deadline.dueAt, 'accepted cases have an owner and a due date');
    }
    if (['draft', 'submitted', 'awaiting_materials', 'refused'].includes(s.state)) assert.equal(s.clock.acceptedAt, null);
    assert.equal(s.clock.stoppedAt !== null, s.decision !== null || (s.state === 'withdrawn' && s.clock.acceptedAt !== null));
    assert.ok(s.clock.stages.filter((c) => c.finishedAt === null).length <= 1);
    s.clock.stages.forEach((c, i) => assert.equal(c.index, i));
  }

  const step = fc.record({
    actor: fc.integer({ min: 0, max: ACTOR_NAMES.length - 1 }),
    pick: fc.nat(),
    variant: fc.nat(),
    random: fc.boolean(),
    minutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
  });

  const reached = new Set<CaseState>();
  const taken = new Set<CaseActionType>();

  const explore = (params: { numRuns: number; seed?: number }) =>
    fc.assert(fc.property(fc.integer({ min: 0, max: items.length - 1 }), fc.array(step, { minLength: 5, maxLength: 60, size: 'max' }), (itemIndex, steps) => {
      let s = draftCase(items[itemIndex]!);
      let oks = 0;
      for (const st of steps) {
        const at = later(s, st.minutes);
        // Mostly someone who can move the case on (as in a real office; ending it only now and then),
        // sometimes anyone trying anything.
        const ending = ['withdraw', 'refuse'];
        const moves = (t: CaseActionType) => !ending.includes(t) || st.pick % 6 === 0;
        let actorIndex = st.actor;
        for (let k = 0; !st.random && k < ACTOR_NAMES.length; k++) {
          const i = (st.actor + k) % ACTOR_NAMES.length;
          if (allowedActions(s, A[ACTOR_NAMES[i]!], { ...ctx, now: at }).some(moves)) {
            actorIndex = i;
            break;
          }
        }
        const actor = A[ACTOR_NAMES[actorIndex]!];
        const offered = allowedActions(s, actor, { ...ctx, now: at });
        const onward = offered.filter(moves);
        const menu = onward.length ? onward : offered;
        const type = !st.random && menu.length ? menu[st.pick % menu.length]! : CASE_ACTIONS[st.pick % CASE_ACTIONS.length]!;
        // Fill it in as a clerk would: one of the ways that works (e.g. the right transfer target), if any.
        const options = payloads(type).map((p) => ({ ...p, at }) as CaseAction);
        const working = st.random ? [] : options.filter((o) => applyAction(s, o, actor, ctx).ok);
        const pool = working.length ? working : options;
        const r = applyAction(s, pool[st.variant % pool.length]!, actor, ctx);
        if (isTerminal(s.state)) {
          assert.equal(r.ok, false, 'terminal states are absorbing');
          if (!r.ok) assert.equal(r.code, 'invalid_state');
          assert.deepEqual(offered, []);
        }
        if (!r.ok) {
          assert.match(r.detail, /[\u4e00-\u9fff]/);
          continue;
        }
        assert.ok(offered.includes(type), `${type} succeeded but was not offered to ${actor.userId} in ${s.state}`);
        assert.ok(TRANSITIONS[type].from.includes(s.state) && TRANSITIONS[type].to.includes(r.next.state));
        assert.equal(r.next.version, s.version + 1);
        assert.equal(r.event.version, r.next.version);
        check(r.next, s);
        s = r.next;
        oks++;
        reached.add(s.state);
        taken.add(type);
      }
      assert.equal(s.version, oks);
    }), params);

  it('holds for 300 random runs of 5 to 60 actions', () => explore({ numRuns: 300 }));

  it('explores every state and every action (a fixed seed, so coverage does not depend on luck)', () => {
    reached.clear();
    taken.clear();
    explore({ numRuns: 400, seed: 20261125 });
    assert.deepEqual([...reached].sort(), CASE_STATES.filter((x) => x !== 'draft').sort());
    assert.deepEqual([...taken].sort(), [...CASE_ACTIONS].sort());
  });
});
