import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCalendar } from './calendar.ts';
import {
  checkFilters, datesBetween, dayBounds, endedFacts, figuresOf, isFinal, mean1, measuresOf, monthDates, percent, periodLabel, planPeriod,
  recentDays, emptyMeasures, SETTLE_MS,
} from './statistics.ts';

// Weekdays only, with Wednesday 2026-03-04 closed locally.
const cal = buildCalendar({ years: [], localChanges: [{ date: '2026-03-04', kind: 'closed', reason: '停电' }] });

describe('statistics: rates as the seed reports them', () => {
  it('rounds half up to one decimal on the exact fraction: the seed’s half-year table', () => {
    assert.equal(percent(10_697, 10_835), 98.7);
    assert.equal(percent(19_372, 19_687), 98.4);
    assert.equal(percent(18_939, 19_248), 98.4);
    assert.equal(percent(49_008, 49_770), 98.5);
    assert.equal(percent(1, 6), 16.7);
    assert.equal(percent(1, 8), 12.5, 'exactly half rounds up');
    assert.equal(percent(1, 16), 6.3, '6.25 rounds up');
    assert.equal(percent(0, 5), 0);
    assert.equal(percent(5, 5), 100);
    assert.equal(percent(0, 0), null, 'nothing accepted: no rate (—)');
    assert.equal(percent(7, 0), null);
  });

  it('averages with one decimal, half up; none without finished cases', () => {
    assert.equal(mean1(10, 4), 2.5);
    assert.equal(mean1(1, 3), 0.3);
    assert.equal(mean1(2, 3), 0.7);
    assert.equal(mean1(1, 20), 0.1, '0.05 rounds up');
    assert.equal(mean1(0, 0), null);
  });

  it('derives rates from the measures, proxy counts from the channel', () => {
    const m = { ...measuresOf({ accepted: 8, finished: 6, finished_on_time: 5, working_days: 21, refused: 1, denied: 1, withdrawn: 2 }, 'proxy') };
    assert.deepEqual([m.acceptedByProxy, m.finishedByProxy], [8, 6]);
    const f = figuresOf(m, 3, null);
    assert.deepEqual([f.finishRate, f.onTimeRate, f.avgWorkingDays, f.overdueNow], [75, 83.3, 3.5, 3]);
    const w = measuresOf({ accepted: 8, finished: 6, finished_on_time: 5, working_days: 21, refused: 1, denied: 1, withdrawn: 2 }, 'counter');
    assert.deepEqual([w.acceptedByProxy, w.finishedByProxy], [0, 0]);
    const none = figuresOf(emptyMeasures(), 0, null);
    assert.deepEqual([none.finishRate, none.onTimeRate, none.avgWorkingDays], [null, null, null]);
  });
});

describe('statistics: what an ended case contributes', () => {
  const base = { decision: 'approved', accepted_at: '2026-03-02T01:00:00Z', due_at: '2026-03-06T15:59:59.999Z', decided_at: '2026-03-05T02:00:00Z', finished_at: '2026-03-09T02:00:00Z' };

  it('a finished case: finished, on time when decided by the due moment, working days from acceptance to finish', () => {
    // Monday 2 March → Monday 9 March: Tue, Thu, Fri, Mon (Wednesday closed locally) = 4 working days.
    assert.deepEqual(endedFacts({ ...base, state: 'finished' }, cal), { accepted: 0, finished: 1, finished_on_time: 1, working_days: 4, refused: 0, denied: 0, withdrawn: 0 });
  });

  it('on time is judged at the decision: delivered after the due moment but decided before it is on time; decided after it is late', () => {
    assert.equal(endedFacts({ ...base, state: 'finished' }, cal).finished_on_time, 1);
    assert.equal(endedFacts({ ...base, state: 'finished', decided_at: '2026-03-06T15:59:59.999Z' }, cal).finished_on_time, 1, 'at the due moment is on time');
    assert.equal(endedFacts({ ...base, state: 'finished', decided_at: '2026-03-06T16:00:00Z' }, cal).finished_on_time, 0);
    assert.equal(endedFacts({ ...base, state: 'finished', decided_at: null, finished_at: '2026-03-06T15:00:00Z' }, cal).finished_on_time, 1, 'no decision: the finish moment');
    assert.equal(endedFacts({ ...base, state: 'finished', due_at: null }, cal).finished_on_time, 1, 'no limit: on time');
  });

  it('a denial is finished and denied; refusal and withdrawal count only as themselves', () => {
    assert.deepEqual(endedFacts({ ...base, state: 'finished', decision: 'denied' }, cal), { accepted: 0, finished: 1, finished_on_time: 1, working_days: 4, refused: 0, denied: 1, withdrawn: 0 });
    assert.deepEqual(endedFacts({ ...base, state: 'refused', accepted_at: null, decision: null }, cal), { accepted: 0, finished: 0, finished_on_time: 0, working_days: 0, refused: 1, denied: 0, withdrawn: 0 });
    assert.deepEqual(endedFacts({ ...base, state: 'withdrawn' }, cal), { accepted: 0, finished: 0, finished_on_time: 0, working_days: 0, refused: 0, denied: 0, withdrawn: 1 });
  });

  it('finished on the day of acceptance takes 0 working days', () => {
    assert.equal(endedFacts({ ...base, state: 'finished', finished_at: '2026-03-02T08:00:00Z' }, cal).working_days, 0);
  });
});

describe('statistics: periods', () => {
  it('bounds a Shanghai day in UTC', () => {
    assert.deepEqual(dayBounds('2026-03-01'), { from: '2026-02-28T16:00:00.000Z', to: '2026-03-01T16:00:00.000Z' });
    assert.deepEqual(monthDates('2024-02'), { first: '2024-02-01', last: '2024-02-29' });
    assert.deepEqual(datesBetween('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('recomputes today and the days before it, in Shanghai', () => {
    assert.deepEqual(recentDays(new Date('2026-03-31T16:30:00Z'), 2), ['2026-03-31', '2026-04-01'], '00:30 on 1 April in Shanghai');
    assert.deepEqual(recentDays(new Date('2026-03-31T15:30:00Z'), 1), ['2026-03-31']);
  });

  it('calls a day final only when computed after its end plus the settling margin', () => {
    const end = Date.parse(dayBounds('2026-03-01').to);
    assert.equal(isFinal('2026-03-01', new Date(end + SETTLE_MS - 1)), false);
    assert.equal(isFinal('2026-03-01', new Date(end + SETTLE_MS)), true);
  });

  it('reads whole built months from the month summary, final days from the day summary, the rest live', () => {
    const final = new Set([...datesBetween('2026-01-01', '2026-03-30')]);
    const built = new Set(['2026-01', '2026-02']);
    assert.deepEqual(planPeriod('2026-01-01', '2026-04-02', final, built), {
      months: ['2026-01', '2026-02'], days: datesBetween('2026-03-01', '2026-03-30'), live: [{ from: '2026-03-31', to: '2026-04-02' }],
    });
    // A period starting mid-month reads that month's days, not its month row.
    const mid = planPeriod('2026-01-15', '2026-02-28', final, built);
    assert.deepEqual(mid.months, ['2026-02']);
    assert.equal(mid.days.length, 17);
    // A month not built (a day of it not final) is read by days, and a gap in final days is live.
    const gap = new Set([...final].filter((d) => d !== '2026-02-10'));
    assert.deepEqual(planPeriod('2026-02-01', '2026-02-28', gap, new Set()).live, [{ from: '2026-02-10', to: '2026-02-10' }]);
    assert.deepEqual(planPeriod('2026-05-01', '2026-05-03', final, built), { months: [], days: [], live: [{ from: '2026-05-01', to: '2026-05-03' }] });
  });

  it('names periods as titles do', () => {
    assert.equal(periodLabel('2026-01-01', '2026-06-30'), '2026年上半年');
    assert.equal(periodLabel('2026-07-01', '2026-12-31'), '2026年下半年');
    assert.equal(periodLabel('2026-01-01', '2026-12-31'), '2026年');
    assert.equal(periodLabel('2026-03-01', '2026-03-31'), '2026年3月');
    assert.equal(periodLabel('2026-04-01', '2026-06-30'), '2026年第二季度');
    assert.equal(periodLabel('2026-03-02', '2026-03-15'), '2026年3月2日至2026年3月15日');
    assert.equal(periodLabel('2025-12-01', '2026-01-31'), '2025年12月1日至2026年1月31日');
  });
});

describe('statistics: filters', () => {
  it('accepts a valid period, grouping and channel', () => {
    assert.deepEqual(checkFilters({ from: '2026-01-01', to: '2026-06-30', groupBy: 'org', channel: 'proxy' }), []);
    assert.deepEqual(checkFilters({ from: '2024-01-01', to: '2026-12-31' }), []);
  });

  it('names every bad filter with its pointer and a Chinese sentence', () => {
    const codes = (f: Parameters<typeof checkFilters>[0]) => checkFilters(f).map((i) => `${i.pointer} ${i.code}`);
    assert.deepEqual(codes({ from: '2026-02-30', to: '2026-13-01' }), ['#/query/from DATE', '#/query/to DATE']);
    assert.deepEqual(codes({}), ['#/query/from DATE', '#/query/to DATE']);
    assert.deepEqual(codes({ from: '2026-03-01', to: '2026-02-28' }), ['#/query/to PERIOD_ORDER']);
    assert.deepEqual(codes({ from: '2020-01-01', to: '2026-01-01' }), ['#/query/to PERIOD_TOO_LONG']);
    assert.deepEqual(codes({ from: '2026-01-01', to: '2026-01-31', groupBy: 'person', channel: 'window' }), ['#/query/groupBy NOT_ALLOWED', '#/query/channel NOT_ALLOWED']);
    for (const i of checkFilters({ from: 'x', to: 'y', groupBy: 'z', channel: 'w' })) assert.match(i.detail, /\p{Script=Han}/u);
    assert.match(checkFilters({ from: '2026-01-01', to: '2026-01-31', channel: 'window' })[0]!.detail, /counter（窗口受理）/);
  });
});
