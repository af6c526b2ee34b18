// Catalog codes in the reader's language (the Chinese terms are the catalog's own, domain/catalog.ts).
import type { MessageKey, T } from '../i18n/index.ts';

const label = (t: T, group: string, code: string | undefined) => {
  if (!code) return '';
  const key = `${group}.${code}` as MessageKey;
  const text = t(key);
  return text === key ? code : text;
};

export const handlingModeLabel = (t: T, code?: string) => label(t, 'handlingMode', code);
export const itemTypeLabel = (t: T, code?: string) => label(t, 'itemType', code);
export const caseTypeLabel = (t: T, code?: string) => label(t, 'caseType', code);
export const levelLabel = (t: T, code?: string) => label(t, 'level', code);
export const materialFormLabel = (t: T, code?: string) => label(t, 'materialForm', code);
export const materialMediumLabel = (t: T, code?: string) => label(t, 'materialMedium', code);
