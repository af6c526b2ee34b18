// The audit trail's tamper evidence: each row's HMAC-SM3 covers its content and the previous row's hash.
import { createHmac } from 'node:crypto';
import type { AuditLogTable } from '../../db/schema.ts';

export type AuditRow = AuditLogTable;

export function hashAuditRow(secret: string, row: Omit<AuditRow, 'hash'>): string {
  const content = JSON.stringify([
    row.seq, row.at, row.user_id, row.username, row.org_id, row.ip, row.action,
    row.object_type, row.object_id, row.outcome, row.request_id, row.detail, row.prev_hash,
  ]);
  return createHmac('sm3', secret).update(content).digest('hex');
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Checks one page of rows (ordered by seq) against the row before it.
 * Returns the first break, or the last row to continue from.
 */
export function verifyChainPage(
  secret: string,
  rows: AuditRow[],
  previous: { seq: number; hash: string },
): ChainBreak | { seq: number; hash: string } {
  let prev = previous;
  for (const row of rows) {
    const seq = Number(row.seq);
    if (seq !== prev.seq + 1) {
      return { seq: prev.seq + 1, reason: `缺少第 ${prev.seq + 1} 条记录（下一条是第 ${seq} 条）` };
    }
    if (row.prev_hash !== prev.hash) return { seq, reason: '与上一条记录的链接不符（记录被删除、插入或调换）' };
    if (hashAuditRow(secret, row) !== row.hash) return { seq, reason: '记录内容与其哈希不符（记录被修改）' };
    prev = { seq, hash: row.hash };
  }
  return prev;
}

export function isChainBreak(x: ChainBreak | { seq: number; hash: string }): x is ChainBreak {
  return 'reason' in x;
}
