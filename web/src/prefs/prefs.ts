// The reader's own settings: language and elder-friendly mode (适老化), kept in localStorage.
// Signing out (or a session ending) answers with `Clear-Site-Data: "cookies", "storage"`, which wipes
// localStorage too. Chromium consumes that header (scripts cannot see it), so the API client calls
// restorePrefs() after every response: a reader's choice outlives a session.
import { useSyncExternalStore } from 'react';

export type Lang = 'zh' | 'en';
export interface Prefs {
  lang: Lang;
  elder: boolean;
}

const KEY = 'bianmin.prefs';
const DEFAULTS: Prefs = { lang: 'zh', elder: false };

function read(): Prefs {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Prefs> | null;
    return {
      lang: raw?.lang === 'en' ? 'en' : 'zh',
      elder: raw?.elder === true,
    };
  } catch {
    return DEFAULTS;
  }
}

let current: Prefs = typeof localStorage === 'undefined' ? DEFAULTS : read();
const listeners = new Set<() => void>();

function apply(p: Prefs): void {
  const html = document.documentElement;
  html.lang = p.lang === 'zh' ? 'zh-CN' : 'en';
  html.classList.toggle('elder', p.elder);
}

export function persistPrefs(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Private mode or storage full: the choice still holds for this page.
  }
}

/** Writes the settings back if something (Clear-Site-Data) removed them. */
export function restorePrefs(): void {
  try {
    if (localStorage.getItem(KEY) === null) persistPrefs();
  } catch {
    // storage unavailable: nothing to restore
  }
}

export function getPrefs(): Prefs {
  return current;
}

export function setPrefs(patch: Partial<Prefs>): void {
  current = { ...current, ...patch };
  persistPrefs();
  apply(current);
  for (const l of listeners) l();
}

export function initPrefs(): void {
  apply(current);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePrefs(): Prefs {
  return useSyncExternalStore(subscribe, getPrefs);
}
