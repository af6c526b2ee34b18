// Every setting, read from the environment and validated once. Nothing else reads process.env.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseTarget;
  /** Keys the audit chain and session-token hashes; never logged. */
  secret: string;
  logLevel: LogLevel;
  trustProxy: boolean;
  tls: { certFile: string; keyFile: string } | null;
  /** Plain HTTP on a non-loopback address: sign-in cookies lose `Secure` and `__Host-`. */
  allowInsecureHttp: boolean;
  /** 等保 periodic change: days a password may be used before it must be changed; 0 = no expiry. */
  passwordMaxAgeDays: number;
  demoData: boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  production: boolean;
  /** Electronic supervision: seconds between sweeps in each server process (0 = off, the default under NODE_ENV=test), cases per sweep page. */
  supervision: { sweepSeconds: number; sweepPage: number };
  /** Notifications: the outbox worker's period, retries with back-off, and the outbound channels (null = off). */
  notify: NotifyConfig;
  /** Seconds between statistics rollups in the server process; 0 = off (the default under NODE_ENV=test). */
  statisticsRollupSeconds: number;
  /** Days the scheduled rollup recomputes: today and the days before it (2 = today and yesterday). */
  statisticsLookbackDays: number;
  /** Requests a minute one address may make to each public route family (catalog, board, photos, …). */
  publicRateLimitPerMinute: number;
}

export interface NotifyConfig {
  workerSeconds: number;
  maxAttempts: number;
  retryBaseSeconds: number;
  /** The SMS gateway's webhook: JSON POSTed with an HMAC-SHA256 signature header. */
  webhook: { url: string; secret: string } | null;
  smtp: { host: string; port: number; secure: boolean; user: string | null; password: string | null; from: string } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误 (invalid configuration):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Parses and validates the environment; throws ConfigError listing every bad value at once. */
export function loadConfig(env: Env = process.env, opts: { createSecret?: boolean } = {}): Config {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const port = integer(env, 'PORT', 3000, 0, 65535, problems);
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!isIP(host) && !/^[a-zA-Z0-9.-]+$/.test(host)) {
    problems.push(`HOST="${host}" 不是合法的地址或主机名 (not an IP address or host name)`);
  }
  const dataDir = path.resolve(env.DATA_DIR?.trim() || 'data');

  let database: DatabaseTarget = { kind: 'sqlite', file: path.join(dataDir, 'bianmin.db') };
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (/^postgres(ql)?:\/\//.test(url)) {
      try {
        new URL(url);
        database = { kind: 'postgres', url };
      } catch {
        problems.push('DATABASE_URL 不是合法的 URL，应形如 postgres://用户:密码@主机:5432/库名');
      }
    } else if (url.startsWith('sqlite:')) {
      const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
      if (!file) problems.push('DATABASE_URL=sqlite: 后面需要文件路径，例如 sqlite:data/bianmin.db');
      else database = { kind: 'sqlite', file: path.resolve(file) };
    } else {
      problems.push('DATABASE_URL 只支持 postgres:// 或 sqlite: 开头 (only postgres:// or sqlite: URLs)');
    }
  }

  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL="${env.LOG_LEVEL}" 无效，可选：${LOG_LEVELS.join(', ')}`);
  }

  const trustProxy = flag(env, 'TRUST_PROXY', false, problems);
  const allowInsecureHttp = flag(env, 'ALLOW_INSECURE_HTTP', false, problems);
  const demoData = flag(env, 'DEMO_DATA', database.kind === 'sqlite' && !production, problems);
  const sessionIdleMinutes = integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 30, problems);
  const sessionMaxHours = integer(env, 'SESSION_MAX_HOURS', 12, 1, 12, problems);
  // The test runner sets NODE_ENV=test: the rollup stays off in tests unless a test asks for it.
  const testing = (env.NODE_ENV ?? process.env.NODE_ENV) === 'test';
  // Off under NODE_ENV=test unless set: tests move their clock months ahead; the auth tests set it.
  const passwordMaxAgeDays = integer(env, 'PASSWORD_MAX_AGE_DAYS', testing ? 0 : 90, 0, 3650, problems);
  const statisticsRollupSeconds = integer(env, 'STATISTICS_ROLLUP_SECONDS', testing ? 0 : 300, 0, 86_400, problems);
  const statisticsLookbackDays = integer(env, 'STATISTICS_LOOKBACK_DAYS', 2, 1, 31, problems);
  const publicRateLimitPerMinute = integer(env, 'PUBLIC_RATE_LIMIT_PER_MINUTE', 120, 1, 100_000, problems);

  const supervisionTesting = (env.NODE_ENV ?? process.env.NODE_ENV) === 'test';
  const supervision = {
    sweepSeconds: integer(env, 'SUPERVISION_SWEEP_SECONDS', supervisionTesting ? 0 : 60, 0, 86_400, problems),
    sweepPage: integer(env, 'SUPERVISION_SWEEP_PAGE', 500, 10, 10_000, problems),
  };
  const notify = notifyConfig(env, supervisionTesting, problems);

  let tls: Config['tls'] = null;
  const certFile = env.TLS_CERT_FILE?.trim();
  const keyFile = env.TLS_KEY_FILE?.trim();
  if (certFile || keyFile) {
    if (!certFile || !keyFile) problems.push('TLS_CERT_FILE 与 TLS_KEY_FILE 必须同时设置');
    else {
      for (const [name, f] of [['TLS_CERT_FILE', certFile], ['TLS_KEY_FILE', keyFile]] as const) {
        if (!existsSync(f)) problems.push(`${name} 指向的文件不存在：${f}`);
      }
      tls = { certFile, keyFile };
    }
  }

  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  if (!tls && !loopback && !trustProxy && !allowInsecureHttp) {
    problems.push(
      `HOST=${host} 不是本机回环地址，却未配置 TLS。请设置 TLS_CERT_FILE/TLS_KEY_FILE，` +
        '或在 TLS 反向代理之后设置 TRUST_PROXY=true；确需明文 HTTP 时设置 ALLOW_INSECURE_HTTP=true',
    );
  }

  let secret = env.BIANMIN_SECRET ?? '';
  if (secret && secret.length < 32) problems.push('BIANMIN_SECRET 至少 32 个字符');
  if (!secret && production) problems.push('生产环境 (NODE_ENV=production) 必须设置 BIANMIN_SECRET');

  if (problems.length > 0) throw new ConfigError(problems);
  if (!secret) secret = localSecret(dataDir, opts.createSecret ?? true);

  return {
    passwordMaxAgeDays,
    port, host, dataDir, database, secret, logLevel, trustProxy, tls, allowInsecureHttp,
    demoData, sessionIdleMinutes, sessionMaxHours, production, supervision, notify, statisticsRollupSeconds, statisticsLookbackDays,
    publicRateLimitPerMinute,
  };
}

function notifyConfig(env: Env, testing: boolean, problems: string[]): NotifyConfig {
  const workerSeconds = integer(env, 'NOTIFY_WORKER_SECONDS', testing ? 0 : 10, 0, 3600, problems);
  const maxAttempts = integer(env, 'NOTIFY_MAX_ATTEMPTS', 8, 1, 50, problems);
  const retryBaseSeconds = integer(env, 'NOTIFY_RETRY_BASE_SECONDS', 30, 1, 3600, problems);
  let webhook: NotifyConfig['webhook'] = null;
  const url = env.NOTIFY_WEBHOOK_URL?.trim();
  if (url) {
    const secret = env.NOTIFY_WEBHOOK_SECRET ?? '';
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch { /* reported below */ }
    if (!ok) problems.push(`NOTIFY_WEBHOOK_URL="${url}" 不是合法的 http(s) 地址`);
    if (secret.length < 16) problems.push('设置 NOTIFY_WEBHOOK_URL 时必须设置 NOTIFY_WEBHOOK_SECRET（至少 16 个字符，用于签名）');
    if (ok && secret.length >= 16) webhook = { url, secret };
  }
  let smtp: NotifyConfig['smtp'] = null;
  const host = env.SMTP_HOST?.trim();
  if (host) {
    const port = integer(env, 'SMTP_PORT', 25, 1, 65535, problems);
    const secure = flag(env, 'SMTP_SECURE', false, problems);
    const from = env.SMTP_FROM?.trim() ?? '';
    if (!/^[^@\s]+@[^@\s]+$/.test(from.replace(/^.*<(.*)>$/, '$1'))) problems.push('设置 SMTP_HOST 时必须设置 SMTP_FROM（发件人邮箱，如 jiancha@example.gov.cn）');
    else smtp = { host, port, secure, user: env.SMTP_USER?.trim() || null, password: env.SMTP_PASSWORD || null, from };
  }
  return { workerSeconds, maxAttempts, retryBaseSeconds, webhook, smtp };
}

/** Outside production the secret is generated once and kept beside the data, so restarts keep the audit chain verifiable. */
function localSecret(dataDir: string, create: boolean): string {
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!create) throw new ConfigError([`未设置 BIANMIN_SECRET，且 ${file} 不存在`]);
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    problems.push(`${name}="${raw}" 无效，应为 ${min} 到 ${max} 之间的整数`);
    return fallback;
  }
  return n;
}

function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  problems.push(`${name}="${env[name]}" 无效，应为 true 或 false`);
  return fallback;
}

/** The URL with its password hidden, for messages. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `SQLite ${target.file}`;
  const u = new URL(target.url);
  if (u.password) u.password = '***';
  return `PostgreSQL ${u.toString()}`;
}
