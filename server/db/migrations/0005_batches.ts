// Village batches (定期报送): a village room sends its accepted cases to the township's acceptance
// desk in batches with a manifest, and the desk sends results back the same way (回送). A batch
// lists its cases (batch_cases), each with the materials that travel with it and its own status
// (listed → sent → received | missing | returned | withdrawn → delivered; cancelled with its
// batch). Batch numbers come from a per-org, per-kind daily counter. The index on cases serves the
// monthly proxy report (代办月报表): accepted cases of an org's subtree by acceptance moment.
import { sql, type Kysely } from 'kysely';
import { engineOf } from '../index.ts';
import { timestamp } from './types.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestamp(db);
  const postgres = engineOf(db) === 'postgres';

  await db.schema.createTable('batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('village_org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('village_org_path', 'text', (c) => c.notNull())
    .addColumn('village_unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('township_org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('desk_unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('case_count', 'integer', (c) => c.notNull())
    .addColumn('materials_count', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('sent_at', ts)
    .addColumn('sent_by', 'text', (c) => c.references('users.id'))
    .addColumn('checked_at', ts)
    .addColumn('checked_by', 'text', (c) => c.references('users.id'))
    .addColumn('cancelled_at', ts)
    .addColumn('cancelled_by', 'text', (c) => c.references('users.id'))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('batches_village').on('batches').columns(['village_org_id', 'kind', 'state']).execute();
  await db.schema.createIndex('batches_township').on('batches').columns(['township_org_id', 'kind', 'state']).execute();
  await db.schema.createIndex('batches_created').on('batches').column('created_at').execute();
  if (postgres) {
    await sql`create index batches_village_path on batches (village_org_path text_pattern_ops)`.execute(db);
  } else {
    await db.schema.createIndex('batches_village_path').on('batches').column('village_org_path').execute();
  }

  await db.schema.createTable('batch_cases')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('case_number', 'text', (c) => c.notNull())
    .addColumn('materials', 'text', (c) => c.notNull())
    .addColumn('materials_count', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sent_version', 'integer')
    .addColumn('signed_at', ts)
    .addColumn('signed_by', 'text', (c) => c.references('users.id'))
    .addColumn('flagged_at', ts)
    .addColumn('flagged_by', 'text', (c) => c.references('users.id'))
    .addColumn('delivered_at', ts)
    .addColumn('delivered_by', 'text', (c) => c.references('users.id'))
    .addPrimaryKeyConstraint('batch_cases_pk', ['batch_id', 'case_id'])
    .execute();
  await db.schema.createIndex('batch_cases_case').on('batch_cases').columns(['case_id', 'status']).execute();
  await db.schema.createIndex('batch_cases_position').on('batch_cases').columns(['batch_id', 'position']).unique().execute();
  // A case is listed in at most one unsent batch, even when two are built at the same moment.
  await sql`create unique index batch_cases_listed_once on batch_cases (case_id) where status = 'listed'`.execute(db);

  await db.schema.createTable('batch_counters')
    .addColumn('org_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('batch_counters_pk', ['org_code', 'kind', 'day'])
    .execute();

  // The monthly proxy report reads accepted cases of a subtree by acceptance moment.
  if (postgres) {
    await sql`create index cases_report_accepting on cases (accepting_org_path text_pattern_ops, accepted_at)`.execute(db);
  } else {
    await db.schema.createIndex('cases_report_accepting').on('cases').columns(['accepting_org_path', 'accepted_at']).execute();
  }
}
