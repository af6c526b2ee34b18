import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { maskCreditCode, maskIdNumber, maskMobile, maskName, redactPii } from './mask.ts';
import { computeIdCheckChar } from './id-number.ts';

test('maskIdNumber', () => {
  assert.equal(maskIdNumber('11010519491231002X'), '110***********002X');
  assert.equal(maskIdNumber('１１０１０５１９４９１２３１００２ｘ'), '110***********002X');
  assert.equal(maskIdNumber(' 11010519491231002x '), '110***********002X');
  assert.equal(maskIdNumber('110105491231002'), '110*********002');
  assert.equal(maskIdNumber('abcdef'), 'a****f');
  assert.equal(maskIdNumber('ab'), 'a*');
  assert.equal(maskIdNumber('a'), '*');
  assert.equal(maskIdNumber(''), '');
  assert.equal(maskIdNumber(null), '');
  assert.ok(!maskIdNumber('11010519491231002X').includes('19491231'));
});

test('maskMobile', () => {
  assert.equal(maskMobile('13812341234'), '138****1234');
  assert.equal(maskMobile('+86 138-1234-1234'), '138****1234');
  assert.equal(maskMobile('12345'), '1***5');
  assert.equal(maskMobile(undefined), '');
});

test('maskCreditCode', () => {
  assert.equal(maskCreditCode('91350100M000100Y43'), '9135**********0Y43');
  assert.equal(maskCreditCode(' 91350100m000100y43 '), '9135**********0Y43');
  assert.equal(maskCreditCode('913501'), '9****1');
});

test('maskName', () => {
  assert.equal(maskName('张三丰'), '张**');
  assert.equal(maskName('张三'), '张*');
  assert.equal(maskName(' 欧阳娜娜 '), '欧***');
  assert.equal(maskName('𠀀三'), '𠀀*'); // astral character counts as one
  assert.equal(maskName('张'), '*');
  assert.equal(maskName(''), '');
  assert.equal(maskName(42), '');
});

test('redactPii table', () => {
  const cases: Array<[string, string]> = [
    ['id=11010519491231002X', 'id=110***********002X'],
    ['id=11010519491231002x&x=1', 'id=110***********002x&x=1'],
    ['/api/people/440524188001010014/cards', '/api/people/440***********0014/cards'],
    ['old 110105491231002 id', 'old 110*********002 id'],
    ['call 13812341234.', 'call 138****1234.'],
    ['tel:+8613812341234', 'tel:+86138****1234'],
    ['a13812341234b', 'a138****1234b'],
    ['order 213812341234', 'order 213812341234'], // 12-digit run: not a mobile
    ['ts=1717200000000', 'ts=1717200000000'], // 13-digit timestamp untouched
    ['12812341234', '12812341234'],
    ['no pii here', 'no pii here'],
    ['', ''],
    ['13812341234,13912341234', '138****1234,139****1234'],
  ];
  for (const [input, out] of cases) assert.equal(redactPii(input), out, input);
  assert.equal(redactPii(null), '');
  assert.equal(redactPii(undefined), '');
});

test('redactPii handles large input', () => {
  const line = 'GET /x?id=11010519491231002X&m=13812341234 '.repeat(20_000) + '1'.repeat(200_000);
  const out = redactPii(line);
  assert.ok(!/\d{17}[\dXx]/.test(out));
});

const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''));
const idLike = digits(17).chain((b) => fc.constantFrom(computeIdCheckChar(b)!, 'x', 'X', '0').map((c) => b + c));
const mobileLike = fc.tuple(fc.constantFrom(...'3456789'), digits(9)).map(([d, r]) => `1${d}${r}`);
const chunk = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: fc.constantFrom(...'0123456789Xx+- '), maxLength: 12 }),
  digits(15),
  idLike,
  mobileLike,
  mobileLike.map((m) => `+86${m}`),
);

test('property: redactPii leaves no ID-like or mobile-like substrings', () => {
  fc.assert(
    fc.property(fc.array(chunk, { maxLength: 12 }), (parts) => {
      const out = redactPii(parts.join(''));
      assert.doesNotMatch(out, /\d{17}[\dXx]/);
      assert.doesNotMatch(out, /(?<!\d)1[3-9]\d{9}(?!\d)/);
    }),
    { numRuns: 2000 },
  );
});

test('property: redactPii leaves digit-free text unchanged and never throws', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const out = redactPii(s);
      if (!/\d/.test(s)) assert.equal(out, s);
      assert.equal(redactPii(out), out); // idempotent
    }),
    { numRuns: 2000 },
  );
});
