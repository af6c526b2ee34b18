// The service network on screen: the admin sees windows with their A/B posts; a citizen's phone
// shows a center's public board with the badge of whoever serves each window now (挂牌上岗).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromiumMissing, DESKTOP, PHONE, signIn, startBrowserEnv, type BrowserEnv } from './harness.ts';

describe('service network (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  it('the admin sees the windows of 大汉山镇 with A and B posts and who serves now', async () => {
    await env.withPage('network-windows', DESKTOP, async (page) => {
      await signIn(page, 'admin');
      await page.getByRole('link', { name: '窗口与人员' }).first().click();
      await page.getByLabel('机构').click();
      await page.getByTitle('大汉山镇').first().click();
      const table = page.getByTestId('windows-table');
      await table.getByText('劳动保障', { exact: true }).first().waitFor();
      const text = await table.innerText();
      assert.match(text, /A岗在岗 · \S+/, 'who serves now is shown');
      assert.ok((await table.locator('tbody tr').count()) >= 5, 'the township has its windows');
    });
  });

  it('the public board of 大汉山镇 at 360×640 shows address, hours, phone and staff badges', async () => {
    await env.withPage('portal-board', PHONE, async (page) => {
      await page.goto('/portal/centers/341125101');
      await page.getByRole('heading', { level: 1, name: '大汉山镇' }).waitFor();
      const facts = await page.getByTestId('board-facts').innerText();
      assert.match(facts, /地址/);
      assert.match(facts, /办公时间/);
      assert.match(facts, /0550-/);
      const badges = page.getByTestId('staff-badge');
      await badges.first().waitFor();
      assert.ok(await badges.count() >= 3, 'badges of the staff on duty');
      assert.match(await badges.first().innerText(), /工号 DHS-\d+/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
    });
  });
});
