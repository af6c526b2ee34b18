// The work calendar: an admin closes a working day locally by clicking it, and it shows coloured.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromiumMissing, DESKTOP, signIn, startBrowserEnv, type BrowserEnv } from './harness.ts';

describe('work calendar (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  it('a local change can be undone by clicking the day again', async () => {
    await env.withPage('calendar-undo', DESKTOP, async (page) => {
      await signIn(page, 'admin');
      await page.getByRole('link', { name: '工作日历' }).first().click();
      const grid = page.getByTestId('calendar-grid');
      const day = grid.locator('[data-kind="workday"]').nth(100);
      const date = await day.getAttribute('data-date');
      await day.click();
      await page.getByRole('dialog').getByLabel('原因（会向群众公示）').fill('场地维修');
      await page.getByRole('dialog').getByRole('button', { name: '设为本地停止办公' }).click();
      await grid.locator(`[data-date="${date}"][data-kind="localClosed"]`).waitFor();
      await grid.locator(`[data-date="${date}"]`).click();
      await page.getByRole('dialog').getByRole('button', { name: '撤销本地调整' }).click();
      await page.getByText('已撤销本地调整').waitFor();
      await grid.locator(`[data-date="${date}"][data-kind="workday"]`).waitFor();
    });
  });

  it('the admin adds a local closure day and it shows coloured', async () => {
    await env.withPage('calendar-local-closure', DESKTOP, async (page) => {
      await signIn(page, 'admin');
      await page.getByRole('link', { name: '工作日历' }).first().click();
      const grid = page.getByTestId('calendar-grid');
      await grid.waitFor();
      // National holidays are coloured already: the year has some.
      assert.ok(await grid.locator('[data-kind="holiday"]').count() > 5, 'public holidays shown');

      const day = grid.locator('[data-kind="workday"]').nth(150);
      const date = await day.getAttribute('data-date');
      const workdayColour = await day.evaluate((el) => getComputedStyle(el).backgroundColor);
      await day.click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('工作日', { exact: false }).first().waitFor();
      await dialog.getByLabel('原因（会向群众公示）').fill('防汛停止办公');
      await dialog.getByRole('button', { name: '设为本地停止办公' }).click();
      await page.getByText('已保存本地调整').waitFor();

      const closed = grid.locator(`[data-date="${date}"]`);
      await grid.locator(`[data-date="${date}"][data-kind="localClosed"]`).waitFor();
      const colour = await closed.evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.notEqual(colour, workdayColour, 'the closed day has its own colour');
      assert.equal(colour, await page.locator('.calendar-legend .cal-localClosed').evaluate((el) => getComputedStyle(el).backgroundColor), 'the legend colour');
      assert.match(await closed.getAttribute('aria-label') ?? '', /防汛停止办公.*本地停止办公/);
      await closed.scrollIntoViewIfNeeded();
    });
  });
});
