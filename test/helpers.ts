// Test support: a fresh real database per test file (SQLite, or PostgreSQL when DATABASE_URL is set).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Writable } from 'node:stream';
import { buildApp } from '../server/app.ts';
import { loadConfig, type Config, type DatabaseTarget } from '../server/config.ts';
import type { AppContext } from '../server/context.ts';
import { openDatabase, type DatabaseHandle } from '../server/db/index.ts';
import { migrateToLatest } from '../server/db/migrations/index.ts';
import type { App } from '../server/http/types.ts';
import { DEMO_PASSWORD, seedDemo } from '../server/seed/demo.ts';

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789';
export { DEMO_PASSWORD };

export const engineUnderTest: 'sqlite' | 'postgres' = process.env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite';

/** A brand-new empty database; `drop` removes it. */
export async function freshDatabaseTarget(): Promise<{ target: DatabaseTarget; url: string; drop: () => Promise<void> }> {
  if (engineUnderTest === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'bianmin-test-'));
    const file = path.join(dir, 'test.db');
    return { target: { kind: 'sqlite', file }, url: `sqlite:${file}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = new URL(process.env.DATABASE_URL!);
  const name = `bianmin_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString() },
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A clock tests can move. */
export class TestClock {
  constructor(private t = Date.parse('2026-03-02T01:00:00Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

export function testConfig(target: DatabaseTarget, overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ BIANMIN_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', DEMO_DATA: 'false' }, { createSecret: false });
  return { ...base, database: target, ...overrides };
}

export interface TestEnv {
  ctx: AppContext;
  handle: DatabaseHandle;
  clock: TestClock;
  url: string;
  close: () => Promise<void>;
}

export async function testEnv(opts: { seed?: boolean; config?: Partial<Config> } = {}): Promise<TestEnv> {
  const { target, url, drop } = await freshDatabaseTarget();
  const handle = await openDatabase(target);
  await migrateToLatest(handle.db);
  const clock = new TestClock();
  const ctx: AppContext = { db: handle.db, engine: handle.engine, config: testConfig(target, opts.config), now: clock.now };
  if (opts.seed ?? true) await seedDemo(ctx);
  return {
    ctx, handle, clock, url,
    close: async () => {
      await handle.close();
      await drop();
    },
  };
}

/** Collects every log line the app writes, to check what leaks into logs. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.lines.push(chunk.toString());
    done();
  }
}

export interface TestApp extends TestEnv {
  app: App;
  logs: LogCapture;
  /** Signs in and returns the Cookie header value for later requests. */
  login(username: string, password?: string): Promise<string>;
}

export async function testApp(opts: { seed?: boolean; config?: Partial<Config> } = {}): Promise<TestApp> {
  const env = await testEnv(opts);
  const logs = new LogCapture();
  env.ctx.config = { ...env.ctx.config, logLevel: 'info' };
  const app = await buildApp(env.ctx, { logStream: logs });
  await app.ready();
  return {
    ...env, app, logs,
    close: async () => {
      await app.close();
      await env.close();
    },
    async login(username, password = DEMO_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      return cookieFrom(res.headers['set-cookie']);
    },
  };
}

export function cookieFrom(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (!first) throw new Error('no Set-Cookie');
  return first.split(';')[0]!;
}

export async function orgIdByCode(ctx: AppContext, code: string): Promise<string> {
  const row = await ctx.db.selectFrom('orgs').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

/** The demo orgs most tests act around: 示范县, its township 大汉山镇, that township's 黄龙村, and the other county 东山县. */
export async function demoOrgIds(ctx: AppContext) {
  const [county, town, village, otherCounty] = await Promise.all(
    ['341125', '341125101', '341125101001', '341126'].map((code) => orgIdByCode(ctx, code)),
  );
  return { county: county!, town: town!, village: village!, otherCounty: otherCounty! };
}

export async function userIdByName(ctx: AppContext, username: string): Promise<string> {
  const row = await ctx.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return row.id;
}
