// 等保 periodic password change in the browser: a password last changed 100 days ago still signs in,
// but the person lands on the password page with the reason, changes it, signs in again and reaches
// home; a password expiring within 7 days shows a warning on home.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../server/db/index.ts';
import { chromiumMissing, DESKTOP, SCREENSHOTS, signIn, startBrowserEnv, type BrowserEnv } from './harness.ts';

const DAY = 86_400_000;
const NEW_PASSWORD = 'Gengxin#2027mima';

describe('password expiry (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
    // No API backdates a password change: set it in the server's database, as time would.
    const handle = await openDatabase(env.server.database);
    try {
      for (const [username, days] of [['jiancha', 100], ['lingdao', 85]] as const) {
        const at = new Date(Date.now() - days * DAY).toISOString();
        const res = await handle.db.updateTable('users').set({ password_changed_at: at }).where('username', '=', username).executeTakeFirst();
        assert.equal(Number(res.numUpdatedRows), 1, `user ${username}`);
      }
    } finally {
      await handle.close();
    }
  });
  after(async () => {
    await env?.close();
  });

  it('a password changed 100 days ago signs in to the password page, is changed, and home opens', async () => {
    await env.withPage('password-expired', DESKTOP, async (page) => {
      await signIn(page, 'jiancha');
      const notice = page.getByTestId('password-expired');
      await notice.waitFor();
      assert.equal(new URL(page.url()).pathname, '/account/password');
      const text = await notice.innerText();
      assert.match(text, /密码已过期，请先修改密码/);
      assert.match(text, /已 100 天未修改（每 90 天须更换一次）/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'password-expired-1-message.png') });

      // Home and other pages send the person back here; the API itself says why.
      await page.goto('/cases');
      await notice.waitFor();
      assert.equal(new URL(page.url()).pathname, '/account/password');
      const api = await page.request.get(`${env.server.url}/api/cases`);
      assert.equal(api.status(), 403);
      const problem = await api.json() as { code: string; detail: string };
      assert.equal(problem.code, 'PASSWORD_EXPIRED');
      assert.equal(problem.detail, '密码已超过 90 天未修改，请先修改密码');

      await page.getByLabel('当前密码', { exact: true }).fill('Bianmin#2026');
      await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('再次输入新密码', { exact: true }).fill(NEW_PASSWORD);
      await page.getByRole('button', { name: '修改密码' }).click();
      await page.getByTestId('login-notice').getByText('密码已修改，请用新密码重新登录').waitFor();

      await signIn(page, 'jiancha', NEW_PASSWORD);
      await page.getByTestId('home-roles').waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await page.getByTestId('password-expired').count(), 0);
      assert.equal(await page.getByTestId('password-expiring').count(), 0);
      assert.equal((await page.request.get(`${env.server.url}/api/cases`)).status(), 200);
    });
  });

  it('a password expiring within 7 days shows a warning on home with a way to change it', async () => {
    await env.withPage('password-expiring', DESKTOP, async (page) => {
      await signIn(page, 'lingdao');
      const warning = page.getByTestId('password-expiring');
      await warning.waitFor();
      assert.match(await warning.innerText(), /您的密码将在 5 天后过期，请及时修改/);
      await warning.getByRole('button', { name: '立即修改密码' }).click();
      await page.waitForURL('**/account/password');
      await page.getByTestId('password-expiring').waitFor();
    });
  });
});
