// The catalog editor as a county center manager uses it: edit an item, add a parallel stage (two
// departments at once), see the server's errors at the fields their pointers name (a committed limit
// over the legal one; a department with no handling unit in the county, at that stage's department
// field), fix them, save a draft and publish it; the version history shows the new published version.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chooseOption, chromiumMissing, DESKTOP, SCREENSHOTS, signIn, startBrowserEnv, type BrowserEnv } from './harness.ts';

describe('catalog editor (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  it('adds a parallel stage, shows each server error at its field, then saves a draft and publishes it', async () => {
    await env.withPage('catalog-editor', DESKTOP, async (page) => {
      await signIn(page, 'zhuren');
      await page.getByTestId('home-roles').waitFor();
      const me = await (await page.request.get(`${env.server.url}/api/auth/me`)).json() as { orgId: string };
      const list = await (await page.request.get(`${env.server.url}/api/catalog/items?ownerOrgId=${me.orgId}&pageSize=50`)).json() as { items: { id: string; name: string; publishedVersion: number | null }[] };
      const item = list.items.find((i) => i.publishedVersion !== null) ?? list.items[0];
      assert.ok(item, 'the demo county has catalog items');
      await page.goto(`/admin/catalog/${item.id}`);
      await page.getByTestId('edit-item').click();
      const editor = page.getByTestId('item-editor');
      await editor.waitFor();

      // A committed limit over the legal one: the error is at the committed-limit field.
      const committed = Number(await editor.getByLabel('承诺时限（工作日）').inputValue());
      const legalBefore = await editor.getByLabel('法定时限（工作日）').inputValue();
      await editor.getByLabel('法定时限（工作日）').fill(String(Math.max(0, committed - 1)));
      if (committed === 0) await editor.getByLabel('承诺时限（工作日）').fill('1');
      await editor.getByTestId('save-draft').click();
      const committedItem = editor.locator('.ant-form-item').filter({ has: page.getByLabel('承诺时限（工作日）') });
      await committedItem.locator('.ant-form-item-explain-error').getByText(/不能超过法定时限/).waitFor();
      await editor.getByLabel('法定时限（工作日）').fill(legalBefore);
      if (committed === 0) await editor.getByLabel('承诺时限（工作日）').fill('0');

      // A new stage handled by two departments at once (并联); the first one has no unit in the county.
      const stages = editor.locator('[data-testid^="stage-"][role="group"]');
      const n = await stages.count();
      await editor.getByTestId('add-stage').click();
      const stage = editor.getByTestId(`stage-${n}`);
      await stage.getByLabel('阶段名称').fill('联合审查');
      await stage.getByLabel('阶段时限（工作日）').fill('0');
      await stage.getByTestId(`stage-${n}-add-handler`).click();
      await stage.getByText('并联：以下部门同时办理').waitFor();
      await chooseOption(page, stage.getByTestId(`stage-${n}-handler-0`).getByLabel('办理部门 1', { exact: true }), '党群工作部');
      await chooseOption(page, stage.getByTestId(`stage-${n}-handler-1`).getByLabel('办理部门 2', { exact: true }), '财政局');
      await editor.getByTestId('save-draft').click();

      const handler0 = stage.getByTestId(`stage-${n}-handler-0`);
      const error = handler0.locator('.ant-form-item-explain-error');
      await error.getByText(/没有县（区）级|没有县级|办理窗口或办理室/).first().waitFor();
      assert.match(await error.first().innerText(), /party_mass/);
      assert.equal(await stage.getByTestId(`stage-${n}-handler-1`).locator('.ant-form-item-explain-error').count(), 0, 'the other department is fine');
      assert.match(await editor.getByTestId('editor-problem').innerText(), /\S/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'catalog-editor-1-stage-error.png') });

      // Fix it, save and publish in one go.
      await chooseOption(page, handler0.getByLabel('办理部门 1', { exact: true }), '民政局');
      await editor.getByTestId('save-publish').click();
      await page.getByTestId('item-elements').waitFor();
      const elements = page.getByTestId('item-elements');
      await elements.getByText(/联合审查：民政局（县（区））\s*\+\s*财政局（县（区））/).waitFor();

      const detail = await (await page.request.get(`${env.server.url}/api/catalog/items/${item.id}`)).json() as {
        publishedVersion: number; latestVersion: number; latest: { elements: { process: { name: string; handlers: { department: string; level: string }[] }[] } };
      };
      assert.equal(detail.publishedVersion, detail.latestVersion, 'the new version is the published one');
      const added = detail.latest.elements.process.at(-1)!;
      assert.deepEqual([added.name, added.handlers], ['联合审查', [{ department: 'civil_affairs', level: 'county' }, { department: 'finance', level: 'county' }]]);
      const versions = page.locator('.catalog-versions');
      await versions.getByText(`v${detail.latestVersion}`, { exact: true }).waitFor();
      await versions.locator('tr').filter({ hasText: `v${detail.latestVersion}` }).getByText('正在公开').waitFor();
    });
  });

  it('retires an item with a reason (a reason not in Chinese shows its error at the field): its status shows 已停用 and the public search no longer finds it', async () => {
    await env.withPage('catalog-retire', DESKTOP, async (page) => {
      await signIn(page, 'zhuren');
      await page.getByTestId('home-roles').waitFor();
      const me = await (await page.request.get(`${env.server.url}/api/auth/me`)).json() as { orgId: string };
      const list = await (await page.request.get(`${env.server.url}/api/catalog/items?ownerOrgId=${me.orgId}&status=published&pageSize=100`)).json() as { items: { id: string; code: string; name: string }[] };
      // The last published item: the first test edits the first one.
      const item = list.items.at(-1);
      assert.ok(item && list.items.length > 1, 'the demo county has published items');
      const publicHits = async () => (await (await page.request.get(`${env.server.url}/api/public/catalog?q=${encodeURIComponent(item.code)}`)).json() as { items: { id: string }[] }).items;
      assert.ok((await publicHits()).some((i) => i.id === item.id), 'found in public before');

      await page.goto(`/admin/catalog/${item.id}`);
      await page.getByTestId('item-status').getByText(/公开 v\d+/).waitFor();
      await page.getByTestId('retire-item').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('停用后，群众在公开目录和服务指南中看不到此事项').waitFor();
      const reason = dialog.getByLabel('停用原因');
      await reason.fill('obsolete');
      await dialog.getByRole('button', { name: '停 用' }).or(dialog.getByRole('button', { name: '停用' })).click();
      const reasonItem = dialog.locator('.ant-form-item').filter({ has: page.getByLabel('停用原因') });
      await reasonItem.locator('.ant-form-item-explain-error').getByText('停用原因请用中文写明').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'catalog-retire-0-reason-error.png') });
      await reason.fill('政策调整，该事项已并入其他事项');
      await dialog.getByRole('button', { name: '停 用' }).or(dialog.getByRole('button', { name: '停用' })).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByTestId('item-status').getByText('已停用').waitFor();
      await page.getByText('此事项已停用，群众看不到；发布新版本即可恢复。').waitFor();
      await page.locator('.catalog-versions').getByText('已停用').first().waitFor();
      assert.equal(await page.getByTestId('retire-item').count(), 0, 'nothing left to retire');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'catalog-retire-1-retired.png') });

      // The public portal no longer finds it, by code or by name.
      assert.ok(!(await publicHits()).some((i) => i.id === item.id), 'gone from the public API');
      await page.goto('/portal');
      await page.getByTestId('portal-search').fill(item.code);
      await page.getByTestId('portal-search').press('Enter');
      await page.waitForURL(/[?&]q=/);
      await page.getByTestId('portal-results').getByText('没有找到相关事项').waitFor();
      await page.goto(`/portal?q=${encodeURIComponent(item.name)}`);
      const results = page.getByTestId('portal-results');
      await results.getByText('没有找到相关事项').or(results.getByText(/找到 \d+ 个事项/)).first().waitFor();
      assert.equal(await results.getByRole('link', { name: item.name, exact: true }).count(), 0);
    });
  });

  it('a new item: materials rows added and reordered, a conditional material without its condition shows the error at that row', async () => {
    await env.withPage('catalog-editor-new', DESKTOP, async (page) => {
      await signIn(page, 'zhuren');
      await page.getByTestId('home-roles').waitFor();
      await page.goto('/admin/catalog');
      await page.getByTestId('new-item').click();
      const editor = page.getByTestId('item-editor');
      await editor.waitFor();
      await editor.getByLabel('事项编码').fill('341125-TEST-901');
      await editor.getByLabel('事项名称').fill('测试事项：老年人优待证办理');
      await chooseOption(page, editor.getByLabel('主管部门'), '民政局');
      await editor.getByLabel('事项概述').fill('为本县 60 周岁以上老年人办理优待证。');
      await editor.getByLabel('第 1 项：法律法规名称').fill('《中华人民共和国老年人权益保障法》');
      await editor.getByLabel('第 1 步').fill('申请');
      await editor.getByTestId('add-material').click();
      await editor.getByTestId('add-material').click();
      await editor.getByTestId('material-0').getByLabel('材料名称').fill('居民身份证');
      await editor.getByTestId('material-1').getByLabel('材料名称').fill('委托书');
      await chooseOption(page, editor.getByTestId('material-1').getByLabel('是否必交'), '视情况');
      // Move 委托书 up: it is now row 1.
      await editor.getByRole('button', { name: '第 2 行上移' }).click();
      assert.equal(await editor.getByTestId('material-0').getByLabel('材料名称').inputValue(), '委托书');
      await editor.getByTestId('material-0').locator('.ant-select-content-has-value', { hasText: '视情况' }).waitFor();
      const stage = editor.getByTestId('stage-0');
      await stage.getByLabel('阶段名称').fill('审核');
      await chooseOption(page, stage.getByTestId('stage-0-handler-0').getByLabel('办理部门 1', { exact: true }), '民政局');
      await editor.getByTestId('save-draft').click();
      const conditionError = editor.getByTestId('material-0').locator('.ant-form-item-explain-error');
      await conditionError.getByText('视情形提供的材料须写明在什么情形下提供').waitFor();
      await editor.getByTestId('material-0').getByLabel('适用情形').fill('委托他人办理的');
      await editor.getByTestId('save-draft').click();
      await page.getByTestId('item-elements').waitFor();
      await page.getByRole('heading', { name: '测试事项：老年人优待证办理' }).waitFor();
      const rows = page.getByTestId('item-elements').locator('.ant-table-row');
      assert.match(await rows.first().innerText(), /委托书/);
    });
  });
});
