// Engine selection and the one place where SQLite and PostgreSQL differences are smoothed over.
import Sqlite from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresAdapter, PostgresDialect } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseTarget } from '../config.ts';
import type { Database } from './schema.ts';
import { GroupCommitSqliteDialect, GroupCommitSqliteDriver, registerGroupCommit } from './sqlite-group-commit.ts';

export type Engine = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  engine: Engine;
  /** The better-sqlite3 handle, for the online backup API. */
  sqlite?: Sqlite.Database;
  close(): Promise<void>;
}

// pg hands back int8 and count(*) as strings and timestamps as Date; modules expect numbers and ISO text.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => new Date(v + 'Z').toISOString());

export function openSqlite(file: string): Sqlite.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('secure_delete = ON');
  return sqlite;
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'sqlite') {
    const sqlite = openSqlite(target.file);
    const driver = new GroupCommitSqliteDriver(sqlite);
    const db = new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(driver) });
    registerGroupCommit(db, driver);
    return { db, engine: 'sqlite', sqlite, close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 16, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await db.executeQuery(CompiledQuery.raw('select 1'));
  return { db, engine: 'postgres', close: () => db.destroy() };
}

export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
