// 停用: retiring an item withdraws it from the public catalog, the guide and case registration; cases
// already registered carry on under their version; a new version brings it back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoOrgIds, engineUnderTest } from '../../../test/helpers.ts';
import { insertUserAsSystem, systemMeta } from '../../seed/system-writes.ts';
import { olderThanRetired, retireIssues } from '../../domain/catalog.ts';
import { assertProblem, caseTestApp, idWithChecksum, type CaseTestApp, type Json } from '../cases/test-support.ts';

describe('retire rules (pure)', () => {
  it('needs a published version and a Chinese reason', () => {
    assert.deepEqual(retireIssues({ publishedVersion: null }, '政策调整').map((i) => [i.pointer, i.code, i.state]), [['#/params/id', 'NOT_PUBLISHED', true]]);
    assert.deepEqual(retireIssues({ publishedVersion: 2 }, '  ').map((i) => [i.pointer, i.code]), [['#/body/reason', 'REQUIRED']]);
    assert.deepEqual(retireIssues({ publishedVersion: 2 }, undefined).map((i) => i.code), ['REQUIRED']);
    assert.deepEqual(retireIssues({ publishedVersion: 2 }, 'policy changed').map((i) => i.code), ['NOT_CHINESE']);
    assert.deepEqual(retireIssues({ publishedVersion: 2 }, '改'.repeat(501)).map((i) => i.code), ['TOO_LONG']);
    assert.deepEqual(retireIssues({ publishedVersion: 2 }, '政策调整，该事项已取消'), []);
  });
  it('a draft older than the retired version cannot be published', () => {
    assert.equal(olderThanRetired(2, [1, 3]), 3);
    assert.equal(olderThanRetired(4, [1, 3]), null);
    assert.equal(olderThanRetired(1, []), null);
  });
});

describe(`retiring a catalog item (停用) (${engineUnderTest})`, () => {
  let t: CaseTestApp;
  let itemId: string;
  const CODE = '341125-MZ-004';
  const applicant = { name: '王五', idNumber: idWithChecksum('34112519600101123'), phone: '13800001234' };
  before(async () => {
    t = await caseTestApp();
    itemId = await t.itemId(CODE);
    const { otherCounty } = await demoOrgIds(t.ctx);
    const east = await t.ctx.db.selectFrom('orgs').selectAll().where('id', '=', otherCounty).executeTakeFirstOrThrow();
    await insertUserAsSystem(t.ctx, systemMeta('test'), { username: 'dongshan', displayName: '东山主任', org: east, roles: ['center_manager'], password: 'Bianmin#2026' });
  });
  after(() => t.close());

  const detail = async () => (await t.send('GET', `/api/catalog/items/${itemId}`, 'admin')).json();
  const retire = (body: Json, user = 'admin') => t.send('POST', `/api/catalog/items/${itemId}/retire`, user, body);
  const publicSearch = async (q: string) => (await t.send('GET', `/api/public/catalog?q=${encodeURIComponent(q)}&pageSize=100`, null)).json();
  const snapshot = async () => ({
    items: await t.ctx.db.selectFrom('catalog_items').selectAll().where('id', '=', itemId).execute(),
    versions: await t.ctx.db.selectFrom('catalog_item_versions').select(['version', 'status']).where('item_id', '=', itemId).orderBy('version').execute(),
    audit: (await t.ctx.db.selectFrom('audit_log').select('seq').where('action', '=', 'catalog.item.retire').execute()).length,
  });

  it('refuses a bad request at its field, a stale version with 409, the wrong people with 403/404; writes nothing', async () => {
    const before = await snapshot();
    const d = await detail();
    assertProblem(await retire({ version: d.version, reason: '' }), 422, [{ pointer: '#/body/reason', code: 'REQUIRED', detail: '请填写停用原因' }]);
    assertProblem(await retire({ version: d.version, reason: 'obsolete' }), 422, [{ pointer: '#/body/reason', code: 'NOT_CHINESE' }]);
    assertProblem(await retire({ version: d.version }), 422, [{ pointer: '#/body/reason', code: 'REQUIRED' }]);
    assertProblem(await retire({ version: d.version - 1, reason: '政策调整' }), 409, [{ pointer: '#/body/version', code: 'STALE_VERSION' }]);
    assert.equal((await retire({ version: 'x', reason: '政策调整' })).statusCode, 400);
    // A clerk reads the catalog but may not change it; the supervisor likewise.
    for (const user of ['shouli', 'huanglong']) {
      const r = await retire({ version: d.version, reason: '政策调整' }, user);
      assert.ok([403, 404].includes(r.statusCode), `${user}: ${r.statusCode} ${r.body}`);
    }
    // Another county's manager: not found (as for an id that does not exist), and the attempt is audited.
    const denied = async () => (await t.ctx.db.selectFrom('audit_log').select('seq').where('object_id', '=', itemId).where('outcome', '=', 'denied').execute()).length;
    const deniedBefore = await denied();
    assertProblem(await retire({ version: d.version, reason: '政策调整' }, 'dongshan'), 404);
    assert.equal(await denied(), deniedBefore + 1);
    assertProblem(await t.send('POST', '/api/catalog/items/no-such-item/retire', 'admin', { version: 1, reason: '政策调整' }), 404);
    assert.deepEqual(await snapshot(), before);
  });

  it('withdraws the item: gone from the public catalog, the guide and registration; a registered case carries on; audited once', async () => {
    // A case registered while the item is published.
    const reg = await t.send('POST', '/api/cases', 'chuangkou', { itemId, channel: 'counter', applicant });
    assert.equal(reg.statusCode, 201, reg.body);
    const caseId = reg.json().case.id as string;
    let caseVersion = reg.json().case.version as number;
    const name = (await detail()).name as string;
    assert.ok((await publicSearch(name)).items.some((i: Json) => i.id === itemId));

    const d = await detail();
    const published = d.publishedVersion as number;
    const res = await retire({ version: d.version, reason: '  政策调整，该事项并入其他事项  ' });
    assert.equal(res.statusCode, 200, res.body);
    const after = res.json();
    assert.equal(after.publishedVersion, null);
    assert.equal(after.published, null);
    assert.equal(after.retired, true);
    assert.equal(after.hasDraft, false);
    assert.equal(after.version, d.version + 1);
    assert.deepEqual(after.versions.find((v: Json) => v.version === published).statusLabel, '已停用');
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'catalog.item.retire').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.object_id, itemId);
    assert.deepEqual(JSON.parse(String(audit[0]!.detail)), { code: CODE, retired: published, reason: '政策调整，该事项并入其他事项' });

    // Public: not in the search, no guide.
    assert.ok(!(await publicSearch(name)).items.some((i: Json) => i.id === itemId));
    assert.ok(!(await publicSearch(CODE)).items.some((i: Json) => i.id === itemId));
    assertProblem(await t.send('GET', `/api/public/catalog/${itemId}`, null), 404);
    // Registration: as for an unpublished item.
    assertProblem(await t.send('POST', '/api/cases', 'chuangkou', { itemId, channel: 'counter', applicant }), 422,
      [{ pointer: '#/itemId', code: 'ITEM_NOT_FOUND', detail: '服务事项不存在或尚未发布' }]);
    // The case registered before goes on under its version.
    const accepted = await t.send('POST', `/api/cases/${caseId}/accept`, 'chuangkou', { version: caseVersion });
    assert.equal(accepted.statusCode, 200, accepted.body);
    caseVersion = accepted.json().case.version;
    assert.equal((await t.send('GET', `/api/cases/${caseId}`, 'chuangkou')).statusCode, 200);

    // The admin list: status filter and flags.
    const list = async (status: string) => (await t.send('GET', `/api/catalog/items?status=${status}&pageSize=100`, 'admin')).json().items.map((i: Json) => i.id);
    assert.ok((await list('retired')).includes(itemId));
    assert.ok(!(await list('published')).includes(itemId));
    assert.ok(!(await list('unpublished')).includes(itemId));
    assert.ok(!(await list('draft')).includes(itemId));

    // Retiring again: nothing is published.
    assertProblem(await retire({ version: after.version, reason: '再次停用' }), 409, [{ pointer: '#/params/id', code: 'NOT_PUBLISHED' }]);
  });

  it('comes back by publishing a new version; an older draft cannot be published over the retired one', async () => {
    const d = await detail();
    const saved = await t.send('POST', `/api/catalog/items/${itemId}/versions?basedOn=${d.latestVersion}`, 'admin', d.latest.elements);
    assert.equal(saved.statusCode, 201, saved.body);
    const v = saved.json().version as number;
    const listed = (await t.send('GET', '/api/catalog/items?status=draft&pageSize=100', 'admin')).json().items.find((i: Json) => i.id === itemId);
    assert.equal(listed.hasDraft, true);
    assert.equal(listed.retired, true);
    const pub = await t.send('POST', `/api/catalog/items/${itemId}/versions/${v}/publish`, 'admin');
    assert.equal(pub.statusCode, 200, pub.body);
    assert.equal(pub.json().publishedVersion, v);
    assert.equal(pub.json().retired, false);
    assert.equal((await t.send('GET', `/api/public/catalog/${itemId}`, null)).statusCode, 200);
    const reg = await t.send('POST', '/api/cases', 'chuangkou', { itemId, channel: 'counter', applicant });
    assert.equal(reg.statusCode, 201, reg.body);
    assert.equal(reg.json().case.itemVersion ?? v, v);
  });

  it('two retires at once on the same version: one wins, the other gets 409, never a 500', async () => {
    const d = await detail();
    const [a, b] = await Promise.all([retire({ version: d.version, reason: '撤销甲' }), retire({ version: d.version, reason: '撤销乙' })]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409], `${a.body} ${b.body}`);
    assert.equal((await detail()).publishedVersion, null);
  });

  it('publishing a draft older than the retired version is refused', async () => {
    // Save a draft (v+1), then another (v+2), publish v+2 and retire it: v+1 is older than the retired one.
    let d = await detail();
    const one = (await t.send('POST', `/api/catalog/items/${itemId}/versions?basedOn=${d.latestVersion}`, 'admin', d.latest.elements)).json().version as number;
    const two = (await t.send('POST', `/api/catalog/items/${itemId}/versions?basedOn=${one}`, 'admin', d.latest.elements)).json().version as number;
    assert.equal((await t.send('POST', `/api/catalog/items/${itemId}/versions/${two}/publish`, 'admin')).statusCode, 200);
    d = await detail();
    assert.equal((await retire({ version: d.version, reason: '暂停办理' })).statusCode, 200);
    assertProblem(await t.send('POST', `/api/catalog/items/${itemId}/versions/${one}/publish`, 'admin'), 409, [{ pointer: '#/params/version', code: 'OLDER_THAN_RETIRED' }]);
  });
});
