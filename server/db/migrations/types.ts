import { sql, type Kysely } from 'kysely';
import { engineOf } from '../index.ts';

/** A moment: timestamptz on PostgreSQL, ISO-8601 text on SQLite (both read back as ISO text). */
export function timestamp(db: Kysely<any>) {
  return engineOf(db) === 'postgres' ? sql`timestamptz` : sql`text`;
}
