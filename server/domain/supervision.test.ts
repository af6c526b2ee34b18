import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import holidays from './holidays/cn-holidays.json' with { type: 'json' };
import { buildCalendar, loadOfficialYears } from './calendar.ts';
import { emptyClock, type CaseClock } from './case-clock.ts';
import type { CaseSnapshot, UnitRef } from './case-lifecycle.ts';
import {
  CLOSED_STATUSES, DEFAULT_RULES, PRESET_RULES, SIGNAL_RULES, SIGNAL_STATUSES, SIGNAL_STEPS, STEP_SIDE, WHOLE_CASE,
  allowedSteps, applySignalStep, feeDiffers, hasReason, nearMoment, skippedStages, superviseCase, validateRuleConfig,
  type RuleConfig, type SignalStatus,
} from './supervision.ts';

const cal = buildCalendar({ years: loadOfficialYears(holidays) });
const sh = (date: string, time = '10:00') => `${date}T${time}:00+08:00`;
const at = (date: string, time = '10:00') => new Date(sh(date, time));
const endOf = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();
const startOf = (date: string) => new Date(`${date}T00:00:00+08:00`).toISOString();

const unit = (kind: UnitRef['unitKind'], id = kind): UnitRef => ({
  unitId: id, unitKind: kind, orgId: 'o1', orgPath: '/o0/o1/', orgLevel: 'township', department: kind === 'handling_window' ? 'civil_affairs' : null,
});

/** Accepted 2026-03-02 10:00 (Monday): committed 10 working days (due end of 03-16), stage 0 of 5 days (due end of 03-09), stage 1 of 5. */
function caseAt(extra: Partial<CaseSnapshot> = {}, clock: Partial<CaseClock> = {}): CaseSnapshot {
  const acceptedAt = new Date(sh('2026-03-02')).toISOString();
  return {
    version: 3, state: 'handling',
    item: {
      code: 'T-1', name: '测试事项', caseType: 'pledged', handlingMode: 'direct', committedLimitDays: 10, legalLimitDays: 20,
      acceptLevels: ['township'],
      process: [
        { name: '审查', handlers: [{ department: 'civil_affairs', level: 'township' }], limitDays: 5 },
        { name: '审批', handlers: [{ department: 'civil_affairs', level: 'township' }], limitDays: 5 },
      ],
    } as CaseSnapshot['item'],
    channel: 'counter', proxy: null, ownerUserId: 'u1', path: [unit('handling_window')], transfer: null,
    stageIndex: 0, finishedHandlers: [], materialsNotice: null, suspension: null, decision: null, delivery: null, ending: null,
    submittedAt: acceptedAt, lastActionAt: acceptedAt,
    clock: { ...emptyClock(10), acceptedAt, stages: [{ index: 0, limitDays: 5, startedAt: acceptedAt, finishedAt: null }], ...clock },
    deadline: { dueAt: null, stageDueAt: null, provisional: false },
    ...extra,
  };
}

const rules = (r: ReturnType<typeof superviseCase>) => r.due.map((d) => `${d.rule}@${d.stageIndex}:${d.level}`).sort();

describe('supervision: time-based signals and the next threshold moment', () => {
  const table: [string, CaseSnapshot, Date, RuleConfig, string[], string | null][] = [
    ['fresh case: nothing due; next is the stage warning (1 working day left of 5)', caseAt(), at('2026-03-05'), DEFAULT_RULES, [], startOf('2026-03-06')],
    ['stage nearing its limit: a warning; next is the stage passing its limit', caseAt(), at('2026-03-06'), DEFAULT_RULES, ['stage_near@0:warning'], new Date(Date.parse(endOf('2026-03-09')) + 1).toISOString()],
    ['stage past its own limit: yellow; next is the case warning (2 working days = 20% of 10)', caseAt(), at('2026-03-10'), DEFAULT_RULES, ['stage_overdue@0:yellow'], startOf('2026-03-12')],
    ['case nearing: warning besides the stage card', caseAt(), at('2026-03-12'), DEFAULT_RULES, ['case_near@-1:warning', 'stage_overdue@0:yellow'], new Date(Date.parse(endOf('2026-03-16')) + 1).toISOString()],
    ['last moment of the due day is still on time', caseAt(), new Date(endOf('2026-03-16')), DEFAULT_RULES, ['case_near@-1:warning', 'stage_overdue@0:yellow'], new Date(Date.parse(endOf('2026-03-16')) + 1).toISOString()],
    ['case past its committed limit: red (no late warning), nothing further by default', caseAt(), at('2026-03-17'), DEFAULT_RULES, ['case_overdue@-1:red', 'stage_overdue@0:yellow'], null],
    ['Chengdu: yellow when nearing', caseAt(), at('2026-03-12'), PRESET_RULES.chengdu, ['case_near@-1:yellow', 'stage_overdue@0:yellow'], new Date(Date.parse(endOf('2026-03-16')) + 1).toISOString()],
    ['Chengdu: red when overdue', caseAt(), at('2026-03-17'), PRESET_RULES.chengdu, ['case_overdue@-1:red', 'stage_overdue@0:yellow'], null],
    ['Zhanjiang: reminder one working day before (not 20%)', caseAt(), at('2026-03-13'), PRESET_RULES.zhanjiang, ['case_near@-1:warning', 'stage_overdue@0:yellow'], new Date(Date.parse(endOf('2026-03-16')) + 1).toISOString()],
    ['Zhanjiang: two days before is no reminder yet', caseAt(), at('2026-03-12'), PRESET_RULES.zhanjiang, ['stage_overdue@0:yellow'], startOf('2026-03-13')],
    ['Zhanjiang: overdue is yellow with a 3-day oversight deadline', caseAt(), at('2026-03-17'), PRESET_RULES.zhanjiang, ['case_overdue@-1:yellow', 'stage_overdue@0:yellow'], new Date(Date.parse(endOf('2026-03-19')) + 1).toISOString()],
    ['Zhanjiang: still open after the oversight deadline is red', caseAt(), at('2026-03-20'), PRESET_RULES.zhanjiang, ['case_overdue@-1:yellow', 'case_oversight_overdue@-1:red', 'stage_overdue@0:yellow'], null],
    ['suspended (特别程序): the clock stands still, nothing falls due', caseAt({ state: 'suspended' }, { pauses: [{ from: sh('2026-03-04'), to: null, stageIndex: 0, expectedDays: 10 }] }), at('2026-03-20'), DEFAULT_RULES, [], null],
    ['decided on time: nothing, ever', caseAt({ state: 'decided', decision: { outcome: 'approved', reason: null, at: sh('2026-03-09'), byUserId: 'u1', unitId: 'handling_window' }, stageIndex: 2 },
      { stoppedAt: sh('2026-03-09'), stages: [{ index: 0, limitDays: 5, startedAt: sh('2026-03-02'), finishedAt: sh('2026-03-05') }, { index: 1, limitDays: 5, startedAt: sh('2026-03-05'), finishedAt: sh('2026-03-09') }] }),
    at('2026-04-20'), DEFAULT_RULES, [], null],
    ['decided late: red for the case, yellow for the late stage; nothing further', caseAt({ state: 'decided', decision: { outcome: 'approved', reason: null, at: sh('2026-03-18'), byUserId: 'u1', unitId: 'handling_window' }, stageIndex: 2 },
      { stoppedAt: sh('2026-03-18'), stages: [{ index: 0, limitDays: 5, startedAt: sh('2026-03-02'), finishedAt: sh('2026-03-05') }, { index: 1, limitDays: 5, startedAt: sh('2026-03-05'), finishedAt: sh('2026-03-18') }] }),
    at('2026-03-18'), DEFAULT_RULES, ['case_overdue@-1:red', 'stage_overdue@1:yellow'], null],
    ['an extension moves the case limit (10 + 5 days)', caseAt({}, { extensions: [{ at: sh('2026-03-10'), days: 5, stageIndex: null }] }), at('2026-03-17'), DEFAULT_RULES, ['stage_overdue@0:yellow'], startOf('2026-03-18')],
    ['not accepted yet: nothing', caseAt({ state: 'submitted' }, { acceptedAt: null, stages: [] }), at('2026-05-01'), DEFAULT_RULES, [], null],
    ['rules turned off raise nothing and set no moment', caseAt(), at('2026-03-17'), { ...DEFAULT_RULES, levels: Object.fromEntries(SIGNAL_RULES.map((r) => [r, null])) as RuleConfig['levels'] }, [], null],
  ];
  for (const [name, s, now, cfg, expected, next] of table) {
    it(name, () => {
      const r = superviseCase(s, cfg, cal, now);
      assert.deepEqual(rules(r), expected);
      assert.equal(r.nextAt, next);
      for (const d of r.due) assert.match(d.basis, /\p{Script=Han}/u);
    });
  }

  it('a village room\'s batch not signed for in 2 working days: yellow', () => {
    const s = caseAt({ state: 'in_transfer', path: [unit('village_room')], transfer: { to: unit('acceptance_desk'), at: sh('2026-03-02') } });
    const before = superviseCase(s, DEFAULT_RULES, cal, at('2026-03-04'));
    assert.ok(!rules(before).includes('village_unsigned@-1:yellow'));
    assert.equal(before.nextAt, new Date(Date.parse(endOf('2026-03-04')) + 1).toISOString());
    assert.ok(rules(superviseCase(s, DEFAULT_RULES, cal, at('2026-03-05'))).includes('village_unsigned@-1:yellow'));
    // A desk's transfer to a room is not a village batch.
    const desk = caseAt({ state: 'in_transfer', path: [unit('acceptance_desk')], transfer: { to: unit('handling_room'), at: sh('2026-03-02') } });
    assert.ok(!rules(superviseCase(desk, DEFAULT_RULES, cal, at('2026-03-05'))).some((r) => r.startsWith('village_unsigned')));
  });

  it('the warning moment follows the calendar across the Spring Festival', () => {
    // Due end of 2026-02-26, 2 days left (20% of 10): from 02-24, the first working day after the holiday 02-15…02-23.
    assert.equal(nearMoment(cal, new Date(endOf('2026-02-26')), 10, { days: 1, fraction: 0.2 }).toISOString(), startOf('2026-02-24'));
    assert.equal(nearMoment(cal, new Date(endOf('2026-02-26')), 10, { days: 1, fraction: 0 }).toISOString(), startOf('2026-02-25'));
    // Due end of 02-24 with one day's warning: the whole holiday is "one working day left", from the make-up Saturday 02-14 on.
    assert.equal(nearMoment(cal, new Date(endOf('2026-02-24')), 5, { days: 1, fraction: 0 }).toISOString(), startOf('2026-02-14'));
  });

  it('property: nothing new falls due before nextAt, and something new does at nextAt', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 0, max: 60 * 24 * 60 }), fc.constantFrom(...(['default', 'chengdu', 'zhanjiang'] as const)),
      (dayOffset, limit, stageLimit, minutes, preset) => {
        const accepted = new Date(Date.parse('2025-06-02T02:00:00Z') + dayOffset * 86_400_000).toISOString();
        const s = caseAt({}, { limitDays: limit, acceptedAt: accepted, stages: [{ index: 0, limitDays: stageLimit, startedAt: accepted, finishedAt: null }] });
        s.item = { ...s.item, committedLimitDays: limit };
        const now = new Date(Date.parse(accepted) + minutes * 60_000);
        const cfg = PRESET_RULES[preset];
        const r = superviseCase(s, cfg, cal, now);
        if (r.nextAt === null) return;
        const next = Date.parse(r.nextAt);
        assert.ok(next > now.getTime(), 'nextAt is after now');
        const key = (x: ReturnType<typeof superviseCase>) => new Set(x.due.map((d) => `${d.rule}@${d.stageIndex}`));
        const nowSet = key(r);
        const justBefore = key(superviseCase(s, cfg, cal, new Date(next - 1)));
        for (const k of justBefore) assert.ok(nowSet.has(k) || k.startsWith('case_near') || k.startsWith('stage_near'), `${k} fell due before nextAt`);
        const newAt = [...key(superviseCase(s, cfg, cal, new Date(next)))].filter((k) => !nowSet.has(k));
        assert.ok(newAt.length > 0, 'something new falls due at nextAt');
      },
    ), { numRuns: 400 });
  });

  it('property: what is due at a moment stays due later while the case does not move (overdue never un-falls)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 40 * 24 }), fc.integer({ min: 1, max: 40 * 24 }), (h1, dh) => {
      const t1 = new Date(Date.parse(sh('2026-03-02')) + h1 * 3_600_000);
      const t2 = new Date(t1.getTime() + dh * 3_600_000);
      const cards = (t: Date) => superviseCase(caseAt(), DEFAULT_RULES, cal, t).due.filter((d) => d.level !== 'warning').map((d) => d.rule + d.stageIndex);
      for (const c of cards(t1)) assert.ok(cards(t2).includes(c));
    }), { numRuns: 300 });
  });
});

describe('supervision: event rules', () => {
  it('a refusal or denial without a real reason is a red card', () => {
    const refused = (reason: string | null) => caseAt({ state: 'refused', ending: { kind: 'refused', reason, ground: 'ineligible', referTo: null, at: sh('2026-03-02') } }, { acceptedAt: null, stages: [] });
    for (const reason of [null, '', '  ', '无', '/', '略', '——', '无理由']) {
      assert.deepEqual(rules(superviseCase(refused(reason), DEFAULT_RULES, cal, at('2026-03-02'))), ['no_reason@-1:red'], String(reason));
    }
    assert.deepEqual(rules(superviseCase(refused('申请人不符合低保条件：家庭人均收入高于当地标准'), DEFAULT_RULES, cal, at('2026-03-02'))), []);
    const denied = caseAt({ state: 'decided', decision: { outcome: 'denied', reason: null, at: sh('2026-03-03'), byUserId: 'u', unitId: 'x' } }, { stoppedAt: sh('2026-03-03') });
    assert.deepEqual(rules(superviseCase(denied, DEFAULT_RULES, cal, at('2026-03-03'))), ['no_reason@-1:red']);
    assert.equal(hasReason('不符', 2), true);
    assert.equal(hasReason('不', 2), false);
    assert.equal(hasReason('不符', 3), false);
  });

  it('approving with a stage never completed is a red card naming the first skipped stage', () => {
    const s = caseAt({ state: 'decided', stageIndex: 2, decision: { outcome: 'approved', reason: null, at: sh('2026-03-04'), byUserId: 'u', unitId: 'x' } },
      { stoppedAt: sh('2026-03-04'), stages: [{ index: 1, limitDays: 5, startedAt: sh('2026-03-02'), finishedAt: sh('2026-03-04') }] });
    assert.deepEqual(skippedStages(s), [0]);
    assert.deepEqual(rules(superviseCase(s, DEFAULT_RULES, cal, at('2026-03-04'))), ['skipped_stage@0:red']);
    // A denial part-way is no skip: the later stages were never due.
    const denied = caseAt({ stageIndex: 0, decision: { outcome: 'denied', reason: '材料虚假', at: sh('2026-03-04'), byUserId: 'u', unitId: 'x' } },
      { stoppedAt: sh('2026-03-04'), stages: [{ index: 0, limitDays: 5, startedAt: sh('2026-03-02'), finishedAt: sh('2026-03-04') }] });
    assert.deepEqual(skippedStages(denied), []);
    // Moving on to stage 1 with stage 0 open is a skip.
    assert.deepEqual(skippedStages(caseAt({ stageIndex: 1 })), [0]);
  });

  it('a fee differing from the published standard is a red card', () => {
    assert.equal(feeDiffers({ standard: { charged: false }, chargedYuan: 0 }), false);
    assert.equal(feeDiffers({ standard: { charged: false }, chargedYuan: 10 }), true);
    assert.equal(feeDiffers({ standard: { charged: true, amountYuan: 20 }, chargedYuan: 20 }), false);
    assert.equal(feeDiffers({ standard: { charged: true, amountYuan: 20 }, chargedYuan: 20.001 }), false);
    assert.equal(feeDiffers({ standard: { charged: true, amountYuan: 20 }, chargedYuan: 25 }), true);
    assert.equal(feeDiffers({ standard: { charged: true }, chargedYuan: 25 }), null);
    assert.equal(feeDiffers({ standard: { charged: true, amountYuan: 1 }, chargedYuan: -1 }), true);
    const r = superviseCase(caseAt(), DEFAULT_RULES, cal, at('2026-03-03'), { standard: { charged: false }, chargedYuan: 50 });
    assert.deepEqual(rules(r), ['fee_mismatch@-1:red']);
    assert.equal(r.due[0]!.stageIndex, WHOLE_CASE);
  });
});

describe('supervision: rule configuration', () => {
  it('every preset is valid, and presets differ where the cities do', () => {
    for (const p of Object.values(PRESET_RULES)) assert.deepEqual(validateRuleConfig(p), []);
    assert.equal(PRESET_RULES.chengdu.levels.case_near, 'yellow');
    assert.equal(PRESET_RULES.zhanjiang.levels.case_overdue, 'yellow');
    assert.equal(PRESET_RULES.zhanjiang.levels.case_oversight_overdue, 'red');
    assert.equal(DEFAULT_RULES.levels.case_oversight_overdue, null);
  });
  const bad: [string, unknown, string[]][] = [
    ['not an object', 5, ['']],
    ['bad preset and level', { ...DEFAULT_RULES, preset: 'x', levels: { ...DEFAULT_RULES.levels, case_overdue: 'purple' } }, ['/preset', '/levels/case_overdue']],
    ['unknown rule', { ...DEFAULT_RULES, levels: { ...DEFAULT_RULES.levels, nap: 'red' } }, ['/levels/nap']],
    ['thresholds out of range', { ...DEFAULT_RULES, warning: { days: -1, fraction: 2 }, oversightDays: 0, villageSignForDays: 1.5, feedbackDays: 99, minReasonChars: 0 },
      ['/warning/days', '/warning/fraction', '/oversightDays', '/villageSignForDays', '/feedbackDays', '/minReasonChars']],
    ['missing parts', { preset: 'custom' }, ['/levels', '/warning', '/oversightDays', '/villageSignForDays', '/feedbackDays', '/minReasonChars']],
  ];
  for (const [name, input, pointers] of bad) {
    it(`refuses ${name}`, () => {
      const issues = validateRuleConfig(input);
      assert.deepEqual(issues.map((i) => i.pointer), pointers);
      for (const i of issues) assert.match(i.detail, /\p{Script=Han}/u);
    });
  }
});

describe('supervision: follow-up state machine', () => {
  const expected: Record<string, SignalStatus | null> = {};
  // The legal (status, step) pairs and where they lead; every other pair is refused.
  const legal: [SignalStatus, string, SignalStatus][] = [
    ['open', 'acknowledge', 'acknowledged'], ['escalated', 'acknowledge', 'acknowledged'],
    ['open', 'explain', 'explained'], ['acknowledged', 'explain', 'explained'], ['escalated', 'explain', 'explained'],
    ['open', 'rectify', 'rectified'], ['acknowledged', 'rectify', 'rectified'], ['explained', 'rectify', 'rectified'], ['escalated', 'rectify', 'rectified'],
    ['open', 'appeal', 'appealed'], ['acknowledged', 'appeal', 'appealed'], ['explained', 'appeal', 'appealed'],
    ['explained', 'close', 'closed'], ['rectified', 'close', 'closed'],
    ...(['open', 'acknowledged', 'explained', 'rectified', 'appealed', 'escalated'] as const).map((s) => [s, 'revoke', 'revoked'] as [SignalStatus, string, SignalStatus]),
    ['appealed', 'reject_appeal', 'acknowledged'],
    ...(['open', 'acknowledged', 'explained', 'appealed'] as const).map((s) => [s, 'escalate', 'escalated'] as [SignalStatus, string, SignalStatus]),
  ];
  for (const [s, step, to] of legal) expected[`${s}/${step}`] = to;

  it('every step from every status, for a red card, by the right side', () => {
    for (const status of SIGNAL_STATUSES) {
      for (const step of SIGNAL_STEPS) {
        const r = applySignalStep({ status, level: 'red', appealed: false }, step, STEP_SIDE[step], '情况属实，已整改');
        const want = expected[`${status}/${step}`] ?? null;
        if (want) {
          assert.ok(r.ok, `${status}/${step}: ${JSON.stringify(r)}`);
          assert.equal(r.next.status, want, `${status}/${step}`);
        } else {
          assert.ok(!r.ok && r.code === 'invalid_state', `${status}/${step} should be refused`);
          assert.match(r.detail, /\p{Script=Han}/u);
        }
      }
    }
  });

  it('the wrong side is forbidden; required texts are required; one appeal only; warnings close on acknowledgement', () => {
    for (const step of SIGNAL_STEPS) {
      const other = STEP_SIDE[step] === 'unit' ? 'supervisor' : 'unit';
      const r = applySignalStep({ status: 'open', level: 'red', appealed: false }, step, other, '理由理由');
      assert.ok(!r.ok && r.code === 'forbidden');
    }
    for (const step of ['explain', 'rectify', 'appeal', 'revoke', 'escalate'] as const) {
      const r = applySignalStep({ status: 'open', level: 'red', appealed: false }, step, STEP_SIDE[step], ' ');
      assert.ok(!r.ok && r.code === 'invalid_input' && r.pointer === '/text', step);
    }
    const again = applySignalStep({ status: 'acknowledged', level: 'red', appealed: true }, 'appeal', 'unit', '再次申诉');
    assert.ok(!again.ok && again.code === 'invalid_state');
    const appealed = applySignalStep({ status: 'open', level: 'red', appealed: false }, 'appeal', 'unit', '系统时限设置有误');
    assert.ok(appealed.ok && appealed.next.appealed);
    const warn = applySignalStep({ status: 'acknowledged', level: 'warning', appealed: false }, 'close', 'supervisor');
    assert.ok(warn.ok && warn.next.status === 'closed');
    const card = applySignalStep({ status: 'acknowledged', level: 'yellow', appealed: false }, 'close', 'supervisor');
    assert.ok(!card.ok && card.code === 'invalid_state');
    for (const s of CLOSED_STATUSES) assert.deepEqual(allowedSteps({ status: s, level: 'red', appealed: false }, ['unit', 'supervisor']), []);
    assert.deepEqual(allowedSteps({ status: 'open', level: 'red', appealed: false }, ['unit']), ['acknowledge', 'explain', 'rectify', 'appeal']);
  });
});
