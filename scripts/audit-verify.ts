// npm run audit:verify — walks the audit hash chain; exit 1 and the first broken link when tampered.
import { verifyAuditChain } from '../server/modules/audit/service.ts';
import { configOrExit, openOrExit } from '../server/startup.ts';

const config = configOrExit();
const handle = await openOrExit(config, { migrate: false });
const result = await verifyAuditChain(handle.db, config.secret);
await handle.close();
if (result.ok) {
  console.log(`审计日志完整：共 ${result.rows} 条，哈希链校验通过 (audit chain intact: ${result.rows} rows)`);
} else {
  console.error(`审计日志被篡改：第 ${result.seq} 条 — ${result.reason} (audit chain broken at seq ${result.seq})`);
  process.exit(1);
}
