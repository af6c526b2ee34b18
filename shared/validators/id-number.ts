export type IdNumberErrorCode =
  | 'ID_LENGTH'
  | 'ID_FORMAT'
  | 'ID_PROVINCE'
  | 'ID_BIRTH_DATE'
  | 'ID_CHECKSUM';

export type IdNumberResult =
  | { ok: true; value: string; birthDate: string; gender: 'male' | 'female' }
  | { ok: false; code: IdNumberErrorCode; detail: string };

export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83', '91',
]);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
// The 1880 test vector from the spec is valid, so the lower bound is 1800, not 1900.
const MIN_BIRTH = '18000101';

export function normalizeIdNumber(input: unknown): string {
  if (typeof input !== 'string') return '';
  return input.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** Returns the check character for a 17-digit body, or null if the body is not 17 ASCII digits. */
export function computeIdCheckChar(body17: string): string | null {
  if (!/^\d{17}$/.test(body17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export function isValidCalendarDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/** The calendar date of `date` in Asia/Shanghai as YYYYMMDD. */
export function shanghaiYmd(date: Date = new Date()): string {
  const t = Number.isNaN(date.getTime()) ? Date.now() : date.getTime();
  // China has had a fixed UTC+8 offset since 1991; cheaper than an Intl formatter on every check.
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

function fail(code: IdNumberErrorCode, detail: string): IdNumberResult {
  return { ok: false, code, detail };
}

export function validateIdNumber(input: unknown, today: Date = new Date()): IdNumberResult {
  const v = normalizeIdNumber(input);
  if (v.length !== 18) {
    return fail('ID_LENGTH', `身份证号码应为18位，当前为${v.length}位，请检查是否漏填或多填`);
  }
  if (!/^\d{17}[\dX]$/.test(v)) {
    return fail('ID_FORMAT', '身份证号码前17位应为数字，最后一位应为数字或字母X');
  }
  if (!PROVINCE_CODES.has(v.slice(0, 2))) {
    return fail('ID_PROVINCE', '身份证号码前两位不是有效的省级行政区划代码，请核对');
  }
  const birth = v.slice(6, 14);
  if (!isValidCalendarDate(birth)) {
    return fail('ID_BIRTH_DATE', '身份证号码第7至14位不是有效的出生日期，请核对');
  }
  if (birth < MIN_BIRTH || birth > shanghaiYmd(today)) {
    return fail('ID_BIRTH_DATE', '身份证号码中的出生日期超出合理范围，请核对第7至14位');
  }
  if (computeIdCheckChar(v.slice(0, 17)) !== v[17]) {
    return fail('ID_CHECKSUM', '身份证号码校验位不正确，请核对最后一位');
  }
  return {
    ok: true,
    value: v,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    gender: Number(v[16]) % 2 === 1 ? 'male' : 'female',
  };
}
