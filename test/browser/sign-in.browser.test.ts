// Sign-in as people meet it: the admin reaches the org tree; a wrong password and a locked account
// are told in the server's Chinese words on the sign-in page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromiumMissing, DESKTOP, PHONE, signIn, startBrowserEnv, type BrowserEnv } from './harness.ts';

describe('sign-in (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  it('the admin signs in and sees the org tree with 大汉山镇', async () => {
    await env.withPage('admin-org-tree', DESKTOP, async (page) => {
      await signIn(page, 'admin');
      await page.getByText('系统管理员，您好').or(page.getByText('您好')).first().waitFor();
      await page.getByRole('link', { name: '机构管理' }).first().click();
      const tree = page.getByTestId('org-tree');
      await tree.getByText('大汉山镇', { exact: true }).waitFor();
      assert.ok(await tree.getByText('示范县', { exact: true }).isVisible(), 'the county is in the tree');
      await tree.getByText('大汉山镇', { exact: true }).click();
      await page.getByTestId('org-detail').getByText('乡镇（街道）').waitFor();
    });
  });

  it('a wrong password shows the Chinese error', async () => {
    await env.withPage('wrong-password', PHONE, async (page) => {
      await signIn(page, 'zhuren', 'Wrong#Pass1');
      const error = page.getByTestId('login-error');
      await error.waitFor();
      const text = await error.innerText();
      assert.match(text, /用户名或密码错误/);
      assert.match(text, /连续输错 5 次/);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  it('a locked account is told so, and until when', async () => {
    await env.withPage('locked-account', DESKTOP, async (page) => {
      // Four wrong passwords straight at the API, the fifth through the form.
      for (let i = 0; i < 4; i++) {
        const res = await page.request.post(`${env.server.url}/api/auth/login`, { data: { username: 'huanglong', password: `Wrong#${i}x` } });
        assert.equal(res.status(), 401);
      }
      await signIn(page, 'huanglong', 'Wrong#5x');
      const error = page.getByTestId('login-error');
      await error.getByText('账号已锁定', { exact: true }).waitFor();
      assert.match(await error.innerText(), /账号已锁定 30 分钟，请在 .+ 之后再试，或请管理员解锁/);
      // Even the right password is refused now, with the same words.
      await signIn(page, 'huanglong');
      await error.getByText(/请在 .+ 之后再试/).waitFor();
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });
});
