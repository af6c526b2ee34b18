export type MobileErrorCode = 'MOBILE_FORMAT';

export type MobileResult =
  | { ok: true; value: string }
  | { ok: false; code: MobileErrorCode; detail: string };

export function normalizeMobile(input: unknown): string {
  if (typeof input !== 'string') return '';
  const s = input.normalize('NFKC').replace(/[\s-]+/g, '');
  // Strip the country code only when exactly 11 digits follow, so an 11-digit number is never cut.
  return s.replace(/^(?:\+86|0086|86)(?=\d{11}$)/, '');
}

export function validateMobile(input: unknown): MobileResult {
  const v = normalizeMobile(input);
  if (!/^1[3-9]\d{9}$/.test(v)) {
    return { ok: false, code: 'MOBILE_FORMAT', detail: '手机号码应为以1开头的11位数字，第二位为3至9，请核对' };
  }
  return { ok: true, value: v };
}
