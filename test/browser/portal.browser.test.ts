// The public portal on a cheap phone (360×640): no sign-in, find a guide by pinyin initials, read it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromiumMissing, ensurePublishedGuide, PHONE, startBrowserEnv, type BrowserEnv } from './harness.ts';

describe('public portal (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  let catalogMissing: string | false = false;
  before(async () => {
    env = await startBrowserEnv();
    catalogMissing = (await ensurePublishedGuide(env.server)) ?? false;
  });
  after(async () => {
    await env?.close();
  });

  it('typing db finds 最低生活保障 at 360×640, and its guide shows all eight disclosures', async (t) => {
    if (catalogMissing) {
      t.skip(catalogMissing);
      return;
    }
    await env.withPage('portal-search-db', PHONE, async (page) => {
      await page.goto('/portal');
      await page.getByTestId('portal-search').fill('db');
      // The filtered list (not the full catalog shown before the typing pause ends).
      await page.getByTestId('portal-results').getByText(/找到 \d+ 个事项/).waitFor();
      const hit = page.getByTestId('portal-results').getByRole('link', { name: /最低生活保障/ }).first();
      await hit.waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
      await hit.click();
      await page.getByRole('heading', { level: 1, name: /最低生活保障/ }).waitFor();
      for (const heading of ['事项概述', '法定依据', '收费依据', '收费标准', '申报材料', '申办前置条件', '办事程序', '承诺时限']) {
        assert.ok(await page.getByRole('heading', { level: 2, name: new RegExp(heading) }).isVisible(), heading);
      }
      assert.match(await page.getByTestId('guide-limits').innerText(), /承诺 \d+ 个工作日内办结/);
    });
  });

  it('progress lookup on a phone: a case number that does not exist is told in words, and nothing about any case is shown', async () => {
    await env.withPage('portal-progress-unknown', PHONE, async (page) => {
      await page.goto('/portal');
      await page.getByRole('link', { name: '进度查询' }).click();
      await page.getByTestId('progress-submit').click();
      assert.match(await page.getByTestId('progress-error').innerText(), /请填写办件编号/);
      await page.getByTestId('progress-number').fill('341125-20260302-9999');
      await page.getByTestId('progress-secret').fill('ABCDEF');
      await page.getByTestId('progress-submit').click();
      await page.getByTestId('progress-error').getByText(/未找到该办件/).waitFor();
      assert.equal(await page.getByTestId('progress-result').count(), 0);
    });
  });
});
