import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dibao } from '../modules/catalog/fixtures.ts';
import {
  matchesQuery, matchRank, normalizeItem, normalizeQuery, processHandlers, searchColumns, validateItem, type ItemElements,
} from './catalog.ts';

type Mutable = Record<string, unknown>;
const issuesOf = (mutate: (e: Mutable) => void) => {
  const e = structuredClone(dibao()) as unknown as Mutable;
  mutate(e);
  return validateItem(e).map((i) => [i.pointer, i.code]);
};

describe('service item validation', () => {
  it('accepts the complete guide', () => {
    assert.deepEqual(validateItem(dibao()), []);
  });

  it('a consultation item: no process, no proxy category, no materials or procedure needed', () => {
    const e: ItemElements = {
      ...dibao(), handlingMode: 'consultation', caseType: 'immediate', committedLimitDays: 0, process: [], materials: [], procedure: [],
      specialSteps: [],
    };
    delete e.proxyCategory;
    assert.deepEqual(validateItem(e), []);
  });

  const cases: { name: string; mutate: (e: Mutable) => void; expected: [string, string][] }[] = [
    { name: 'missing texts', mutate: (e) => { delete e.name; e.overview = '   '; e.code = ''; },
      expected: [['#/code', 'REQUIRED'], ['#/name', 'REQUIRED'], ['#/overview', 'REQUIRED']] },
    { name: 'a text of the wrong type', mutate: (e) => { e.name = 12; }, expected: [['#/name', 'WRONG_TYPE']] },
    { name: 'a name too long', mutate: (e) => { e.name = '办'.repeat(101); }, expected: [['#/name', 'TOO_LONG']] },
    { name: 'a bad code', mutate: (e) => { e.code = '民政-1'; }, expected: [['#/code', 'FORMAT']] },
    { name: 'an unknown field', mutate: (e) => { e.colour = 'red'; }, expected: [['#/colour', 'UNKNOWN_FIELD']] },
    { name: 'enums', mutate: (e) => { e.itemType = 'licence'; e.caseType = 'fast'; e.handlingMode = 'online'; e.proxyCategory = 'other'; },
      expected: [['#/itemType', 'NOT_ALLOWED'], ['#/handlingMode', 'NOT_ALLOWED'], ['#/caseType', 'NOT_ALLOWED'], ['#/proxyCategory', 'NOT_ALLOWED']] },
    { name: 'a department code', mutate: (e) => { e.department = '民政局'; }, expected: [['#/department', 'NOT_ALLOWED']] },
    { name: 'no legal basis', mutate: (e) => { e.legalBasis = []; }, expected: [['#/legalBasis', 'REQUIRED']] },
    { name: 'a legal basis without a law', mutate: (e) => { e.legalBasis = [{ articles: '第一条' }]; }, expected: [['#/legalBasis/0/law', 'REQUIRED']] },
    { name: 'a precondition with a line break', mutate: (e) => { e.preconditions = ['本地户籍\n或居住证']; },
      expected: [['#/preconditions/0', 'FORMAT']] },
    { name: 'a repeated precondition', mutate: (e) => { e.preconditions = ['本地户籍', '本地户籍']; },
      expected: [['#/preconditions/1', 'DUPLICATE']] },
    { name: 'negative limits', mutate: (e) => { e.legalLimitDays = -1; e.committedLimitDays = -2; },
      expected: [['#/legalLimitDays', 'NEGATIVE'], ['#/committedLimitDays', 'NEGATIVE']] },
    { name: 'fractional and text limits', mutate: (e) => { e.legalLimitDays = 2.5; e.committedLimitDays = '3'; },
      expected: [['#/legalLimitDays', 'NOT_INTEGER'], ['#/committedLimitDays', 'NOT_INTEGER']] },
    { name: 'an absurd limit', mutate: (e) => { e.legalLimitDays = 2000; }, expected: [['#/legalLimitDays', 'TOO_LARGE']] },
    { name: 'committed above legal', mutate: (e) => { e.legalLimitDays = 15; },
      expected: [['#/committedLimitDays', 'EXCEEDS_LEGAL_LIMIT']] },
    { name: 'an immediate item with days', mutate: (e) => { e.caseType = 'immediate'; },
      expected: [['#/committedLimitDays', 'IMMEDIATE_LIMIT']] },
    { name: 'an immediate item done on the spot', mutate: (e) => {
      e.caseType = 'immediate'; e.committedLimitDays = 0; (e.process as { limitDays: number }[]).forEach((s) => { s.limitDays = 0; });
    }, expected: [] },
    { name: 'stages longer than the pledge', mutate: (e) => { e.committedLimitDays = 15; }, expected: [['#/process', 'STAGES_EXCEED_LIMIT']] },
    { name: 'a stage without handlers', mutate: (e) => { (e.process as Mutable[])[1]!.handlers = []; }, expected: [['#/process/1/handlers', 'NO_HANDLER']] },
    { name: 'the same handler twice in a stage', mutate: (e) => {
      (e.process as Mutable[])[0]!.handlers = [{ department: 'civil_affairs', level: 'township' }, { department: 'civil_affairs', level: 'township' }];
    }, expected: [['#/process/0/handlers/1', 'DUPLICATE']] },
    { name: 'a handler with a bad code and level', mutate: (e) => {
      (e.process as Mutable[])[1]!.handlers = [{ department: 'Civil', level: 'district' }];
    }, expected: [['#/process/1/handlers/0/department', 'NOT_ALLOWED'], ['#/process/1/handlers/0/level', 'NOT_ALLOWED']] },
    { name: 'a negative stage limit', mutate: (e) => { (e.process as Mutable[])[0]!.limitDays = -3; },
      expected: [['#/process/0/limitDays', 'NEGATIVE']] },
    { name: 'a stage with no name', mutate: (e) => { (e.process as Mutable[])[0]!.name = ''; }, expected: [['#/process/0/name', 'REQUIRED']] },
    { name: 'no process for an item that is applied for', mutate: (e) => { e.process = []; }, expected: [['#/process', 'REQUIRED']] },
    { name: 'a joint item with one department', mutate: (e) => { e.caseType = 'joint'; },
      expected: [['#/process', 'JOINT_NEEDS_DEPARTMENTS']] },
    { name: 'a joint item with a parallel group', mutate: (e) => {
      e.caseType = 'joint';
      (e.process as Mutable[])[1]!.handlers = [{ department: 'civil_affairs', level: 'county' }, { department: 'disabled_persons', level: 'county' }];
    }, expected: [] },
    { name: 'a consultation item with a process and a proxy category', mutate: (e) => { e.handlingMode = 'consultation'; },
      expected: [['#/proxyCategory', 'CONSULTATION_NOT_PROXIED'], ['#/process', 'CONSULTATION_HAS_PROCESS']] },
    { name: 'a conditional material without its condition', mutate: (e) => { delete (e.materials as Mutable[])[2]!.condition; },
      expected: [['#/materials/2/condition', 'CONDITION_REQUIRED']] },
    { name: 'a required material with a condition', mutate: (e) => { (e.materials as Mutable[])[0]!.condition = '本人办理'; },
      expected: [['#/materials/0/condition', 'CONDITION_NOT_ALLOWED']] },
    { name: 'copies out of range', mutate: (e) => { (e.materials as Mutable[])[0]!.copies = 0; (e.materials as Mutable[])[1]!.copies = 21; },
      expected: [['#/materials/0/copies', 'TOO_SMALL'], ['#/materials/1/copies', 'TOO_LARGE']] },
    { name: 'a material without a name, form or medium', mutate: (e) => {
      (e.materials as Mutable[])[1] = { requirement: 'required', form: 'scan', copies: 1, medium: 'fax' };
    }, expected: [['#/materials/1/name', 'REQUIRED'], ['#/materials/1/form', 'NOT_ALLOWED'], ['#/materials/1/medium', 'NOT_ALLOWED']] },
    { name: 'a material name with the field separator', mutate: (e) => { (e.materials as Mutable[])[0]!.name = '身份证｜户口簿'; },
      expected: [['#/materials/0/name', 'FORMAT']] },
    { name: 'a repeated material', mutate: (e) => { (e.materials as Mutable[])[1]!.name = '居民身份证'; },
      expected: [['#/materials/1/name', 'DUPLICATE']] },
    { name: 'a charged fee without standard or basis', mutate: (e) => { e.fee = { charged: true }; },
      expected: [['#/fee/standard', 'REQUIRED'], ['#/fee/basis', 'REQUIRED']] },
    { name: 'a charged fee with a bad amount', mutate: (e) => { e.fee = { charged: true, standard: '每证 5 元', basis: '价费字〔2020〕1号', amountYuan: 5.555 }; },
      expected: [['#/fee/amountYuan', 'FORMAT']] },
    { name: 'a free item with a standard', mutate: (e) => { e.fee = { charged: false, standard: '10 元' }; },
      expected: [['#/fee/standard', 'NOT_CHARGED']] },
    { name: 'a fee with no answer', mutate: (e) => { e.fee = {}; }, expected: [['#/fee/charged', 'REQUIRED']] },
    { name: 'no fee at all', mutate: (e) => { delete e.fee; }, expected: [['#/fee', 'REQUIRED']] },
    { name: 'no procedure for an item that is applied for', mutate: (e) => { e.procedure = []; }, expected: [['#/procedure', 'REQUIRED']] },
    { name: 'accept levels empty', mutate: (e) => { e.acceptLevels = []; }, expected: [['#/acceptLevels', 'REQUIRED']] },
    { name: 'accept levels repeated or unknown', mutate: (e) => { e.acceptLevels = ['county', 'county', 'street']; },
      expected: [['#/acceptLevels/1', 'DUPLICATE'], ['#/acceptLevels/2', 'NOT_ALLOWED']] },
    { name: 'life events', mutate: (e) => { e.lifeEvents = ['subsistence', 'travel']; }, expected: [['#/lifeEvents/1', 'NOT_ALLOWED']] },
    { name: 'special steps', mutate: (e) => { e.specialSteps = [{ name: '公示', maxDays: -1 }]; },
      expected: [['#/specialSteps/0/countsInLimit', 'REQUIRED'], ['#/specialSteps/0/maxDays', 'NEGATIVE']] },
    { name: 'visits', mutate: (e) => { e.maxVisits = -1; }, expected: [['#/maxVisits', 'NEGATIVE']] },
    { name: 'a keyword with a separator', mutate: (e) => { e.keywords = ['低保、救助']; }, expected: [['#/keywords/0', 'FORMAT']] },
    { name: 'lists of the wrong type', mutate: (e) => { e.materials = '身份证'; e.process = null; },
      expected: [['#/materials', 'WRONG_TYPE'], ['#/process', 'REQUIRED']] },
  ];
  for (const c of cases) {
    it(`${c.expected.length ? 'refuses' : 'accepts'}: ${c.name}`, () => {
      assert.deepEqual(issuesOf(c.mutate), c.expected);
    });
  }

  it('refuses what is not an object', () => {
    assert.deepEqual(validateItem([]).map((i) => [i.pointer, i.code]), [['#', 'WRONG_TYPE']]);
    assert.deepEqual(validateItem(null).map((i) => [i.pointer, i.code]), [['#', 'REQUIRED']]);
  });

  it('every issue carries a Chinese sentence', () => {
    const issues = validateItem({ ...dibao(), legalLimitDays: 15, caseType: 'joint', materials: [{ name: '', requirement: 'conditional' }] });
    assert.ok(issues.length >= 4);
    for (const i of issues) assert.match(i.detail, /[\u4e00-\u9fa5]/, JSON.stringify(i));
    assert.equal(issues.find((i) => i.pointer === '#/committedLimitDays')?.detail, '承诺时限（20 个工作日）不能超过法定时限（15 个工作日）');
  });

  it('normalizes: trims, drops empty optional fields, same JSON for the same guide', () => {
    const raw = {
      ...dibao(), name: ' 最低生活保障 ', shortName: '', keywords: [], contact: '  ',
      materials: [{ name: '居民身份证 ', requirement: 'required' as const, form: 'original' as const, copies: 1, medium: 'paper' as const, sample: '', note: ' ' }],
    };
    assert.deepEqual(validateItem(raw), []);
    const n = normalizeItem(raw);
    assert.equal(n.name, '最低生活保障');
    assert.equal('shortName' in n || 'keywords' in n || 'contact' in n, false);
    assert.deepEqual(n.materials, [{ name: '居民身份证', requirement: 'required', form: 'original', copies: 1, medium: 'paper' }]);
    assert.equal(JSON.stringify(normalizeItem(n)), JSON.stringify(n));
    const reordered = Object.fromEntries(Object.entries(dibao()).reverse()) as unknown as ItemElements;
    assert.equal(JSON.stringify(normalizeItem(reordered)), JSON.stringify(normalizeItem(dibao())));
  });

  it('lists the handlers of every stage', () => {
    assert.deepEqual(processHandlers(dibao()), [
      { stage: 0, handler: 0, department: 'civil_affairs', level: 'township' },
      { stage: 1, handler: 0, department: 'civil_affairs', level: 'county' },
    ]);
  });
});

describe('catalog search', () => {
  const cols = { ...searchColumns(dibao()), code: dibao().code };

  it('builds text, pinyin and initials from name, short name, keywords and life events', () => {
    // 低保 is both a keyword and the life event's label: it is kept once, as the keyword.
    assert.deepEqual(searchColumns(dibao()), {
      text: '最低生活保障|农村低保|低保|救助',
      pinyin: 'zuidishenghuobaozhang|nongcundibao|dibao|jiuzhu',
      initials: 'zdshbz|ncdb|db|jz',
    });
    assert.deepEqual(searchColumns({ name: 'B超检查（60周岁以上）', lifeEvents: ['medical', 'disability'] }), {
      text: 'b超检查(60周岁以上)||就医|残疾', pinyin: 'bchaojiancha60zhousuiyishang||jiuyi|canji', initials: 'bcjc60zsys||jy|cj',
    });
    assert.equal(searchColumns({ name: '绿色通道', lifeEvents: [] }).pinyin, 'lvsetongdao');
  });

  for (const q of ['dibao', 'db', 'DB', 'Ｄｂ', ' di bao ', '低保', '最低生活', '救助', 'zuidi', 'zdsh', 't-mz', 'T-MZ-001', '低保 救助', 'dibao%']) {
    it(`“${q}” finds 最低生活保障`, () => assert.equal(matchesQuery(cols, normalizeQuery(q)), true));
  }
  for (const q of ['yanglao', 'yl', '养老', '低保 养老', 'dibaox']) {
    it(`“${q}” does not find it`, () => assert.equal(matchesQuery(cols, normalizeQuery(q)), false));
  }

  it('ranks whole-term matches first (name, keyword, then life-event tag), then prefixes, then matches inside a term; a code exactly first', () => {
    const rank = (e: Partial<ItemElements> & { name: string }, q: string) =>
      matchRank({ ...searchColumns({ lifeEvents: [], ...e }), code: e.code ?? 'X-1' }, normalizeQuery(q));
    const byKeyword = { name: '最低生活保障审核确认', keywords: ['低保', '低保金'] };
    const byTag = { name: '临时救助', keywords: ['急难救助'], lifeEvents: ['subsistence' as const] };
    const byOtherKeyword = { name: '优抚对象定期抚恤补助申请', keywords: ['定补'] };
    const onlyTag = { name: '高龄津贴申领', lifeEvents: ['subsistence' as const] };
    const insideName = { name: '拖欠工资等劳动保障违法行为投诉' }; // initials …ldbz… hold `db`
    assert.deepEqual(
      [rank(byKeyword, 'db'), rank(byOtherKeyword, 'db'), rank(byTag, 'db'), rank(onlyTag, 'db'), rank(insideName, 'db')],
      [1, 1, 2, 2, 6],
    );
    assert.equal(rank({ name: '最低生活保障' }, 'zuidi'), 3);
    assert.equal(rank({ name: '最低生活保障' }, '最低生活保障'), 0);
    assert.equal(rank({ name: '最低生活保障', code: 'MZ-1' }, 'mz-1'), -1);
    assert.equal(rank(byKeyword, '养老'), null);
    assert.equal(rank(byKeyword, '低保 审核'), 1 + 6);
    // Ranking agrees with matching.
    for (const q of ['db', 'dibao', '低保', 'x', '审核 yl']) {
      assert.equal(rank(byKeyword, q) !== null, matchesQuery({ ...searchColumns({ lifeEvents: [], ...byKeyword }), code: 'X-1' }, normalizeQuery(q)), q);
    }
  });

  it('normalizes queries: LIKE wildcards never reach SQL', () => {
    assert.deepEqual(normalizeQuery('  Di  Bao '), { terms: [{ value: 'dibao', latin: true }] });
    assert.deepEqual(normalizeQuery('低保 db'), { terms: [{ value: '低保', latin: false }, { value: 'db', latin: true }] });
    assert.deepEqual(normalizeQuery('50%_\\'), { terms: [{ value: '50', latin: false }] });
    assert.deepEqual(normalizeQuery('   '), { terms: [] });
  });
});
