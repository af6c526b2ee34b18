// The real server as a child process: bad settings and a dead database give a message and an exit code, not a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_PASSWORD, engineUnderTest, freshDatabaseTarget, TEST_SECRET } from '../test/helpers.ts';

const MAIN = path.resolve(import.meta.dirname, 'main.ts');

function run(env: Record<string, string>, untilLine?: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, BIANMIN_SECRET: TEST_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const matched = untilLine
    ? new Promise<RegExpMatchArray>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = stdout.match(untilLine);
        if (m) resolve(m);
      });
      void exited.then(() => reject(new Error(`exited before ${untilLine}: ${stdout} ${stderr}`)));
    })
    : null;
  return { child, exited, matched, output: () => ({ stdout, stderr }) };
}

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at /m, 'no stack trace');

describe('server start-up', () => {
  it('a bad setting: exit 2 with every problem named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bianmin-start-'));
    const p = run({ PORT: 'abc', LOG_LEVEL: 'loud', DATA_DIR: dir });
    assert.equal(await p.exited, 2);
    const { stderr } = p.output();
    assert.match(stderr, /^bianmin: 配置有误 \(invalid configuration\):\n {2}- PORT="abc" 无效，应为 0 到 65535 之间的整数\n {2}- LOG_LEVEL="loud" 无效/);
    noStack(stderr);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a database that is down: exit 1 with a clear message', async () => {
    const p = run({ DATABASE_URL: 'postgres://bianmin:pw@127.0.0.1:1/bianmin' });
    assert.equal(await p.exited, 1);
    const { stderr } = p.output();
    assert.match(stderr, /^bianmin: 无法打开数据库 PostgreSQL postgres:\/\/bianmin:\*\*\*@127\.0\.0\.1:1\/bianmin：ECONNREFUSED/);
    assert.match(stderr, /请确认数据库已启动、地址和账号正确/);
    assert.doesNotMatch(stderr, /:pw@/, 'the password is not printed');
    noStack(stderr);
  });

  it(`starts on ${engineUnderTest}, migrates, loads demo data, serves sign-in, stops on SIGTERM`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bianmin-start-'));
    const db = await freshDatabaseTarget();
    try {
      const p = run({ DATA_DIR: dir, DATABASE_URL: db.url, DEMO_DATA: 'true', PORT: '0' }, /已启动：(http:\/\/127\.0\.0\.1:\d+)/);
      const [, base] = await p.matched!;
      assert.deepEqual(await (await fetch(`${base}/readyz`)).json(), { status: 'ready', engine: engineUnderTest });
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
      });
      assert.equal(login.status, 200);
      p.child.kill('SIGTERM');
      assert.equal(await p.exited, 0);
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
