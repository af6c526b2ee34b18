// Elder-friendly mode (适老化) and the language switch, on every page, remembered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromiumMissing, DESKTOP, fontSizeOf, PHONE, signIn, startBrowserEnv, waitForFontSize, type BrowserEnv } from './harness.ts';

describe('display settings (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  it('elder mode enlarges text and survives a reload and a sign-out', async () => {
    await env.withPage('elder-mode', DESKTOP, async (page) => {
      await signIn(page, 'admin');
      await page.getByRole('link', { name: '机构管理' }).first().click();
      await page.getByTestId('org-tree').getByText('大汉山镇', { exact: true }).waitFor();
      const treeNode = '[data-testid="org-tree"] .ant-tree-title';
      const before = await fontSizeOf(page, treeNode);
      await page.getByTestId('elder-switch').click();
      assert.equal(await page.getByTestId('elder-switch').getAttribute('aria-pressed'), 'true');
      const after = await waitForFontSize(page, treeNode, before * 1.25);
      assert.ok(after >= before * 1.25, `text grows: ${before}px → ${after}px`);

      await page.reload();
      await page.getByTestId('org-tree').getByText('大汉山镇', { exact: true }).waitFor();
      const reloaded = await waitForFontSize(page, treeNode, before * 1.25);
      assert.ok(reloaded >= before * 1.25, `still large after a reload: ${reloaded}px`);

      // Signing out clears site storage (Clear-Site-Data); the reader's choice is kept all the same.
      await page.getByRole('button', { name: /退\s*出/ }).click();
      await page.getByTestId('login-notice').waitFor();
      await page.reload();
      await page.getByRole('heading', { name: '工作人员登录' }).waitFor();
      assert.equal(await page.getByTestId('elder-switch').getAttribute('aria-pressed'), 'true');
      assert.ok(await waitForFontSize(page, 'h1', 31) > 30, 'the sign-in heading is large too');
    });
  });

  it('elder mode on the portal enlarges the search box text', async () => {
    await env.withPage('elder-mode-portal', PHONE, async (page) => {
      await page.goto('/portal');
      const label = 'label[for]';
      await page.locator(label).first().waitFor();
      const before = await fontSizeOf(page, label);
      await page.getByTestId('elder-switch').click();
      const after = await waitForFontSize(page, label, before * 1.25);
      assert.ok(after >= before * 1.25, `portal text grows: ${before}px → ${after}px`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
    });
  });

  it('switching to English shows English labels, and stays English', async () => {
    await env.withPage('language-english', DESKTOP, async (page) => {
      await page.goto('/login');
      await page.getByRole('heading', { name: '工作人员登录' }).waitFor();
      await page.getByTestId('lang-switch').click();
      await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
      assert.ok(await page.getByLabel('Username').isVisible());
      assert.ok(await page.getByRole('button', { name: 'Sign in' }).isVisible());
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

      // The form is English now: sign in through it.
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill('Bianmin#2026');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Hello, ').first().waitFor();
      assert.ok(await page.getByRole('link', { name: 'Organisations' }).first().isVisible());
      await page.reload();
      await page.getByText('Hello, ').first().waitFor();
      await page.getByRole('link', { name: 'Work calendar' }).first().waitFor();
    });
  });
});
