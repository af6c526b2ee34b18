// Electronic supervision (电子监察) and notifications.
// - supervision_rules: each region's rule configuration (levels, thresholds), versioned: a change adds
//   a row; the newest version of the nearest org up the tree applies. Append-only.
// - case_watch: one row per open case with the next moment something may fall due (indexed), so
//   the sweep reads only the cases whose moment has come, never every open case.
// - signals: warnings and cards, UNIQUE (case_id, stage_index, rule): raised exactly once however many
//   processes sweep at the same time (INSERT … ON CONFLICT DO NOTHING; only the inserter notifies).
// - signal_steps: each signal's follow-up history (raise, acknowledge, explain, rectify, appeal,
//   close, revoke, reject_appeal, escalate). Append-only.
// - notifications: the in-app inbox, one row per (user, signal).
// - notification_outbox: what the webhook (SMS gateway) and SMTP senders must deliver, written in
//   the signal's transaction, UNIQUE (signal, channel, recipient); claimed with a lease, retried
//   with back-off, marked sent once.
// - notification_contacts: a user's e-mail address or mobile number for the outbound channels,
//   SM4-sealed with a masked copy for display.
import { sql, type Kysely } from 'kysely';
import { engineOf } from '../index.ts';
import { makeAppendOnly, timestamp } from './types.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestamp(db);
  const postgres = engineOf(db) === 'postgres';

  await db.schema.createTable('supervision_rules')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('org_path', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('preset', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('supervision_rules_pk', ['org_id', 'version'])
    .execute();
  await makeAppendOnly(db, 'supervision_rules');

  await db.schema.createTable('case_watch')
    .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id'))
    .addColumn('next_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_watch_next').on('case_watch').columns(['next_at', 'case_id']).execute();
  // Cases open before supervision existed: due for a first look at the first sweep, which sets their moments.
  const now = postgres ? sql`now()` : sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
  await sql`insert into case_watch (case_id, next_at)
    select id, ${now} from cases where state in ('accepted', 'in_transfer', 'handling', 'suspended', 'decided', 'ready_for_delivery')`.execute(db);

  await db.schema.createTable('signals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('case_number', 'text', (c) => c.notNull())
    .addColumn('item_name', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('stage_name', 'text')
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('rule_org_id', 'text')
    .addColumn('rule_version', 'integer', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('deadline_at', ts)
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('unit_name', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('org_path', 'text', (c) => c.notNull())
    .addColumn('responsible_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('head_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('raised_at', ts, (c) => c.notNull())
    .addColumn('feedback_due_at', ts, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('appealed', 'smallint', (c) => c.notNull())
    .addColumn('closed_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addUniqueConstraint('signals_once', ['case_id', 'stage_index', 'rule'])
    .execute();
  if (postgres) {
    await sql`create index signals_org_path on signals (org_path text_pattern_ops, raised_at)`.execute(db);
  } else {
    await db.schema.createIndex('signals_org_path').on('signals').columns(['org_path', 'raised_at']).execute();
  }
  await db.schema.createIndex('signals_raised').on('signals').column('raised_at').execute();
  await db.schema.createIndex('signals_status_level').on('signals').columns(['status', 'level', 'org_path']).execute();
  await db.schema.createIndex('signals_unit').on('signals').columns(['unit_id', 'status']).execute();

  await db.schema.createTable('signal_steps')
    .addColumn('signal_id', 'text', (c) => c.notNull().references('signals.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addPrimaryKeyConstraint('signal_steps_pk', ['signal_id', 'seq'])
    .execute();
  await makeAppendOnly(db, 'signal_steps');

  await db.schema.createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('signal_id', 'text', (c) => c.references('signals.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('read_at', ts)
    .execute();
  await db.schema.createIndex('notifications_once').on('notifications').columns(['signal_id', 'user_id']).unique().execute();
  await db.schema.createIndex('notifications_inbox').on('notifications').columns(['user_id', 'created_at']).execute();
  await sql`create index notifications_unread on notifications (user_id) where read_at is null`.execute(db);

  await db.schema.createTable('notification_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('signal_id', 'text', (c) => c.notNull().references('signals.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient_user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', ts, (c) => c.notNull())
    .addColumn('claimed_until', ts)
    .addColumn('sent_at', ts)
    .addColumn('failed_at', ts)
    .addColumn('last_error', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('notification_outbox_once', ['signal_id', 'channel', 'recipient_user_id'])
    .execute();
  await sql`create index notification_outbox_due on notification_outbox (next_attempt_at) where sent_at is null and failed_at is null`.execute(db);

  await db.schema.createTable('notification_contacts')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address_sealed', 'text', (c) => c.notNull())
    .addColumn('address_masked', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_contacts_pk', ['user_id', 'channel'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['notification_contacts', 'notification_outbox', 'notifications', 'signal_steps', 'signals', 'case_watch', 'supervision_rules']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  if (engineOf(db) === 'postgres') {
    await sql`drop function if exists supervision_rules_refuse(), signal_steps_refuse()`.execute(db);
  }
}
