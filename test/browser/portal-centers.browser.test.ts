// The public list of service centers on a cheap phone (360×640): the county center, 大汉山镇 with its
// village rooms folded under it (黄龙村 with a phone number to tap), the name filter, and a link from the
// list to a center's board with the staff on duty (挂牌上岗).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromiumMissing, DEMO_PASSWORD, PHONE, SCREENSHOTS, startBrowserEnv, type BrowserEnv } from './harness.ts';

const VILLAGE_PHONE = '0550-4101001';

describe('portal: service centers (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
    // The demo village rooms have no phone of their own: the administrator records 黄龙村's, as in 机构管理.
    const login = await fetch(`${env.server.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const orgs = await (await fetch(`${env.server.url}/api/orgs`, { headers: { cookie } })).json() as { items?: { id: string; code: string; version: number }[] } | { id: string; code: string; version: number }[];
    const list = Array.isArray(orgs) ? orgs : orgs.items ?? [];
    const village = list.find((o) => o.code === '341125101001');
    assert.ok(village, '黄龙村 is in the admin org list');
    const set = await fetch(`${env.server.url}/api/orgs/${village.id}`, {
      method: 'PATCH', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ version: village.version, phone: VILLAGE_PHONE }),
    });
    assert.equal(set.status, 200, await set.text());
  });
  after(async () => {
    await env?.close();
  });

  it('at 360×640 lists the county center and 大汉山镇 with 黄龙村 folded under it (tap to call), filters by name, and opens a board with the staff on duty', async () => {
    await env.withPage('portal-centers', PHONE, async (page) => {
      await page.goto('/portal/centers');
      await page.getByRole('heading', { level: 1, name: '便民服务中心' }).waitFor();
      const list = page.getByTestId('centers-list');
      const county = list.locator(':scope > li[data-code="341125"]');
      const town = list.locator(':scope > li[data-code="341125101"]');
      await county.waitFor();
      // The county center: its name, address and office phone to tap.
      assert.match(await county.innerText(), /示范县/);
      assert.equal(await county.locator('a[href="tel:0550-4012345"]').count(), 1);
      // 大汉山镇 with its phone, and its village rooms folded under it.
      await town.getByRole('link', { name: '大汉山镇', exact: true }).waitFor();
      assert.equal(await town.locator('a[href="tel:0550-4100001"]').count(), 1);
      const folded = town.locator('details');
      assert.equal(await folded.getAttribute('open'), null, 'village rooms start folded');
      const huanglong = town.locator('li[data-code="341125101001"]');
      assert.equal(await huanglong.isVisible(), false, 'folded away until tapped');
      await folded.locator('summary').getByText(/村便民服务室（\d+ 个）/).click();
      await huanglong.getByRole('link', { name: '黄龙村' }).waitFor();
      const call = huanglong.locator(`a[href="tel:${VILLAGE_PHONE}"]`);
      await call.waitFor();
      assert.equal(await call.innerText(), VILLAGE_PHONE);
      let overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-centers-1-list.png') });

      // The name filter narrows the list to 大汉山镇 with only 黄龙村 under it, unfolded.
      await page.getByLabel('按名称或地址查找').fill('黄龙');
      await list.locator(':scope > li[data-code="341125"]').waitFor({ state: 'detached' });
      assert.equal(await list.locator(':scope > li').count(), 1);
      assert.equal(await town.locator('li[data-code]').count(), 1);
      await huanglong.locator(`a[href="tel:${VILLAGE_PHONE}"]`).waitFor();
      assert.equal(await town.getByText('冉家营村').count(), 0);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-centers-2-filtered.png') });

      // A filter that matches nothing says so in words.
      await page.getByLabel('按名称或地址查找').fill('不存在的镇');
      await page.getByTestId('centers-empty').waitFor();

      // From the list to 大汉山镇's board: the staff on duty with their badges.
      await page.getByLabel('按名称或地址查找').fill('大汉山');
      await town.getByRole('link', { name: '看公开栏：今日在岗人员' }).click();
      await page.waitForURL(/\/portal\/centers\/341125101$/);
      await page.getByRole('heading', { level: 1, name: '大汉山镇' }).waitFor();
      const windows = page.getByTestId('board-windows');
      await windows.waitFor();
      assert.match(await windows.innerText(), /A岗在岗|B岗顶岗/);
      const badges = page.getByTestId('staff-badge');
      await badges.first().waitFor();
      assert.ok(await badges.count() >= 1, 'staff on duty with their badges');
      assert.match(await badges.first().innerText(), /工号 \S+/);
      overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at 360 px on the board (overflow ${overflow}px)`);
    });
  });
});
