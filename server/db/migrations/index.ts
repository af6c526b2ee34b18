// One set of migrations for both engines, applied at start-up and by `npm run db:migrate`.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_work_calendar.ts';
import * as m0003 from './0003_network_catalog.ts';
import * as m0004 from './0004_cases.ts';
import * as m0005 from './0005_batches.ts';
import * as m0006 from './0006_supervision.ts';
import * as m0007 from './0007_statistics.ts';

const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_work_calendar': m0002,
  '0003_network_catalog': m0003,
  '0004_cases': m0004,
  '0005_batches': m0005,
  '0006_supervision': m0006,
  '0007_statistics': m0007,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider });
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
