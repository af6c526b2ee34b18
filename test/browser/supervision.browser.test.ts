// Electronic supervision through the screens. A village cadre refuses an application with no real
// reason ("无") through the API: the case-write hook raises a red card (no_reason) at once. The
// supervisor (`jiancha`) finds it in 电子监察 filtered to 红牌 and opens it (case link, responsible
// unit and person, timeline); the cadre sees it in the bell and inbox, is told in words when someone
// acted first (409), rectifies (整改); the supervisor closes it (核销). Then the big screen at
// 1920×1080 receives a new red card live, without a reload.
// (The browser harness has no clock to move and no test hook to make a case overdue, so the overdue
// red card itself is covered by server/modules/supervision/supervision.test.ts with a moved clock.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { computeIdCheckChar } from '../../shared/validators/id-number.ts';
import { chromiumMissing, DEMO_PASSWORD, DESKTOP, signIn, startBrowserEnv, type BrowserEnv } from './harness.ts';

const validId = (body17: string) => body17 + computeIdCheckChar(body17)!;
let serial = 0;

/** As the Huanglong cadre over plain HTTP: registers an application and refuses it with reason "无" → a red card. */
async function refuseWithoutReason(baseUrl: string): Promise<{ caseId: string; number: string }> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'huanglong', password: DEMO_PASSWORD }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const send = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${url}`, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  const found = await send('GET', `/api/public/catalog?orgCode=341125101001&q=${encodeURIComponent('纠纷调解')}`) as { items: { id: string; code?: string }[] };
  const itemId = (found.items.find((i) => i.code === '341125-SF-001') ?? found.items[0])!.id;
  serial++;
  const made = await send('POST', '/api/cases', {
    itemId, channel: 'village_room', applicant: { name: '陈秀英', idNumber: validId(`34112519580301${String(200 + serial)}`), phone: `1396666${1000 + serial}` },
  }) as { case: { id: string; number: string; version: number } };
  await send('POST', `/api/cases/${made.case.id}/refuse`, { version: made.case.version, ground: 'ineligible', reason: '无' });
  return { caseId: made.case.id, number: made.case.number };
}

async function signalOf(page: Page, caseId: string): Promise<{ id: string; version: number; status: string }> {
  const list = await (await page.request.get(`/api/supervision/signals?caseId=${caseId}`)).json() as { items: { id: string; version: number; status: string }[] };
  assert.equal(list.items.length, 1, 'one signal for the case');
  return list.items[0]!;
}

describe('supervision screens', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  let carded: { caseId: string; number: string };
  let signalId = '';
  before(async () => {
    env = await startBrowserEnv();
    carded = await refuseWithoutReason(env.server.url);
  });
  after(async () => {
    await env?.close();
  });

  it('the supervisor finds the red card in 电子监察 and opens it: case, unit, responsible person, timeline, only the supervisor\'s steps', async () => {
    await env.withPage('supervision-1-red-card', DESKTOP, async (page) => {
      await signIn(page, 'jiancha');
      await page.getByRole('link', { name: '电子监察' }).click();
      await page.getByTestId('sig-filter-level').click();
      await page.locator('.ant-select-item-option[title="红牌"]').click();
      await page.waitForURL(/level=red/);
      const row = page.getByTestId('signals-table').locator('tbody tr', { hasText: carded.number });
      await row.waitFor();
      assert.equal(await row.locator('[data-level="red"]').innerText(), '红牌');
      assert.match(await row.innerText(), /不予受理或不予许可未说明理由/);
      assert.match(await row.innerText(), /已发出（待反馈）/);
      await row.getByTestId('signal-link').click();
      await page.getByTestId('signal-status').waitFor();
      signalId = page.url().split('/').pop()!;
      assert.equal(await page.getByTestId('signal-case-link').innerText(), carded.number);
      assert.equal(await page.getByTestId('signal-case-link').getAttribute('href'), `/cases/${carded.caseId}`);
      assert.match(await page.getByTestId('signal-unit').innerText(), /黄龙村/);
      await page.getByText('黄村干').first().waitFor();
      assert.match(await page.getByTestId('signal-timeline').innerText(), /发出/);
      // A supervisor may revoke or escalate an open card, not answer it for the unit.
      const steps = await page.getByTestId('signal-actions').locator('button[data-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
      assert.deepEqual(steps.sort(), ['escalate', 'revoke']);
    });
  });

  it('the cadre sees it in the bell and inbox, is told when someone acted first, and rectifies', async () => {
    await env.withPage('supervision-2-rectified', DESKTOP, async (page) => {
      await signIn(page, 'huanglong');
      const bell = page.getByTestId('notif-bell');
      await page.waitForFunction(() => /（[1-9]\d* 条未读）/.test(document.querySelector('[data-testid="notif-bell"]')?.getAttribute('aria-label') ?? ''));
      await bell.click();
      const item = page.getByTestId('notif-item').filter({ hasText: carded.number }).first();
      await item.waitFor();
      assert.equal(await item.getAttribute('data-read'), 'false');
      await item.getByRole('link', { name: '查看' }).click();
      await page.waitForURL(new RegExp(`/supervision/signals/${signalId}$`));
      await page.getByTestId('signal-status').getByText('已发出（待反馈）').waitFor();

      // Someone at the unit acknowledges it from another screen meanwhile (same account, over the API).
      const s = await signalOf(page, carded.caseId);
      const ack = await page.request.post(`/api/supervision/signals/${s.id}/acknowledge`, { data: { version: s.version } });
      assert.equal(ack.status(), 200);

      await page.getByTestId('signal-actions').locator('button[data-step="rectify"]').click();
      const form = page.getByTestId('signal-step-form');
      // The reason is required: said at the field, nothing sent.
      await form.getByTestId('signal-step-submit').click();
      await form.getByText('请填写纠错整改的理由或说明').waitFor();
      await form.getByTestId('signal-step-text').fill('已重新审查：本纠纷属人民调解受理范围，撤销不予受理，已于当日受理并组织调解。');
      await form.getByTestId('signal-step-submit').click();
      // The 409 is explained in words and the page shows the latest state.
      await page.getByTestId('signal-conflict').waitFor();
      assert.match(await page.getByTestId('signal-conflict').innerText(), /刚被他人处理/);
      await page.getByTestId('signal-status').getByText('已签收').waitFor();

      await page.getByTestId('signal-actions').locator('button[data-step="rectify"]').click();
      await form.getByTestId('signal-step-text').fill('已重新审查：本纠纷属人民调解受理范围，撤销不予受理，已于当日受理并组织调解。');
      await form.getByTestId('signal-step-submit').click();
      await page.getByTestId('signal-status').getByText('已整改（待核销）').waitFor();
      assert.equal(await page.getByTestId('signal-conflict').count(), 0);
      const timeline = await page.getByTestId('signal-timeline').innerText();
      assert.match(timeline, /发出[\s\S]*签收[\s\S]*纠错整改[\s\S]*撤销不予受理/);

      // Opening the notice marked it read. Two more cards for this village: mark one read, then all.
      await refuseWithoutReason(env.server.url);
      await refuseWithoutReason(env.server.url);
      await bell.click();
      await page.reload();
      await page.waitForFunction(() => /（2 条未读）/.test(document.querySelector('[data-testid="notif-bell"]')?.getAttribute('aria-label') ?? ''));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="notif-item"][data-read="false"]').length === 2);
      await page.locator('[data-testid="notif-item"][data-read="false"]').first().getByTestId('notif-read').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="notif-item"][data-read="false"]').length === 1);
      await page.getByTestId('notif-read-all').click();
      await page.waitForFunction(() => /（0 条未读）/.test(document.querySelector('[data-testid="notif-bell"]')?.getAttribute('aria-label') ?? ''));
      // The bell and the list refetch separately: wait for the list too (it must reach 0, or this times out).
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="notif-item"][data-read="false"]').length === 0);
    });
  });

  it('the supervisor closes (核销) the rectified card', async () => {
    await env.withPage('supervision-3-closed', DESKTOP, async (page) => {
      await signIn(page, 'jiancha');
      await page.getByTestId('current-user').waitFor();
      await page.goto(`/supervision/signals/${signalId}`);
      await page.getByTestId('signal-status').getByText('已整改（待核销）').waitFor();
      await page.getByTestId('signal-actions').locator('button[data-step="close"]').click();
      await page.getByTestId('signal-step-text').fill('整改到位，予以核销。');
      await page.getByTestId('signal-step-submit').click();
      await page.getByTestId('signal-status').getByText('已核销').waitFor();
      assert.match(await page.getByTestId('signal-timeline').innerText(), /发出[\s\S]*签收[\s\S]*纠错整改[\s\S]*核销/);
      await page.getByText('您此刻没有可做的跟踪操作。').waitFor();
      await page.getByTestId('signal-timeline').locator('[data-step="close"]').scrollIntoViewIfNeeded();
    });
  });

  it('the big screen at 1920×1080 receives a new red card live, without a reload', async () => {
    await env.withPage('supervision-bigscreen', { viewport: { width: 1920, height: 1080 } }, async (page) => {
      const login = await page.request.post('/api/auth/login', { data: { username: 'jiancha', password: DEMO_PASSWORD } });
      assert.equal(login.status(), 200);
      await page.goto('/bigscreen');
      await page.getByTestId('bs-live').waitFor();
      await page.getByTestId('bs-chart').locator('canvas').first().waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="bs-open-red"]')?.textContent !== '—');
      const redBefore = Number(await page.getByTestId('bs-open-red').innerText());
      await page.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true; });
      assert.equal(await page.locator('.staff-header, .ant-layout-sider').count(), 0, 'no staff chrome');

      const fresh = await refuseWithoutReason(env.server.url);
      const line = page.locator(`[data-testid="bs-signal"][data-case="${fresh.number}"]`).first();
      await line.waitFor({ timeout: 20_000 });
      assert.equal(await line.getAttribute('data-level'), 'red');
      assert.match(await line.innerText(), /红牌[\s\S]*不予受理或不予许可未说明理由/);
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="bs-open-red"]')?.textContent) === n, redBefore + 1, { timeout: 20_000 });
      assert.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'the page was not reloaded');
      // Today's figures come from the statistics (jiancha's county: the refused applications accepted nothing).
      await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="bs-today-accepted"]')?.textContent ?? ''));
      assert.match(await page.getByTestId('bs-today-finished').innerText(), /^\d+$/);
    });
  });
});
