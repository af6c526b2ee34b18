/**
 * Case numbers (办件编号) and lookup codes (查询码).
 *
 * A case number is `<org code>-<YYYYMMDD>-<NNNN>`, e.g. `341125101-20261125-0007`: the org that
 * registered the case, the Shanghai calendar date it was registered, and that org's daily sequence.
 * It is unique per (org, date, sequence) — the database allocates the sequence — and read aloud on
 * the phone, printed on every notice, and sorts by date then sequence within an org as plain text.
 * Org codes may contain `-` (orgs/routes.ts allows [0-9A-Za-z_-]), so a number is parsed from the
 * right. The sequence has four digits: ten thousand registrations per org per day is far above any
 * county center, and a fixed width is what keeps text order equal to number order.
 *
 * A lookup code is 6 characters from 32 that cannot be misread (no 0/O, 1/I), drawn from the
 * system's cryptographic random source; with the case number it lets anyone follow a case without
 * logging in, so it must be unguessable (32^6 ≈ 1.07e9) and compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isCalendarDate, shanghaiDate, type Moment } from './calendar.ts';

export const CASE_SEQUENCE_DIGITS = 4;
export const MAX_DAILY_SEQUENCE = 10 ** CASE_SEQUENCE_DIGITS - 1;
const ORG_CODE = /^[0-9A-Za-z_-]{1,32}$/;
const CASE_NUMBER = /^([0-9A-Za-z_-]{1,32})-(\d{8})-(\d{4})$/;

export interface CaseNumberParts {
  orgCode: string;
  /** YYYY-MM-DD, Asia/Shanghai. */
  date: string;
  sequence: number;
}

/** The `<org code>-<YYYYMMDD>-` prefix of every number an org registers on the Shanghai date of `at`. */
export function caseNumberPrefix(orgCode: string, at: Moment): string {
  if (!ORG_CODE.test(orgCode)) throw new RangeError(`invalid org code: ${orgCode}`);
  return `${orgCode}-${shanghaiDate(at).replaceAll('-', '')}-`;
}

/** Formats the case number of the `sequence`th case (1-based) an org registered on the Shanghai date of `at`. */
export function formatCaseNumber(orgCode: string, at: Moment, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_DAILY_SEQUENCE) {
    throw new RangeError(`daily sequence must be an integer from 1 to ${MAX_DAILY_SEQUENCE}, got ${sequence}`);
  }
  return caseNumberPrefix(orgCode, at) + String(sequence).padStart(CASE_SEQUENCE_DIGITS, '0');
}

/** Splits a case number typed by a person (spaces trimmed, letters in any case); null if it is not one. */
export function parseCaseNumber(input: string): CaseNumberParts | null {
  const m = CASE_NUMBER.exec(input.trim());
  if (!m) return null;
  const [, orgCode, ymd, seq] = m as unknown as [string, string, string, string];
  const date = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  const sequence = Number(seq);
  if (!isCalendarDate(date) || sequence < 1) return null;
  return { orgCode, date, sequence };
}

/** Why a typed case number is not valid, in Chinese; null when it is. */
export function caseNumberProblem(input: string): string | null {
  if (parseCaseNumber(input)) return null;
  return '办件编号格式应为“机构代码-年月日-四位序号”，例如 341125101-20261125-0007';
}

// 8 digits and 24 letters: 32 symbols, so one random byte's low 5 bits pick a symbol without bias.
export const LOOKUP_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const LOOKUP_CODE_LENGTH = 6;
const LOOKUP_CODE = new RegExp(`^[${LOOKUP_ALPHABET}]{${LOOKUP_CODE_LENGTH}}$`);

export function generateLookupCode(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(LOOKUP_CODE_LENGTH);
  let code = '';
  for (let i = 0; i < LOOKUP_CODE_LENGTH; i++) code += LOOKUP_ALPHABET[bytes[i]! & 31];
  return code;
}

/** Upper-cases and drops spaces and dashes, as people type codes read off paper. */
export function normalizeLookupCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

export function isLookupCode(input: string): boolean {
  return LOOKUP_CODE.test(normalizeLookupCode(input));
}

/** Constant-time check of a typed code against the stored one (the lookup page is public). */
export function lookupCodeMatches(stored: string, typed: string): boolean {
  const a = Buffer.from(stored, 'utf8');
  const b = Buffer.from(normalizeLookupCode(typed), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
