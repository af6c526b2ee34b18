// The village room on a 360×640 phone and the whole 全程代办 loop through the screens: the 黄龙村 cadre
// registers a proxy case for an elderly villager and accepts it, sends it to 大汉山镇 in a batch; the
// township desk signs for it case by case and checks the batch, transfers it to the township's
// agriculture window, which signs for it, handles, decides and replies; the desk sends the result back
// in a return batch; the cadre signs for the result and hands it over — the case ends 已办结.
// The phone downloads no antd and no ECharts, and little JS in all.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page, Request } from 'playwright-core';
import { computeIdCheckChar } from '../../shared/validators/id-number.ts';
import { chromiumMissing, DEMO_PASSWORD, DESKTOP, PHONE, SCREENSHOTS, signIn, startBrowserEnv, type BrowserEnv, actOnCasePage } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ELDER_ID = '34112519400820004' + computeIdCheckChar('34112519400820004');
const FORBIDDEN = ['node_modules/antd', 'node_modules/@ant-design', 'node_modules/rc-', 'node_modules/echarts', 'node_modules/zrender'];

/** Signs in on the village room's own light sign-in page. */
async function villageSignIn(page: Page, username: string) {
  await page.goto('/village');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('village-user').waitFor();
}

async function staffSignIn(page: Page, username: string) {
  await signIn(page, username);
  await page.getByRole('button', { name: /退\s*出/ }).waitFor();
}


const noOverflow = async (page: Page) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
};

describe('village room and batches (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  let batchApi: string | null = null;
  before(async () => {
    env = await startBrowserEnv();
    const res = await fetch(`${env.server.url}/api/batches`);
    // 401 means the route exists and wants a session; 404 means the batch module is not there.
    if (res.status === 404) batchApi = 'the batch API (/api/batches) is not in this build';
  });
  after(async () => {
    await env?.close();
  });

  it('the village room on a phone loads small JS without antd or ECharts', async () => {
    await env.withPage('village-login', PHONE, async (page) => {
      const requests: Request[] = [];
      page.on('requestfinished', (r) => { if (r.resourceType() === 'script') requests.push(r); });
      await villageSignIn(page, 'huanglong');
      await page.getByTestId('vl-queues').waitFor();
      await page.getByRole('link', { name: '登记代办' }).click();
      await page.getByTestId('item-search').waitFor();
      await page.waitForLoadState('networkidle');
      const scripts = await Promise.all(requests.map(async (r) => ({ url: r.url(), bytes: (await r.sizes()).responseBodySize })));
      const modules = JSON.parse(readFileSync(path.join(root, 'web', 'dist', '.vite', 'chunk-modules.json'), 'utf8')) as Record<string, string[]>;
      const leaked = scripts.flatMap((s) => (modules[new URL(s.url).pathname.replace(/^\//, '')] ?? []).filter((m) => FORBIDDEN.some((f) => m.includes(f))));
      assert.deepEqual(leaked, [], 'no antd or ECharts module reaches the village phone');
      const total = scripts.reduce((n, s) => n + s.bytes, 0);
      console.log(`village room JS over the wire (sign-in, home, register): ${total} bytes in ${scripts.length} files`);
      assert.ok(total < 200_000, `the village room's JS stays small: ${total} bytes`);
      await noOverflow(page);
    });
  });

  it('a proxy case goes up in a batch, is handled at the township, and comes back to be handed over', async (t) => {
    if (batchApi) {
      t.skip(batchApi);
      return;
    }
    let number = '';
    let caseId = '';
    // 1. The cadre registers a proxy case for an elderly villager and accepts it, on a phone.
    await env.withPage('village-1-proxy', PHONE, async (page) => {
      await villageSignIn(page, 'huanglong');
      await page.getByTestId('vl-register').click();
      await page.getByTestId('item-search').fill('tdjyq');
      await page.getByTestId('item-results').getByRole('option', { name: /农村土地经营权流转合同备案/ }).click();
      await page.getByTestId('applicant-name').fill('王秀兰');
      await page.getByTestId('applicant-id').fill(ELDER_ID);
      assert.equal(await page.getByTestId('channel-proxy').isChecked(), true, 'proxy is the village room’s usual channel');
      await page.getByTestId('proxy-fields').getByRole('button', { name: '年老体弱' }).click();
      // Without the villager's consent the case is not registered.
      await page.getByTestId('counter-submit').click();
      assert.match(await page.getByTestId('err-consent').innerText(), /签字同意/);
      await page.getByTestId('proxy-consent').check();
      const popup = page.context().waitForEvent('page');
      await page.getByTestId('counter-submit').click();
      const notice = await popup;
      await notice.waitForURL(/\/notices\/acceptance$/);
      const text = await notice.locator('body').innerText();
      assert.match(text, /受理通知书/);
      assert.match(text, /代办原因：年老体弱/);
      await notice.close();
      await page.getByTestId('counter-done').waitFor();
      number = (await page.getByTestId('done-number').innerText()).trim();
      assert.match(number, /^341125101001-\d{8}-\d{4}$/);
      await page.getByTestId('done-case').click();
      await page.getByTestId('case-state').getByText('已受理（待转办）').waitFor();
      caseId = new URL(page.url()).pathname.split('/').pop()!;
      await noOverflow(page);
    });

    // 2. The cadre builds the batch to the township and sends it.
    await env.withPage('village-2-batch', PHONE, async (page) => {
      await villageSignIn(page, 'huanglong');
      await page.getByRole('link', { name: '报送批次' }).click();
      await page.getByTestId('batch-new').click();
      const form = page.getByTestId('batch-new-form');
      await form.locator(`[data-case="${number}"]`).waitFor();
      assert.equal(await form.locator(`[data-case="${number}"]`).isChecked(), true);
      await page.getByTestId('batch-create').click();
      const detail = page.getByTestId('batch-detail');
      await detail.waitFor();
      assert.equal((await page.getByTestId('batch-state').innerText()).trim(), '未发出');
      await page.getByTestId('batch-send').click();
      await page.getByTestId('batch-state').getByText('已发出').waitFor();
      assert.equal(await page.getByTestId('batch-cases').locator(`[data-case="${number}"]`).getAttribute('data-status'), 'sent');
      // The materials handed over at the counter travel with the case: the manifest counts them.
      assert.match(await page.getByTestId('batch-cases').innerText(), /材料 [1-9]\d* 份/);
      const manifest = await page.request.get(await page.getByTestId('batch-manifest').getAttribute('href') ?? '');
      assert.match(await manifest.text(), new RegExp(number));
      await noOverflow(page);
    });

    // 3. The township desk signs for the case in the batch, checks the batch, and transfers the case.
    await env.withPage('village-3-desk-signs', DESKTOP, async (page) => {
      await staffSignIn(page, 'dhs_shouli_1');
      await page.getByRole('link', { name: '定期报送' }).first().click();
      await page.getByTestId('batch-list').getByRole('link', { name: /341125101001-PS-/ }).first().click();
      const row = page.getByTestId('batch-cases').locator(`[data-case="${number}"]`);
      await row.getByTestId('batch-receive').click();
      await page.getByTestId('batch-cases').locator(`[data-case="${number}"][data-status="received"]`).waitFor();
      await page.getByTestId('batch-check').click();
      await page.getByTestId('batch-state').getByText('已清点').waitFor();
      await row.getByRole('link', { name: number }).click();
      await page.getByTestId('case-state').getByText('已受理（待转办）').waitFor();
      await actOnCasePage(page, 'transfer', '转办中（待签收）');
      assert.match(await page.getByTestId('case-current-unit').innerText(), /农技站/);
    });

    // 4. The township's agriculture window (农林水利, A post) signs for it, handles, decides, replies.
    await env.withPage('village-4-window', DESKTOP, async (page) => {
      await staffSignIn(page, 'dhs_nonglin_a');
      await page.goto('/cases?queue=to_receive');
      await page.getByTestId('case-table').getByRole('link', { name: number }).click();
      await actOnCasePage(page, 'receive', '办理中');
      await actOnCasePage(page, 'complete_stage', '办理中');
      await actOnCasePage(page, 'decide', '已决定（回复中）');
      await actOnCasePage(page, 'reply', '已决定（回复中）');
    });

    // 5. The desk sends the result back to 黄龙村 in a return batch.
    await env.withPage('village-5-return-batch', DESKTOP, async (page) => {
      await staffSignIn(page, 'dhs_shouli_1');
      await page.goto('/batches');
      await page.getByTestId('return-village').click();
      await page.getByText(/黄龙村（1 件待回送）/).click();
      await page.getByTestId('batch-new-form').locator(`[data-case="${number}"]`).waitFor();
      await page.getByTestId('batch-create').click();
      await page.getByTestId('batch-send').click();
      await page.getByTestId('batch-state').getByText('已发出').waitFor();
    });

    // 6. The cadre signs for the result and hands it over: 已办结.
    await env.withPage('village-6-handover', PHONE, async (page) => {
      await villageSignIn(page, 'huanglong');
      await page.getByText(/乡镇回送了 1 个批次/).click();
      await page.getByTestId('batch-list').getByRole('link', { name: /-HS-/ }).first().click();
      const row = page.getByTestId('batch-cases').locator(`[data-case="${number}"]`);
      await row.getByTestId('batch-receive').click();
      await row.getByTestId('batch-deliver').click();
      await page.getByTestId('batch-cases').locator(`[data-case="${number}"][data-status="delivered"]`).waitFor();
      await page.getByTestId('batch-check').click();
      await page.getByTestId('batch-state').getByText('已清点').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'village-6-return-batch-checked.png') });
      await page.goto(`/village/cases/${caseId}`);
      await page.getByTestId('case-state').getByText('已办结').waitFor();
      const timeline = await page.getByTestId('case-timeline').innerText();
      for (const step of ['申请', '受理', '转办', '签收', '完成本环节', '作出决定', '回复', '送达']) assert.match(timeline, new RegExp(step), step);
      await noOverflow(page);
    });

    // 7. This month's proxy report counts it (农业生产: accepted 1, by proxy 1, finished 1) and downloads as Excel.
    await env.withPage('village-7-report', PHONE, async (page) => {
      await villageSignIn(page, 'huanglong');
      await page.getByRole('link', { name: '代办月报' }).click();
      await page.getByTestId('report-title').getByText('黄龙村代办服务月报表').waitFor();
      const farming = page.getByTestId('report-categories').locator('tbody tr', { hasText: '农业生产' });
      assert.deepEqual(await farming.locator('td').allInnerTexts(), ['1', '1', '1', '0', '100.0%']);
      const download = page.waitForEvent('download');
      await page.getByTestId('report-excel').click();
      const file = await download;
      assert.match(file.suggestedFilename(), /黄龙村代办服务月报表-\d{4}-\d{2}\.xlsx$/);
      const bytes = readFileSync((await file.path())!);
      assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an xlsx workbook (zip)');
      await noOverflow(page);
    });

    // The township's report lists its villages; a line opens that village's report.
    await env.withPage('village-8-township-report', DESKTOP, async (page) => {
      await staffSignIn(page, 'dhs_shouli_1');
      await page.getByRole('link', { name: '代办月报表' }).first().click();
      await page.getByTestId('report-title').getByText('大汉山镇代办服务月报表').waitFor();
      const line = page.getByTestId('report-units').locator('tbody tr', { hasText: '黄龙村' });
      assert.deepEqual((await line.locator('td').allInnerTexts()).slice(0, 3), ['1', '1', '1']);
      await line.getByRole('button', { name: '黄龙村' }).click();
      await page.getByTestId('report-title').getByText('黄龙村代办服务月报表').waitFor();
      assert.match(await page.getByTestId('report-org').innerText(), /黄龙村/);
    });
  });

  for (const [size, options] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`village room screens at ${size} — no sideways scrolling`, async () => {
      for (const [name, url, ready] of [
        ['home', '/village', 'vl-queues'], ['register', '/village/register', 'item-search'], ['cases', '/village/cases?queue=all', 'vl-case-list'],
        ['batches', '/village/batches', 'batch-list'], ['report', '/village/report', 'report-categories'],
      ] as const) {
        await env.withPage(`screen-village-${name}-${size}`, options, async (page) => {
          await villageSignIn(page, 'huanglong');
          await page.goto(url);
          await page.getByTestId(ready).waitFor();
          await noOverflow(page);
        });
      }
    });
  }

  it('the village room refuses a person who is not a village cadre, in words', async () => {
    await env.withPage('village-not-cadre', PHONE, async (page) => {
      await villageSignIn(page, 'shouli');
      await page.getByText('只供村干部（代办员）使用').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'village-not-cadre.png') });
    });
  });
});
