// Case handling through the screens, each step by the demo person whose job it is: a county acceptance
// clerk registers a planning permit with one material missing (the one-time notice opens and lists it),
// the applicant supplements, the clerk transfers it to the county planning room, its head signs for it,
// handles, decides and replies, and the clerk delivers — the case page ends 已办结 with every event.
// Then: a wrong ID number is stopped at its field; a citizen looks the case up on a phone; and every
// case screen at a desk and on a phone, without sideways scrolling.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { computeIdCheckChar } from '../../shared/validators/id-number.ts';
import { chromiumMissing, DEMO_PASSWORD, DESKTOP, PHONE, SCREENSHOTS, signIn, startBrowserEnv, type BrowserEnv, actOnCasePage } from './harness.ts';

/** A valid ID number from a 17-digit body (born 1965-03-15 in the demo county). */
export const validId = (body17 = '34112519650315002') => body17 + computeIdCheckChar(body17)!;
/** The same number with its check character changed: the checksum is wrong, the rest is fine. */
const wrongChecksum = (id: string) => id.slice(0, 17) + (id[17] === '9' ? '8' : id[17] === 'X' ? '1' : String((Number(id[17]) + 1) % 10));

async function signedIn(page: Page, username: string): Promise<void> {
  await signIn(page, username);
  await page.getByRole('button', { name: /退\s*出/ }).waitFor();
}

const noOverflow = async (page: Page) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
};

describe('case handling through the screens (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  let caseId = '';
  let caseNumber = '';
  before(async () => {
    env = await startBrowserEnv();
  });
  after(async () => {
    await env?.close();
  });

  it('a missing material → one-time notice → supplement → accept → transfer → sign for → handle → decide → reply → deliver: 已办结', async () => {
    // 1. The county acceptance clerk registers with one material missing.
    await env.withPage('case-1-register', DESKTOP, async (page) => {
      await signedIn(page, 'shouli');
      await page.getByRole('link', { name: '受理登记' }).first().click();
      // The keyboard path: type pinyin initials, Enter picks the first hit.
      await page.getByTestId('item-search').fill('jsgcgh');
      await page.getByTestId('item-results').getByRole('option', { name: /建设工程规划许可证核发/ }).waitFor();
      await page.getByTestId('item-search').press('Enter');
      await page.getByTestId('picked-item').getByText('建设工程规划许可证核发').waitFor();
      await page.getByTestId('applicant-name').fill('张建国');
      await page.getByTestId('applicant-id').fill(validId());
      await page.getByTestId('applicant-phone').fill('13812345678');
      await page.getByTestId('materials').locator('[data-material="建设工程设计方案"]').check();
      assert.match(await page.getByTestId('materials-status').innerText(), /缺 1 项/);
      assert.match(await page.getByTestId('counter-submit').innerText(), /一次性告知（缺 1 项）/);

      const popup = page.context().waitForEvent('page');
      await page.getByTestId('applicant-phone').press('Enter');
      const notice = await popup;
      await notice.waitForURL(/\/notices\/materials$/);
      const text = await notice.locator('body').innerText();
      assert.match(text, /一次性告知书/);
      assert.match(text, /建设工程设计方案/);
      assert.match(text, /张建国/);
      assert.match(text, /341\*+\d{3}[\dX]/, 'the ID number is masked on the notice');
      await notice.screenshot({ path: path.join(SCREENSHOTS, 'case-1-materials-notice.png') });
      await notice.close();

      const done = page.getByTestId('counter-done');
      await done.waitFor();
      assert.equal(await done.getAttribute('data-outcome'), 'request_materials');
      caseNumber = (await page.getByTestId('done-number').innerText()).trim();
      assert.match(caseNumber, /^341125-\d{8}-\d{4}$/);
      await page.getByTestId('done-case').click();
      await page.waitForURL(/\/cases\/[\w-]+$/);
      caseId = new URL(page.url()).pathname.split('/').pop()!;
      await page.getByTestId('case-state').getByText('待补齐补正', { exact: true }).waitFor();
    });

    // 2. The applicant brings the plan: the clerk accepts and transfers to the planning room.
    await env.withPage('case-2-supplement-transfer', DESKTOP, async (page) => {
      await signedIn(page, 'shouli');
      await page.goto(`/cases/${caseId}`);
      await actOnCasePage(page, 'supplement', '已受理（待转办）');
      assert.match(await page.getByTestId('case-owner').innerText(), /李受理/, 'the clerk who accepted owns the case (首问负责人)');
      await page.getByTestId('case-notices').locator('[data-notice="acceptance"]').waitFor();
      await actOnCasePage(page, 'transfer', '转办中（待签收）', async () => {
        await page.getByTestId('transfer-target').getByText(/规划局办理室（按流程推荐）/).waitFor();
      });
      assert.match(await page.getByTestId('case-current-unit').innerText(), /已转往 示范县规划局办理室/);
    });

    // 3. The head of the planning room finds it in 待签收, signs for it, handles, decides, replies.
    await env.withPage('case-3-handle', DESKTOP, async (page) => {
      await signedIn(page, 'banli');
      await page.goto('/cases?queue=to_receive');
      await page.getByTestId('case-table').getByRole('link', { name: caseNumber }).click();
      await page.getByTestId('case-state').getByText('转办中（待签收）', { exact: true }).waitFor();
      await actOnCasePage(page, 'receive', '办理中');
      await actOnCasePage(page, 'complete_stage', '办理中', async () => {
        await page.getByTestId('action-form').getByLabel('办理意见（可不填）').fill('设计方案符合控制性详细规划');
      });
      await page.getByTestId('case-stages').getByText('✓ 县规划局').waitFor();
      await actOnCasePage(page, 'decide', '已决定（回复中）');
      assert.match(await page.getByTestId('case-decision').innerText(), /准予/);
      await actOnCasePage(page, 'reply', '待送达');
      assert.equal(await page.getByTestId('case-actions').locator('button').count(), 0, 'nothing left for the room to do');
    });

    // 4. The clerk delivers at the counter: 已办结, with the whole timeline.
    await env.withPage('case-lifecycle', DESKTOP, async (page) => {
      await signedIn(page, 'shouli');
      await page.goto('/cases?queue=to_deliver');
      await page.getByTestId('case-table').getByRole('link', { name: caseNumber }).click();
      await actOnCasePage(page, 'deliver', '已办结');
      const timeline = page.getByTestId('case-timeline');
      const steps = await timeline.locator('.case-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
      assert.deepEqual(steps, ['apply', 'request_materials', 'supplement', 'transfer', 'receive', 'complete_stage', 'decide', 'reply', 'deliver']);
      for (const words of ['一次性告知补齐补正', '补齐补正后受理', '签收', '完成本环节', '作出决定', '回复', '送达']) {
        assert.ok(await timeline.getByText(words, { exact: true }).first().isVisible(), words);
      }
      assert.ok(await timeline.getByText('孙办理').first().isVisible(), 'the room head is named in the timeline');
      await page.getByTestId('case-notices').locator('[data-notice="result"]').waitFor();
      assert.equal(await page.getByTestId('case-actions').locator('button').count(), 0);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'case-lifecycle-full.png'), fullPage: true });
    });
  });

  it('a wrong ID number shows its error at the field, and nothing is sent', async () => {
    await env.withPage('counter-wrong-id', DESKTOP, async (page) => {
      await signedIn(page, 'shouli');
      await page.goto('/counter');
      await page.getByTestId('item-search').fill('jsgcgh');
      await page.getByTestId('item-results').getByRole('option').first().click();
      const posts: string[] = [];
      page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/cases')) posts.push(r.url()); });
      await page.getByTestId('applicant-name').fill('王秀英');
      const id = page.getByTestId('applicant-id');
      await id.fill(wrongChecksum(validId()));
      // Checked as typed: the checksum message sits under the field, tied to it for screen readers.
      const error = page.getByTestId('err-idNumber');
      await error.waitFor();
      assert.match(await error.innerText(), /校验位不正确/);
      assert.equal(await id.getAttribute('aria-invalid'), 'true');
      assert.equal(await id.getAttribute('aria-describedby'), await error.getAttribute('id'));
      await id.press('Enter');
      await page.getByTestId('counter-submit').click();
      await page.waitForTimeout(300);
      assert.deepEqual(posts, [], 'the form is not submitted');
      assert.equal(await page.getByTestId('counter-done').count(), 0);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'applicant-id', 'focus goes to the wrong field');
      // Fixing the last character clears the error.
      await id.fill(validId());
      await error.waitFor({ state: 'detached' });
      assert.match(await page.locator('#' + (await id.getAttribute('aria-describedby'))!.replace(/:/g, '\\:')).innerText(), /校验通过/);
      await id.fill(wrongChecksum(validId()));
      await error.waitFor();
    });
  });

  it('a citizen looks up progress on a 360×640 phone with the case number and lookup code', async () => {
    // A case accepted at the county desk a moment ago (through the API, as the counter would).
    let number = '';
    let code = '';
    await env.withPage('progress-setup', DESKTOP, async (page) => {
      const login = await page.request.post('/api/auth/login', { data: { username: 'shouli', password: DEMO_PASSWORD } });
      assert.equal(login.status(), 200);
      const items = await (await page.request.get('/api/public/catalog?orgCode=341125&q=jsgcgh')).json() as { items: { id: string }[] };
      const created = await page.request.post('/api/cases', {
        data: { itemId: items.items[0]!.id, channel: 'counter', applicant: { name: '刘桂兰', idNumber: validId('34112519720601004'), phone: '13955551234' } },
      });
      assert.equal(created.status(), 201);
      const c = (await created.json()) as { case: { id: string; number: string; lookupCode: string; version: number } };
      const accepted = await page.request.post(`/api/cases/${c.case.id}/accept`, { data: { version: c.case.version } });
      assert.equal(accepted.status(), 200);
      number = c.case.number;
      code = c.case.lookupCode;
    });

    await env.withPage('portal-progress', PHONE, async (page) => {
      await page.goto('/portal');
      await page.getByRole('link', { name: '进度查询' }).click();
      // A wrong code is told in words, with nothing about the case.
      await page.getByTestId('progress-number').fill(number);
      await page.getByTestId('progress-secret').fill('ZZZZZZ');
      await page.getByTestId('progress-submit').click();
      const error = page.getByTestId('progress-error');
      await error.waitFor();
      assert.match(await error.innerText(), /未找到该办件/);

      await page.getByTestId('progress-secret').fill(code.toLowerCase());
      await page.getByTestId('progress-submit').click();
      const result = page.getByTestId('progress-result');
      await result.waitFor();
      assert.equal(await error.count(), 0);
      const text = await result.innerText();
      assert.match(text, /建设工程规划许可证核发/);
      assert.equal((await page.getByTestId('progress-state').innerText()).trim(), '已受理（待转办）');
      assert.match(await page.getByTestId('progress-unit').innerText(), /示范县综合受理窗口/);
      assert.match(await page.getByTestId('progress-due').innerText(), /\d{4}\/\d{2}\/\d{2}.*剩余 \d+ 个工作日/);
      assert.match(await page.getByTestId('progress-stages').innerText(), /县规划局审查决定/);
      assert.match(await page.getByTestId('progress-steps').innerText(), /受理[\s\S]*申请/);
      assert.doesNotMatch(text, /刘桂兰|1395555|李受理/, 'no applicant, no phone, no staff name');
      await noOverflow(page);
    });

    // The last four phone digits work as well.
    await env.withPage('portal-progress-phone4', PHONE, async (page) => {
      await page.goto('/portal/progress');
      await page.getByTestId('progress-number').fill(number);
      await page.getByTestId('progress-by-phone').check();
      await page.getByTestId('progress-secret').fill('1234');
      await page.getByTestId('progress-submit').click();
      await page.getByTestId('progress-result').waitFor();
      assert.equal((await page.getByTestId('progress-state').innerText()).trim(), '已受理（待转办）');
    });
  });

  it('someone else acted first: the page says so in words and refreshes to the current state', async () => {
    await env.withPage('case-stale-version', DESKTOP, async (page) => {
      await signedIn(page, 'shouli');
      const items = await (await page.request.get('/api/public/catalog?orgCode=341125&q=jsgcgh')).json() as { items: { id: string }[] };
      const created = await page.request.post('/api/cases', {
        data: { itemId: items.items[0]!.id, channel: 'counter', applicant: { name: '陈立新', idNumber: validId('34112519800101003') } },
      });
      const c = (await created.json()) as { case: { id: string; version: number } };
      await page.goto(`/cases/${c.case.id}`);
      await page.getByTestId('case-state').getByText('已申请', { exact: true }).waitFor();
      // Another clerk at the desk accepts it from their screen.
      assert.equal((await page.request.post(`/api/cases/${c.case.id}/accept`, { data: { version: c.case.version } })).status(), 200);
      await page.getByTestId('case-actions').locator('[data-action="accept"]').click();
      await page.getByTestId('action-form').getByTestId('action-submit').click();
      const stale = page.getByTestId('case-stale');
      await stale.waitFor();
      assert.match(await stale.innerText(), /办件已被他人处理，请刷新后重试/);
      await stale.getByRole('button', { name: /立即刷新/ }).click();
      await stale.waitFor({ state: 'detached' });
      await page.getByTestId('case-state').getByText('已受理（待转办）', { exact: true }).waitFor();
      assert.equal(await page.getByTestId('case-actions').locator('[data-action="accept"]').count(), 0, 'accept is no longer offered');
    });
  });

  for (const [size, options] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`case screens at ${size}: counter, work lists, case page — no sideways scrolling`, async (t) => {
      if (!caseId) {
        t.skip('the lifecycle test did not leave a case');
        return;
      }
      await env.withPage(`screen-counter-${size}`, options, async (page) => {
        await signedIn(page, 'shouli');
        await page.goto('/counter');
        await page.getByTestId('item-search').fill('db');
        await page.getByTestId('item-results').getByRole('option').first().waitFor();
        await noOverflow(page);
      });
      await env.withPage(`screen-cases-${size}`, options, async (page) => {
        await signedIn(page, 'shouli');
        await page.goto('/cases');
        await page.getByTestId('case-table').getByRole('link', { name: caseNumber }).waitFor();
        await noOverflow(page);
      });
      await env.withPage(`screen-case-${size}`, options, async (page) => {
        await signedIn(page, 'shouli');
        await page.goto(`/cases/${caseId}`);
        await page.getByTestId('case-timeline').waitFor();
        await noOverflow(page);
      });
    });
  }
});
