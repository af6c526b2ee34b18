import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  LOOKUP_ALPHABET,
  caseNumberPrefix,
  caseNumberProblem,
  formatCaseNumber,
  generateLookupCode,
  isLookupCode,
  lookupCodeMatches,
  normalizeLookupCode,
  parseCaseNumber,
} from './case-number.ts';

describe('case numbers', () => {
  it('org code, Shanghai date and a four-digit daily sequence', () => {
    assert.equal(formatCaseNumber('341125101', '2026-11-25T10:00:00+08:00', 7), '341125101-20261125-0007');
    assert.equal(formatCaseNumber('341125', new Date('2026-11-25T02:00:00Z'), 9999), '341125-20261125-9999');
  });

  it('takes the date in Asia/Shanghai, not UTC', () => {
    assert.equal(formatCaseNumber('341125101', '2026-11-24T16:30:00Z', 1), '341125101-20261125-0001');
    assert.equal(formatCaseNumber('341125101', '2026-11-24T15:59:59Z', 1), '341125101-20261124-0001');
    assert.equal(caseNumberPrefix('341125101', '2026-11-24T16:00:00Z'), '341125101-20261125-');
  });

  it('refuses sequences outside 1–9999 and bad org codes', () => {
    for (const seq of [0, -1, 1.5, 10_000, Number.NaN]) {
      assert.throws(() => formatCaseNumber('341125', '2026-01-05T09:00:00+08:00', seq), RangeError, String(seq));
    }
    for (const code of ['', 'a b', '县中心', 'x'.repeat(33)]) {
      assert.throws(() => formatCaseNumber(code, '2026-01-05T09:00:00+08:00', 1), RangeError, code);
    }
  });

  it('parses what it formats, org codes with dashes included', () => {
    assert.deepEqual(parseCaseNumber('341125101-20261125-0007'), { orgCode: '341125101', date: '2026-11-25', sequence: 7 });
    assert.deepEqual(parseCaseNumber(' DC-01-20250101-0120 '), { orgCode: 'DC-01', date: '2025-01-01', sequence: 120 });
  });

  const invalid: [string, string][] = [
    ['341125101-20260230-0001', 'impossible date'],
    ['341125101-2026112-0001', 'seven-digit date'],
    ['341125101-20261125-007', 'three-digit sequence'],
    ['341125101-20261125-0000', 'sequence zero'],
    ['20261125-0007', 'no org code'],
    ['341125101_20261125_0007', 'wrong separators'],
    ['', 'empty'],
  ];
  for (const [input, why] of invalid) {
    it(`rejects ${why}: "${input}"`, () => {
      assert.equal(parseCaseNumber(input), null);
      assert.match(caseNumberProblem(input)!, /办件编号格式/);
    });
  }

  it('text order equals (date, sequence) order within an org', () => {
    const entry = fc.record({
      at: fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
      seq: fc.integer({ min: 1, max: 9999 }),
    });
    fc.assert(fc.property(fc.array(entry, { minLength: 2, maxLength: 30 }), (entries) => {
      const numbers = entries.map((e) => formatCaseNumber('341125101', e.at, e.seq));
      const byText = [...numbers].sort();
      const byParts = [...numbers].sort((a, b) => {
        const pa = parseCaseNumber(a)!;
        const pb = parseCaseNumber(b)!;
        return pa.date === pb.date ? pa.sequence - pb.sequence : pa.date < pb.date ? -1 : 1;
      });
      assert.deepEqual(byText, byParts);
    }));
  });

  it('round-trips every formatted number', () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[0-9A-Za-z_-]{1,32}$/),
      fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: 1, max: 9999 }),
      (org, at, seq) => {
        const parsed = parseCaseNumber(formatCaseNumber(org, at, seq));
        assert.ok(parsed);
        assert.equal(parsed.orgCode, org);
        assert.equal(parsed.sequence, seq);
      },
    ));
  });
});

describe('lookup codes', () => {
  it('the alphabet has 32 symbols and none of 0, O, 1, I', () => {
    assert.equal(LOOKUP_ALPHABET.length, 32);
    assert.equal(new Set(LOOKUP_ALPHABET).size, 32);
    for (const c of '0O1I') assert.ok(!LOOKUP_ALPHABET.includes(c), c);
  });

  it('six symbols from the alphabet, every symbol reachable', () => {
    const seen = new Set<string>();
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateLookupCode();
      assert.match(code, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$/);
      assert.ok(isLookupCode(code));
      for (const c of code) seen.add(c);
      codes.add(code);
    }
    assert.equal(seen.size, 32);
    assert.ok(codes.size >= 1990, `only ${codes.size} distinct codes in 2000`);
  });

  it('maps random bytes through their low five bits', () => {
    const bytes = Uint8Array.from([0, 31, 32, 255, 7, 200]);
    assert.equal(generateLookupCode(() => bytes), '2Z2Z9A');
  });

  it('normalizes what people type and refuses ambiguous characters', () => {
    assert.equal(normalizeLookupCode(' ab3-k9z '), 'AB3K9Z');
    assert.equal(isLookupCode('ab3-k9z'), true);
    for (const bad of ['AB3K9', 'AB3K9ZZ', 'AB3K90', 'AB3K9O', 'AB3K91', 'AB3K9I', 'AB3K9*']) assert.equal(isLookupCode(bad), false, bad);
  });

  it('matches a typed code against the stored one', () => {
    assert.equal(lookupCodeMatches('AB3K9Z', 'ab3k9z'), true);
    assert.equal(lookupCodeMatches('AB3K9Z', 'AB3-K9Z'), true);
    assert.equal(lookupCodeMatches('AB3K9Z', 'AB3K9Y'), false);
    assert.equal(lookupCodeMatches('AB3K9Z', 'AB3K9'), false);
    assert.equal(lookupCodeMatches('AB3K9Z', ''), false);
  });
});
