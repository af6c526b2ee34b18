// Shared by the server and the admin commands: settings and database, or a clear message and exit.
import { ConfigError, describeDatabase, loadConfig, type Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/index.ts';
import { migrateToLatest } from './db/migrations/index.ts';

export function fail(message: string, code = 1): never {
  process.stderr.write(`bianmin: ${message}\n`);
  process.exit(code);
}

/** Opens the configured database or exits with a message an operator can act on (never a stack trace). */
export async function openOrExit(config: Config, opts: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  try {
    const handle = await openDatabase(config.database);
    if (opts.migrate ?? true) await migrateToLatest(handle.db);
    return handle;
  } catch (err) {
    const reason = err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}`.trim() : String(err);
    return fail(`无法打开数据库 ${describeDatabase(config.database)}：${reason}\n请确认数据库已启动、地址和账号正确 (cannot open the database; is it running and is DATABASE_URL right?)`);
  }
}

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, 2);
    throw err;
  }
}
