// npm run restore -- <backup file> [--force] — replaces the configured database with a backup, then checks the audit chain.
import { describeDatabase } from '../server/config.ts';
import { restoreDatabase } from '../server/ops/backup.ts';
import { configOrExit, fail } from '../server/startup.ts';

const args = process.argv.slice(2);
const force = args.includes('--force');
const files = args.filter((a) => a !== '--force');
if (files.length !== 1 || files[0]!.startsWith('-')) fail('用法 (usage)：npm run restore -- <备份文件> [--force]', 2);
const from = files[0]!;

const config = configOrExit();
let result;
try {
  result = await restoreDatabase(config, from, { force });
} catch (err) {
  fail(`恢复失败：${err instanceof Error ? err.message : String(err)} (restore failed)`);
}
console.log(`已将 ${from} 恢复到 ${describeDatabase(config.database)} (restored)`);
const audit = result.audit;
if (audit.ok) {
  console.log(`审计日志完整：共 ${audit.rows} 条，哈希链校验通过 (audit chain intact: ${audit.rows} rows)`);
} else {
  console.error(`审计日志校验失败：第 ${audit.seq} 条 — ${audit.reason}；若 BIANMIN_SECRET 与备份时不同也会如此 (audit chain broken at seq ${audit.seq})`);
  process.exit(1);
}
