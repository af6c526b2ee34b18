// Both languages have exactly the same keys and no empty text, and every code the UI labels
// through the dictionary (roles, levels, life events, catalog codes) has an entry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASE_TYPES, HANDLING_MODES, ITEM_TYPES, LIFE_EVENTS, MATERIAL_FORMS, MATERIAL_MEDIA, PROXY_CATEGORIES } from '../../../server/domain/catalog.ts';
import { ABSENCE_KINDS, UNIT_KINDS } from '../../../server/domain/network.ts';
import { ORG_LEVELS } from '../../../server/domain/org-tree.ts';
import { ROLES } from '../../../server/domain/roles.ts';
import * as lifecycle from '../../../server/domain/case-lifecycle.ts';
import { QUEUES as SERVER_QUEUES } from '../../../server/modules/cases/service.ts';
import { BATCH_CASE_STATUS_LABELS, BATCH_KIND_LABELS, BATCH_STATE_LABELS } from '../../../server/modules/batches/service.ts';
import * as web from '../cases/types.ts';
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
      caseState: web.CASE_STATES, caseAction: web.CASE_ACTIONS, channel: web.CHANNELS, queue: web.QUEUES,
      refusalGround: web.REFUSAL_GROUNDS, procedure: web.SPECIAL_PROCEDURES, delivery: web.DELIVERY_METHODS,
      deadline: web.DEADLINE_STATUSES, notice: web.NOTICE_KINDS, levelShort: ORG_LEVELS, stageStatus: ['done', 'current', 'pending'],
      batchKind: ['outgoing', 'return'], batchState: ['draft', 'sent', 'checked', 'cancelled'], batchCase: web.BATCH_CASE_STATUSES,
      'case.help': web.CASE_ACTIONS.filter((a) => a !== 'apply'), idcheck: ['ID_LENGTH', 'ID_FORMAT', 'ID_PROVINCE', 'ID_BIRTH_DATE', 'ID_CHECKSUM', 'MOBILE_FORMAT'],
    };
    const missing = Object.entries(groups).flatMap(([group, codes]) => codes.map((c) => `${group}.${c}`)).filter((k) => !(k in zh));
    assert.deepEqual(missing, []);
  });

  it('the Chinese labels of catalog codes are the catalog’s own terms', () => {
    for (const [code, label] of Object.entries(LIFE_EVENTS)) assert.equal(zh[`lifeEvent.${code}` as keyof typeof zh], label);
    for (const [code, label] of Object.entries(ITEM_TYPES)) assert.equal(zh[`itemType.${code}` as keyof typeof zh], label);
  });

  it('the web app’s case codes are the server’s, and the Chinese labels are the lifecycle’s own words', () => {
    assert.deepEqual([...web.CASE_STATES], [...lifecycle.CASE_STATES]);
    assert.deepEqual([...web.CASE_ACTIONS], [...lifecycle.CASE_ACTIONS]);
    assert.deepEqual([...web.CHANNELS], Object.keys(lifecycle.CHANNELS));
    assert.deepEqual([...web.REFUSAL_GROUNDS], Object.keys(lifecycle.REFUSAL_GROUNDS));
    assert.deepEqual([...web.SPECIAL_PROCEDURES], Object.keys(lifecycle.SPECIAL_PROCEDURES));
    assert.deepEqual([...web.DELIVERY_METHODS], Object.keys(lifecycle.DELIVERY_METHODS));
    assert.deepEqual([...web.QUEUES], [...SERVER_QUEUES]);
    assert.deepEqual([...web.BATCH_CASE_STATUSES], Object.keys(BATCH_CASE_STATUS_LABELS));
    const zhOf = (k: string) => zh[k as keyof typeof zh];
    // The portal maps the public lookup's step labels back to codes through these (cases/format.ts stepLabel).
    for (const [code, label] of Object.entries(lifecycle.CASE_ACTION_LABELS)) assert.equal(zhOf(`caseAction.${code}`), label, code);
    for (const [code, label] of Object.entries(lifecycle.CASE_STATE_LABELS)) assert.equal(zhOf(`caseState.${code}`), label, code);
    for (const [code, label] of Object.entries(lifecycle.REFUSAL_GROUNDS)) assert.equal(zhOf(`refusalGround.${code}`), label, code);
    for (const [code, label] of Object.entries(lifecycle.SPECIAL_PROCEDURES)) assert.equal(zhOf(`procedure.${code}`), label, code);
    for (const [code, label] of Object.entries(lifecycle.DELIVERY_METHODS)) assert.equal(zhOf(`delivery.${code}`), label, code);
    for (const [code, label] of Object.entries(BATCH_KIND_LABELS)) assert.equal(zhOf(`batchKind.${code}`), label, code);
    for (const [code, label] of Object.entries(BATCH_STATE_LABELS)) assert.equal(zhOf(`batchState.${code}`), label, code);
    for (const [code, label] of Object.entries(BATCH_CASE_STATUS_LABELS)) assert.equal(zhOf(`batchCase.${code}`), label, code);
  });
});
