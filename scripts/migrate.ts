// npm run db:migrate — applies pending migrations to the configured database.
import { describeDatabase } from '../server/config.ts';
import { migrateToLatest } from '../server/db/migrations/index.ts';
import { configOrExit, fail, openOrExit } from '../server/startup.ts';

const config = configOrExit();
const handle = await openOrExit(config, { migrate: false });
try {
  const applied = await migrateToLatest(handle.db);
  console.log(applied.length ? `已应用迁移：${applied.join(', ')}` : '数据库已是最新，无需迁移');
  console.log(describeDatabase(config.database));
} catch (err) {
  fail(`迁移失败：${(err as Error).message}`);
} finally {
  await handle.close();
}
