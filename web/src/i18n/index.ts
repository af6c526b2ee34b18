// A small dictionary per language (zh first, en second); keys are checked at compile time against zh.
// Chinese is in the first download; English is its own chunk, fetched when a reader picks it (or
// before the first render when they picked it last time), so most readers never download it.
import { useSyncExternalStore } from 'react';
import { getPrefs, setPrefs, usePrefs, type Lang } from '../prefs/prefs.ts';
import { zh, type MessageKey } from './zh.ts';

export type { MessageKey };
type Dictionary = Record<MessageKey, string>;
export const dictionaries: { zh: Dictionary; en: Dictionary | null } = { zh, en: null };

const listeners = new Set<() => void>();
let loading: Promise<void> | null = null;

/** Fetches a language's dictionary (once); resolves when `t` can use it. */
export function loadLanguage(lang: Lang): Promise<void> {
  if (lang === 'zh' || dictionaries.en) return Promise.resolve();
  loading ??= import('./en.ts').then((m) => {
    dictionaries.en = m.en;
    for (const l of listeners) l();
  }).finally(() => { loading = null; });
  return loading;
}

/** Switches the language once its dictionary is here (until then the page stays in the old one). */
export async function switchLanguage(lang: Lang): Promise<void> {
  await loadLanguage(lang);
  setPrefs({ lang });
}

const dictionaryOf = (lang: Lang): Dictionary => (lang === 'en' ? dictionaries.en ?? zh : zh);

export type Params = Record<string, string | number>;

export function format(template: string | undefined, params?: Params): string {
  if (template === undefined) return '';
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Outside React (the API client): the current language. */
export function translate(key: MessageKey, params?: Params): string {
  return format(dictionaryOf(getPrefs().lang)[key], params) || key;
}

export type T = (key: MessageKey, params?: Params) => string;

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useT(): T {
  const { lang } = usePrefs();
  // Re-render when the English dictionary arrives.
  useSyncExternalStore(subscribe, () => dictionaries.en);
  const dict = dictionaryOf(lang);
  // An unknown key (a catalog code the dictionary lacks) shows as itself rather than as nothing.
  return (key, params) => format(dict[key], params) || key;
}
