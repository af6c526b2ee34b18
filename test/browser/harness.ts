// Browser tests against the real thing: the server started as `npm start` would (a child process on
// 127.0.0.1, a random free port, a fresh DATA_DIR with demo data) and Debian's Chromium driven by
// playwright-core. Each test gets a new browser context (empty storage) and leaves a screenshot of
// its final state in test-results/screenshots/<name>.png, pass or fail.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import type { DatabaseTarget } from '../../server/config.ts';
import { engineUnderTest, freshDatabaseTarget } from '../helpers.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (apt-get install chromium fonts-wqy-zenhei)`;
export const DEMO_PASSWORD = 'Bianmin#2026';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(root, 'test-results', 'screenshots');

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1366, height: 768 } };

export interface RunningServer {
  url: string;
  /** The server's database, for a test that must set up what no API can (e.g. a password changed 100 days ago). */
  database: DatabaseTarget;
  stop: () => Promise<void>;
}

/** Builds web/dist when it is missing or older than its sources (scripts/test.mjs has usually done it). */
export function ensureWebBuilt(): void {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-web.mjs'), '--if-stale'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
}

/** The server as `npm start` runs it, on a random port, with a fresh database and demo data. */
export async function startServer(): Promise<RunningServer> {
  ensureWebBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bianmin-browser-'));
  // SQLite in the fresh DATA_DIR; under a PostgreSQL run (DATABASE_URL set) a fresh database there.
  const db = engineUnderTest === 'postgres' ? await freshDatabaseTarget() : null;
  const env: NodeJS.ProcessEnv = {
    ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, DEMO_DATA: 'true', LOG_LEVEL: 'info',
    // No timed sweep: a warning raised by the clock in the middle of a test would change the counts it
    // asserts. Signals in browser tests come from case writes (the hook); the sweep has its own tests.
    SUPERVISION_SWEEP_SECONDS: '0',
  };
  delete env.BIANMIN_SECRET;
  if (db) env.DATABASE_URL = db.url;
  else delete env.DATABASE_URL;

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /已启动：(https?:\/\/[\d.]+:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${output}`));
    });
  });
  return {
    url,
    database: db ? db.target : { kind: 'sqlite', file: path.join(dataDir, 'bianmin.db') },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
      await db?.drop();
    },
  };
}

/** playwright-core's launch gives every browser a fresh temporary user-data-dir of its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface BrowserEnv {
  server: RunningServer;
  browser: Browser;
  /** Runs `fn` on a new page in a new context; screenshots the final state; fails on CSP violations or page errors. */
  withPage: (name: string, options: BrowserContextOptions, fn: (page: Page) => Promise<void>) => Promise<void>;
  close: () => Promise<void>;
}

export async function startBrowserEnv(): Promise<BrowserEnv> {
  const server = await startServer();
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await server.stop();
    throw err;
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    server,
    browser,
    async withPage(name, options, fn) {
      const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      try {
        await fn(page);
        if (problems.length) throw new Error(problems.join('\n'));
      } finally {
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false }).catch(() => undefined);
        await context.close();
      }
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.stop();
    },
  };
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

export async function fontSizeOf(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
}

/** Waits until the element's font size reaches `min` px (styles are applied after a re-render), then returns it. */
export async function waitForFontSize(page: Page, selector: string, min: number): Promise<number> {
  await page.waitForFunction(
    ([sel, px]) => parseFloat(getComputedStyle(document.querySelector(sel as string)!).fontSize) >= (px as number),
    [selector, min] as const,
    { timeout: 5000 },
  ).catch(() => undefined);
  return fontSizeOf(page, selector);
}

/**
 * Makes sure the portal has 最低生活保障 to find: when the demo data does not publish it yet, the
 * admin publishes it through the catalog API, as an operator would. Returns why not, if it cannot.
 */
export async function ensurePublishedGuide(server: RunningServer): Promise<string | null> {
  const found = await fetch(`${server.url}/api/public/catalog?q=db`);
  if (found.status === 404) return 'GET /api/public/catalog does not exist (the catalog module is missing)';
  if (JSON.stringify(await found.json()).includes('最低生活保障')) return null;
  const { DEMO_CATALOG } = await import('../../server/seed/demo-catalog.ts');
  const item = DEMO_CATALOG.find((i) => i.name.includes('最低生活保障'));
  if (!item) return 'the demo catalog has no 最低生活保障 item';
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const orgs = (await (await fetch(`${server.url}/api/orgs?level=county`, { headers: { cookie } })).json()) as { items: { id: string; code: string }[] };
  const county = orgs.items.find((o) => o.code === '341125');
  if (!county) return 'the demo county 341125 is missing';
  const res = await fetch(`${server.url}/api/catalog/items?ownerOrgId=${county.id}&publish=true`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(item),
  });
  if (res.status !== 201) return `publishing 最低生活保障 failed: ${res.status} ${(await res.text()).slice(0, 300)}`;
  return null;
}

/** Opens an action's form on the case page, fills it with `fill`, submits, and waits for the new state. */
export async function actOnCasePage(page: Page, action: string, state: string, fill?: () => Promise<void>): Promise<void> {
  await page.getByTestId('case-actions').locator(`[data-action="${action}"]`).click();
  const form = page.getByTestId('action-form');
  await form.waitFor();
  await fill?.();
  const submit = form.getByTestId('action-submit');
  await submit.click();
  // On a loaded CI machine a click during the dialog's opening animation is sometimes lost (the form
  // stays open, nothing sent, no error shown): click once more then. A 409 after a real double submit
  // would show in the form and fail below with its words.
  const closed = await form.waitFor({ state: 'detached', timeout: 10_000 }).then(() => true, () => false);
  if (!closed && (await form.getByRole('alert').count()) === 0) await submit.click().catch(() => {});
  // If the form still stays, say what it shows (an error, a 409) rather than just timing out.
  await form.waitFor({ state: 'detached', timeout: 30_000 }).catch(async (e: unknown) => {
    throw new Error(`the ${action} form stayed open: ${await form.innerText().catch(() => '')}`, { cause: e });
  });
  await page.getByTestId('case-state').getByText(state, { exact: true }).waitFor();
}

/**
 * Picks an option of an antd Select (typing part of its label first when the select is searchable)
 * and checks that the select now shows it. Under load a click during the dropdown's opening animation
 * is sometimes lost (the dropdown closes, nothing chosen): try again then, at most three times.
 */
export async function chooseOption(page: Page, select: Locator, text: string): Promise<void> {
  const shown = select.locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " ant-select ")][1]')
    .locator('.ant-select-content-has-value').filter({ hasText: text });
  for (let attempt = 1; ; attempt++) {
    await select.click();
    if (await select.isEditable()) await select.fill(text);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
    const chosen = await shown.first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
    if (chosen) return;
    if (attempt === 3) throw new Error(`the select did not take the option ${text}`);
    await page.keyboard.press('Escape');
  }
}
