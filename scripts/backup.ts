// npm run backup [-- <dest file>] — a consistent copy of the database, safe while the server runs.
import { describeDatabase } from '../server/config.ts';
import { backupDatabase } from '../server/ops/backup.ts';
import { configOrExit, fail } from '../server/startup.ts';

const args = process.argv.slice(2);
if (args.length > 1 || args.some((a) => a.startsWith('-'))) fail('用法 (usage)：npm run backup [-- <备份文件>]', 2);

const config = configOrExit();
try {
  const { file, bytes } = await backupDatabase(config, args[0]);
  console.log(`已备份 ${describeDatabase(config.database)} 到 ${file}，大小 ${formatBytes(bytes)} (backup written: ${file}, ${bytes} bytes)`);
  console.log('注意：备份不含 BIANMIN_SECRET（或数据目录下的 secret.key），请另行妥善保存，否则无法校验恢复后的审计日志 (keep the secret too)');
} catch (err) {
  fail(`备份失败：${err instanceof Error ? err.message : String(err)} (backup failed)`);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}
