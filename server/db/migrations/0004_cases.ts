// Case handling (全程受理制): the case row (current state for fast work lists, plus the whole pure
// snapshot as JSON), its append-only event history, the orgs a case has passed through (for org-scope
// checks), the co-handling units of a parallel stage, per-org daily counters for case numbers, and
// stored answers for Idempotency-Key replays.
// Batches (定期报送) come later: cases.batch_id is there for them, without a foreign key yet.
import { sql, type Kysely } from 'kysely';
import { engineOf } from '../index.ts';
import { makeAppendOnly, timestamp } from './types.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestamp(db);
  const postgres = engineOf(db) === 'postgres';

  await db.schema.createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('lookup_code', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('catalog_items.id'))
    .addColumn('item_version', 'integer', (c) => c.notNull())
    .addColumn('item_code', 'text', (c) => c.notNull())
    .addColumn('item_name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('accepting_unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('accepting_org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('accepting_org_path', 'text', (c) => c.notNull())
    .addColumn('current_unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('current_unit_kind', 'text', (c) => c.notNull())
    .addColumn('current_org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('current_org_path', 'text', (c) => c.notNull())
    .addColumn('pending_unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('pending_unit_kind', 'text')
    .addColumn('owner_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('holder_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('applicant_name', 'text', (c) => c.notNull())
    .addColumn('applicant_id_sealed', 'text', (c) => c.notNull())
    .addColumn('applicant_id_index', 'text', (c) => c.notNull())
    .addColumn('applicant_id_masked', 'text', (c) => c.notNull())
    .addColumn('applicant_phone_sealed', 'text')
    .addColumn('applicant_phone_last4', 'text')
    .addColumn('applicant_phone_masked', 'text')
    .addColumn('proxy_agent_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('proxy_reason', 'text')
    .addColumn('proxy_consent', 'smallint')
    .addColumn('submitted_at', ts, (c) => c.notNull())
    .addColumn('accepted_at', ts)
    .addColumn('due_at', ts)
    .addColumn('due_soon_at', ts)
    .addColumn('stage_due_at', ts)
    .addColumn('decided_at', ts)
    .addColumn('finished_at', ts)
    .addColumn('decision', 'text')
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cases_current_unit_state').on('cases').columns(['current_unit_id', 'state']).execute();
  await db.schema.createIndex('cases_pending_unit').on('cases').columns(['pending_unit_id', 'state']).execute();
  await db.schema.createIndex('cases_accepting_org_path').on('cases').column('accepting_org_path').execute();
  await db.schema.createIndex('cases_current_org_path').on('cases').column('current_org_path').execute();
  await db.schema.createIndex('cases_due_at').on('cases').column('due_at').execute();
  await db.schema.createIndex('cases_due_soon_at').on('cases').column('due_soon_at').execute();
  await db.schema.createIndex('cases_applicant_id_index').on('cases').column('applicant_id_index').execute();
  await db.schema.createIndex('cases_item').on('cases').columns(['item_id', 'submitted_at']).execute();
  await db.schema.createIndex('cases_submitted_at').on('cases').column('submitted_at').execute();
  await db.schema.createIndex('cases_batch').on('cases').column('batch_id').execute();

  // Every org a case was registered, held or sent to: who may read it is decided over these.
  await db.schema.createTable('case_orgs')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('org_path', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_orgs_pk', ['case_id', 'org_id'])
    .execute();
  await db.schema.createIndex('case_orgs_org').on('case_orgs').columns(['org_id', 'case_id']).execute();
  if (postgres) {
    await sql`create index case_orgs_org_path on case_orgs (org_path text_pattern_ops, case_id)`.execute(db);
  } else {
    await db.schema.createIndex('case_orgs_org_path').on('case_orgs').columns(['org_path', 'case_id']).execute();
  }

  // A parallel stage's other departments (并联审批): units that must complete their part of the current
  // stage without holding the case. Their work lists find the case through this table.
  await db.schema.createTable('case_cohandlers')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addPrimaryKeyConstraint('case_cohandlers_pk', ['case_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('case_cohandlers_unit').on('case_cohandlers').columns(['unit_id', 'case_id']).execute();

  await db.schema.createTable('case_events')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('unit_name', 'text')
    .addColumn('to_unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('opinion', 'text')
    .addColumn('attachments', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_events_pk', ['case_id', 'seq'])
    .execute();
  await db.schema.createIndex('case_events_user').on('case_events').columns(['user_id', 'case_id']).execute();
  await db.schema.createIndex('case_events_at').on('case_events').column('at').execute();

  // A case's history is append-only: the database refuses to change or remove an event.
  await makeAppendOnly(db, 'case_events');

  // The daily sequence of case numbers per org: one upsert per new case, inside its transaction.
  await db.schema.createTable('case_counters')
    .addColumn('org_code', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_counters_pk', ['org_code', 'day'])
    .execute();

  // Idempotency-Key: the first answer to a (principal, key), stored in the transaction that did the work.
  await db.schema.createTable('idempotency_keys')
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
}
