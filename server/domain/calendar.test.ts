import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import holidays from './holidays/cn-holidays.json' with { type: 'json' };
import {
  CalendarDataError,
  addWorkingDays,
  buildCalendar,
  countWorkingDays,
  hasOfficialData,
  isWorkingDay,
  loadOfficialYears,
  missingYearsWarning,
  nextWorkingMoment,
  shanghaiDate,
  validateCalendarYear,
  type CalendarYear,
  type LocalChange,
  type WorkCalendar,
} from './calendar.ts';

const years = loadOfficialYears(holidays);
const cal = buildCalendar({ years });
const sh = (date: string, time = '10:00') => new Date(`${date}T${time}:00+08:00`);
const endOf = (date: string) => new Date(`${date}T23:59:59.999+08:00`);

describe('official data', () => {
  it('loads 2024–2026 from the shipped file', () => {
    assert.deepEqual(years.map((y) => y.year), [2024, 2025, 2026]);
    for (const y of [2024, 2025, 2026]) assert.equal(hasOfficialData(cal, y), true);
    for (const y of [2023, 2027]) assert.equal(hasOfficialData(cal, y), false);
  });

  it('every shipped year validates cleanly', () => {
    for (const y of years) assert.deepEqual(validateCalendarYear(y), []);
  });

  it('has the Spring Festival 2025 arrangement the tests below rely on', () => {
    const y2025 = years.find((y) => y.year === 2025)!;
    assert.deepEqual(y2025.off.find((r) => r.name === '春节'), { name: '春节', from: '2025-01-28', to: '2025-02-04' });
    assert.ok(y2025.makeup.includes('2025-01-26') && y2025.makeup.includes('2025-02-08'));
  });
});

describe('isWorkingDay', () => {
  const table: [string, boolean, string][] = [
    ['2025-01-24', true, 'Friday before Spring Festival 2025'],
    ['2025-01-25', false, 'ordinary Saturday'],
    ['2025-01-26', true, 'make-up Sunday (Spring Festival 2025)'],
    ['2025-01-27', true, 'Monday'],
    ['2025-01-28', false, 'New Year’s Eve, first day off'],
    ['2025-01-29', false, 'Spring Festival'],
    ['2025-02-01', false, 'Saturday inside the range'],
    ['2025-02-03', false, 'Monday inside the range'],
    ['2025-02-04', false, 'last day off'],
    ['2025-02-05', true, 'back to work'],
    ['2025-02-08', true, 'make-up Saturday (Spring Festival 2025)'],
    ['2025-02-09', false, 'ordinary Sunday'],
    ['2026-02-14', true, 'make-up Saturday before Spring Festival 2026'],
    ['2026-02-15', false, 'first day off 2026'],
    ['2026-02-18', false, 'Wednesday inside Spring Festival 2026'],
    ['2026-02-23', false, 'last day off 2026'],
    ['2026-02-24', true, 'back to work 2026'],
    ['2026-02-28', true, 'make-up Saturday after Spring Festival 2026'],
    ['2026-03-01', false, 'ordinary Sunday'],
    ['2025-09-28', true, 'make-up Sunday (National Day 2025)'],
    ['2025-09-30', true, 'Tuesday before National Day'],
    ['2025-10-01', false, 'National Day'],
    ['2025-10-06', false, 'Mid-Autumn inside National Day 2025'],
    ['2025-10-08', false, 'eighth day off 2025'],
    ['2025-10-09', true, 'back to work'],
    ['2025-10-11', true, 'make-up Saturday (National Day 2025)'],
    ['2025-10-12', false, 'ordinary Sunday'],
    ['2026-09-20', true, 'make-up Sunday (Mid-Autumn/National Day 2026)'],
    ['2026-09-25', false, 'Mid-Autumn 2026'],
    ['2026-09-30', true, 'Wednesday between the two holidays'],
    ['2026-10-07', false, 'last day of National Day 2026'],
    ['2026-10-08', true, 'back to work'],
    ['2026-10-10', true, 'make-up Saturday (National Day 2026)'],
    ['2026-01-04', true, 'make-up Sunday after New Year 2026'],
    ['2027-01-01', true, 'no data for 2027: a Friday is a working day'],
    ['2027-02-06', false, 'no data for 2027: Saturday'],
    ['2027-02-08', true, 'no data for 2027: Monday'],
  ];
  for (const [date, expected, why] of table) {
    it(`${date} → ${expected} (${why})`, () => assert.equal(isWorkingDay(cal, date), expected));
  }

  it('rejects malformed and impossible dates', () => {
    for (const bad of ['2025-02-30', '2025-2-3', '20250203', '']) assert.throws(() => isWorkingDay(cal, bad), RangeError);
  });
});

describe('addWorkingDays', () => {
  const table: [string, Date, number, string, boolean][] = [
    ['Monday before Spring Festival 2025, +1 skips the whole holiday', sh('2025-01-27'), 1, '2025-02-05', false],
    ['… +3', sh('2025-01-27'), 3, '2025-02-07', false],
    ['… +4 lands on the make-up Saturday', sh('2025-01-27'), 4, '2025-02-08', false],
    ['Friday +1 lands on the make-up Sunday', sh('2025-01-24'), 1, '2025-01-26', false],
    ['start on a holiday: next working day is day 1', sh('2025-01-30'), 1, '2025-02-05', false],
    ['start on a holiday, +5', sh('2025-01-30'), 5, '2025-02-10', false],
    ['start on a holiday (National Day 2025), +1', sh('2025-10-03'), 1, '2025-10-09', false],
    ['Spring Festival 2026: Friday +1 is the make-up Saturday', sh('2026-02-13'), 1, '2026-02-14', false],
    ['Spring Festival 2026: Friday +2 skips the holiday', sh('2026-02-13'), 2, '2026-02-24', false],
    ['National Day 2025: eve +1', sh('2025-09-30'), 1, '2025-10-09', false],
    ['National Day 2025: Friday +2 counts the make-up Sunday', sh('2025-09-26'), 2, '2025-09-29', false],
    ['National Day 2026: eve +1', sh('2026-09-30'), 1, '2026-10-08', false],
    ['National Day 2026: eve +3 lands on the make-up Saturday', sh('2026-09-30'), 3, '2026-10-10', false],
    ['start on a Saturday: Monday is day 1', sh('2025-03-08'), 1, '2025-03-10', false],
    ['year boundary +1: New Year 2026 off, make-up Sunday 4 Jan', sh('2025-12-31'), 1, '2026-01-04', false],
    ['year boundary +3', sh('2025-12-31'), 3, '2026-01-06', false],
    ['year boundary 2024→2025 +1', sh('2024-12-31'), 1, '2025-01-02', false],
    ['0 on a working day: end of that day', sh('2025-03-10'), 0, '2025-03-10', false],
    ['0 on a Saturday: end of Monday', sh('2025-03-08'), 0, '2025-03-10', false],
    ['0 on a holiday: end of the first day back', sh('2025-10-03'), 0, '2025-10-09', false],
    ['0 on a make-up Saturday: that day', sh('2025-02-08'), 0, '2025-02-08', false],
    ['last day with data +1 stays official', sh('2026-12-30'), 1, '2026-12-31', false],
    ['into 2027 (no data): weekdays only, provisional', sh('2026-12-31'), 1, '2027-01-01', true],
    ['inside 2027: Friday +1 is Monday, provisional', sh('2027-03-05'), 1, '2027-03-08', true],
    ['inside 2027: 0 on a Saturday, provisional', sh('2027-03-06'), 0, '2027-03-08', true],
    ['from 2023 (no data) into 2024: 30–31 Dec 2023 were looked at, provisional', sh('2023-12-29'), 1, '2024-01-02', true],
    ['0 on a 2023 day is provisional', sh('2023-12-29'), 0, '2023-12-29', true],
  ];
  for (const [why, start, n, dueDate, provisional] of table) {
    it(`${why}: ${shanghaiDate(start)} + ${n} → ${dueDate}`, () => {
      const result = addWorkingDays(cal, start, n);
      assert.deepEqual(result, { due: endOf(dueDate), provisional });
    });
  }

  it('the due moment is 23:59:59.999 Shanghai time', () => {
    assert.equal(addWorkingDays(cal, sh('2025-01-27'), 1).due.toISOString(), '2025-02-05T15:59:59.999Z');
  });

  it('accepts ISO strings with an offset and refuses ones without', () => {
    assert.deepEqual(addWorkingDays(cal, '2025-01-27T10:00:00+08:00', 1).due, endOf('2025-02-05'));
    assert.throws(() => addWorkingDays(cal, '2025-01-27T10:00:00', 1), RangeError);
    assert.throws(() => addWorkingDays(cal, new Date(Number.NaN), 1), RangeError);
  });

  it('throws a RangeError for negative or non-integer n', () => {
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => addWorkingDays(cal, sh('2025-03-10'), n), RangeError);
    }
  });
});

describe('Asia/Shanghai regardless of process TZ', () => {
  it('23:30 on 30 September in Shanghai is the 30th (15:30Z)', () => {
    const late = new Date('2025-09-30T23:30:00+08:00');
    assert.equal(late.toISOString(), '2025-09-30T15:30:00.000Z');
    assert.equal(shanghaiDate(late), '2025-09-30');
    assert.deepEqual(addWorkingDays(cal, late, 0), { due: endOf('2025-09-30'), provisional: false });
    assert.deepEqual(addWorkingDays(cal, late, 1).due, endOf('2025-10-09'));
  });

  it('the Shanghai day changes at 16:00Z', () => {
    assert.equal(shanghaiDate(new Date('2025-09-30T15:59:59.999Z')), '2025-09-30');
    assert.equal(shanghaiDate(new Date('2025-09-30T16:00:00.000Z')), '2025-10-01');
    assert.equal(shanghaiDate('2025-09-30T12:00:00-04:00'), '2025-10-01');
    // 00:30 on 1 October in Shanghai is a holiday even though it is still 30 September in UTC.
    assert.deepEqual(addWorkingDays(cal, new Date('2025-09-30T16:30:00Z'), 0).due, endOf('2025-10-09'));
  });
});

describe('local changes', () => {
  const local: LocalChange[] = [
    { date: '2025-03-11', kind: 'closed', reason: '县庆' },
    { date: '2025-03-15', kind: 'open', reason: '集中办理日' },
  ];
  const county = buildCalendar({ years, localChanges: local });

  it('a closed day is not a working day and shifts a due date', () => {
    assert.equal(isWorkingDay(county, '2025-03-11'), false);
    assert.deepEqual(addWorkingDays(cal, sh('2025-03-10'), 1).due, endOf('2025-03-11'));
    assert.deepEqual(addWorkingDays(county, sh('2025-03-10'), 1).due, endOf('2025-03-12'));
  });

  it('an open Saturday counts', () => {
    assert.equal(isWorkingDay(county, '2025-03-15'), true);
    assert.deepEqual(addWorkingDays(cal, sh('2025-03-14'), 1).due, endOf('2025-03-17'));
    assert.deepEqual(addWorkingDays(county, sh('2025-03-14'), 1).due, endOf('2025-03-15'));
  });

  it('overrides the official arrangement', () => {
    const c = buildCalendar({
      years,
      localChanges: [
        { date: '2025-10-08', kind: 'open', reason: '窗口值班' },
        { date: '2025-10-11', kind: 'closed', reason: '停电' },
      ],
    });
    assert.equal(isWorkingDay(c, '2025-10-08'), true);
    assert.equal(isWorkingDay(c, '2025-10-11'), false);
  });

  it('refuses two changes on one date and invalid dates', () => {
    assert.throws(
      () => buildCalendar({ years, localChanges: [local[0]!, { ...local[0]!, kind: 'open' }] }),
      (e: unknown) => e instanceof CalendarDataError && e.issues[0]?.pointer === '/localChanges/1/date',
    );
    assert.throws(() => buildCalendar({ years, localChanges: [{ date: '2025-13-01', kind: 'closed', reason: 'x' }] }), CalendarDataError);
  });
});

describe('countWorkingDays', () => {
  const table: [string, Date, Date, number][] = [
    ['across Spring Festival 2025', sh('2025-01-27'), sh('2025-02-10'), 5],
    ['same day', sh('2025-03-10', '08:00'), sh('2025-03-10', '18:00'), 0],
    ['to before from', sh('2025-03-12'), sh('2025-03-10'), 0],
    ['a plain week', sh('2025-03-07'), sh('2025-03-14'), 5],
    ['National Day week 2025 with both make-up days', sh('2025-09-27'), sh('2025-10-12'), 6],
    ['2027 weekdays only', sh('2026-12-31'), sh('2027-01-08'), 6],
  ];
  for (const [why, from, to, expected] of table) {
    it(`${why} → ${expected}`, () => assert.equal(countWorkingDays(cal, from, to), expected));
  }
});

describe('nextWorkingMoment', () => {
  it('returns the moment itself on a working day', () => {
    const at = sh('2025-03-10', '15:20');
    assert.deepEqual(nextWorkingMoment(cal, at), at);
  });
  it('returns 00:00 Shanghai of the next working day otherwise', () => {
    assert.equal(nextWorkingMoment(cal, sh('2025-03-08')).toISOString(), '2025-03-09T16:00:00.000Z');
    assert.deepEqual(nextWorkingMoment(cal, sh('2025-10-05')), new Date('2025-10-09T00:00:00+08:00'));
    assert.deepEqual(nextWorkingMoment(cal, sh('2025-01-25')), new Date('2025-01-26T00:00:00+08:00'));
  });
});

describe('missingYearsWarning', () => {
  const only2024and2025 = buildCalendar({ years: years.filter((y) => y.year < 2026) });
  const table: [string, WorkCalendar, Date, number | null][] = [
    ['October: too early to warn', cal, sh('2026-10-31', '23:59'), null],
    ['1 November 00:00 Shanghai (still October in UTC)', cal, new Date('2026-10-31T16:00:00Z'), 2027],
    ['December, next year missing', cal, sh('2026-12-31'), 2027],
    ['November, next year present', cal, sh('2025-11-15'), null],
    ['November, next year missing', only2024and2025, sh('2025-11-01', '00:00'), 2026],
    ['June', only2024and2025, sh('2025-06-01'), null],
  ];
  for (const [why, c, today, expected] of table) {
    it(`${why} → ${expected}`, () => assert.equal(missingYearsWarning(c, today), expected));
  }
});

describe('validation', () => {
  const valid: CalendarYear = {
    year: 2025,
    off: [{ name: '春节', from: '2025-01-28', to: '2025-02-04' }],
    makeup: ['2025-01-26', '2025-02-08'],
  };
  const pointers = (y: unknown) => validateCalendarYear(y).map((i) => i.pointer);

  it('accepts a valid year', () => assert.deepEqual(validateCalendarYear(valid), []));

  it('rejects an entry outside its year', () => {
    assert.deepEqual(pointers({ ...valid, off: [...valid.off, { name: '元旦', from: '2024-12-31', to: '2025-01-01' }] }), ['/off/1/from']);
    assert.deepEqual(pointers({ ...valid, makeup: ['2026-01-04'] }), ['/makeup/0']);
  });

  it('rejects a make-up day that is a weekday, in Chinese', () => {
    const issues = validateCalendarYear({ ...valid, makeup: ['2025-01-26', '2025-02-10'] });
    assert.deepEqual(issues.map((i) => i.pointer), ['/makeup/1']);
    assert.match(issues[0]!.detail, /星期一/);
  });

  const bad: [string, unknown, string[]][] = [
    ['from after to', { ...valid, off: [{ name: '春节', from: '2025-02-04', to: '2025-01-28' }] }, ['/off/0/to']],
    ['impossible date', { ...valid, off: [{ name: '春节', from: '2025-01-28', to: '2025-02-30' }] }, ['/off/0/to']],
    ['empty name', { ...valid, off: [{ name: ' ', from: '2025-01-28', to: '2025-02-04' }] }, ['/off/0/name']],
    ['make-up day inside a holiday', { ...valid, makeup: ['2025-02-01'] }, ['/makeup/0']],
    ['duplicate make-up day', { ...valid, makeup: ['2025-01-26', '2025-01-26'] }, ['/makeup/1']],
    ['overlapping ranges', { ...valid, off: [...valid.off, { name: 'x', from: '2025-02-04', to: '2025-02-05' }] }, ['/off/1']],
    ['missing arrays', { year: 2025 }, ['/off', '/makeup']],
    ['bad year', { ...valid, year: 25 }, ['/year']],
    ['bad published date', { ...valid, published: '2024-11-31' }, ['/published']],
    ['not an object', null, ['']],
  ];
  for (const [why, input, expected] of bad) {
    it(`reports ${why} at ${expected.join(', ')}`, () => {
      const issues = validateCalendarYear(input);
      assert.deepEqual(issues.map((i) => i.pointer), expected);
      for (const i of issues) assert.match(i.detail, /[\u4e00-\u9fff]/);
    });
  }

  it('loadOfficialYears throws a clear error with file pointers', () => {
    const broken = structuredClone(holidays) as { years: Record<string, { makeup: string[] }> };
    broken.years['2025']!.makeup.push('2025-02-10');
    assert.throws(() => loadOfficialYears(broken), (e: unknown) => {
      assert.ok(e instanceof CalendarDataError);
      assert.deepEqual(e.issues.map((i) => i.pointer), ['/years/2025/makeup/5']);
      assert.match(e.message, /\/years\/2025\/makeup\/5：调休上班日 2025-02-10 是星期一/);
      return true;
    });
    assert.throws(() => loadOfficialYears({ years: { '25': { off: [], makeup: [] } } }), CalendarDataError);
    assert.throws(() => loadOfficialYears([]), CalendarDataError);
  });

  it('buildCalendar refuses a year given twice and an invalid year', () => {
    assert.throws(() => buildCalendar({ years: [...years, years[0]!] }), CalendarDataError);
    assert.throws(() => buildCalendar({ years: [{ ...valid, makeup: ['2025-02-10'] }] }), CalendarDataError);
  });

  it('the calendar is frozen and does not share the caller’s arrays', () => {
    const input = [structuredClone(valid)];
    const c = buildCalendar({ years: input });
    input[0]!.off.push({ name: 'x', from: '2025-03-03', to: '2025-03-03' });
    assert.equal(isWorkingDay(c, '2025-03-03'), true);
    assert.equal(c.years[0]!.off.length, 1);
    assert.ok(Object.isFrozen(c));
  });
});

describe('properties', () => {
  const DAY = 86_400_000;
  const base = Date.parse('2023-12-01T00:00:00+08:00');
  const moment = fc.date({ min: new Date(base), max: new Date('2027-12-31T23:59:59.999+08:00'), noInvalidDate: true });
  // The official calendar, or one with random local closures and openings.
  const calendar = fc.oneof(
    fc.constant(cal),
    fc
      .uniqueArray(fc.record({ offset: fc.integer({ min: 0, max: 1500 }), kind: fc.constantFrom('closed' as const, 'open' as const) }), {
        selector: (c) => c.offset,
        maxLength: 40,
      })
      .map((changes) =>
        buildCalendar({
          years,
          localChanges: changes.map((c) => ({ date: shanghaiDate(new Date(base + c.offset * DAY)), kind: c.kind, reason: '测试' })),
        }),
      ),
  );
  const n = fc.integer({ min: 0, max: 60 });
  const runs = { numRuns: 1000 };

  it('count(start, add(start, n).due) is n (n = 0: 0 on a working day, else 1)', () => {
    fc.assert(
      fc.property(calendar, moment, n, (c, start, k) => {
        const expected = k > 0 ? k : isWorkingDay(c, shanghaiDate(start)) ? 0 : 1;
        assert.equal(countWorkingDays(c, start, addWorkingDays(c, start, k).due), expected);
      }),
      runs,
    );
  });

  it('due is the last millisecond of a working day', () => {
    fc.assert(
      fc.property(calendar, moment, n, (c, start, k) => {
        const { due } = addWorkingDays(c, start, k);
        assert.equal(isWorkingDay(c, shanghaiDate(due)), true);
        assert.notEqual(shanghaiDate(new Date(due.getTime() + 1)), shanghaiDate(due));
        assert.ok(due.getTime() >= start.getTime());
      }),
      runs,
    );
  });

  it('addWorkingDays is monotonic in n (strictly from n = 1)', () => {
    fc.assert(
      fc.property(calendar, moment, n, n, (c, start, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const dueLo = addWorkingDays(c, start, lo).due.getTime();
        const dueHi = addWorkingDays(c, start, hi).due.getTime();
        assert.ok(dueLo <= dueHi);
        if (lo >= 1 && lo < hi) assert.ok(dueLo < dueHi);
      }),
      runs,
    );
  });

  it('provisional exactly when a deciding day lies outside 2024–2026', () => {
    fc.assert(
      fc.property(moment, n, (start, k) => {
        const { due, provisional } = addWorkingDays(cal, start, k);
        const firstDecidingDay = shanghaiDate(new Date(start.getTime() + (k > 0 ? DAY : 0)));
        const outside = (date: string) => !hasOfficialData(cal, Number(date.slice(0, 4)));
        assert.equal(provisional, outside(firstDecidingDay) || outside(shanghaiDate(due)));
      }),
      runs,
    );
  });

  it('nextWorkingMoment is on a working day, not before `at`, and the identity on working days', () => {
    fc.assert(
      fc.property(calendar, moment, (c, at) => {
        const next = nextWorkingMoment(c, at);
        assert.equal(isWorkingDay(c, shanghaiDate(next)), true);
        assert.ok(next.getTime() >= at.getTime());
        if (isWorkingDay(c, shanghaiDate(at))) assert.equal(next.getTime(), at.getTime());
      }),
      runs,
    );
  });
});
