export {
  computeIdCheckChar,
  isValidCalendarDate,
  normalizeIdNumber,
  PROVINCE_CODES,
  shanghaiYmd,
  validateIdNumber,
} from './id-number.ts';
export type { IdNumberErrorCode, IdNumberResult } from './id-number.ts';
export { computeCreditCodeCheckChar, CREDIT_CODE_CHARSET, normalizeCreditCode, validateCreditCode } from './credit-code.ts';
export type { CreditCodeErrorCode, CreditCodeResult } from './credit-code.ts';
export { normalizeMobile, validateMobile } from './mobile.ts';
export type { MobileErrorCode, MobileResult } from './mobile.ts';
export { maskCreditCode, maskIdNumber, maskMobile, maskName, redactPii } from './mask.ts';
