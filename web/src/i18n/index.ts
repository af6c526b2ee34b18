// A small dictionary per language (zh first, en second); keys are checked at compile time against zh.
import { getPrefs, usePrefs, type Lang } from '../prefs/prefs.ts';
import { en } from './en.ts';
import { zh, type MessageKey } from './zh.ts';

export type { MessageKey };
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { zh, en };

export type Params = Record<string, string | number>;

export function format(template: string | undefined, params?: Params): string {
  if (template === undefined) return '';
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Outside React (the API client): the current language. */
export function translate(key: MessageKey, params?: Params): string {
  return format(dictionaries[getPrefs().lang][key], params) || key;
}

export type T = (key: MessageKey, params?: Params) => string;

export function useT(): T {
  const { lang } = usePrefs();
  const dict = dictionaries[lang];
  // An unknown key (a catalog code the dictionary lacks) shows as itself rather than as nothing.
  return (key, params) => format(dict[key], params) || key;
}
