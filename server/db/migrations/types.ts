import { sql, type Kysely } from 'kysely';
import { engineOf } from '../index.ts';

/** A moment: timestamptz on PostgreSQL, ISO-8601 text on SQLite (both read back as ISO text). */
export function timestamp(db: Kysely<any>) {
  return engineOf(db) === 'postgres' ? sql`timestamptz` : sql`text`;
}

/**
 * The database itself refuses to change or remove rows of `table` (triggers on both engines; TRUNCATE
 * too on PostgreSQL). `table` is a constant from a migration, never user input.
 */
export async function makeAppendOnly(db: Kysely<any>, table: string): Promise<void> {
  const t = sql.raw(table);
  const message = sql.lit(`${table} is append-only`);
  if (engineOf(db) === 'postgres') {
    await sql`create function ${sql.raw(`${table}_refuse`)}() returns trigger language plpgsql as $$
      begin raise exception ${message} using errcode = '42501'; end $$`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_update`)} before update or delete on ${t}
      for each row execute function ${sql.raw(`${table}_refuse`)}()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${t}
      for each statement execute function ${sql.raw(`${table}_refuse`)}()`.execute(db);
  } else {
    await sql`create trigger ${sql.raw(`${table}_no_update`)} before update on ${t}
      begin select raise(abort, ${message}); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_delete`)} before delete on ${t}
      begin select raise(abort, ${message}); end`.execute(db);
  }
}
