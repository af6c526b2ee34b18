// Statistics (issue 6): a summary of case facts keyed by dates that are set once (accepted_at,
// finished_at), rolled up by a job outside the case transaction (docs/decisions/0008). The case
// write path gains no statement: only two partial indexes on cases (the rollup and the live tail
// read a day's accepted and ended cases by moment) and one on open cases' due moment ("overdue now").
//
// stat_day        one row per Shanghai day × accepting org × accepting unit × item × channel;
// stat_month      the same per month, rebuilt from stat_day when every day of the month is final;
// stat_month_unit per month × org × unit × channel (no item): the small table for reports that
//                 neither filter nor group by item (by org, unit, window, channel, month);
// stat_rollup_days / stat_rollup_months: when each day was computed, whether that is final
//                 (computed after the day ended plus a settling margin), and a checksum, so an
//                 unchanged day is not rewritten and a month is rebuilt only when a day changed.
import { sql, type Kysely } from 'kysely';
import { engineOf } from '../index.ts';
import { timestamp } from './types.ts';

const MEASURES = ['accepted', 'finished', 'finished_on_time', 'working_days', 'refused', 'denied', 'withdrawn'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestamp(db);
  const postgres = engineOf(db) === 'postgres';
  const pathIndex = async (name: string, table: string, period: string) => {
    if (postgres) await sql`create index ${sql.raw(name)} on ${sql.raw(table)} (org_path text_pattern_ops, ${sql.raw(period)})`.execute(db);
    else await db.schema.createIndex(name).on(table).columns(['org_path', period]).execute();
  };

  const facts = (name: string, period: 'day' | 'month', withItem: boolean) => {
    let t: any = db.schema.createTable(name)
      .addColumn(period, 'text', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('org_path', 'text', (c) => c.notNull())
      .addColumn('unit_id', 'text', (c) => c.notNull());
    if (withItem) t = t.addColumn('item_id', 'text', (c: any) => c.notNull());
    t = t.addColumn('channel', 'text', (c: any) => c.notNull());
    for (const m of MEASURES) t = t.addColumn(m, 'integer', (c: any) => c.notNull());
    return (t as ReturnType<typeof db.schema.createTable>).addPrimaryKeyConstraint(`${name}_pk`, [period, 'org_id', 'unit_id', ...(withItem ? ['item_id'] : []), 'channel'] as any);
  };
  await facts('stat_day', 'day', true).execute();
  await facts('stat_month', 'month', true).execute();
  await facts('stat_month_unit', 'month', false).execute();
  await pathIndex('stat_month_path', 'stat_month', 'month');
  await pathIndex('stat_month_unit_path', 'stat_month_unit', 'month');

  await db.schema.createTable('stat_rollup_days')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('rolled_at', ts, (c) => c.notNull())
    .addColumn('final', 'smallint', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createTable('stat_rollup_months')
    .addColumn('month', 'text', (c) => c.primaryKey())
    .addColumn('built_at', ts, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();

  // The rollup and the live tail read one period's accepted and ended cases by moment.
  await sql`create index cases_stat_accepted on cases (accepted_at) where accepted_at is not null`.execute(db);
  await sql`create index cases_stat_finished on cases (finished_at) where finished_at is not null`.execute(db);
  // "Overdue now": running cases past their due moment; finished cases keep due_at, so only open ones are indexed.
  await sql`create index cases_stat_open_due on cases (due_at) where state in ('accepted', 'in_transfer', 'handling')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['cases_stat_accepted', 'cases_stat_finished', 'cases_stat_open_due']) await sql`drop index if exists ${sql.raw(i)}`.execute(db);
  for (const t of ['stat_rollup_months', 'stat_rollup_days', 'stat_month_unit', 'stat_month', 'stat_day']) await db.schema.dropTable(t).ifExists().execute();
}
