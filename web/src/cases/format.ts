// Case codes in the reader's language, dates in China's time, and live checks of what a clerk types.
// No UI library (the portal and the village room use these too).
import { validateIdNumber } from '../../../shared/validators/id-number.ts';
import { validateMobile } from '../../../shared/validators/mobile.ts';
import { STANDARD_DEPARTMENTS } from '../../../server/domain/departments.ts';
import { dictionaries, type MessageKey, type T } from '../i18n/index.ts';
import type { Lang } from '../prefs/prefs.ts';
import type { CaseAction, CaseState, Channel, DeadlineStatus } from './types.ts';

/** A code's label from the dictionary (`group.code`), or the server's own label when the dictionary lacks it. */
export function codeLabel(t: T, group: string, code: string | null | undefined, fallback?: string): string {
  if (!code) return fallback ?? '';
  const key = `${group}.${code}` as MessageKey;
  const text = t(key);
  return text === key ? fallback ?? code : text;
}

export const stateLabel = (t: T, s: CaseState, fallback?: string) => codeLabel(t, 'caseState', s, fallback);
export const actionLabel = (t: T, a: CaseAction | string, fallback?: string) => codeLabel(t, 'caseAction', a, fallback);
export const channelLabel = (t: T, c: Channel | string, fallback?: string) => codeLabel(t, 'channel', c, fallback);

const locale = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en-GB');

/** 2026/11/25 14:10 in Asia/Shanghai, whatever the reader's computer says. */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(locale(lang), {
    timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(locale(lang), { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** The colour a deadline status is drawn in (always with its words beside it). */
export const DEADLINE_COLOURS: Record<DeadlineStatus, string> = {
  normal: 'green', due_soon: 'gold', overdue: 'red', paused: 'purple', stopped: 'default',
};

/** "3 working days left", "overdue by 2 working days", "clock paused" … */
export function remainingText(t: T, status: DeadlineStatus | null, remaining: number | null | undefined): string {
  if (!status) return t('deadline.none');
  if (status === 'stopped') return t('deadline.stopped');
  if (status === 'paused') return t('deadline.paused');
  if (remaining === null || remaining === undefined) return codeLabel(t, 'deadline', status);
  if (remaining < 0 || status === 'overdue') return t('deadline.overdueBy', { n: Math.abs(remaining) });
  return t(status === 'due_soon' ? 'deadline.dueSoonLeft' : 'deadline.left', { n: remaining });
}

/**
 * The ID-number check as the clerk types (shared/validators, the same rule the server applies), in
 * the reader's language. null while the field is empty or correct.
 */
export function idNumberProblem(t: T, value: string): string | null {
  if (!value.trim()) return null;
  const r = validateIdNumber(value);
  if (r.ok) return null;
  const n = value.normalize('NFKC').replace(/\s+/g, '').length;
  return t(`idcheck.${r.code}` as MessageKey, { n });
}

export function phoneProblem(t: T, value: string): string | null {
  if (!value.trim()) return null;
  return validateMobile(value).ok ? null : t('idcheck.MOBILE_FORMAT');
}

/** Birth date and sex read from a valid ID number, shown so the clerk can compare with the applicant. */
export function idNumberFacts(value: string): { birthDate: string; gender: 'male' | 'female' } | null {
  const r = validateIdNumber(value);
  return r.ok ? { birthDate: r.birthDate, gender: r.gender } : null;
}

/** A stage handler as people call it: 县规划局, 乡镇民政办 (the department list is pure data in server/domain). */
export function handlerName(t: T, department: string, level: string): string {
  const d = STANDARD_DEPARTMENTS.find((x) => x.code === department);
  const name = !d ? department : level === 'township' || level === 'village' ? d.stationName : d.name;
  return t('case.handler', { level: codeLabel(t, 'levelShort', level), name });
}

/**
 * The public progress lookup names each step by its Chinese label (受理, 转办 …), not its code; the
 * Chinese dictionary holds the same labels (i18n.test.ts checks), so the code is found by its label.
 */
export function stepLabel(t: T, chinese: string): string {
  const entry = Object.entries(dictionaries.zh).find(([k, v]) => k.startsWith('caseAction.') && v === chinese);
  return entry ? t(entry[0] as MessageKey) : chinese;
}
