import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeIdCheckChar, PROVINCE_CODES, shanghaiYmd, validateIdNumber } from './id-number.ts';

const TODAY = new Date('2024-06-01T00:00:00Z');
const withCheck = (body17: string) => body17 + computeIdCheckChar(body17)!;
const codeOf = (input: unknown, today = TODAY) => {
  const r = validateIdNumber(input, today);
  return r.ok ? 'OK' : r.code;
};

test('spec vectors', () => {
  assert.deepEqual(validateIdNumber('11010519491231002X', TODAY), {
    ok: true, value: '11010519491231002X', birthDate: '1949-12-31', gender: 'female',
  });
  assert.deepEqual(validateIdNumber('440524188001010014', TODAY), {
    ok: true, value: '440524188001010014', birthDate: '1880-01-01', gender: 'male',
  });
  const bad = validateIdNumber('110105194912310021', TODAY);
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.code, 'ID_CHECKSUM');
  assert.equal(!bad.ok && bad.detail, '身份证号码校验位不正确，请核对最后一位');
});

test('normalization: full-width, spaces, lower-case x', () => {
  for (const s of ['１１０１０５１９４９１２３１００２ｘ', ' 110105 19491231 002x ', '110105\u300019491231002X', '11010519491231002x']) {
    const r = validateIdNumber(s, TODAY);
    assert.ok(r.ok, s);
    assert.equal(r.value, '11010519491231002X');
  }
});

test('computeIdCheckChar', () => {
  assert.equal(computeIdCheckChar('11010519491231002'), 'X');
  assert.equal(computeIdCheckChar('44052418800101001'), '4');
  assert.equal(computeIdCheckChar('1101051949123100'), null);
  assert.equal(computeIdCheckChar('1101051949123100A'), null);
});

test('every error code', () => {
  const cases: Array<[unknown, string]> = [
    ['', 'ID_LENGTH'],
    ['   ', 'ID_LENGTH'],
    ['11010519491231002', 'ID_LENGTH'],
    ['11010519491231002X1', 'ID_LENGTH'],
    ['110105491231002', 'ID_LENGTH'],
    [null, 'ID_LENGTH'],
    [undefined, 'ID_LENGTH'],
    [11010519491231, 'ID_LENGTH'],
    [{}, 'ID_LENGTH'],
    ['11010519491231002A', 'ID_FORMAT'],
    ['1101051949123100X2', 'ID_FORMAT'],
    ['X1010519491231002X', 'ID_FORMAT'],
    ['11010519491231002中', 'ID_FORMAT'],
    ['11010519491231-02X', 'ID_FORMAT'],
    [withCheck('00010519491231002'), 'ID_PROVINCE'],
    [withCheck('10010519491231002'), 'ID_PROVINCE'],
    [withCheck('84010519491231002'), 'ID_PROVINCE'],
    [withCheck('99010519491231002'), 'ID_PROVINCE'],
    [withCheck('11010519491331002'), 'ID_BIRTH_DATE'], // month 13
    [withCheck('11010519490001002'), 'ID_BIRTH_DATE'], // month 00
    [withCheck('11010519491200002'), 'ID_BIRTH_DATE'], // day 00
    [withCheck('11010519490431002'), 'ID_BIRTH_DATE'], // 31 April
    [withCheck('11010520000230002'), 'ID_BIRTH_DATE'],
    [withCheck('11010519000229002'), 'ID_BIRTH_DATE'], // 1900 is not a leap year
    [withCheck('11010521000229002'), 'ID_BIRTH_DATE'],
    [withCheck('11010517991231002'), 'ID_BIRTH_DATE'], // before 1800-01-01
    [withCheck('11010520240602002'), 'ID_BIRTH_DATE'], // after TODAY
    ['110105194912310021', 'ID_CHECKSUM'],
    ['110105194912310020', 'ID_CHECKSUM'],
  ];
  for (const [input, code] of cases) assert.equal(codeOf(input), code, String(input));
});

test('all listed province codes accepted, including 83 and 91', () => {
  assert.equal(PROVINCE_CODES.size, 36);
  for (const p of PROVINCE_CODES) assert.equal(codeOf(withCheck(`${p}010519491231002`)), 'OK', p);
});

test('birth date bounds and leap days', () => {
  assert.equal(codeOf(withCheck('11010520000229002')), 'OK');
  assert.equal(codeOf(withCheck('11010519000229002')), 'ID_BIRTH_DATE');
  assert.equal(codeOf(withCheck('11010519040229002')), 'OK');
  assert.equal(codeOf(withCheck('11010518000101002')), 'OK');
  assert.equal(codeOf(withCheck('11010520240601002')), 'OK'); // born today
});

test('future birth date depends on the Asia/Shanghai calendar day of today', () => {
  const id = withCheck('11010520250102002');
  assert.equal(codeOf(id, new Date('2025-01-01T15:59:59Z')), 'ID_BIRTH_DATE'); // 23:59:59 on 1 Jan in Beijing
  assert.equal(codeOf(id, new Date('2025-01-01T16:00:00Z')), 'OK'); // 00:00 on 2 Jan in Beijing
  assert.equal(shanghaiYmd(new Date('2025-01-01T16:00:00Z')), '20250102');
  assert.equal(codeOf(withCheck('11010599991231002')), 'ID_BIRTH_DATE');
  assert.equal(codeOf(withCheck('11010599991231002'), new Date(NaN)), 'ID_BIRTH_DATE'); // invalid today falls back to now
  assert.equal(codeOf('11010519491231002X', undefined), 'OK');
});

test('gender comes from digit 17', () => {
  const male = validateIdNumber(withCheck('11010519491231003'), TODAY);
  const female = validateIdNumber(withCheck('11010519491231004'), TODAY);
  assert.equal(male.ok && male.gender, 'male');
  assert.equal(female.ok && female.gender, 'female');
});

test('detail never echoes the input', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'0123456789Xx '), minLength: 6, maxLength: 30 }), (s) => {
      const r = validateIdNumber(s, TODAY);
      if (!r.ok) assert.ok(!r.detail.includes(s.trim()) && !r.detail.includes(s.replace(/\s/g, '')));
    }),
    { numRuns: 500 },
  );
});

// Valid IDs with birth dates between 1800-01-01 and TODAY.
const DAY = 86_400_000;
const validId = fc
  .tuple(
    fc.constantFrom(...PROVINCE_CODES),
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: Date.UTC(1800, 0, 1) / DAY, max: Date.UTC(2024, 5, 1) / DAY }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([p, area, day, seq]) => {
    const ymd = new Date(day * DAY).toISOString().slice(0, 10).replace(/-/g, '');
    return withCheck(p + String(area).padStart(4, '0') + ymd + String(seq).padStart(3, '0'));
  });

test('property: valid body + computed check char validates', () => {
  fc.assert(
    fc.property(validId, (id) => {
      const r = validateIdNumber(id, TODAY);
      assert.ok(r.ok, id);
      assert.equal(r.value, id);
    }),
    { numRuns: 2000 },
  );
});

test('property: any single-character substitution is rejected', () => {
  fc.assert(
    fc.property(validId, fc.nat(17), fc.constantFrom(...'0123456789X'), (id, i, c) => {
      fc.pre(id[i] !== c);
      const mutated = id.slice(0, i) + c + id.slice(i + 1);
      assert.equal(validateIdNumber(mutated, TODAY).ok, false, mutated);
    }),
    { numRuns: 2000 },
  );
});

test('property: any swap of two different adjacent characters is rejected', () => {
  fc.assert(
    fc.property(validId, fc.nat(16), (id, i) => {
      fc.pre(id[i] !== id[i + 1]);
      const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
      assert.equal(validateIdNumber(swapped, TODAY).ok, false, swapped);
    }),
    { numRuns: 2000 },
  );
});

test('property: never throws on arbitrary input', () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), fc.string({ unit: 'binary' })), (x) => {
      const r = validateIdNumber(x, TODAY);
      assert.equal(typeof r.ok, 'boolean');
    }),
    { numRuns: 1000 },
  );
});
