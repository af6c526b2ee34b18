import { normalizeIdNumber } from './id-number.ts';
import { normalizeCreditCode } from './credit-code.ts';
import { normalizeMobile } from './mobile.ts';

/** Keeps the first `head` and last `tail` characters (code points) and stars the rest. */
function keepEnds(s: string, head: number, tail: number): string {
  const chars = Array.from(s);
  if (chars.length <= head + tail) return maskMiddle(s);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

/** Fallback for implausible values: everything but the first and last character is starred. */
function maskMiddle(s: string): string {
  const chars = Array.from(s);
  if (chars.length <= 1) return '*'.repeat(chars.length);
  if (chars.length === 2) return chars[0] + '*';
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

function asString(input: unknown): string {
  return typeof input === 'string' ? input : '';
}

export function maskIdNumber(input: unknown): string {
  const v = normalizeIdNumber(input);
  if (/^\d{17}[\dX]$/.test(v)) return keepEnds(v, 3, 4);
  // Old 15-digit IDs: birth date is digits 7–12, so only the 3-digit sequence tail is shown.
  if (/^\d{15}$/.test(v)) return keepEnds(v, 3, 3);
  return maskMiddle(asString(input).trim());
}

export function maskMobile(input: unknown): string {
  const v = normalizeMobile(input);
  if (/^1[3-9]\d{9}$/.test(v)) return keepEnds(v, 3, 4);
  return maskMiddle(asString(input).trim());
}

export function maskCreditCode(input: unknown): string {
  const v = normalizeCreditCode(input);
  if (/^[0-9A-Z]{18}$/.test(v)) return keepEnds(v, 4, 4);
  return maskMiddle(asString(input).trim());
}

/** Keeps the surname's first character; a one-character name is fully starred. */
export function maskName(input: unknown): string {
  const chars = Array.from(asString(input).trim());
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 1);
}

// One pass over maximal ASCII digit runs of length >= 11 (plus an optional trailing X);
// the replacer decides by length, so a mobile inside a longer run is left alone.
const PII_RE = /(?<!\d)\d{11,}[Xx]?/g;

function redactRun(run: string): string {
  const hasX = /[Xx]$/.test(run);
  const digits = hasX ? run.slice(0, -1) : run;
  const n = digits.length;
  if (n === 11) return /^1[3-9]/.test(digits) ? keepEnds(digits, 3, 4) + (hasX ? run.slice(-1) : '') : run;
  if (n === 13 && /^861[3-9]/.test(digits)) return '86' + keepEnds(digits.slice(2), 3, 4) + (hasX ? run.slice(-1) : '');
  if (n === 15 && !hasX) return keepEnds(digits, 3, 3);
  // 18-character IDs, and any longer run, which could hide an ID inside it.
  if (run.length >= 18) return keepEnds(run, 3, 4);
  return run;
}

/** Masks ID-number-like and mobile-like substrings in free text (log lines, URLs). Never throws. */
export function redactPii(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text.replace(PII_RE, redactRun);
}
