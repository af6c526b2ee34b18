import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OrgLevel, UnitKind } from '../db/schema.ts';
import {
  absenceCovers, absenceIssues, dutyRotaIssues, isMoment, isStrictAncestor, mayAcceptDirectly, mayHandle, mayReceiveTransferFrom,
  ancestorsOf, onDuty, orgMoveIssues, stationParentAfterMove, rebasePath, rotaAllowedAt, servingPost, shanghaiWeekday, UNIT_KIND_LABELS, UNIT_KINDS, unitKindAllowedAt,
  unitNeedsDepartment, unitPlacementIssues, windowMayServe, windowPostIssues, windowUnitIssues, type AbsenceSpan, type StaffFacts, type UnitFacts,
} from './network.ts';

const LEVELS: OrgLevel[] = ['province', 'city', 'county', 'township', 'village'];

describe('unit kinds', () => {
  it('each kind has a Chinese label', () => {
    assert.deepEqual(UNIT_KIND_LABELS, { acceptance_desk: '咨询受理部', handling_window: '办理窗口', handling_room: '办理室', village_room: '村便民服务室' });
  });

  it('who accepts, who handles (the seed\'s rules 1–3)', () => {
    const table: [UnitKind, boolean, boolean][] = [
      // kind, accepts directly, handles
      ['acceptance_desk', true, false],
      ['handling_window', true, true],
      ['handling_room', false, true],
      ['village_room', true, false],
    ];
    for (const [kind, accepts, handles] of table) {
      assert.equal(mayAcceptDirectly(kind), accepts, `${kind} accepts`);
      assert.equal(mayHandle(kind), handles, `${kind} handles`);
    }
  });

  it('transfers: every pair of kinds, in the same org and across orgs', () => {
    // [target, from, same org, other org]
    const table: [UnitKind, UnitKind, boolean, boolean][] = [
      ['handling_room', 'acceptance_desk', true, false],
      ['handling_room', 'handling_window', false, false],
      ['handling_room', 'handling_room', false, false],
      ['handling_room', 'village_room', false, false],
      ['handling_window', 'acceptance_desk', true, true],
      ['handling_window', 'handling_window', true, true],
      ['handling_window', 'handling_room', true, true],
      ['handling_window', 'village_room', true, true],
      ['acceptance_desk', 'acceptance_desk', false, true],
      ['acceptance_desk', 'handling_window', false, true],
      ['acceptance_desk', 'handling_room', false, true],
      ['acceptance_desk', 'village_room', false, true],
      ['village_room', 'acceptance_desk', false, false],
      ['village_room', 'handling_window', false, false],
      ['village_room', 'handling_room', false, false],
      ['village_room', 'village_room', false, false],
    ];
    assert.equal(table.length, UNIT_KINDS.length ** 2);
    for (const [target, from, same, other] of table) {
      assert.equal(mayReceiveTransferFrom(target, 'o1', from, 'o1'), same, `${from} → ${target}, same org`);
      assert.equal(mayReceiveTransferFrom(target, 'o1', from, 'o2'), other, `${from} → ${target}, other org`);
    }
  });

  it('which kind stands at which level', () => {
    const allowed: Record<UnitKind, OrgLevel[]> = {
      acceptance_desk: ['province', 'city', 'county', 'township'],
      handling_window: ['province', 'city', 'county', 'township'],
      handling_room: ['province', 'city', 'county', 'township'],
      village_room: ['village'],
    };
    for (const kind of UNIT_KINDS) {
      for (const level of LEVELS) assert.equal(unitKindAllowedAt(kind, level), allowed[kind].includes(level), `${kind} at ${level}`);
    }
  });

  it('windows and rooms need a department; desks and village rooms have none', () => {
    assert.deepEqual(UNIT_KINDS.filter(unitNeedsDepartment), ['handling_window', 'handling_room']);
    assert.deepEqual(UNIT_KINDS.filter(windowMayServe), ['acceptance_desk', 'handling_window']);
  });

  it('placement issues name the field', () => {
    const ok = (kind: UnitKind, orgLevel: OrgLevel, departmentOrgId: string | null) => unitPlacementIssues({ kind, orgId: 'o', orgLevel, departmentOrgId });
    assert.deepEqual(ok('acceptance_desk', 'county', null), []);
    assert.deepEqual(ok('handling_window', 'township', 'o'), []);
    assert.deepEqual(ok('handling_room', 'city', 'o'), []);
    assert.deepEqual(ok('village_room', 'village', null), []);
    assert.deepEqual(ok('handling_window', 'village', 'o'), [
      { pointer: '#/kind', code: 'KIND_NOT_ALLOWED_AT_LEVEL', detail: '村（社区）只能设村便民服务室，不能设办理窗口' },
    ]);
    assert.deepEqual(ok('village_room', 'township', null), [
      { pointer: '#/kind', code: 'KIND_NOT_ALLOWED_AT_LEVEL', detail: '村便民服务室只能设在村（社区），不能设在乡镇（街道）级机构' },
    ]);
    assert.deepEqual(ok('handling_room', 'county', null), [
      { pointer: '#/departmentId', code: 'DEPARTMENT_REQUIRED', detail: '办理室必须属于一个部门，请选择部门' },
    ]);
    assert.deepEqual(ok('handling_window', 'county', 'other'), [
      { pointer: '#/departmentId', code: 'DEPARTMENT_OTHER_ORG', detail: '所选部门不属于该机构，请选择本机构的部门（站所）' },
    ]);
    assert.deepEqual(ok('acceptance_desk', 'county', 'o'), [
      { pointer: '#/departmentId', code: 'DEPARTMENT_NOT_ALLOWED', detail: '咨询受理部面向所有部门受理，不能指定部门' },
    ]);
    assert.deepEqual(ok('acceptance_desk', 'village', 'o').map((i) => i.pointer), ['#/kind', '#/departmentId']);
  });
});

describe('A/B posts', () => {
  const w = { aUserId: 'a', bUserId: 'b' };
  const at = '2026-03-02T02:00:00Z';
  const span = (userId: string, startsAt: string, endsAt: string, cancelledAt: string | null = null): AbsenceSpan => ({ userId, startsAt, endsAt, cancelledAt });

  it('A serves when present; B when A is away; closed when both are', () => {
    assert.deepEqual(servingPost(w, [], at), { post: 'A', userId: 'a' });
    const aAway = span('a', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z');
    const bAway = span('b', '2026-03-01T00:00:00Z', '2026-03-02T02:00:00.001Z');
    assert.deepEqual(servingPost(w, [aAway], at), { post: 'B', userId: 'b' });
    assert.deepEqual(servingPost(w, [bAway], at), { post: 'A', userId: 'a' });
    assert.deepEqual(servingPost(w, [aAway, bAway], at), { post: 'closed', userId: null });
    assert.deepEqual(servingPost(w, [aAway, bAway], new Date(at)), { post: 'closed', userId: null });
    // Someone else's absence changes nothing.
    assert.deepEqual(servingPost(w, [span('c', '2026-03-01T00:00:00Z', '2026-03-05T00:00:00Z')], at), { post: 'A', userId: 'a' });
  });

  it('an absence covers [starts, ends): the start instant counts, the end instant does not', () => {
    const a = span('a', '2026-03-02T02:00:00Z', '2026-03-02T04:00:00Z');
    assert.equal(absenceCovers(a, '2026-03-02T01:59:59.999Z'), false);
    assert.equal(absenceCovers(a, '2026-03-02T02:00:00Z'), true);
    assert.equal(absenceCovers(a, '2026-03-02T10:00:00+08:00'), true); // same instant as 02:00Z
    assert.equal(absenceCovers(a, '2026-03-02T03:59:59.999Z'), true);
    assert.equal(absenceCovers(a, '2026-03-02T04:00:00Z'), false);
    assert.equal(absenceCovers({ ...a, cancelledAt: '2026-03-01T00:00:00Z' }, '2026-03-02T03:00:00Z'), false);
    assert.deepEqual(servingPost(w, [a], '2026-03-02T04:00:00Z'), { post: 'A', userId: 'a' });
  });

  it('a cancelled absence returns the post to its holder', () => {
    const a = span('a', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', '2026-03-02T01:00:00Z');
    assert.deepEqual(servingPost(w, [a], at), { post: 'A', userId: 'a' });
  });

  it('a window needs two different staff of its own org', () => {
    const staff = new Map<string, StaffFacts>([
      ['a', { orgId: 'o', disabled: false }],
      ['b', { orgId: 'o', disabled: false }],
      ['x', { orgId: 'other', disabled: false }],
      ['d', { orgId: 'o', disabled: true }],
    ]);
    const check = (aUserId: string | undefined, bUserId: string | undefined) => windowPostIssues({ orgId: 'o', aUserId, bUserId }, staff);
    assert.deepEqual(check('a', 'b'), []);
    assert.deepEqual(check(undefined, undefined), [
      { pointer: '#/aUserId', code: 'POST_REQUIRED', detail: '窗口必须设A岗人员：A岗办理，A岗不在时由B岗顶岗' },
      { pointer: '#/bUserId', code: 'POST_REQUIRED', detail: '窗口必须设B岗人员：A岗办理，A岗不在时由B岗顶岗' },
    ]);
    assert.deepEqual(check('a', ''), [{ pointer: '#/bUserId', code: 'POST_REQUIRED', detail: '窗口必须设B岗人员：A岗办理，A岗不在时由B岗顶岗' }]);
    assert.deepEqual(check('a', 'a'), [{ pointer: '#/bUserId', code: 'SAME_PERSON', detail: 'A岗和B岗不能是同一人，否则A岗不在时无人顶岗' }]);
    assert.deepEqual(check('x', 'b'), [{ pointer: '#/aUserId', code: 'NOT_STAFF_OF_ORG', detail: 'A岗人员不存在或不是本机构的工作人员' }]);
    assert.deepEqual(check('a', 'nobody'), [{ pointer: '#/bUserId', code: 'NOT_STAFF_OF_ORG', detail: 'B岗人员不存在或不是本机构的工作人员' }]);
    assert.deepEqual(check('d', 'b'), [{ pointer: '#/aUserId', code: 'STAFF_DISABLED', detail: 'A岗人员的账号已停用，请另选人员' }]);
  });

  it('a window serves at least one active desk or window unit of its own org', () => {
    const units = new Map<string, UnitFacts>([
      ['desk', { orgId: 'o', kind: 'acceptance_desk', active: true }],
      ['win', { orgId: 'o', kind: 'handling_window', active: true }],
      ['room', { orgId: 'o', kind: 'handling_room', active: true }],
      ['off', { orgId: 'o', kind: 'handling_window', active: false }],
      ['far', { orgId: 'other', kind: 'handling_window', active: true }],
    ]);
    assert.deepEqual(windowUnitIssues('o', ['desk'], units), []);
    assert.deepEqual(windowUnitIssues('o', ['win', 'desk'], units), []);
    assert.deepEqual(windowUnitIssues('o', [], units), [{ pointer: '#/unitIds', code: 'UNITS_REQUIRED', detail: '窗口至少要承担一个受理或办理单位' }]);
    assert.deepEqual(windowUnitIssues('o', ['win', 'room', 'off', 'far', 'nope', 'win'], units), [
      { pointer: '#/unitIds/1', code: 'UNIT_KIND', detail: '窗口只能承担咨询受理部或办理窗口，不能承担办理室' },
      { pointer: '#/unitIds/2', code: 'UNIT_INACTIVE', detail: '该单位已停用' },
      { pointer: '#/unitIds/3', code: 'UNIT_NOT_FOUND', detail: '单位不存在或不属于该机构' },
      { pointer: '#/unitIds/4', code: 'UNIT_NOT_FOUND', detail: '单位不存在或不属于该机构' },
      { pointer: '#/unitIds/5', code: 'DUPLICATE', detail: '同一单位重复出现' },
    ]);
  });
});

describe('absences', () => {
  const good = { kind: 'leave', startsAt: '2026-03-02T08:30:00+08:00', endsAt: '2026-03-02T17:30:00+08:00', reason: '病假' };

  it('accepts a well-formed absence of every kind', () => {
    for (const kind of ['leave', 'business_trip', 'meeting', 'training', 'other']) assert.deepEqual(absenceIssues({ ...good, kind }), []);
    assert.deepEqual(absenceIssues({ ...good, startsAt: '2026-03-02T00:30Z', endsAt: '2026-03-02T09:30:00.5Z' }), []);
  });

  it('refuses each bad field with its pointer', () => {
    const pointers = (a: Partial<Omit<typeof good, 'reason'>> & { reason?: string | null }) => absenceIssues({ ...good, ...a }).map((i) => `${i.pointer} ${i.code}`);
    assert.deepEqual(pointers({ kind: 'holiday' }), ['#/kind NOT_ALLOWED']);
    assert.deepEqual(pointers({ startsAt: '2026-03-02 08:30' }), ['#/startsAt FORMAT']);
    assert.deepEqual(pointers({ endsAt: '2026-03-02T17:30:00' }), ['#/endsAt FORMAT']); // no offset: ambiguous
    assert.deepEqual(pointers({ endsAt: '2026-02-30T17:30:00+08:00' }), ['#/endsAt FORMAT']);
    assert.deepEqual(pointers({ endsAt: good.startsAt }), ['#/endsAt ENDS_BEFORE_START']);
    assert.deepEqual(pointers({ endsAt: '2026-03-02T00:29:59Z' }), ['#/endsAt ENDS_BEFORE_START']); // 08:29:59 Shanghai
    assert.deepEqual(pointers({ reason: '  ' }), ['#/reason REQUIRED']);
    assert.deepEqual(pointers({ reason: null }), ['#/reason REQUIRED']);
    assert.deepEqual(absenceIssues({ kind: 'x', startsAt: 'x', endsAt: 'y', reason: '' }).map((i) => i.pointer), ['#/kind', '#/startsAt', '#/endsAt', '#/reason']);
    assert.match(absenceIssues({ ...good, kind: 'x' })[0]!.detail, /leave（请假）、business_trip（出差）、meeting（开会）、training（培训）、other（其他）/);
  });

  it('isMoment wants an offset', () => {
    assert.equal(isMoment('2026-03-02T08:30:00+08:00'), true);
    assert.equal(isMoment('2026-03-02T08:30:00Z'), true);
    assert.equal(isMoment('2026-03-02T08:30:00'), false);
    assert.equal(isMoment('2026-03-02'), false);
    assert.equal(isMoment(20260302), false);
  });
});

describe('village duty rota', () => {
  const members = new Set(['c1', 'c2', 'c3']);

  it('only village orgs keep one', () => {
    assert.deepEqual(LEVELS.filter(rotaAllowedAt), ['village']);
  });

  it('accepts Mon–Fri by members, a day may be left empty', () => {
    assert.deepEqual(dutyRotaIssues([1, 2, 3, 4, 5].map((weekday) => ({ weekday, userId: `c${(weekday % 3) + 1}` })), members), []);
    assert.deepEqual(dutyRotaIssues([{ weekday: 3, userId: 'c1' }], members), []);
    assert.deepEqual(dutyRotaIssues([], members), []);
  });

  it('refuses weekends, repeats and outsiders', () => {
    assert.deepEqual(dutyRotaIssues([
      { weekday: 0, userId: 'c1' }, { weekday: 6, userId: 'c1' }, { weekday: 2.5, userId: 'c1' },
      { weekday: 1, userId: 'c1' }, { weekday: 1, userId: 'c2' }, { weekday: 2, userId: 'stranger' },
    ], members), [
      { pointer: '#/days/0/weekday', code: 'WEEKDAY', detail: '值班日应为 1（周一）至 5（周五）' },
      { pointer: '#/days/1/weekday', code: 'WEEKDAY', detail: '值班日应为 1（周一）至 5（周五）' },
      { pointer: '#/days/2/weekday', code: 'WEEKDAY', detail: '值班日应为 1（周一）至 5（周五）' },
      { pointer: '#/days/4/weekday', code: 'DUPLICATE', detail: '周一重复安排' },
      { pointer: '#/days/5/userId', code: 'NOT_MEMBER', detail: '值班人员不存在或不是本村（社区）的村干部' },
    ]);
  });

  it('finds today\'s cadre in Asia/Shanghai, whatever the server zone', () => {
    const rota = [{ weekday: 1, userId: 'mon' }, { weekday: 5, userId: 'fri' }];
    // 2026-03-01 is a Sunday; 16:00Z is already Monday 00:00 in Shanghai.
    assert.equal(shanghaiWeekday('2026-03-01T15:59:59Z'), 7);
    assert.equal(shanghaiWeekday('2026-03-01T16:00:00Z'), 1);
    assert.equal(onDuty(rota, '2026-03-01T15:59:59Z'), null);
    assert.equal(onDuty(rota, '2026-03-01T16:00:00Z'), 'mon');
    assert.equal(onDuty(rota, '2026-03-06T09:00:00+08:00'), 'fri');
    assert.equal(onDuty(rota, '2026-03-04T09:00:00+08:00'), null); // Wednesday, nobody set
    assert.equal(onDuty(rota, new Date('2026-03-07T02:00:00Z')), null); // Saturday
  });
});

describe('moving an org', () => {
  const city = { id: 'c', level: 'city' as const, path: '/c/' };
  const county = { id: 'k', level: 'county' as const, path: '/c/k/' };
  const county2 = { id: 'k2', level: 'county' as const, path: '/c/k2/' };
  const town = { id: 't', level: 'township' as const, path: '/c/k/t/' };
  const village = { id: 'v', level: 'village' as const, path: '/c/k/t/v/' };

  it('moves a township to another county, a village to another township', () => {
    assert.deepEqual(orgMoveIssues(town, county2), []);
    assert.deepEqual(orgMoveIssues(village, { id: 't2', level: 'township', path: '/c/k2/t2/' }), []);
    assert.deepEqual(orgMoveIssues(village, county2), []); // skipping a level is allowed, as when creating
  });

  it('refuses a cycle: under itself or under its own descendant', () => {
    assert.deepEqual(orgMoveIssues(town, town), [{ pointer: '#/parentId', code: 'CYCLE', detail: '不能把机构移到它自己下面' }]);
    assert.deepEqual(orgMoveIssues(county, village), [{ pointer: '#/parentId', code: 'CYCLE', detail: '不能把机构移到它自己的下级机构下面（会形成循环）' }]);
    assert.deepEqual(orgMoveIssues(city, town).map((i) => i.code), ['CYCLE']);
  });

  it('refuses a parent at the same or a lower level', () => {
    assert.deepEqual(orgMoveIssues(county2, county), [{
      pointer: '#/parentId', code: 'LEVEL_ORDER', detail: '县（区）级机构下不能设立县（区）级机构，上级机构的层级必须高于本机构',
    }]);
    assert.deepEqual(orgMoveIssues({ id: 't2', level: 'township', path: '/c/k2/t2/' }, village).map((i) => i.code), ['LEVEL_ORDER']);
  });

  it('rebases every path of the subtree', () => {
    assert.equal(rebasePath('/c/k/t/', '/c/k/t/', '/c/k2/t/'), '/c/k2/t/');
    assert.equal(rebasePath('/c/k/t/v/', '/c/k/t/', '/c/k2/t/'), '/c/k2/t/v/');
    assert.throws(() => rebasePath('/c/k2/', '/c/k/t/', '/c/k2/t/'), RangeError);
    assert.equal(isStrictAncestor('/c/k/', '/c/k/t/'), true);
    assert.equal(isStrictAncestor('/c/k/', '/c/k/'), false);
    assert.equal(isStrictAncestor('/c/k2/', '/c/k/t/'), false);
  });

  it('re-points a station at the same department of its new county, or at none', () => {
    const dept = (id: string, code: string, orgPath: string) => ({ id, code, orgPath });
    const oldCounty = dept('old-mz', 'civil_affairs', '/c/k/');
    const newCounty = dept('new-mz', 'civil_affairs', '/c/k2/');
    const cityMz = dept('city-mz', 'civil_affairs', '/c/');
    const newTax = dept('new-tax', 'tax', '/c/k2/');
    const station = { code: 'civil_affairs', orgPath: '/c/k2/t/' };
    // The township t moved from county k to county k2.
    assert.equal(stationParentAfterMove(station, oldCounty, [cityMz, newCounty, newTax]), 'new-mz');
    assert.equal(stationParentAfterMove(station, oldCounty, [cityMz, newTax]), 'city-mz');
    assert.equal(stationParentAfterMove(station, oldCounty, [newTax]), null);
    // A station without a link takes the department of its own code, if the new county has one.
    assert.equal(stationParentAfterMove(station, undefined, [newCounty]), 'new-mz');
    assert.equal(stationParentAfterMove({ code: 'party_mass', orgPath: '/c/k2/t/' }, undefined, [newCounty, newTax]), null);
    // The old parent's code wins over the station's own (a 农林水利 station under 农业农村局).
    assert.equal(stationParentAfterMove({ code: 'forestry', orgPath: '/c/k2/t/' }, dept('old-ny', 'agriculture', '/c/k/'), [dept('new-ny', 'agriculture', '/c/k2/')]), 'new-ny');
    // A county moved with its townships: the station's county department moved along, still above it.
    assert.equal(stationParentAfterMove({ code: 'civil_affairs', orgPath: '/c2/k/t/' }, dept('k-mz', 'civil_affairs', '/c2/k/'), [newCounty]), 'k-mz');
  });

  it('lists ancestors from a path, root first', () => {
    assert.deepEqual(ancestorsOf('/c/k/t/'), [{ id: 'c', path: '/c/' }, { id: 'k', path: '/c/k/' }]);
    assert.deepEqual(ancestorsOf('/c/'), []);
  });
});
