// Every main screen at a desk (1366×768) and on a cheap phone (360×640): each shows its key content,
// nothing makes the page scroll sideways, and a screenshot is kept to look at
// (test-results/screenshots/screen-<name>-<desktop|phone>.png).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, DESKTOP, ensurePublishedGuide, PHONE, signIn, startBrowserEnv, type BrowserEnv } from './harness.ts';

interface Screen {
  name: string;
  signedIn: boolean;
  open: (page: Page) => Promise<void>;
}

const SCREENS: Screen[] = [
  { name: 'sign-in', signedIn: false, open: async (page) => {
    await page.goto('/login');
    await page.getByRole('heading', { name: '工作人员登录' }).waitFor();
  } },
  { name: 'home', signedIn: true, open: async (page) => {
    await page.getByTestId('home-roles').getByText('系统管理员').waitFor();
  } },
  { name: 'orgs', signedIn: true, open: async (page) => {
    await page.goto('/admin/orgs');
    await page.getByTestId('org-tree').getByText('大汉山镇', { exact: true }).waitFor();
  } },
  { name: 'calendar', signedIn: true, open: async (page) => {
    await page.goto('/admin/calendar');
    await page.getByTestId('calendar-grid').locator('[data-kind="holiday"]').first().waitFor();
  } },
  { name: 'portal-search', signedIn: false, open: async (page) => {
    await page.goto('/portal?q=db');
    await page.getByTestId('portal-results').getByRole('link', { name: /最低生活保障/ }).first().waitFor();
  } },
  { name: 'portal-guide', signedIn: false, open: async (page) => {
    await page.goto('/portal?q=db');
    await page.getByTestId('portal-results').getByRole('link', { name: /最低生活保障/ }).first().click();
    await page.getByTestId('guide-overview').waitFor();
  } },
];

describe('every main screen, desktop and phone (browser)', { skip: chromiumMissing }, () => {
  let env: BrowserEnv;
  let noGuide: string | null = null;
  before(async () => {
    env = await startBrowserEnv();
    noGuide = await ensurePublishedGuide(env.server);
  });
  after(async () => {
    await env?.close();
  });

  for (const [size, options] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    for (const screen of SCREENS) {
      it(`${screen.name} at ${size}`, async (t) => {
        if (screen.name.startsWith('portal-') && noGuide) {
          t.skip(noGuide);
          return;
        }
        await env.withPage(`screen-${screen.name}-${size}`, options, async (page) => {
          if (screen.signedIn) {
            await signIn(page, 'admin');
            await page.getByRole('button', { name: /退\s*出/ }).waitFor();
          }
          await screen.open(page);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
          // Chinese text is drawn with a CJK font (a missing font draws boxes of the fallback's width).
          const han = await page.evaluate(() => {
            const c = document.createElement('canvas').getContext('2d')!;
            c.font = `16px ${getComputedStyle(document.body).fontFamily}`;
            return { han: c.measureText('便民服务').width, box: c.measureText('\u{10FFFD}\u{10FFFD}\u{10FFFD}\u{10FFFD}').width };
          });
          assert.notEqual(han.han, han.box, 'Chinese glyphs render differently from missing-glyph boxes');
        });
      });
    }
  }
});
