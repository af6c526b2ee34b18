import type { Kysely } from 'kysely';
import { loadOfficialYears } from '../../domain/calendar.ts';
import holidays from '../../domain/holidays/cn-holidays.json' with { type: 'json' };
import { timestamp } from './types.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestamp(db);

  await db.schema.createTable('calendar_years')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  await db.schema.createTable('calendar_local_changes')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_local_changes_pk', ['org_id', 'date'])
    .execute();

  const at = new Date().toISOString();
  const years = loadOfficialYears(holidays);
  await db.insertInto('calendar_years')
    .values(years.map((y) => ({ year: y.year, data: JSON.stringify(y), source: 'official', updated_at: at, updated_by: null })))
    .execute();
}
