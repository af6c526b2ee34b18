// Runs every *.test.ts with node:test and fails when any test fails or none ran
// (Node 20's `node --test <dir>` silently runs 0 tests). Browser tests (*.browser.test.ts) run too
// when Debian's Chromium is installed; otherwise they are skipped, and this says so.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const roots = ['server', 'shared', 'scripts', 'test', 'web'];
const CHROMIUM = '/usr/bin/chromium';
const only = process.argv.slice(2);

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let files = roots.flatMap((r) => { try { return find(r); } catch { return []; } }).sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('没有找到测试文件 (no test files found)');
  process.exit(1);
}

let browser = 'none';
if (files.some((f) => f.endsWith('.browser.test.ts'))) {
  if (existsSync(CHROMIUM)) {
    browser = 'ran';
    // Build the web app once here, not in each browser test file at the same time.
    const built = spawnSync(process.execPath, ['scripts/build-web.mjs', '--if-stale'], { stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status || 1);
  } else {
    browser = 'skipped';
    files = files.filter((f) => !f.endsWith('.browser.test.ts'));
    console.log(`browser tests SKIPPED: ${CHROMIUM} not found (apt-get install chromium fonts-wqy-zenhei)`);
  }
}
if (files.length === 0) {
  console.error('没有可运行的测试文件 (no runnable test files)');
  process.exit(1);
}

const engine = process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
console.log(`bianmin tests: ${files.length} files, database tests on ${engine}, browser tests: ${browser}`);
const tap = path.join(mkdtempSync(path.join(tmpdir(), 'bianmin-tap-')), 'report.tap');
const result = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });

const report = readFileSync(tap, 'utf8');
const count = (k) => Number(report.match(new RegExp(`^# ${k} (\\d+)`, 'm'))?.[1] ?? 0);
const summary = { tests: count('tests'), pass: count('pass'), fail: count('fail'), skipped: count('skipped'), engine, browser };
console.log(`\nSUMMARY ${JSON.stringify(summary)}`);
if (browser === 'skipped') console.log(`browser tests SKIPPED: ${CHROMIUM} not found (apt-get install chromium fonts-wqy-zenhei)`);
if (result.status !== 0 || summary.fail > 0) process.exit(result.status || 1);
if (summary.pass === 0) {
  console.error('没有任何测试通过：测试未运行 (0 tests passed)');
  process.exit(1);
}
