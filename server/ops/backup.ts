// Backup and restore for both engines; called by scripts/backup.ts, scripts/restore.ts and the tests.
import Sqlite from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { openDatabase, openSqlite, type Engine } from '../db/index.ts';
import { verifyAuditChain, type VerifyResult } from '../modules/audit/service.ts';

/** A failure the operator can act on; the commands print only its message. */
export class OpsError extends Error {}

export interface BackupResult {
  file: string;
  bytes: number;
  engine: Engine;
}

export async function backupDatabase(config: Config, destFile?: string): Promise<BackupResult> {
  const engine = config.database.kind;
  const file = path.resolve(destFile ?? defaultBackupFile(config, engine));
  if (existsSync(file)) throw new OpsError(`目标文件已存在，不会覆盖：${file} (destination exists)`);
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written under a temporary name and renamed at the end, so a crash never leaves a file that looks complete.
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  closeSync(openSync(tmp, 'wx', 0o600));
  try {
    if (config.database.kind === 'sqlite') await backupSqlite(config.database.file, tmp);
    else await run('pg_dump', ['--format=custom', '--no-owner', `--file=${tmp}`], config.database.url);
    chmodSync(tmp, 0o600);
    if (existsSync(file)) throw new OpsError(`目标文件已存在，不会覆盖：${file} (destination exists)`);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { file, bytes: statSync(file).size, engine };
}

/** `<dataDir>/backups/bianmin-<engine>-<YYYYMMDD-HHmmss>.<db|dump>`, Beijing time. */
function defaultBackupFile(config: Config, engine: Engine): string {
  // China has no daylight saving, so UTC+8 is always Asia/Shanghai.
  const t = new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\D/g, '');
  const stamp = `${t.slice(0, 8)}-${t.slice(8, 14)}`;
  return path.join(config.dataDir, 'backups', `bianmin-${engine}-${stamp}.${engine === 'sqlite' ? 'db' : 'dump'}`);
}

async function backupSqlite(dbFile: string, dest: string): Promise<void> {
  if (!existsSync(dbFile)) throw new OpsError(`数据库文件不存在：${dbFile} (database file not found)`);
  const source = openSqlite(dbFile);
  try {
    // Copy everything in the second step (the first copies nothing): one step is one read of a consistent
    // snapshot, whereas small steps restart from scratch whenever the running server writes in between.
    await source.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  // The copy inherits WAL mode; switch it to a single self-contained file.
  const copy = new Sqlite(dest, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

export interface RestoreOptions {
  /** SQLite: restore even though another connection (a running server) has the database open. */
  force?: boolean;
}

export interface RestoreResult {
  engine: Engine;
  /** The audit chain of the restored database, checked with `config.secret`. */
  audit: VerifyResult;
}

/**
 * Replaces the configured database with a backup. SQLite: the backup is checked first and the server must be
 * stopped. PostgreSQL: pg_restore drops and recreates the backed-up objects in one transaction; meant for an
 * empty database or one to be replaced wholesale (objects the backup lacks are left as they are).
 */
export async function restoreDatabase(config: Config, fromFile: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const from = path.resolve(fromFile);
  if (!existsSync(from) || !statSync(from).isFile()) throw new OpsError(`备份文件不存在：${from} (backup file not found)`);
  const target = config.database;
  if (target.kind === 'sqlite') {
    checkSqliteBackup(from);
    if (path.resolve(target.file) === from) throw new OpsError('备份文件就是当前数据库文件，无需恢复 (backup is the database itself)');
    if (existsSync(target.file) && !opts.force && inUse(target.file)) {
      throw new OpsError(`数据库 ${target.file} 正在被使用，请先停止服务再恢复（确需强制恢复可加 --force）(database in use: stop the server first)`);
    }
    mkdirSync(path.dirname(target.file), { recursive: true });
    const source = new Sqlite(from, { readonly: true, fileMustExist: true });
    try {
      // The backup API writes through the target's own journal/WAL, unlike copying the file over it.
      await source.backup(target.file, { progress: () => 0x7fffffff });
    } finally {
      source.close();
    }
  } else {
    try {
      await run('pg_restore', ['--list', from]);
    } catch (err) {
      if (err instanceof OpsError && err.message.startsWith('未找到')) throw err;
      throw new OpsError(`${from} 不是有效的 pg_dump 备份文件 (not a pg_dump custom-format archive)`);
    }
    await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction'], target.url, [from]);
  }
  const handle = await openDatabase(target);
  try {
    return { engine: target.kind, audit: await verifyAuditChain(handle.db, config.secret) };
  } finally {
    await handle.close();
  }
}

function checkSqliteBackup(file: string): void {
  let db: Sqlite.Database;
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new OpsError(`无法打开备份文件 ${file}：${(err as Error).message}`);
  }
  try {
    const result = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = result.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length > 0) throw new OpsError(`备份文件已损坏，拒绝恢复：${problems.slice(0, 3).join('; ')} (backup failed integrity check)`);
    const tables = new Set((db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[]).map((r) => r.name));
    if (!['kysely_migration', 'audit_log', 'audit_head'].every((t) => tables.has(t))) {
      throw new OpsError(`${file} 不是便民数据库的备份 (not a bianmin backup)`);
    }
  } catch (err) {
    if (err instanceof OpsError) throw err;
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new OpsError(`${file} 不是有效的 SQLite 备份文件 (not a SQLite database)`);
    throw new OpsError(`备份文件已损坏，拒绝恢复：${(err as Error).message} (backup is damaged)`);
  } finally {
    db.close();
  }
}

/** True when any other connection has the file open. */
function inUse(file: string): boolean {
  const db = new Sqlite(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    // In WAL mode every open connection keeps a shared lock on the file, and exclusive locking mode needs
    // that lock to itself, so this also catches an idle server, not only one in the middle of a write.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw err;
  } finally {
    db.close();
  }
}

/** Runs a PostgreSQL client tool; the password goes through the environment, not the visible command line. */
function run(tool: 'pg_dump' | 'pg_restore', args: string[], url?: string, tail: string[] = []): Promise<void> {
  const env = { ...process.env };
  const all = [...args];
  if (url) {
    const u = new URL(url);
    if (u.password) {
      env.PGPASSWORD = decodeURIComponent(u.password);
      u.password = '';
    }
    all.push(tool === 'pg_dump' ? u.toString() : `--dbname=${u.toString()}`);
  }
  all.push(...tail);
  return new Promise((resolve, reject) => {
    execFile(tool, all, { env, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new OpsError(`未找到 ${tool}，请安装 postgresql-client (${tool} not found)`));
      reject(new OpsError(`${tool} 失败：${stderr.trim() || err.message}`));
    });
  });
}
