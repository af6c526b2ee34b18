import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, describeDatabase, loadConfig } from './config.ts';

const SECRET = 'x'.repeat(32);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ BIANMIN_SECRET: SECRET, ...env });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  return [];
}

describe('config', () => {
  it('defaults to SQLite under data/, loopback, port 3000, demo data on', () => {
    const c = loadConfig({ BIANMIN_SECRET: SECRET });
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.deepEqual(c.database, { kind: 'sqlite', file: path.resolve('data/bianmin.db') });
    assert.equal(c.demoData, true);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.sessionIdleMinutes, 30);
    assert.equal(c.sessionMaxHours, 12);
  });

  it('runs the statistics rollup every 300 s over today and yesterday, off under NODE_ENV=test unless set', () => {
    const c = loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'development' });
    assert.equal(c.statisticsRollupSeconds, 300);
    assert.equal(c.statisticsLookbackDays, 2);
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'test' }).statisticsRollupSeconds, 0);
    const set = loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'test', STATISTICS_ROLLUP_SECONDS: '60', STATISTICS_LOOKBACK_DAYS: '3' });
    assert.deepEqual([set.statisticsRollupSeconds, set.statisticsLookbackDays], [60, 3]);
  });

  it('limits public routes to 120 requests a minute per address by default; PUBLIC_RATE_LIMIT_PER_MINUTE sets it', () => {
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'production' }).publicRateLimitPerMinute, 120);
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, PUBLIC_RATE_LIMIT_PER_MINUTE: '600' }).publicRateLimitPerMinute, 600);
    assert.throws(() => loadConfig({ BIANMIN_SECRET: SECRET, PUBLIC_RATE_LIMIT_PER_MINUTE: '0' }), /PUBLIC_RATE_LIMIT_PER_MINUTE="0" 无效/);
  });

  it('expires passwords after 90 days by default (等保 periodic change); 0 turns it off; off under NODE_ENV=test unless set', () => {
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'development' }).passwordMaxAgeDays, 90);
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'production' }).passwordMaxAgeDays, 90);
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'development', PASSWORD_MAX_AGE_DAYS: '0' }).passwordMaxAgeDays, 0);
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'test' }).passwordMaxAgeDays, 0);
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'test', PASSWORD_MAX_AGE_DAYS: '30' }).passwordMaxAgeDays, 30);
    assert.deepEqual(problemsOf({ PASSWORD_MAX_AGE_DAYS: 'ninety' }), ['PASSWORD_MAX_AGE_DAYS="ninety" 无效，应为 0 到 3650 之间的整数']);
    assert.deepEqual(problemsOf({ PASSWORD_MAX_AGE_DAYS: '4000' }), ['PASSWORD_MAX_AGE_DAYS="4000" 无效，应为 0 到 3650 之间的整数']);
  });

  it('picks PostgreSQL for a postgres:// URL and turns demo data off', () => {
    const c = loadConfig({ BIANMIN_SECRET: SECRET, DATABASE_URL: 'postgres://u:p@db:5432/bianmin' });
    assert.equal(c.database.kind, 'postgres');
    assert.equal(c.demoData, false);
    assert.equal(describeDatabase(c.database), 'PostgreSQL postgres://u:***@db:5432/bianmin');
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['port not a number', { PORT: 'abc' }, /^PORT="abc" 无效，应为 0 到 65535 之间的整数$/],
    ['port too large', { PORT: '70000' }, /^PORT="70000" 无效/],
    ['unknown database scheme', { DATABASE_URL: 'mysql://x' }, /只支持 postgres:\/\/ 或 sqlite:/],
    ['broken postgres URL', { DATABASE_URL: 'postgres://a b' }, /不是合法的 URL/],
    ['log level', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL="loud" 无效，可选：fatal/],
    ['short secret', { BIANMIN_SECRET: 'short' }, /BIANMIN_SECRET 至少 32 个字符/],
    ['bad flag', { TRUST_PROXY: 'maybe' }, /TRUST_PROXY="maybe" 无效，应为 true 或 false/],
    ['network address without TLS', { HOST: '0.0.0.0' }, /不是本机回环地址，却未配置 TLS/],
    ['TLS half configured', { TLS_CERT_FILE: '/nonexistent.pem' }, /必须同时设置/],
    ['idle timeout above 30 minutes', { SESSION_IDLE_MINUTES: '60' }, /SESSION_IDLE_MINUTES="60" 无效/],
    ['bad host', { HOST: 'a b' }, /HOST="a b" 不是合法的地址/],
    ['rollup interval not a number', { STATISTICS_ROLLUP_SECONDS: 'often' }, /STATISTICS_ROLLUP_SECONDS="often" 无效，应为 0 到 86400 之间的整数/],
    ['rollup lookback of 0 days', { STATISTICS_LOOKBACK_DAYS: '0' }, /STATISTICS_LOOKBACK_DAYS="0" 无效，应为 1 到 31 之间的整数/],
  ];
  for (const [name, env, expected] of bad) {
    it(`refuses ${name}`, () => {
      const problems = problemsOf(env);
      assert.ok(problems.some((p) => expected.test(p)), `${JSON.stringify(problems)} should match ${expected}`);
    });
  }

  it('reports every bad value at once', () => {
    assert.equal(problemsOf({ PORT: 'x', LOG_LEVEL: 'y', DEMO_DATA: 'z' }).length, 3);
  });

  it('requires a secret in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /生产环境 \(NODE_ENV=production\) 必须设置 BIANMIN_SECRET/);
  });

  it('allows plain HTTP on a network address only when told to', () => {
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, HOST: '0.0.0.0', ALLOW_INSECURE_HTTP: 'true' }).allowInsecureHttp, true);
    assert.equal(loadConfig({ BIANMIN_SECRET: SECRET, HOST: '0.0.0.0', TRUST_PROXY: 'true' }).trustProxy, true);
  });

  it('sweeps for supervision every 60 s and sends notifications every 10 s, both off under NODE_ENV=test unless set; channels only when configured', () => {
    const c = loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'development' });
    assert.deepEqual(c.supervision, { sweepSeconds: 60, sweepPage: 500 });
    assert.deepEqual([c.notify.workerSeconds, c.notify.maxAttempts, c.notify.retryBaseSeconds, c.notify.webhook, c.notify.smtp], [10, 8, 30, null, null]);
    const test = loadConfig({ BIANMIN_SECRET: SECRET, NODE_ENV: 'test' });
    assert.deepEqual([test.supervision.sweepSeconds, test.notify.workerSeconds], [0, 0]);
    const set = loadConfig({
      BIANMIN_SECRET: SECRET, NODE_ENV: 'test', SUPERVISION_SWEEP_SECONDS: '5', SUPERVISION_SWEEP_PAGE: '200', NOTIFY_WORKER_SECONDS: '2',
      NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/sms', NOTIFY_WEBHOOK_SECRET: 'sixteen-chars-ok!', SMTP_HOST: 'mail.example.gov.cn', SMTP_PORT: '587', SMTP_FROM: '监察室 <jiancha@example.gov.cn>',
    });
    assert.deepEqual(set.supervision, { sweepSeconds: 5, sweepPage: 200 });
    assert.deepEqual(set.notify.webhook, { url: 'http://127.0.0.1:9/sms', secret: 'sixteen-chars-ok!' });
    assert.deepEqual(set.notify.smtp, { host: 'mail.example.gov.cn', port: 587, secure: false, user: null, password: null, from: '监察室 <jiancha@example.gov.cn>' });
  });

  it('refuses a webhook without a signing secret, a bad webhook URL, SMTP without a sender and bad periods', () => {
    const p = problemsOf({ NOTIFY_WEBHOOK_URL: 'ftp://x', NOTIFY_WEBHOOK_SECRET: 'short', SMTP_HOST: 'mail', SUPERVISION_SWEEP_SECONDS: '-1', NOTIFY_MAX_ATTEMPTS: '0' });
    assert.equal(p.length, 5, p.join('\n'));
    assert.ok(p.some((x) => x.includes('NOTIFY_WEBHOOK_URL')));
    assert.ok(p.some((x) => x.includes('NOTIFY_WEBHOOK_SECRET')));
    assert.ok(p.some((x) => x.includes('SMTP_FROM')));
    assert.ok(p.some((x) => x.includes('SUPERVISION_SWEEP_SECONDS')));
    assert.ok(p.some((x) => x.includes('NOTIFY_MAX_ATTEMPTS')));
  });

  it('outside production generates a secret once and keeps it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bianmin-cfg-'));
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    assert.equal(a.secret, b.secret);
    assert.ok(a.secret.length >= 32);
    assert.equal(readFileSync(path.join(dir, 'secret.key'), 'utf8').trim(), a.secret);
    rmSync(dir, { recursive: true, force: true });
  });
});
