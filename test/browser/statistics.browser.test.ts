// Statistics screens: a village cadre registers and accepts a few cases through the API (a village-room
// case, a proxy case, a refusal), then the county leader (`lingdao`) opens 统计报表: the half-year
// table by channel has the seed's rows (窗口 / 村代办点 / 代办 with 受理 / 办结 / 办结率) and a totals
// row, and 下载 Excel shows its spinner and saves a real .xlsx; the monthly report by item lists the
// item; the leader's dashboard draws its charts (canvas) and its key figures match the API's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { computeIdCheckChar } from '../../shared/validators/id-number.ts';
import { chromiumMissing, DEMO_PASSWORD, DESKTOP, signIn, startBrowserEnv, type BrowserEnv } from './harness.ts';

const validId = (body17: string) => body17 + computeIdCheckChar(body17)!;

/** Registers (and accepts) cases as the Huanglong village cadre through the API, as the village phone would. */
async function seedCases(page: Page): Promise<{ accepted: number }> {
  const login = await page.request.post('/api/auth/login', { data: { username: 'huanglong', password: DEMO_PASSWORD } });
  assert.equal(login.status(), 200);
  const found = await (await page.request.get('/api/public/catalog?orgCode=341125101001&q=' + encodeURIComponent('纠纷调解'))).json() as { items: { id: string; code?: string }[] };
  const itemId = (found.items.find((i) => i.code === '341125-SF-001') ?? found.items[0])!.id;
  assert.ok(itemId, 'the demo catalog has 人民调解');
  let accepted = 0;
  const make = async (n: number, channel: 'village_room' | 'proxy', accept: boolean) => {
    const created = await page.request.post('/api/cases', {
      data: {
        itemId, channel, applicant: { name: '张大爷', idNumber: validId(`34112519500101${String(100 + n).slice(-3)}`), phone: `1395555${String(1000 + n)}` },
        ...(channel === 'proxy' ? { proxy: { reason: '年老体弱，行动不便', consent: true } } : {}),
      },
    });
    assert.equal(created.status(), 201, await created.text());
    const c = (await created.json()) as { case: { id: string; version: number } };
    if (accept) {
      const ok = await page.request.post(`/api/cases/${c.case.id}/accept`, { data: { version: c.case.version } });
      assert.equal(ok.status(), 200, await ok.text());
      accepted++;
    } else {
      const refused = await page.request.post(`/api/cases/${c.case.id}/refuse`, { data: { version: c.case.version, ground: 'ineligible', reason: '不属于人民调解受理范围，已告知申请人向法院起诉' } });
      assert.equal(refused.status(), 200, await refused.text());
    }
  };
  await make(1, 'village_room', true);
  await make(2, 'village_room', true);
  await make(3, 'proxy', true);
  await make(4, 'village_room', false);
  return { accepted };
}

describe('statistics screens', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  let accepted = 0;
  before(async () => {
    env = await startBrowserEnv();
    await env.withPage('statistics-setup', DESKTOP, async (page) => {
      accepted = (await seedCases(page)).accepted;
    });
  });
  after(async () => {
    await env?.close();
  });

  it('the leader opens the half-year report by channel: the seed\'s rows, a totals row, and the Excel download', async () => {
    await env.withPage('statistics-report', DESKTOP, async (page) => {
      await signIn(page, 'lingdao');
      await page.getByRole('link', { name: '统计报表' }).click();
      await page.getByRole('tab', { name: '半年分渠道统计表' }).waitFor();
      const table = page.getByTestId('stat-table');
      await table.locator('tbody tr', { hasText: '村代办点' }).waitFor();
      const heading = await page.getByTestId('stat-heading').innerText();
      assert.match(heading, /示范县.*半年.*按渠道/);
      // The seed's table: 窗口 / 村代办点 / 代办 rows with 受理 / 办结 / 办结率 columns.
      const headers = (await table.locator('thead th').allInnerTexts()).map((s) => s.trim());
      assert.deepEqual(headers.slice(1), ['渠道', '受理', '办结', '办结率']);
      const rows = await Promise.all((await table.locator('tbody tr').all()).map(async (r) => (await r.locator('td').allInnerTexts()).map((s) => s.trim())));
      const row = async (label: string) => rows.find((cells) => cells[1] === label) ?? [];
      assert.deepEqual((await row('窗口')).slice(1), ['窗口', '0', '0', '—']);
      assert.deepEqual((await row('村代办点')).slice(1), ['村代办点', '2', '0', '0.0%']);
      assert.deepEqual((await row('代办')).slice(1, 3), ['代办', '1']);
      const total = (await page.getByTestId('stat-total').locator('td').allInnerTexts()).map((s) => s.trim());
      assert.deepEqual(total, ['合计', String(accepted), '0', '0.0%']);

      // The download: the button turns into a spinner while the server builds the workbook.
      await page.route('**/api/statistics?*format=xlsx*', async (route) => {
        await new Promise((r) => setTimeout(r, 1200));
        await route.continue();
      });
      const downloadPromise = page.waitForEvent('download', { timeout: 30_000 });
      await page.getByTestId('stat-excel').click();
      await page.getByTestId('stat-excel').getByText('正在生成 Excel…').waitFor();
      assert.equal(await page.getByTestId('stat-excel').getAttribute('aria-busy'), 'true');
      const download = await downloadPromise;
      assert.match(download.suggestedFilename(), /半年.*\.xlsx$/);
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'bianmin-xlsx-')), download.suggestedFilename());
      await download.saveAs(file);
      const bytes = readFileSync(file);
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip file');
      assert.ok(bytes.includes(Buffer.from('xl/worksheets/')), 'the zip holds an Excel worksheet');
      await page.getByTestId('stat-excel').getByText('下载 Excel').waitFor();
    });
  });

  it('the monthly report by item lists the item with its figures and every column', async () => {
    await env.withPage('statistics-monthly-item', DESKTOP, async (page) => {
      await signIn(page, 'lingdao');
      await page.getByTestId('current-user').waitFor();
      await page.goto('/reports/statistics?tab=monthlyItem');
      const table = page.getByTestId('stat-table');
      const line = table.locator('tbody tr', { hasText: '人民调解' });
      await line.waitFor();
      const cells = (await line.locator('td').allInnerTexts()).map((s) => s.trim());
      assert.match(cells[1]!, /人民调解.*341125-SF-001/);
      assert.equal(cells[2], String(accepted), 'accepted');
      assert.equal(cells[3], '1', 'of them by proxy');
      assert.equal(cells[8], '1', 'refused');
      assert.match(await page.getByTestId('stat-heading').innerText(), /按事项/);
    });
  });

  it('the leader\'s dashboard draws its charts and shows the year\'s figures', async () => {
    await env.withPage('statistics-dashboard', { viewport: { width: 1600, height: 1000 } }, async (page) => {
      await signIn(page, 'lingdao');
      await page.getByRole('link', { name: '领导驾驶舱' }).click();
      await page.getByTestId('chart-by-month').locator('canvas').first().waitFor();
      await page.getByTestId('chart-by-org').locator('canvas').first().waitFor();
      await page.getByTestId('dash-accepted').getByText(String(accepted)).waitFor();
      const figures = await page.getByTestId('dash-summary').innerText();
      assert.match(figures, new RegExp(`受理件数\\s*${accepted}`));
      assert.match(figures, /办结件数\s*0/);
      assert.match(figures, /超期在办\s*0/);
      // The org chart has a bar row per township: its canvas is taller than the default for two or more.
      const box = await page.getByTestId('chart-by-org').boundingBox();
      assert.ok(box && box.height >= 300);
      // The org picker offers only the leader's scope (示范县 and below, not 东山县).
      await page.getByTestId('dash-org').click();
      await page.locator('.ant-select-tree').getByText('大汉山镇').first().waitFor();
      assert.equal(await page.locator('.ant-select-tree').getByText('东山县').count(), 0);
      await page.getByRole('heading', { name: '领导驾驶舱' }).click();
      await page.locator('.ant-select-tree').waitFor({ state: 'hidden' });
    });
  });
});
