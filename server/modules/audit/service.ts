import { redactPii } from '../../../shared/validators/mask.ts';
import type { AppContext, RequestMeta } from '../../context.ts';
import type { Db } from '../../db/index.ts';
import type { Tx } from '../../db/transaction.ts';
import { hashAuditRow, isChainBreak, verifyChainPage, type ChainBreak } from './chain.ts';
import * as repo from './repo.ts';

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | null;
  outcome?: 'ok' | 'failed' | 'denied';
  /** Extra facts; masked before storing, so a full ID or phone number never lands in the trail. */
  detail?: Record<string, unknown>;
  /** For events before a session exists (a failed login names the account tried). */
  username?: string | null;
  userId?: string | null;
  orgId?: string | null;
}

/** Appends one audit row inside the caller's transaction: the change and its record commit or fail together. */
export async function recordAudit(ctx: AppContext, tx: Tx, meta: RequestMeta, entry: AuditEntry): Promise<number> {
  const { seq, prevHash } = await repo.claimNextSeq(tx);
  const row = {
    seq,
    at: ctx.now().toISOString(),
    user_id: entry.userId ?? meta.actor?.userId ?? null,
    username: entry.username ?? meta.actor?.username ?? null,
    org_id: entry.orgId ?? meta.actor?.orgId ?? null,
    ip: meta.ip,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId ?? null,
    outcome: entry.outcome ?? 'ok',
    request_id: meta.requestId,
    detail: redactPii(JSON.stringify(entry.detail ?? {})),
    prev_hash: prevHash,
  } as const;
  await repo.appendRow(tx, { ...row, hash: hashAuditRow(ctx.config.secret, row) });
  return seq;
}

export type VerifyResult = { ok: true; rows: number } | ({ ok: false; rows: number } & ChainBreak);

/** Walks the whole chain in pages; reports the first broken link by sequence number. */
export async function verifyAuditChain(db: Db, secret: string, pageSize = 1000): Promise<VerifyResult> {
  let last = { seq: 0, hash: '' };
  for (;;) {
    const rows = await repo.readPage(db, last.seq, pageSize);
    if (rows.length === 0) break;
    const result = verifyChainPage(secret, rows, last);
    if (isChainBreak(result)) return { ok: false, rows: last.seq, ...result };
    last = result;
  }
  const head = await repo.readHead(db);
  if (head.seq !== last.seq || head.hash !== last.hash) {
    const seq = Math.min(head.seq, last.seq + 1);
    return { ok: false, rows: last.seq, seq, reason: `链尾与记录头不符：应有 ${head.seq} 条，实有 ${last.seq} 条（末尾记录被删除或修改）` };
  }
  return { ok: true, rows: last.seq };
}
