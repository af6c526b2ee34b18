// Both languages have exactly the same keys and no empty text, and every code the UI labels
// through the dictionary (roles, levels, life events, catalog codes) has an entry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASE_TYPES, HANDLING_MODES, ITEM_TYPES, LIFE_EVENTS, MATERIAL_FORMS, MATERIAL_MEDIA, PROXY_CATEGORIES } from '../../../server/domain/catalog.ts';
import { ABSENCE_KINDS, UNIT_KINDS } from '../../../server/domain/network.ts';
import { ORG_LEVELS } from '../../../server/domain/org-tree.ts';
import { ROLES } from '../../../server/domain/roles.ts';
import { en } from './en.ts';
import { zh } from './zh.ts';

describe('UI dictionaries', () => {
  it('zh and en have exactly the same keys', () => {
    const zhKeys = Object.keys(zh).sort();
    const enKeys = Object.keys(en).sort();
    assert.deepEqual(enKeys.filter((k) => !zhKeys.includes(k)), [], 'keys only in en');
    assert.deepEqual(zhKeys.filter((k) => !enKeys.includes(k)), [], 'keys only in zh');
  });

  it('no value is empty or only spaces', () => {
    for (const [lang, dict] of Object.entries({ zh, en })) {
      for (const [key, value] of Object.entries(dict)) assert.ok(value.trim().length > 0, `${lang}: ${key} is empty`);
    }
  });

  it('placeholders match between languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) assert.deepEqual(names(en[key]), names(zh[key]), key);
  });

  it('the Chinese dictionary is Chinese and the English one is not', () => {
    const han = /\p{Script=Han}/u;
    const englishOnly = Object.entries(en).filter(([k]) => !['prefs.switchLang', 'portal.search.placeholder', 'portal.search.hint'].includes(k));
    assert.deepEqual(englishOnly.filter(([, v]) => han.test(v)).map(([k]) => k), [], 'Chinese left in en');
    assert.ok(han.test(zh['login.title']));
  });

  it('every code shown through the dictionary has a label', () => {
    const groups: Record<string, readonly string[]> = {
      role: ROLES, level: ORG_LEVELS, lifeEvent: Object.keys(LIFE_EVENTS), itemType: Object.keys(ITEM_TYPES),
      caseType: Object.keys(CASE_TYPES), handlingMode: Object.keys(HANDLING_MODES),
      materialForm: Object.keys(MATERIAL_FORMS), materialMedium: Object.keys(MATERIAL_MEDIA),
      proxyCategory: Object.keys(PROXY_CATEGORIES), unitKind: UNIT_KINDS, absenceKind: ABSENCE_KINDS,
    };
    const missing = Object.entries(groups).flatMap(([group, codes]) => codes.map((c) => `${group}.${c}`)).filter((k) => !(k in zh));
    assert.deepEqual(missing, []);
  });

  it('the Chinese labels of catalog codes are the catalog’s own terms', () => {
    for (const [code, label] of Object.entries(LIFE_EVENTS)) assert.equal(zh[`lifeEvent.${code}` as keyof typeof zh], label);
    for (const [code, label] of Object.entries(ITEM_TYPES)) assert.equal(zh[`itemType.${code}` as keyof typeof zh], label);
  });
});
