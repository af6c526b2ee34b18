import { engineOf, type Db } from '../../db/index.ts';
import type { Tx } from '../../db/transaction.ts';
import type { AuditRow } from './chain.ts';

/** Takes the next sequence number, and with it the chain's lock until the transaction ends. */
export async function claimNextSeq(tx: Tx): Promise<{ seq: number; prevHash: string }> {
  const head = await tx.updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  return { seq: Number(head.seq), prevHash: head.hash };
}

export async function appendRow(tx: Tx, row: AuditRow): Promise<void> {
  if (engineOf(tx) === 'postgres') {
    // One round trip: the chain's lock is held from claimNextSeq to commit, so every trip counts.
    await tx.with('head', (db) => db.updateTable('audit_head').set({ hash: row.hash }).where('id', '=', 1))
      .insertInto('audit_log').values(row).execute();
    return;
  }
  await tx.insertInto('audit_log').values(row).execute();
  await tx.updateTable('audit_head').set({ hash: row.hash }).where('id', '=', 1).execute();
}

export async function readPage(db: Db, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export async function readHead(db: Db): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { seq: Number(head.seq), hash: head.hash };
}

export interface AuditQuery {
  from?: string;
  to?: string;
  action?: string;
  userId?: string;
  orgIds?: string[];
  beforeSeq?: number;
  limit: number;
}

export async function search(db: Db, q: AuditQuery): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(q.limit);
  if (q.from) query = query.where('at', '>=', q.from);
  if (q.to) query = query.where('at', '<', q.to);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.userId) query = query.where('user_id', '=', q.userId);
  if (q.beforeSeq) query = query.where('seq', '<', q.beforeSeq);
  if (q.orgIds) query = query.where('org_id', 'in', q.orgIds.length ? q.orgIds : ['']);
  return query.execute();
}
