import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engineUnderTest, testApp, type TestApp } from '../../../test/helpers.ts';
import { PUBLIC_ORGS_LIMIT } from './public-orgs.ts';

const FIELDS = ['address', 'boardUrl', 'code', 'kind', 'level', 'levelLabel', 'name', 'openingHours', 'parentCode', 'parentName', 'phone'];

describe(`public list of service centers (${engineUnderTest})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  const list = (query = '', remoteAddress = '10.9.0.1') => t.app.inject({ method: 'GET', url: `/api/public/orgs${query}`, remoteAddress });

  it('lists every active center without sign-in: county, townships, village rooms, in tree order', async () => {
    const res = await list();
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    const items = res.json().items as Record<string, unknown>[];
    for (const i of items) assert.deepEqual(Object.keys(i).sort(), FIELDS);
    const byCode = new Map(items.map((i) => [i.code, i]));
    assert.deepEqual(byCode.get('341125'), {
      code: '341125', name: '示范县', level: 'county', levelLabel: '县（区）', kind: 'center', parentCode: '341100', parentName: '示范市',
      address: '示范县政务服务中心（城关镇府前路 8 号）', openingHours: byCode.get('341125')!.openingHours, phone: '0550-4012345', boardUrl: '/portal/centers/341125',
    });
    assert.ok(byCode.get('341125')!.openingHours);
    assert.equal(byCode.get('341125101')!.kind, 'center');
    assert.equal(byCode.get('341125101')!.parentCode, '341125');
    const village = byCode.get('341125101001')!;
    assert.equal(village.name, '黄龙村');
    assert.equal(village.kind, 'village_room');
    assert.equal(village.level, 'village');
    assert.equal(village.parentName, '大汉山镇');
    // Only orgs that run a unit: the city (no hall of its own in the demo) is not a center.
    const cityUnits = await t.ctx.db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id').select('units.id').where('orgs.code', '=', '341100').execute();
    assert.equal(byCode.has('341100'), cityUnits.length > 0);
    // Parents come before children.
    const codes = items.map((i) => i.code as string);
    assert.ok(codes.indexOf('341125') < codes.indexOf('341125101') && codes.indexOf('341125101') < codes.indexOf('341125101001'));
    // Every org with an active unit is there.
    const active = await t.ctx.db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id').select('orgs.code').distinct().where('units.active', '=', 1).execute();
    assert.deepEqual([...codes].sort(), active.map((r) => r.code).sort());
  });

  it('leaks no personal data: no staff names, user names, staff numbers or mobile numbers', async () => {
    const body = (await list('', '10.9.0.2')).body;
    const users = await t.ctx.db.selectFrom('users').select(['username', 'display_name']).execute();
    const staff = await t.ctx.db.selectFrom('staff_profiles').select(['staff_no']).execute();
    assert.ok(users.length > 10);
    for (const u of users) {
      assert.ok(!body.includes(`"${u.username}"`), `user name ${u.username}`);
      assert.ok(!body.includes(u.display_name), `name ${u.display_name}`);
    }
    for (const s of staff) assert.ok(!body.includes(`"${s.staff_no}"`), `staff no ${s.staff_no}`);
    assert.doesNotMatch(body, /(?<!\d)1[3-9]\d{9}(?!\d)/, 'a mobile number');
    assert.doesNotMatch(body, /\d{17}[\dX]/, 'an ID number');
  });

  it('under=<code> narrows to one center and what lies below it; an unknown code is a 404 in Chinese', async () => {
    const res = await list('?under=341125101', '10.9.0.3');
    assert.equal(res.statusCode, 200);
    const items = res.json().items as { code: string }[];
    assert.equal(items[0]!.code, '341125101');
    assert.ok(items.length > 1);
    assert.ok(items.every((i) => i.code.startsWith('341125101')));
    const missing = await list('?under=999999', '10.9.0.3');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(missing.json().detail, '没有代码为 999999 的机构，请核对代码');
    const bad = await list('?under=a%20b', '10.9.0.3');
    assert.equal(bad.statusCode, 400);
  });

  it(`is rate-limited per address (${PUBLIC_ORGS_LIMIT.max} a minute), with the counter in the database`, async () => {
    for (let i = 0; i < PUBLIC_ORGS_LIMIT.max; i++) assert.equal((await list('', '10.9.1.1')).statusCode, 200);
    const limited = await list('', '10.9.1.1');
    assert.equal(limited.statusCode, 429);
    assert.match(limited.json().detail, /^查询过于频繁，请 \d+ 秒后再试$/);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await list('', '10.9.1.2')).statusCode, 200, 'another address is not limited');
    t.clock.advance(61_000);
    assert.equal((await list('', '10.9.1.1')).statusCode, 200);
  });
});
