// The service network (departments, units, windows with A/B posts, staff badges, absences, village
// duty rota) and the service catalog (items with published versions).
import type { Kysely } from 'kysely';
import { timestamp } from './types.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestamp(db);

  await db.schema.alterTable('orgs').addColumn('opening_hours', 'text').execute();

  await db.schema.createTable('departments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('departments.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('departments_org_code', ['org_id', 'code'])
    .execute();

  await db.schema.createTable('units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department_id', 'text', (c) => c.references('departments.id'))
    .addColumn('head_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('active', 'smallint', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('units_org').on('units').column('org_id').execute();
  await db.schema.createIndex('units_department').on('units').column('department_id').execute();

  await db.schema.createTable('windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('sign', 'text', (c) => c.notNull())
    .addColumn('a_user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('b_user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('active', 'smallint', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('windows_org_number', ['org_id', 'number'])
    .execute();

  await db.schema.createTable('window_units')
    .addColumn('window_id', 'text', (c) => c.notNull().references('windows.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addPrimaryKeyConstraint('window_units_pk', ['window_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('window_units_unit').on('window_units').column('unit_id').execute();

  await db.schema.createTable('staff_profiles')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('staff_no', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text')
    .addColumn('duties', 'text')
    .addColumn('photo_file', 'text')
    .addColumn('on_public_board', 'smallint', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema.createTable('absences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('starts_at', ts, (c) => c.notNull())
    .addColumn('ends_at', ts, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', ts)
    .addColumn('cancelled_by', 'text')
    .execute();
  await db.schema.createIndex('absences_user_ends').on('absences').columns(['user_id', 'ends_at']).execute();

  await db.schema.createTable('duty_rota')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('duty_rota_pk', ['org_id', 'weekday'])
    .execute();

  await db.schema.createTable('catalog_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('short_name', 'text')
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('handling_mode', 'text', (c) => c.notNull())
    .addColumn('case_type', 'text', (c) => c.notNull())
    .addColumn('proxy_category', 'text')
    .addColumn('accept_levels', 'text', (c) => c.notNull())
    .addColumn('life_events', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('search_pinyin', 'text', (c) => c.notNull())
    .addColumn('search_initials', 'text', (c) => c.notNull())
    .addColumn('published_version', 'integer')
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('catalog_items_owner_code', ['owner_org_id', 'code'])
    .execute();

  await db.schema.createTable('catalog_item_versions')
    .addColumn('item_id', 'text', (c) => c.notNull().references('catalog_items.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('elements', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('published_at', ts)
    .addColumn('published_by', 'text')
    .addPrimaryKeyConstraint('catalog_item_versions_pk', ['item_id', 'version'])
    .execute();
}
