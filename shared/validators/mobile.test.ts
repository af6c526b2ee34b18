import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateMobile } from './mobile.ts';

test('accepts and normalizes', () => {
  const cases: Array<[string, string]> = [
    ['13812341234', '13812341234'],
    ['19912341234', '19912341234'],
    ['+8613812341234', '13812341234'],
    ['+86 138 1234 1234', '13812341234'],
    ['008613812341234', '13812341234'],
    ['8613812341234', '13812341234'],
    ['138-1234-1234', '13812341234'],
    ['１３８１２３４１２３４', '13812341234'],
    ['＋８６　１３８１２３４１２３４', '13812341234'],
  ];
  for (const [input, value] of cases) assert.deepEqual(validateMobile(input), { ok: true, value }, input);
});

test('rejects with MOBILE_FORMAT', () => {
  for (const input of [
    '', '   ', '1381234123', '138123412345', '12812341234', '10012341234', '23812341234',
    '+8513812341234', '86138123412', '+86+8613812341234', '1381234123a', '(138)12341234', null, 13812341234,
  ]) {
    const r = validateMobile(input);
    assert.equal(r.ok, false, String(input));
    assert.equal(!r.ok && r.code, 'MOBILE_FORMAT');
  }
});

test('property: every 1[3-9] 11-digit number is accepted, with or without prefix', () => {
  fc.assert(
    fc.property(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/), fc.constantFrom('', '+86', '0086', '86', '+86 '), (d2, rest, prefix) => {
      const m = `1${d2}${rest}`;
      assert.deepEqual(validateMobile(prefix + m), { ok: true, value: m });
    }),
    { numRuns: 2000 },
  );
});

test('property: never throws and never echoes input', () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), fc.string({ unit: 'binary' }), fc.stringMatching(/^\d{6,14}$/)), (x) => {
      const r = validateMobile(x);
      if (!r.ok && typeof x === 'string' && x.trim().length >= 4) assert.ok(!r.detail.includes(x.trim()));
    }),
    { numRuns: 1000 },
  );
});
