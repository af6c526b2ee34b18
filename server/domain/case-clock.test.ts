import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import holidays from './holidays/cn-holidays.json' with { type: 'json' };
import { buildCalendar, countWorkingDays, isWorkingDay, loadOfficialYears, shanghaiDate } from './calendar.ts';
import {
  caseDue,
  decidedOnTime,
  deadlineStatus,
  deliveryDue,
  dueAfter,
  emptyClock,
  pauseExpectedEnd,
  readCaseClock,
  readStageClock,
  remainingWorkingDays,
  stageDue,
  villageForwardDue,
  workingDaysUntil,
  type CaseClock,
  type ClockPause,
} from './case-clock.ts';

const cal = buildCalendar({ years: loadOfficialYears(holidays) });
const sh = (date: string, time = '10:00') => `${date}T${time}:00+08:00`;
const endOf = (date: string) => new Date(`${date}T23:59:59.999+08:00`);
const accepted = (at: string, limitDays: number, extra: Partial<CaseClock> = {}): CaseClock =>
  ({ ...emptyClock(limitDays), acceptedAt: at, ...extra });
const pause = (from: string, to: string | null, stageIndex: number | null = 0): ClockPause => ({ from, to, stageIndex, expectedDays: 5 });

describe('due moment: the end of the Nth working day after the acceptance day', () => {
  const table: [string, string, number, string][] = [
    // Spring Festival 2026: off 02-15…02-23, make-up Saturdays 02-14 and 02-28.
    ['Spring Festival 2026, make-up Saturday counts', sh('2026-02-12'), 5, '2026-02-26'],
    ['Spring Festival 2026, second make-up Saturday', sh('2026-02-12'), 10, '2026-03-04'],
    ['accepted on the make-up Saturday', sh('2026-02-14'), 1, '2026-02-24'],
    // National Day 2025: off 10-01…10-08, make-up 09-28 (Sun) and 10-11 (Sat).
    ['National Day 2025, make-up Sunday counts', sh('2025-09-26', '15:00'), 3, '2025-09-30'],
    ['National Day 2025, across the holiday', sh('2025-09-26', '15:00'), 5, '2025-10-10'],
    ['National Day 2025, onto the make-up Saturday', sh('2025-09-26', '15:00'), 6, '2025-10-11'],
    ['National Day 2025, past the make-up Saturday', sh('2025-09-26', '15:00'), 7, '2025-10-13'],
    ['limit starting on a holiday', sh('2025-10-03'), 1, '2025-10-09'],
    ['limit starting on a holiday, 3 days', sh('2025-10-03'), 3, '2025-10-11'],
    ['late evening counts as that day', sh('2026-02-13', '23:30'), 1, '2026-02-14'],
  ];
  for (const [why, at, n, date] of table) {
    it(`${why}: ${shanghaiDate(at)} + ${n} → ${date}`, () => {
      assert.deepEqual(caseDue(cal, accepted(at, n), at), { due: endOf(date), provisional: false });
    });
  }

  it('no due moment before acceptance (waiting for materials does not count)', () => {
    assert.equal(caseDue(cal, emptyClock(10), sh('2026-02-12')), null);
    assert.equal(readCaseClock(cal, emptyClock(10), sh('2026-02-12')), null);
    assert.equal(remainingWorkingDays(cal, emptyClock(10), sh('2026-02-12')), null);
  });

  it('is provisional when a deciding day lies in a year without official data', () => {
    assert.equal(caseDue(cal, accepted(sh('2026-12-20'), 10), sh('2026-12-20'))!.provisional, true);
    assert.equal(caseDue(cal, accepted(sh('2026-11-02'), 10), sh('2026-11-02'))!.provisional, false);
  });
});

describe('immediate items (limit 0)', () => {
  const table: [string, string, string][] = [
    ['a working day: the same day', sh('2026-02-12', '16:45'), '2026-02-12'],
    ['a make-up Saturday is a working day', sh('2026-02-14'), '2026-02-14'],
    ['an ordinary Saturday: the next working day', sh('2026-02-07'), '2026-02-09'],
    ['inside National Day: the first day back', sh('2025-10-03'), '2025-10-09'],
  ];
  for (const [why, at, date] of table) {
    it(`${why}: ${shanghaiDate(at)} → ${date}`, () => assert.deepEqual(dueAfter(cal, at, 0).due, endOf(date)));
  }

  it('a lost day moves an immediate item by one working day, even when accepted on a day off', () => {
    assert.deepEqual(dueAfter(cal, sh('2026-02-07'), 0, 1).due, endOf('2026-02-10'));
    const clock = accepted(sh('2026-02-07'), 0, { pauses: [pause(sh('2026-02-09'), sh('2026-02-10'))] });
    assert.deepEqual(caseDue(cal, clock, sh('2026-02-10', '11:00'))!.due, endOf('2026-02-10'));
  });
});

describe('suspensions stop the clock', () => {
  // Accepted Monday 2026-02-09 with 10 working days: 10,11,12,13,14(make-up),24,25,26,27,28(make-up).
  const start = sh('2026-02-09', '09:00');

  it('without a suspension: due on the make-up Saturday 02-28', () => {
    assert.deepEqual(caseDue(cal, accepted(start, 10), start)!.due, endOf('2026-02-28'));
  });

  it('a suspension over Spring Festival loses only its working days (13, 14, 24, 25 → 4)', () => {
    const clock = accepted(start, 10, { pauses: [pause(sh('2026-02-12'), sh('2026-02-25', '09:00'))] });
    assert.deepEqual(caseDue(cal, clock, sh('2026-02-26'))!.due, endOf('2026-03-05'));
  });

  it('two suspensions add up', () => {
    const clock = accepted(start, 10, {
      pauses: [pause(sh('2026-02-12'), sh('2026-02-25', '09:00')), pause(sh('2026-03-02'), sh('2026-03-03', '16:00'))],
    });
    assert.deepEqual(caseDue(cal, clock, sh('2026-03-04'))!.due, endOf('2026-03-06'));
  });

  it('a suspension begun and ended the same day loses nothing', () => {
    const clock = accepted(start, 10, { pauses: [pause(sh('2026-02-12', '09:00'), sh('2026-02-12', '16:00'))] });
    assert.deepEqual(caseDue(cal, clock, sh('2026-02-13'))!.due, endOf('2026-02-28'));
  });

  it('while suspended the remaining days stay frozen and the due moment moves', () => {
    const clock = accepted(start, 10, { pauses: [pause(sh('2026-02-12'), null)] });
    for (const now of [sh('2026-02-12', '11:00'), sh('2026-02-25'), sh('2026-03-02')]) {
      const r = readCaseClock(cal, clock, now)!;
      assert.equal(r.paused, true, now);
      assert.equal(r.remainingWorkingDays, 7, now);
      assert.equal(r.status, 'normal', now);
    }
    assert.deepEqual(readCaseClock(cal, clock, sh('2026-02-25'))!.due, endOf('2026-03-05'));
    assert.deepEqual(readCaseClock(cal, clock, sh('2026-03-02'))!.due, endOf('2026-03-11'));
  });

  it('a suspension is expected to end after its announced working days', () => {
    assert.deepEqual(pauseExpectedEnd(cal, pause(sh('2026-02-12'), null)).due, endOf('2026-02-26'));
  });
});

describe('extensions', () => {
  it('add their days to the case and to the stage they were granted in', () => {
    const clock = accepted(sh('2025-09-26', '15:00'), 5, {
      extensions: [{ at: sh('2025-10-09'), days: 3, stageIndex: 0 }],
      stages: [{ index: 0, limitDays: 5, startedAt: sh('2025-09-26', '15:00'), finishedAt: null }],
    });
    assert.deepEqual(caseDue(cal, clock, sh('2025-10-09'))!.due, endOf('2025-10-14'));
    assert.deepEqual(stageDue(cal, clock, 0, sh('2025-10-09'))!.due, endOf('2025-10-14'));
    assert.equal(readCaseClock(cal, clock, sh('2025-10-09'))!.limitDays, 8);
  });
});

describe('stage clocks', () => {
  const clock = accepted(sh('2025-09-26', '15:00'), 5, {
    stages: [
      { index: 0, limitDays: 2, startedAt: sh('2025-09-26', '15:00'), finishedAt: sh('2025-09-29') },
      { index: 1, limitDays: 3, startedAt: sh('2025-09-29'), finishedAt: null },
    ],
    pauses: [pause(sh('2025-09-30', '09:00'), sh('2025-10-09', '17:00'), 1)],
  });

  it('each stage is due by its own limit from its own start', () => {
    assert.deepEqual(stageDue(cal, clock, 0, sh('2025-10-09'))!.due, endOf('2025-09-29'));
  });

  it('a pause in a stage moves that stage and the case, not the stages before', () => {
    // Lost: 10-09 only (the holiday was not a working day).
    assert.deepEqual(stageDue(cal, clock, 1, sh('2025-10-10'))!.due, endOf('2025-10-11'));
    assert.deepEqual(caseDue(cal, clock, sh('2025-10-10'))!.due, endOf('2025-10-11'));
  });

  it('a finished stage reads as it stood when it finished', () => {
    const r = readStageClock(cal, clock, 0, sh('2025-10-20'))!;
    assert.equal(r.stopped, true);
    assert.equal(r.remainingWorkingDays, 0);
    assert.equal(r.status, 'due_soon');
  });

  it('an unknown stage has no clock', () => {
    assert.equal(stageDue(cal, clock, 5, sh('2025-10-10')), null);
    assert.equal(readStageClock(cal, clock, 5, sh('2025-10-10')), null);
  });
});

describe('remaining working days and status', () => {
  // Accepted 2026-02-12, 5 working days: due at the end of 02-26.
  const clock = accepted(sh('2026-02-12'), 5);
  const table: [string, number, string][] = [
    [sh('2026-02-12', '15:00'), 5, 'normal'],
    [sh('2026-02-20'), 3, 'normal'], // a holiday: 24, 25, 26 still ahead
    [sh('2026-02-25'), 1, 'due_soon'],
    [sh('2026-02-26', '23:59'), 0, 'due_soon'],
    [sh('2026-02-27', '09:00'), -1, 'overdue'],
    [sh('2026-02-28'), -2, 'overdue'], // make-up Saturday counts against the case too
    [sh('2026-03-01'), -2, 'overdue'],
    [sh('2026-03-02'), -3, 'overdue'],
  ];
  for (const [now, remaining, status] of table) {
    it(`${now}: ${remaining}, ${status}`, () => {
      const r = readCaseClock(cal, clock, now)!;
      assert.equal(r.remainingWorkingDays, remaining);
      assert.equal(r.status, status);
      assert.equal(remainingWorkingDays(cal, clock, now), remaining);
    });
  }

  it('a weekend right after the due day is already overdue (−1)', () => {
    assert.equal(workingDaysUntil(cal, endOf('2026-03-06'), sh('2026-03-07')), -1);
    assert.equal(deadlineStatus(cal, endOf('2026-03-06'), sh('2026-03-07'), 5), 'overdue');
  });

  it('due_soon at 20% of a long limit, at 1 day of a short one; the threshold is a parameter', () => {
    const due = endOf('2026-03-31');
    // 20 working days: 20% is 4.
    assert.equal(deadlineStatus(cal, due, sh('2026-03-25'), 20), 'due_soon'); // 26,27,30,31 → 4
    assert.equal(deadlineStatus(cal, due, sh('2026-03-24'), 20), 'normal'); // 5 left
    assert.equal(deadlineStatus(cal, due, sh('2026-03-27'), 3), 'normal'); // 2 left, threshold 1
    assert.equal(deadlineStatus(cal, due, sh('2026-03-30'), 3), 'due_soon');
    assert.equal(deadlineStatus(cal, due, sh('2026-03-26'), 3, { days: 3, fraction: 0 }), 'due_soon');
  });

  it('a decided case reads as it stood at the decision', () => {
    const onTime = { ...clock, stoppedAt: sh('2026-02-26', '17:00') };
    const late = { ...clock, stoppedAt: sh('2026-03-02') };
    assert.equal(decidedOnTime(cal, onTime), true);
    assert.equal(decidedOnTime(cal, late), false);
    assert.equal(decidedOnTime(cal, clock), null);
    const r = readCaseClock(cal, late, sh('2026-06-01'))!;
    assert.equal(r.stopped, true);
    assert.equal(r.remainingWorkingDays, -3);
  });
});

describe('other clocks', () => {
  it('delivery within 10 working days of the decision', () => {
    assert.deepEqual(deliveryDue(cal, sh('2026-02-12')).due, endOf('2026-03-04'));
  });
  it('a village room forwards within 3 working days', () => {
    assert.deepEqual(villageForwardDue(cal, sh('2025-09-26')).due, endOf('2025-09-30'));
  });
});

describe('properties', () => {
  const day = fc.integer({ min: 0, max: 3 * 365 - 60 }).map((d) => new Date(Date.parse('2024-01-01T00:00:00+08:00') + d * 86_400_000));
  const moment = fc.tuple(day, fc.integer({ min: 0, max: 86_399 })).map(([d, s]) => new Date(d.getTime() + s * 1000).toISOString());

  it('suspending for k working days moves the due moment by exactly k working days', () => {
    fc.assert(fc.property(moment, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }),
      (acceptedAt, limit, startOffset, length) => {
        const from = new Date(Date.parse(acceptedAt) + startOffset * 86_400_000).toISOString();
        const to = new Date(Date.parse(from) + length * 86_400_000 + 3_600_000).toISOString();
        const k = countWorkingDays(cal, from, to);
        const before = caseDue(cal, accepted(acceptedAt, limit), to)!.due;
        const after = caseDue(cal, accepted(acceptedAt, limit, { pauses: [pause(from, to)] }), to)!.due;
        assert.equal(countWorkingDays(cal, before, after), k);
        assert.ok(after >= before);
      }));
  });

  it('two suspensions move it by the sum of their working days', () => {
    fc.assert(fc.property(moment, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }),
      (acceptedAt, limit, a, b) => {
        const p1 = pause(acceptedAt, new Date(Date.parse(acceptedAt) + a * 86_400_000).toISOString());
        const p2 = pause(p1.to!, new Date(Date.parse(p1.to!) + b * 86_400_000 + 60_000).toISOString());
        const k = countWorkingDays(cal, p1.from, p1.to!) + countWorkingDays(cal, p2.from, p2.to!);
        const before = caseDue(cal, accepted(acceptedAt, limit), p2.to!)!.due;
        const after = caseDue(cal, accepted(acceptedAt, limit, { pauses: [p1, p2] }), p2.to!)!.due;
        assert.equal(countWorkingDays(cal, before, after), k);
      }));
  });

  it('every due moment is the last millisecond of a working day', () => {
    fc.assert(fc.property(moment, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 10 }), (at, limit, extra) => {
      const { due } = dueAfter(cal, at, limit, extra);
      assert.equal(new Date(due.getTime() + 1).toISOString().slice(11), '16:00:00.000Z');
      assert.ok(isWorkingDay(cal, shanghaiDate(due)));
    }));
  });

  it('remaining days count down to 0 on the due day and then go negative', () => {
    fc.assert(fc.property(moment, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 60 }), (at, limit, offset) => {
      const clock = accepted(at, limit);
      const now = new Date(Date.parse(at) + offset * 86_400_000);
      const r = readCaseClock(cal, clock, now)!;
      if (now <= r.due) {
        assert.ok(r.remainingWorkingDays >= 0 && r.status !== 'overdue');
        assert.ok(r.remainingWorkingDays <= Math.max(limit, 1));
      } else {
        assert.ok(r.remainingWorkingDays <= -1);
        assert.equal(r.status, 'overdue');
      }
    }));
  });
});
