import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoOrgIds, engineUnderTest, testApp, type TestApp } from '../../../test/helpers.ts';
import { normalizeItem, type ItemElements } from '../../domain/catalog.ts';
import { insertUserAsSystem, systemMeta } from '../../seed/system-writes.ts';
import { dibao, ensureHandlingUnits, jianfang, yanglao, zixun } from './fixtures.ts';
import { itemVersion, publishedItem, seedCatalog } from './service.ts';

type Json = Record<string, any>;

describe(`service catalog (${engineUnderTest})`, () => {
  let t: TestApp;
  let admin: string;
  let county: string;
  let town: string;
  let otherCounty: string;
  let countyCode: string;
  before(async () => {
    t = await testApp();
    admin = await t.login('admin');
    ({ county, town, otherCounty } = await demoOrgIds(t.ctx));
    countyCode = '341125';
    await ensureHandlingUnits(t.ctx, county, ['civil_affairs', 'human_resources', 'natural_resources', 'housing']);
    await ensureHandlingUnits(t.ctx, town, ['civil_affairs', 'human_resources']);
    await ensureHandlingUnits(t.ctx, town, ['natural_resources'], { kind: 'handling_room' });
    // Units that do not count: inactive, or of a kind that does not handle.
    await ensureHandlingUnits(t.ctx, county, ['tst_closed'], { active: false });
    await ensureHandlingUnits(t.ctx, county, ['tst_desk'], { kind: 'acceptance_desk' });
    // Another county's manager, for the scope tests.
    const east = await t.ctx.db.selectFrom('orgs').selectAll().where('id', '=', otherCounty).executeTakeFirstOrThrow();
    await insertUserAsSystem(t.ctx, systemMeta('test'), {
      username: 'dongshan', displayName: '东山主任', org: east, roles: ['center_manager'], password: 'Dong#shan2026',
    });
  });
  after(() => t.close());

  const send = (method: 'GET' | 'POST', url: string, cookie?: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
  const create = (e: unknown, o: { cookie?: string; publish?: boolean; owner?: string } = {}) =>
    send('POST', `/api/catalog/items?ownerOrgId=${o.owner ?? county}${o.publish ? '&publish=true' : ''}`, o.cookie ?? admin, e);
  const auditCount = async (action: string) =>
    (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', action).execute()).length;
  /** Everything a refused catalog request must leave untouched. */
  const snapshot = async () => ({
    items: await t.ctx.db.selectFrom('catalog_items').selectAll().orderBy('id').execute(),
    versions: await t.ctx.db.selectFrom('catalog_item_versions').selectAll().orderBy('item_id').orderBy('version').execute(),
    audit: (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', 'like', 'catalog.%').execute()).length,
  });
  const assertProblem = (res: { statusCode: number; headers: Json; body: string }, status: number) => {
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  };
  const variant = (base: ItemElements, code: string, changes: Partial<ItemElements> = {}): ItemElements => ({ ...base, code, ...changes });

  it('creates an item as a draft, audited once; reads it back', async () => {
    const before = await auditCount('catalog.item.create');
    const res = await create(dibao());
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.code, 'T-MZ-001');
    assert.equal(body.ownerOrgId, county);
    assert.equal(body.departmentName, '民政局');
    assert.deepEqual([body.publishedVersion, body.latestVersion, body.hasDraft], [null, 1, true]);
    assert.equal(body.published, null);
    assert.equal(body.latest.status, 'draft');
    assert.equal(body.latest.statusLabel, '草稿');
    assert.deepEqual(body.latest.elements, normalizeItem(dibao()));
    assert.deepEqual(body.acceptLevels, ['village', 'township', 'county']);
    assert.equal(await auditCount('catalog.item.create'), before + 1);

    const got = await send('GET', `/api/catalog/items/${body.id}`, admin);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), body);
    const v1 = await send('GET', `/api/catalog/items/${body.id}/versions/1`, admin);
    assert.deepEqual(v1.json(), body.latest);
    const row = await t.ctx.db.selectFrom('catalog_items').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    assert.equal(row.search_pinyin, 'zuidishenghuobaozhang|nongcundibao|dibao|jiuzhu');
    assert.equal(row.accept_levels, ',village,township,county,');
    assert.equal(row.life_events, ',subsistence,');
  });

  it('creates an item published at once; trims and stores the normal form', async () => {
    const e = variant(yanglao(), 'T-RS-001', { name: '  城乡居民基本养老保险待遇领取 ', shortName: '' });
    const res = await create(e, { publish: true });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual([body.publishedVersion, body.latestVersion, body.hasDraft], [1, 1, false]);
    assert.equal(body.published.status, 'published');
    assert.equal(body.published.publishedAt, t.ctx.now().toISOString());
    assert.equal(body.latest.elements.name, '城乡居民基本养老保险待遇领取');
    assert.equal('shortName' in body.latest.elements, false);
    assert.equal(body.shortName, null);
  });

  it('a duplicate code in the same catalog is 409, nothing written', async () => {
    const before = await snapshot();
    const res = await create(variant(yanglao(), 'T-MZ-001'));
    assertProblem(res, 409);
    assert.deepEqual(res.json().errors, [{ pointer: '#/code', code: 'DUPLICATE', detail: '事项编码已被使用' }]);
    assert.deepEqual(await snapshot(), before);
  });

  it('refuses bad items with 422, a pointer per problem, and writes nothing', async () => {
    const base = () => structuredClone(variant(dibao(), 'T-BAD-1')) as unknown as Json;
    const cases: { name: string; mutate: (e: Json) => void; errors: [string, string][] }[] = [
      { name: 'a negative limit', mutate: (e) => { e.legalLimitDays = -1; }, errors: [['#/legalLimitDays', 'NEGATIVE']] },
      { name: 'committed above legal', mutate: (e) => { e.committedLimitDays = 40; }, errors: [['#/committedLimitDays', 'EXCEEDS_LEGAL_LIMIT']] },
      { name: 'a material without a name', mutate: (e) => { e.materials[2].name = ' '; }, errors: [['#/materials/2/name', 'REQUIRED']] },
      { name: 'a stage with no handler', mutate: (e) => { e.process[1].handlers = []; }, errors: [['#/process/1/handlers', 'NO_HANDLER']] },
      { name: 'a department with no unit anywhere', mutate: (e) => { e.process[1].handlers[0].department = 'zz_nowhere'; },
        errors: [['#/process/1/handlers/0/department', 'NO_UNIT_AT_LEVEL']] },
      { name: 'a department with no unit at that level', mutate: (e) => { e.process[0].handlers[0].level = 'village'; },
        errors: [['#/process/0/handlers/0/department', 'NO_UNIT_AT_LEVEL']] },
      { name: 'only an inactive unit', mutate: (e) => { e.process[1].handlers.push({ department: 'tst_closed', level: 'county' }); },
        errors: [['#/process/1/handlers/1/department', 'NO_UNIT_AT_LEVEL']] },
      { name: 'only an acceptance desk', mutate: (e) => { e.process[1].handlers.push({ department: 'tst_desk', level: 'county' }); },
        errors: [['#/process/1/handlers/1/department', 'NO_UNIT_AT_LEVEL']] },
      { name: 'several problems at once', mutate: (e) => { e.name = ''; e.fee = { charged: true }; e.acceptLevels = []; },
        errors: [['#/name', 'REQUIRED'], ['#/fee/standard', 'REQUIRED'], ['#/fee/basis', 'REQUIRED'], ['#/acceptLevels', 'REQUIRED']] },
    ];
    for (const c of cases) {
      const before = await snapshot();
      const e = base();
      c.mutate(e);
      const res = await create(e);
      assertProblem(res, 422);
      assert.deepEqual(res.json().errors.map((x: Json) => [x.pointer, x.code]), c.errors, c.name);
      assert.deepEqual(await snapshot(), before, c.name);
    }
    const gap = base();
    gap.process[0].handlers[0].level = 'village';
    const detail = (await create(gap)).json().detail;
    assert.match(detail, /^示范县辖区内没有村级“民政办”（civil_affairs）的办理窗口或办理室/);

    const notObject = await send('POST', `/api/catalog/items?ownerOrgId=${county}`, admin, [1, 2]);
    assertProblem(notObject, 400);
    const noOwner = await send('POST', '/api/catalog/items', admin, dibao());
    assertProblem(noOwner, 400);
    assert.equal(noOwner.json().errors[0].pointer, '#/query/ownerOrgId');
  });

  it('versions: a draft never changes what is published; publishing retires the old version but never rewrites it', async () => {
    const created = (await create(variant(dibao(), 'T-MZ-002'), { publish: true })).json();
    const id = created.id as string;
    const v1Before = await t.ctx.db.selectFrom('catalog_item_versions').selectAll().where('item_id', '=', id).where('version', '=', 1).executeTakeFirstOrThrow();
    const v1Elements = await itemVersion(t.ctx, id, 1);

    const changed = variant(dibao(), 'T-MZ-002', { name: '最低生活保障金给付', committedLimitDays: 15, legalLimitDays: 30 });
    changed.process[1]!.limitDays = 5;
    const draft = await send('POST', `/api/catalog/items/${id}/versions?basedOn=1`, admin, changed);
    assert.equal(draft.statusCode, 201, draft.body);
    assert.equal(draft.json().version, 2);
    assert.equal(draft.json().status, 'draft');

    const detail = (await send('GET', `/api/catalog/items/${id}`, admin)).json();
    assert.deepEqual([detail.publishedVersion, detail.latestVersion, detail.hasDraft], [1, 2, true]);
    assert.equal(detail.name, '最低生活保障金给付'); // list columns follow the newest version
    assert.equal(detail.published.elements.name, '最低生活保障');
    assert.deepEqual(detail.versions.map((v: Json) => [v.version, v.status]), [[2, 'draft'], [1, 'published']]);
    const guide = (await send('GET', `/api/public/catalog/${id}`)).json();
    assert.equal(guide.name, '最低生活保障');
    assert.equal(guide.version, 1);
    assert.equal((await publishedItem(t.ctx, id))?.version, 1);

    // Someone else's older view is refused; the code is the item's identity.
    const stale = await send('POST', `/api/catalog/items/${id}/versions?basedOn=1`, admin, changed);
    assertProblem(stale, 409);
    assert.deepEqual(stale.json().errors, [{ pointer: '#/query/basedOn', code: 'STALE_VERSION', detail: '最新版本为第 2 版' }]);
    const recoded = await send('POST', `/api/catalog/items/${id}/versions?basedOn=2`, admin, variant(changed, 'T-MZ-XXX'));
    assertProblem(recoded, 422);
    assert.deepEqual(recoded.json().errors.map((e: Json) => [e.pointer, e.code]), [['#/code', 'CODE_CHANGED']]);

    const before = await auditCount('catalog.version.publish');
    const pub = await send('POST', `/api/catalog/items/${id}/versions/2/publish`, admin);
    assert.equal(pub.statusCode, 200, pub.body);
    assert.deepEqual([pub.json().publishedVersion, pub.json().latestVersion, pub.json().hasDraft], [2, 2, false]);
    assert.deepEqual(pub.json().versions.map((v: Json) => [v.version, v.status]), [[2, 'published'], [1, 'retired']]);
    assert.equal(await auditCount('catalog.version.publish'), before + 1);

    // A case accepted under version 1 still reads exactly what it was accepted under.
    const v1After = await t.ctx.db.selectFrom('catalog_item_versions').selectAll().where('item_id', '=', id).where('version', '=', 1).executeTakeFirstOrThrow();
    assert.equal(v1After.elements, v1Before.elements);
    assert.deepEqual({ ...v1After, status: v1Before.status }, v1Before);
    assert.equal(v1After.status, 'retired');
    assert.deepEqual(await itemVersion(t.ctx, id, 1), v1Elements);
    assert.deepEqual(await itemVersion(t.ctx, id, 1), normalizeItem(variant(dibao(), 'T-MZ-002')));
    assert.deepEqual(await itemVersion(t.ctx, id, 2), normalizeItem(changed));
    assert.deepEqual(await publishedItem(t.ctx, id), { itemId: id, ownerOrgId: county, version: 2, elements: normalizeItem(changed) });
    const old = await send('GET', `/api/catalog/items/${id}/versions/1`, admin);
    assert.equal(old.json().elements.name, '最低生活保障');
    assert.equal((await send('GET', `/api/public/catalog/${id}`)).json().name, '最低生活保障金给付');

    // What cannot be published.
    const v3 = await send('POST', `/api/catalog/items/${id}/versions?basedOn=2`, admin, variant(changed, 'T-MZ-002', { overview: '第三版' }));
    assert.equal(v3.statusCode, 201);
    const refusals: [string, number, string][] = [
      ['2', 409, 'ALREADY_PUBLISHED'], ['1', 409, 'RETIRED'], ['9', 404, 'NOT_FOUND'],
    ];
    for (const [v, status, code] of refusals) {
      const snap = await snapshot();
      const res = await send('POST', `/api/catalog/items/${id}/versions/${v}/publish`, admin);
      assertProblem(res, status);
      assert.deepEqual(res.json().errors.map((e: Json) => [e.pointer, e.code]), [['#/params/version', code]]);
      assert.deepEqual(await snapshot(), snap);
    }
    await assert.rejects(itemVersion(t.ctx, id, 9), /没有第 9 版/);
    assert.equal(await publishedItem(t.ctx, 'no-such-item'), undefined);
  });

  it('an older draft cannot be published over a newer published version', async () => {
    const id = (await create(variant(yanglao(), 'T-RS-002'))).json().id;
    const v2 = variant(yanglao(), 'T-RS-002', { overview: '第二版' });
    assert.equal((await send('POST', `/api/catalog/items/${id}/versions?basedOn=1`, admin, v2)).statusCode, 201);
    assert.equal((await send('POST', `/api/catalog/items/${id}/versions/2/publish`, admin)).statusCode, 200);
    const snap = await snapshot();
    const res = await send('POST', `/api/catalog/items/${id}/versions/1/publish`, admin);
    assertProblem(res, 409);
    assert.deepEqual(res.json().errors.map((e: Json) => e.code), ['OLDER_THAN_PUBLISHED']);
    assert.deepEqual(await snapshot(), snap);
  });

  it('publishing re-checks the network: a draft whose department lost its unit cannot go live', async () => {
    await ensureHandlingUnits(t.ctx, county, ['tst_gone']);
    const e = variant(yanglao(), 'T-RS-003');
    e.process[1]!.handlers.push({ department: 'tst_gone', level: 'county' });
    const id = (await create(e)).json().id;
    await t.ctx.db.updateTable('units').set({ active: 0 }).where('name', '=', 'tst_gone 测试单位').execute();
    const snap = await snapshot();
    const res = await send('POST', `/api/catalog/items/${id}/versions/1/publish`, admin);
    assertProblem(res, 422);
    assert.deepEqual(res.json().errors.map((x: Json) => [x.pointer, x.code]), [['#/process/1/handlers/1/department', 'NO_UNIT_AT_LEVEL']]);
    assert.deepEqual(await snapshot(), snap);
  });

  it('search: pinyin, initials, Chinese, code, life event and the filters', async () => {
    await create(variant(jianfang(), 'T-ZR-001'), { publish: true });
    await create(variant(zixun(), 'T-ZX-001'), { publish: true });
    const find = async (query: string) => {
      const res = await send('GET', `/api/catalog/items?ownerOrgId=${county}&pageSize=100&${query}`, admin);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json().items as Json[]).map((i) => i.code).filter((c) => String(c).startsWith('T-')).sort();
    };
    const dibaos = ['T-MZ-001', 'T-MZ-002'];
    for (const q of ['dibao', 'db', 'DB', '低保', encodeURIComponent('最低生活'), 'di%20bao', 'zdshbz']) {
      assert.deepEqual((await find(`q=${q}`)).filter((c) => c.startsWith('T-MZ')), dibaos, q);
      assert.equal((await find(`q=${q}`)).includes('T-RS-001'), false, q);
    }
    assert.deepEqual(await find(`q=${encodeURIComponent('宅基地')}`), ['T-ZR-001']);
    assert.deepEqual(await find('q=zjd'), ['T-ZR-001']);
    assert.deepEqual(await find('q=yanglao'), ['T-RS-001', 'T-RS-002', 'T-RS-003']);
    assert.deepEqual(await find('q=t-zr-001'), ['T-ZR-001']);
    assert.deepEqual(await find('q=T-ZX'), ['T-ZX-001']);
    assert.deepEqual(await find(`q=${encodeURIComponent('建房 审批')}`), ['T-ZR-001']);
    assert.deepEqual(await find(`q=${encodeURIComponent('50%')}`), []);
    assert.deepEqual(await find('lifeEvent=housing'), ['T-ZR-001']);
    assert.deepEqual(await find('lifeEvent=pension'), ['T-RS-001', 'T-RS-002', 'T-RS-003']);
    assert.deepEqual(await find('department=natural_resources'), ['T-ZR-001']);
    assert.deepEqual(await find('handlingMode=consultation'), ['T-ZX-001']);
    assert.deepEqual(await find('proxyCategory=social_assistance'), dibaos);
    assert.deepEqual(await find('acceptLevel=village'), ['T-MZ-001', 'T-MZ-002', 'T-ZR-001']);
    assert.deepEqual(await find('status=unpublished'), ['T-MZ-001', 'T-RS-003']);
    assert.deepEqual(await find('status=draft'), ['T-MZ-001', 'T-MZ-002', 'T-RS-003']);
    assert.deepEqual(await find('status=published'), ['T-MZ-002', 'T-RS-001', 'T-RS-002', 'T-ZR-001', 'T-ZX-001']);
    assert.deepEqual(await find('q=db&acceptLevel=county&status=published'), ['T-MZ-002']);

    // Best match first: the name or a keyword before an item only tagged with the life event 低保, whatever the codes.
    await create(variant(yanglao(), 'T-AA-1', { name: '高龄津贴申领', keywords: [], lifeEvents: ['subsistence'] }), { publish: true });
    const ranked = async (q: string) => ((await send('GET', `/api/catalog/items?ownerOrgId=${county}&pageSize=100&q=${q}`, admin)).json().items as Json[])
      .map((i) => i.code).filter((c) => String(c).startsWith('T-'));
    assert.deepEqual(await ranked('db'), ['T-MZ-001', 'T-MZ-002', 'T-AA-1']);
    assert.deepEqual(await ranked('T-AA'), ['T-AA-1']);
    assert.deepEqual((await ranked('t-mz-002'))[0], 'T-MZ-002');
    const publicRanked = (await send('GET', `/api/public/catalog?orgCode=${countyCode}&q=db&pageSize=100`)).json().items as Json[];
    assert.deepEqual(publicRanked.map((i) => i.code).filter((c) => String(c).startsWith('T-')), ['T-MZ-002', 'T-AA-1']);

    const page = await send('GET', `/api/catalog/items?ownerOrgId=${county}&q=T-&pageSize=2&page=2`, admin);
    assert.equal(page.json().items.length, 2);
    assert.ok(page.json().total >= 7);
    const bad = await send('GET', '/api/catalog/items?lifeEvent=travel', admin);
    assertProblem(bad, 400);
    assert.equal(bad.json().errors[0].pointer, '#/query/lifeEvent');
  });

  it('roles: a supervisor and a clerk read but cannot change; a village cadre sees nothing of the county', async () => {
    const id = (await send('GET', `/api/catalog/items?ownerOrgId=${county}&q=T-MZ-001`, admin)).json().items[0].id;
    const jiancha = await t.login('jiancha');
    const shouli = await t.login('shouli');
    for (const cookie of [jiancha, shouli]) {
      assert.equal((await send('GET', `/api/catalog/items/${id}`, cookie)).statusCode, 200);
      const snap = await snapshot();
      const writes = [
        await create(variant(dibao(), 'T-NO-1'), { cookie }),
        await send('POST', `/api/catalog/items/${id}/versions?basedOn=1`, cookie, dibao()),
        await send('POST', `/api/catalog/items/${id}/versions/1/publish`, cookie),
      ];
      for (const res of writes) assertProblem(res, 403);
      assert.equal(writes[1]!.json().detail, '您可以查看该事项，但无权修改');
      assert.deepEqual(await snapshot(), snap);
    }
    const zhuren = await t.login('zhuren');
    assert.equal((await create(variant(yanglao(), 'T-RS-009'), { cookie: zhuren })).statusCode, 201);
    const cadre = await t.login('huanglong');
    const denied = await auditCount('access.denied');
    assertProblem(await send('GET', `/api/catalog/items/${id}`, cadre), 404);
    assert.equal(await auditCount('access.denied'), denied + 1);
    assert.deepEqual((await send('GET', '/api/catalog/items', cadre)).json(), { total: 0, items: [] });
  });

  it("another county's manager can neither see nor change the items: 404, audited, nothing written", async () => {
    const dongshan = await t.login('dongshan', 'Dong#shan2026');
    const id = (await send('GET', `/api/catalog/items?ownerOrgId=${county}&q=T-MZ-002`, admin)).json().items[0].id;
    const snap = await snapshot();
    const denied = await auditCount('access.denied');
    const attempts = [
      await send('GET', `/api/catalog/items/${id}`, dongshan),
      await send('GET', `/api/catalog/items/${id}/versions/1`, dongshan),
      await send('POST', `/api/catalog/items/${id}/versions?basedOn=3`, dongshan, variant(dibao(), 'T-MZ-002')),
      await send('POST', `/api/catalog/items/${id}/versions/3/publish`, dongshan),
    ];
    for (const res of attempts) {
      assertProblem(res, 404);
      assert.equal(res.json().detail, '服务事项不存在或不在您的管辖范围内');
    }
    const owned = [
      await create(variant(dibao(), 'T-DS-1'), { cookie: dongshan }),
      await send('GET', `/api/catalog/items?ownerOrgId=${county}`, dongshan),
      await send('GET', `/api/catalog/export?ownerOrgId=${county}`, dongshan),
    ];
    for (const res of owned) {
      assertProblem(res, 404);
      assert.deepEqual(res.json().errors, [{ pointer: '#/query/ownerOrgId', code: 'ORG_NOT_FOUND', detail: '机构不存在或不在您的管辖范围内' }]);
    }
    assert.equal(await auditCount('access.denied'), denied + attempts.length + owned.length);
    const rows = await t.ctx.db.selectFrom('audit_log').select(['object_type', 'object_id', 'outcome']).where('action', '=', 'access.denied')
      .orderBy('seq', 'desc').limit(7).execute();
    assert.deepEqual(rows.reverse().map((r) => [r.object_type, r.object_id, r.outcome]), [
      ...attempts.map(() => ['catalog_item', id, 'denied']), ...owned.map(() => ['org', county, 'denied']),
    ]);
    const list = (await send('GET', '/api/catalog/items?pageSize=100', dongshan)).json();
    assert.equal(list.items.some((i: Json) => i.ownerOrgId === county), false);
    assertProblem(await send('GET', '/api/catalog/items/no-such-id', dongshan), 404);
    assert.deepEqual({ ...(await snapshot()), audit: 0 }, { ...snap, audit: 0 });

    // Their own county's catalog is theirs to manage (it has the departments it needs).
    await ensureHandlingUnits(t.ctx, otherCounty, ['civil_affairs']);
    const own = variant(dibao(), 'T-MZ-001', { acceptLevels: ['county'] });
    own.process = [{ name: '审批', handlers: [{ department: 'civil_affairs', level: 'county' }], limitDays: 10 }];
    const mine = await create(own, { cookie: dongshan, owner: otherCounty, publish: true });
    assert.equal(mine.statusCode, 201, mine.body); // the same code in another catalog is another item
    assertProblem(await send('GET', `/api/catalog/items/${mine.json().id}`, admin), 404);
  });

  it('public: published items only, with the guide of the published version; no sign-in', async () => {
    const list = await send('GET', `/api/public/catalog?orgCode=341125101001&q=db&pageSize=100`);
    assert.equal(list.statusCode, 200, list.body);
    assert.match(String(list.headers['cache-control']), /public/);
    const body = list.json();
    assert.deepEqual(body.owner, { id: county, code: countyCode, name: '示范县' }); // a village sees its county's catalog
    const codes = (body.items as Json[]).map((i) => i.code);
    assert.ok(codes.includes('T-MZ-002'));
    assert.equal(codes.includes('T-MZ-001'), false); // never published
    const item = (body.items as Json[]).find((i) => i.code === 'T-MZ-002')!;
    assert.equal(item.name, '最低生活保障金给付');
    assert.deepEqual([item.handlingModeLabel, item.caseTypeLabel, item.proxyCategoryLabel, item.ownerName], ['代办类', '承诺件', '社会救助', '示范县']);

    const byEvent = (await send('GET', `/api/public/catalog?orgCode=${countyCode}&lifeEvent=housing`)).json();
    assert.deepEqual(byEvent.items.map((i: Json) => i.code).filter((c: string) => c.startsWith('T-')), ['T-ZR-001']);
    const byDept = (await send('GET', `/api/public/catalog?orgCode=${countyCode}&department=public_security&q=zixun`)).json();
    assert.deepEqual(byDept.items.map((i: Json) => i.code).filter((c: string) => c.startsWith('T-')), ['T-ZX-001']);
    const byProxy = (await send('GET', `/api/public/catalog?orgCode=${countyCode}&proxyCategory=social_assistance&q=T-`)).json();
    assert.deepEqual(byProxy.items.map((i: Json) => i.code).filter((c: string) => c.startsWith('T-')), ['T-MZ-002']);
    const east = (await send('GET', '/api/public/catalog?orgCode=341126101&q=T-MZ-001')).json();
    assert.equal(east.owner.code, '341126');
    assert.equal(east.items.length, 1);
    assert.equal(east.items[0].ownerName, '东山县');

    const id = (body.items as Json[]).find((i) => i.code === 'T-MZ-002')!.id;
    const guide = await send('GET', `/api/public/catalog/${id}`);
    assert.equal(guide.statusCode, 200, guide.body);
    const g = guide.json();
    // The eight disclosures and the rest of the guide.
    assert.match(g.overview, /最低生活保障标准/);
    assert.deepEqual(g.legalBasis, [{ law: '《社会救助暂行办法》', articles: '第九条至第十五条' }]);
    assert.deepEqual(g.fee, { charged: false, standard: null, basis: null, amountYuan: null });
    assert.deepEqual(g.materials[2], {
      name: '委托书', requirement: 'conditional', requirementLabel: '视情形提供', condition: '委托他人代办的', form: 'original', formLabel: '原件',
      copies: 1, medium: 'paper', mediumLabel: '纸质', sample: '委托书（样表）', note: null,
    });
    assert.deepEqual(g.preconditions, ['持有本地户籍', '家庭人均收入低于当地低保标准']);
    assert.deepEqual(g.procedure, ['申请', '乡镇审核', '县民政局审批']);
    assert.deepEqual([g.committedLimitDays, g.legalLimitDays, g.caseTypeLabel, g.maxVisits, g.handlingModeLabel], [15, 30, '承诺件', 1, '代办类']);
    assert.deepEqual(g.process[0], { name: '审核', limitDays: 10, handlers: [{ department: 'civil_affairs', departmentName: '民政办', level: 'township', levelLabel: '乡镇' }] });
    assert.deepEqual(g.acceptLevelLabels, ['村', '乡镇', '县']);
    assert.equal(g.where.orgName, '示范县');
    assert.equal(g.where.contact, '各乡镇便民服务中心民政窗口');
    assert.equal(g.version, 2);

    const zr = (byEvent.items as Json[]).find((i) => i.code === 'T-ZR-001')!;
    const zrGuide = (await send('GET', `/api/public/catalog/${zr.id}`)).json();
    assert.deepEqual(zrGuide.fee, { charged: true, standard: '不动产登记费每件 10 元', basis: '财税〔2016〕79号', amountYuan: 10 });
    assert.deepEqual(zrGuide.specialSteps, [{ name: '现场踏勘', countsInLimit: true, maxDays: 3 }, { name: '公示', countsInLimit: false, maxDays: 7 }]);
    assert.deepEqual(zrGuide.process[1].handlers.map((h: Json) => h.departmentName), ['自然资源局', '住房和城乡建设局']);

    const draftOnly = (await send('GET', `/api/catalog/items?ownerOrgId=${county}&q=T-MZ-001`, admin)).json().items[0].id;
    const hidden = await send('GET', `/api/public/catalog/${draftOnly}`);
    assertProblem(hidden, 404);
    assert.equal(hidden.json().detail, '没有这个服务事项，或该事项尚未公开');
    const unknownOrg = await send('GET', '/api/public/catalog?orgCode=999999');
    assertProblem(unknownOrg, 404);
    assert.deepEqual(unknownOrg.json().errors, [{ pointer: '#/query/orgCode', code: 'ORG_NOT_FOUND', detail: '没有代码为 999999 的机构' }]);
    // Admin routes stay closed without a session.
    assertProblem(await send('GET', `/api/catalog/items/${id}`), 401);
  });

  it('seedCatalog writes published version 1 as the system, skips codes already there, and refuses bad items', async () => {
    const items = [variant(dibao(), 'T-SEED-1'), variant(yanglao(), 'T-SEED-2')];
    const before = await auditCount('catalog.item.create');
    assert.deepEqual(await seedCatalog(t.ctx, countyCode, items), { added: 2, skipped: 0 });
    assert.deepEqual(await seedCatalog(t.ctx, countyCode, [...items, variant(zixun(), 'T-SEED-3')]), { added: 1, skipped: 2 });
    assert.equal(await auditCount('catalog.item.create'), before + 3);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['username', 'user_id']).where('action', '=', 'catalog.item.create')
      .orderBy('seq', 'desc').limit(3).execute();
    assert.deepEqual(audit, Array(3).fill({ username: 'system', user_id: null }));
    const row = await t.ctx.db.selectFrom('catalog_items').selectAll().where('code', '=', 'T-SEED-1').executeTakeFirstOrThrow();
    assert.deepEqual([row.published_version, row.latest_version, row.owner_org_id], [1, 1, county]);
    const v = await t.ctx.db.selectFrom('catalog_item_versions').selectAll().where('item_id', '=', row.id).executeTakeFirstOrThrow();
    assert.deepEqual([v.status, v.created_by, v.published_by], ['published', 'system', 'system']);

    const snap = await snapshot();
    await assert.rejects(seedCatalog(t.ctx, countyCode, [variant(dibao(), 'T-SEED-4', { committedLimitDays: 99 })]), /T-SEED-4 #\/committedLimitDays/);
    const gap = variant(dibao(), 'T-SEED-5');
    gap.process[0]!.handlers[0]!.department = 'zz_nowhere';
    await assert.rejects(seedCatalog(t.ctx, countyCode, [gap]), /T-SEED-5 #\/process\/0\/handlers\/0\/department/);
    await assert.rejects(seedCatalog(t.ctx, '000000', items), /no org with code 000000/);
    assert.deepEqual(await snapshot(), snap);
    assert.deepEqual(await seedCatalog(t.ctx, countyCode, [gap], { checkNetwork: false }), { added: 1, skipped: 0 });
  });

  it('two saves at once on the same version, or two creates of one code: one wins, the other gets 409, never a 500', async () => {
    const id = (await create(variant(yanglao(), 'T-RS-004'))).json().id;
    const saves = await Promise.all(['甲', '乙'].map((who) =>
      send('POST', `/api/catalog/items/${id}/versions?basedOn=1`, admin, variant(yanglao(), 'T-RS-004', { overview: `${who}的修改` }))));
    assert.deepEqual(saves.map((r) => r.statusCode).sort(), [201, 409], saves.map((r) => r.body).join('\n'));
    const versions = await t.ctx.db.selectFrom('catalog_item_versions').select('version').where('item_id', '=', id).execute();
    assert.equal(versions.length, 2);
    const creates = await Promise.all([1, 2].map(() => create(variant(yanglao(), 'T-RS-005'))));
    assert.deepEqual(creates.map((r) => r.statusCode).sort(), [201, 409], creates.map((r) => r.body).join('\n'));
    assert.equal((await t.ctx.db.selectFrom('catalog_items').select('id').where('code', '=', 'T-RS-005').execute()).length, 1);
  });
});
