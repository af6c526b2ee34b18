import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeCreditCodeCheckChar, CREDIT_CODE_CHARSET, validateCreditCode } from './credit-code.ts';

const withCheck = (body17: string) => body17 + computeCreditCodeCheckChar(body17)!;
const codeOf = (input: unknown) => {
  const r = validateCreditCode(input);
  return r.ok ? 'OK' : r.code;
};

test('spec vectors', () => {
  assert.deepEqual(validateCreditCode('91350100M000100Y43'), { ok: true, value: '91350100M000100Y43', regionCode: '350100' });
  const bad = validateCreditCode('91350100M000100Y44');
  assert.equal(!bad.ok && bad.code, 'USCC_CHECKSUM');
});

test('normalization: full-width, surrounding spaces, lower case', () => {
  for (const s of ['９１３５０１００Ｍ０００１００Ｙ４３', '  91350100m000100y43\n']) {
    const r = validateCreditCode(s);
    assert.ok(r.ok, s);
    assert.equal(r.value, '91350100M000100Y43');
  }
});

test('computeCreditCodeCheckChar', () => {
  assert.equal(computeCreditCodeCheckChar('91350100M000100Y4'), '3');
  assert.equal(computeCreditCodeCheckChar('91350100M000100Y'), null);
  assert.equal(computeCreditCodeCheckChar('91350100M000100I4'), null);
  // check value 0 must map to '0', not to 31
  const body = '91350100M000100Y4';
  for (const c of CREDIT_CODE_CHARSET) {
    const b = body.slice(0, 16) + c;
    const check = computeCreditCodeCheckChar(b)!;
    assert.ok(CREDIT_CODE_CHARSET.includes(check));
  }
});

test('every error code', () => {
  const cases: Array<[unknown, string]> = [
    ['', 'USCC_LENGTH'],
    [null, 'USCC_LENGTH'],
    [42, 'USCC_LENGTH'],
    ['91350100M000100Y4', 'USCC_LENGTH'],
    ['91350100M000100Y433', 'USCC_LENGTH'],
    ['91350100 M000100Y43', 'USCC_LENGTH'], // inner spaces are not removed
    ['91350100I000100Y43', 'USCC_CHARSET'],
    ['91350100O000100Y43', 'USCC_CHARSET'],
    ['91350100Z000100Y43', 'USCC_CHARSET'],
    ['91350100S000100Y43', 'USCC_CHARSET'],
    ['91350100V000100Y43', 'USCC_CHARSET'],
    ['91350100-000100Y43', 'USCC_CHARSET'],
    ['91350100中000100Y43', 'USCC_CHARSET'],
    [withCheck('913A0100M000100Y4'), 'USCC_REGION'],
    [withCheck('9135010XM000100Y4'), 'USCC_REGION'],
    ['91350100M000100Y44', 'USCC_CHECKSUM'],
  ];
  for (const [input, code] of cases) assert.equal(codeOf(input), code, String(input));
});

const sym = fc.constantFrom(...CREDIT_CODE_CHARSET);
const digit = fc.constantFrom(...'0123456789');
const validCode = fc
  .tuple(fc.array(sym, { minLength: 2, maxLength: 2 }), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.array(sym, { minLength: 9, maxLength: 9 }))
  .map(([a, b, c]) => withCheck(a.join('') + b.join('') + c.join('')));

test('property: valid body + computed check char validates', () => {
  fc.assert(
    fc.property(validCode, (code) => {
      const r = validateCreditCode(code);
      assert.ok(r.ok, code);
      assert.equal(r.value, code);
    }),
    { numRuns: 2000 },
  );
});

test('property: any single-character substitution is rejected', () => {
  fc.assert(
    fc.property(validCode, fc.nat(17), fc.constantFrom(...CREDIT_CODE_CHARSET, 'I', 'O', 'Z', 'S', 'V'), (code, i, c) => {
      fc.pre(code[i] !== c);
      const mutated = code.slice(0, i) + c + code.slice(i + 1);
      assert.equal(validateCreditCode(mutated).ok, false, mutated);
    }),
    { numRuns: 2000 },
  );
});

test('property: any swap of two different adjacent characters is rejected', () => {
  fc.assert(
    fc.property(validCode, fc.nat(16), (code, i) => {
      fc.pre(code[i] !== code[i + 1]);
      const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
      assert.equal(validateCreditCode(swapped).ok, false, swapped);
    }),
    { numRuns: 2000 },
  );
});

test('property: never throws and never echoes input', () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), fc.string({ unit: 'binary' }), fc.string({ unit: sym, minLength: 18, maxLength: 18 })), (x) => {
      const r = validateCreditCode(x);
      if (!r.ok && typeof x === 'string' && x.trim().length >= 6) assert.ok(!r.detail.includes(x.trim().toUpperCase()));
    }),
    { numRuns: 1000 },
  );
});
