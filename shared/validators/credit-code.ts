export type CreditCodeErrorCode = 'USCC_LENGTH' | 'USCC_CHARSET' | 'USCC_REGION' | 'USCC_CHECKSUM';

export type CreditCodeResult =
  | { ok: true; value: string; regionCode: string }
  | { ok: false; code: CreditCodeErrorCode; detail: string };

// GB 32100-2015 symbol set: digits and upper-case letters except I, O, Z, S, V.
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const CHARSET_RE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export function normalizeCreditCode(input: unknown): string {
  if (typeof input !== 'string') return '';
  return input.normalize('NFKC').trim().toUpperCase();
}

/** Returns the check character for a 17-symbol body, or null if the body is malformed. */
export function computeCreditCodeCheckChar(body17: string): string | null {
  if (body17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const n = CREDIT_CODE_CHARSET.indexOf(body17[i]!);
    if (n < 0) return null;
    sum += n * WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

function fail(code: CreditCodeErrorCode, detail: string): CreditCodeResult {
  return { ok: false, code, detail };
}

export function validateCreditCode(input: unknown): CreditCodeResult {
  const v = normalizeCreditCode(input);
  if (v.length !== 18) {
    return fail('USCC_LENGTH', `统一社会信用代码应为18位，当前为${v.length}位，请检查是否漏填或多填`);
  }
  if (!CHARSET_RE.test(v)) {
    return fail('USCC_CHARSET', '统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V），请核对');
  }
  if (!/^\d{6}$/.test(v.slice(2, 8))) {
    return fail('USCC_REGION', '统一社会信用代码第3至8位应为6位数字的行政区划代码，请核对');
  }
  if (computeCreditCodeCheckChar(v.slice(0, 17)) !== v[17]) {
    return fail('USCC_CHECKSUM', '统一社会信用代码校验位不正确，请核对最后一位');
  }
  return { ok: true, value: v, regionCode: v.slice(2, 8) };
}
