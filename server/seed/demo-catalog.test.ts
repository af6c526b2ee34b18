import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OrgLevel } from '../db/schema.ts';
import {
  CASE_TYPES,
  HANDLING_MODES,
  ITEM_TYPES,
  LIFE_EVENTS,
  MATERIAL_FORMS,
  MATERIAL_MEDIA,
  PROXY_CATEGORIES,
  type ItemElements,
  type LifeEvent,
  type ProxyCategory,
  validateItem,
} from '../domain/catalog.ts';
import { standardDepartment } from '../domain/departments.ts';
import { DEMO_CATALOG } from './demo-catalog.ts';

/** Departments with a unit (window or handling room) at each level of the demo network. */
const UNITS_AT: Partial<Record<OrgLevel, ReadonlySet<string>>> = {
  county: new Set([
    // windows in the county hall
    'civil_affairs', 'human_resources', 'health', 'medical_insurance', 'natural_resources', 'housing', 'agriculture',
    'forestry', 'market_regulation', 'public_security', 'finance', 'justice', 'tax',
    // handling rooms
    'planning', 'water', 'veterans', 'disabled_persons', 'transport', 'education',
  ]),
  township: new Set([
    // 大汉山镇's windows
    'human_resources', 'civil_affairs', 'medical_insurance', 'agriculture', 'forestry', 'water', 'market_regulation',
    'party_mass', 'natural_resources', 'housing', 'health',
    // handling rooms
    'public_security', 'finance', 'justice',
  ]),
};

/** Code prefix per department: 341125-<abbr>-NNN. */
const ABBREVIATIONS: Record<string, string> = {
  civil_affairs: 'MZ', human_resources: 'RS', health: 'WJ', medical_insurance: 'YB', natural_resources: 'ZR',
  housing: 'ZJ', planning: 'GH', agriculture: 'NY', forestry: 'LY', water: 'SL', public_security: 'GA',
  market_regulation: 'SC', finance: 'CZ', justice: 'SF', veterans: 'TY', disabled_persons: 'CL', tax: 'SW',
  party_mass: 'DQ', transport: 'JT', education: 'JY',
};

const items = DEMO_CATALOG;
const proxyItems = items.filter((i) => i.proxyCategory !== undefined);
const label = (i: ItemElements) => `${i.code} ${i.name}`;
const stageDepartments = (i: ItemElements) => new Set(i.process.flatMap((s) => s.handlers.map((h) => h.department)));

describe('demo catalog: size and identity', () => {
  it('has at least 60 items with unique, well-formed codes and unique names', () => {
    assert.ok(items.length >= 60, `only ${items.length} items`);
    const codes = new Set(items.map((i) => i.code));
    assert.equal(codes.size, items.length, 'duplicate codes');
    assert.equal(new Set(items.map((i) => i.name)).size, items.length, 'duplicate names');
    for (const i of items) {
      assert.match(i.code, /^341125-[A-Z]{2}-\d{3}$/, label(i));
      assert.equal(i.code.split('-')[1], ABBREVIATIONS[i.department], `${label(i)}: code prefix does not match its department`);
    }
  });

  it('names known departments, item types, case types, handling modes and life events', () => {
    for (const i of items) {
      assert.ok(standardDepartment(i.department), `${label(i)}: unknown department ${i.department}`);
      assert.ok(i.itemType in ITEM_TYPES, label(i));
      assert.ok(i.caseType in CASE_TYPES, label(i));
      assert.ok(i.handlingMode in HANDLING_MODES, label(i));
      if (i.proxyCategory !== undefined) assert.ok(i.proxyCategory in PROXY_CATEGORIES, label(i));
      for (const e of i.lifeEvents) assert.ok(e in LIFE_EVENTS, `${label(i)}: unknown life event ${e}`);
    }
  });

  it('covers at least 12 departments', () => {
    const departments = new Set(items.map((i) => i.department));
    assert.ok(departments.size >= 12, `only ${departments.size} departments`);
  });

  it('fills every published element', () => {
    for (const i of items) {
      assert.ok(i.name.trim() && i.overview.trim(), label(i));
      assert.ok(i.overview.length >= 40, `${label(i)}: overview too short`);
      assert.ok(i.legalBasis.length >= 1, `${label(i)}: no legal basis`);
      for (const b of i.legalBasis) assert.match(b.law, /^《.+》/, `${label(i)}: law not cited by title`);
      assert.ok(i.procedure.length >= 2 && i.procedure.length <= 6, `${label(i)}: ${i.procedure.length} procedure steps`);
      assert.ok(i.lifeEvents.length >= 1, `${label(i)}: no life event`);
      assert.ok((i.keywords ?? []).length >= 1, `${label(i)}: no keywords`);
      assert.ok(i.contact?.trim(), `${label(i)}: no contact`);
      if (i.handlingMode !== 'consultation') {
        assert.ok(i.materials.length >= 1, `${label(i)}: no materials`);
        assert.ok(i.preconditions.length >= 1, `${label(i)}: no preconditions`);
      }
    }
  });
});

describe('demo catalog: the catalog validator', () => {
  it('accepts every item as it is', () => {
    for (const i of items) assert.deepEqual(validateItem(i), [], label(i));
  });
});

describe('demo catalog: the village proxy list (代办目录)', () => {
  it('has exactly 30 items, 5 in each of the 6 categories', () => {
    assert.equal(proxyItems.length, 30);
    const perCategory = new Map<ProxyCategory, number>();
    for (const i of proxyItems) perCategory.set(i.proxyCategory!, (perCategory.get(i.proxyCategory!) ?? 0) + 1);
    for (const c of Object.keys(PROXY_CATEGORIES) as ProxyCategory[]) {
      assert.equal(perCategory.get(c), 5, `${PROXY_CATEGORIES[c]}: ${perCategory.get(c) ?? 0} items`);
    }
  });

  it('accepts every proxy item at village level, never as a consultation', () => {
    for (const i of proxyItems) {
      assert.ok(i.acceptLevels.includes('village'), label(i));
      assert.ok(i.handlingMode === 'proxy' || i.handlingMode === 'direct', label(i));
      assert.ok(i.process.length >= 1, label(i));
    }
  });

  it('includes the seed’s examples', () => {
    const names = proxyItems.map((i) => `${i.name} ${i.shortName ?? ''} ${(i.keywords ?? []).join(' ')}`).join('\n');
    for (const word of ['宅基地', '林木采伐', '婚育证明', '低保', '合疗', '失业金', '社保补贴', '纠纷调解', '政策咨询', '劳务输出', '残疾人证', '高龄津贴', '临时救助', '身份证', '户口迁移']) {
      assert.ok(names.includes(word), `proxy list lacks ${word}`);
    }
  });
});

describe('demo catalog: processes fit the demo network', () => {
  it('names only departments that have a unit at the stage’s level; never a village', () => {
    for (const i of items) {
      for (const s of i.process) {
        for (const h of s.handlers) {
          const allowed = UNITS_AT[h.level];
          assert.ok(allowed?.has(h.department), `${label(i)} «${s.name}»: no ${h.department} unit at ${h.level}`);
        }
      }
    }
  });

  it('gives every stage at least one handler, each distinct', () => {
    for (const i of items) {
      for (const s of i.process) {
        assert.ok(s.handlers.length >= 1, `${label(i)} «${s.name}»`);
        const keys = s.handlers.map((h) => `${h.department}@${h.level}`);
        assert.equal(new Set(keys).size, keys.length, `${label(i)} «${s.name}»: repeated handler`);
        assert.ok(Number.isInteger(s.limitDays) && s.limitDays >= 0, `${label(i)} «${s.name}»`);
      }
    }
  });

  it('has at least 3 parallel stages, and joint items span several departments', () => {
    const parallel = items.flatMap((i) => i.process.filter((s) => s.handlers.length > 1));
    assert.ok(parallel.length >= 3, `only ${parallel.length} parallel stages`);
    for (const i of items.filter((x) => x.caseType === 'joint')) {
      assert.ok(stageDepartments(i).size >= 2, `${label(i)}: joint with one department`);
      assert.ok(i.process.some((s) => s.handlers.length > 1), `${label(i)}: joint without a parallel stage`);
    }
  });

  it('leaves consultation items without a process or proxy category, and has at least 3 of them', () => {
    const consultations = items.filter((i) => i.handlingMode === 'consultation');
    assert.ok(consultations.length >= 3, `only ${consultations.length} consultation items`);
    for (const i of consultations) {
      assert.deepEqual(i.process, [], label(i));
      assert.equal(i.proxyCategory, undefined, label(i));
    }
    for (const i of items.filter((x) => x.handlingMode !== 'consultation')) assert.ok(i.process.length >= 1, `${label(i)}: no process`);
  });
});

describe('demo catalog: limits, fees, materials', () => {
  it('keeps stage sum ≤ committed ≤ legal', () => {
    for (const i of items) {
      assert.ok(Number.isInteger(i.committedLimitDays) && i.committedLimitDays >= 0, label(i));
      assert.ok(i.committedLimitDays <= i.legalLimitDays, `${label(i)}: committed ${i.committedLimitDays} > legal ${i.legalLimitDays}`);
      const sum = i.process.reduce((n, s) => n + s.limitDays, 0);
      assert.ok(sum <= i.committedLimitDays, `${label(i)}: stages ${sum} > committed ${i.committedLimitDays}`);
    }
  });

  it('finishes immediate items on the spot: committed 0, stages 0', () => {
    for (const i of items.filter((x) => x.caseType === 'immediate')) {
      assert.equal(i.committedLimitDays, 0, label(i));
      for (const s of i.process) assert.equal(s.limitDays, 0, `${label(i)} «${s.name}»`);
      if (i.handlingMode !== 'consultation') assert.equal(i.process.length, 1, label(i));
    }
  });

  it('describes special steps and visits sensibly', () => {
    for (const i of items) {
      for (const s of i.specialSteps) assert.ok(s.name && s.maxDays >= 1, `${label(i)}: ${s.name}`);
      assert.ok(Number.isInteger(i.maxVisits) && i.maxVisits >= 0 && i.maxVisits <= 2, label(i));
    }
    const publicNotice = items.find((i) => i.shortName === '低保')?.specialSteps.find((s) => s.name === '公示');
    assert.deepEqual(publicNotice, { name: '公示', countsInLimit: false, maxDays: 7 });
  });

  it('gives charged fees a standard and a basis; most items are free', () => {
    const charged = items.filter((i) => i.fee.charged);
    assert.ok(charged.length >= 1 && charged.length <= items.length / 4, `${charged.length} charged items`);
    for (const i of charged) {
      assert.ok(i.fee.charged && i.fee.standard.trim() && i.fee.basis.trim(), label(i));
    }
    const idCard = items.find((i) => i.shortName === '身份证');
    assert.ok(idCard?.fee.charged && idCard.fee.amountYuan === 20);
  });

  it('writes materials with conditions, copies 1..20 and known forms and media', () => {
    for (const i of items) {
      for (const m of i.materials) {
        assert.ok(m.name.trim(), label(i));
        if (m.requirement === 'conditional') assert.ok(m.condition?.trim(), `${label(i)}: ${m.name} lacks its condition`);
        else assert.equal(m.condition, undefined, `${label(i)}: ${m.name}`);
        assert.ok(Number.isInteger(m.copies) && m.copies >= 1 && m.copies <= 20, `${label(i)}: ${m.name}`);
        assert.ok(m.form in MATERIAL_FORMS && m.medium in MATERIAL_MEDIA, `${label(i)}: ${m.name}`);
      }
    }
  });

  it('accepts each item at one or more distinct levels', () => {
    for (const i of items) {
      assert.ok(i.acceptLevels.length >= 1, label(i));
      assert.equal(new Set(i.acceptLevels).size, i.acceptLevels.length, label(i));
    }
  });
});

describe('demo catalog: search by life event and common names', () => {
  it('uses every life event', () => {
    const used = new Set<LifeEvent>(items.flatMap((i) => i.lifeEvents));
    for (const e of Object.keys(LIFE_EVENTS) as LifeEvent[]) assert.ok(used.has(e), `no item for ${LIFE_EVENTS[e]}`);
    for (const e of ['birth', 'employment', 'pension', 'housing', 'subsistence'] as const) {
      assert.ok(items.filter((i) => i.lifeEvents.includes(e)).length >= 3, `few items for ${LIFE_EVENTS[e]}`);
    }
  });

  it('carries the common names people search by', () => {
    const byKeyword = (k: string) => items.filter((i) => i.keywords?.includes(k)).map((i) => i.name);
    assert.ok(byKeyword('低保').includes('最低生活保障审核确认'));
    assert.ok(byKeyword('合疗').includes('城乡居民基本医疗保险参保登记及缴费'));
    assert.ok(byKeyword('新农合').length >= 1);
    assert.ok(byKeyword('准生证').includes('生育登记'));
    assert.ok(byKeyword('五保').length >= 1);
  });
});
