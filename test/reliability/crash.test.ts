// R4: kill -9 during writes. The real server runs as a child process on a fresh database (SQLite file;
// PostgreSQL when DATABASE_URL is set) while clients stream case actions — register, accept, send (one
// case on its own or a village batch of several in one transaction), sign for — and record every
// action acknowledged with a 2xx. The server is killed with SIGKILL at a random moment and restarted,
// 20 times. Then: every acknowledged action is there (its event, at the version the answer named);
// no case is half-written (version = number of events = number of its case.* audit rows, state =
// the last event's); every sent batch moved all its cases and an unsent one none; the audit chain
// verifies; SQLite's integrity_check is ok.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type DatabaseHandle } from '../../server/db/index.ts';
import { verifyAuditChain } from '../../server/modules/audit/service.ts';
import { DEMO_PASSWORD, engineUnderTest, freshDatabaseTarget } from '../helpers.ts';
import { bundleServer, signIn, startServerProcess, type ServerBundle, type ServerProcess } from './server-process.ts';

const CYCLES = 20;
const CLIENTS = 6;
const SECRET = 'crash-test-secret-0123456789abcdef0123456789';
const ITEM_CODE = '341125-SF-001';

interface Ack {
  caseId: string;
  version: number;
  action: string;
}

describe(`crash: SIGKILL during case actions, ${CYCLES} times (${engineUnderTest})`, { timeout: 240_000 }, () => {
  let bundle: ServerBundle;
  let dataDir: string;
  let db: Awaited<ReturnType<typeof freshDatabaseTarget>> | null = null;
  let server: ServerProcess | null = null;

  before(async () => {
    bundle = await bundleServer();
    dataDir = mkdtempSync(path.join(tmpdir(), 'bianmin-crash-'));
    if (engineUnderTest === 'postgres') db = await freshDatabaseTarget();
  });
  after(async () => {
    await server?.kill();
    bundle.remove();
    rmSync(dataDir, { recursive: true, force: true });
    await db?.drop();
  });

  const env = (demo: boolean) => ({
    DATA_DIR: dataDir, BIANMIN_SECRET: SECRET, DEMO_DATA: String(demo), DATABASE_URL: db?.url, LOG_LEVEL: 'warn',
  });

  it('loses no acknowledged action, half-writes no case, and keeps the audit chain whole', async () => {
    // LOG_LEVEL=warn would hide the start line; the first start seeds the demo network at info.
    const stats = { cycles: 0, acks: 0, batches: 0, inFlightAtKill: 0, firstStartMs: 0, startMs: [] as number[] };
    const first = Date.now();
    server = await startServerProcess(bundle, { ...env(true), LOG_LEVEL: 'info' }, 120_000);
    const cadre = await signIn(server.url, 'huanglong', DEMO_PASSWORD);
    const clerk = await signIn(server.url, 'dhs_shouli_1', DEMO_PASSWORD);
    const itemId = await itemIdOf(server.url, cadre);
    stats.firstStartMs = Date.now() - first;

    const acks: Ack[] = [];
    const batchesSent = new Set<string>();
    const unexpected: string[] = [];
    let serial = 0;

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      if (cycle > 0) {
        const t0 = Date.now();
        server = await startServerProcess(bundle, { ...env(false), LOG_LEVEL: 'info' });
        stats.startMs.push(Date.now() - t0);
      }
      const url = server.url;
      let alive = true;
      /** POST as a signed-in person; the answer's JSON on 2xx, null once the server is gone. */
      const post = async (cookie: string, p: string, body: unknown): Promise<any | null> => {
        if (!alive) return null;
        let res: Response;
        try {
          res = await fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
        } catch {
          stats.inFlightAtKill++;
          return null; // killed in flight: not acknowledged, whatever the database did
        }
        let text: string;
        try {
          text = await res.text();
        } catch {
          return null;
        }
        if (res.status >= 200 && res.status < 300) return JSON.parse(text);
        if (alive) unexpected.push(`${p} → ${res.status} ${text.slice(0, 300)}`);
        return null;
      };
      const ack = (caseId: string, version: number, action: string) => acks.push({ caseId, version, action });

      const client = async (c: number) => {
        for (let i = 0; alive; i++) {
          const ids: string[] = [];
          const batchOf = i % 2 === 0 ? 2 : 1;
          for (let k = 0; k < batchOf && alive; k++) {
            serial++;
            const made = await post(cadre, '/api/cases', { itemId, channel: 'village_room', applicant: applicantFor(serial) });
            if (!made) return;
            ack(made.case.id, made.case.version, 'apply');
            const accepted = await post(cadre, `/api/cases/${made.case.id}/accept`, { version: made.case.version });
            if (!accepted) return;
            ack(made.case.id, accepted.case.version, 'accept');
            ids.push(made.case.id);
          }
          if (batchOf === 1) {
            const sent = await post(cadre, `/api/cases/${ids[0]}/transfer`, { version: 2 });
            if (!sent) return;
            ack(ids[0]!, sent.case.version, 'transfer');
          } else {
            const batch = await post(cadre, '/api/batches', { kind: 'outgoing', caseIds: ids, note: `client ${c}` });
            if (!batch) return;
            const sent = await post(cadre, `/api/batches/${batch.id}/send`, { version: batch.version });
            if (!sent) return;
            batchesSent.add(batch.id);
            stats.batches++;
            for (const line of sent.cases) ack(line.caseId, line.sentVersion, 'transfer');
          }
          for (const id of ids) {
            const got = await post(clerk, `/api/cases/${id}/receive`, { version: 3 });
            if (!got) return;
            ack(id, got.case.version, 'receive');
          }
        }
      };
      const running = Array.from({ length: CLIENTS }, (_, c) => client(c));
      await new Promise((r) => setTimeout(r, randomInt(100, 700)));
      alive = false;
      await server.kill();
      await Promise.all(running);
      stats.cycles++;
    }
    server = null;
    stats.acks = acks.length;
    assert.deepEqual(unexpected, [], 'no request was refused while the server was up');
    assert.ok(acks.length > CYCLES * 5, `enough work was acknowledged (${acks.length})`);

    const handle = await openDatabase(db ? { kind: 'postgres', url: db.url } : { kind: 'sqlite', file: path.join(dataDir, 'bianmin.db') });
    try {
      await checkDatabase(handle, acks, batchesSent);
    } finally {
      await handle.close();
    }
    console.log(`crash test: ${JSON.stringify({ ...stats, startMs: undefined, medianStartMs: median(stats.startMs) })}`);
  });
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function itemIdOf(url: string, cookie: string): Promise<string> {
  const res = await fetch(`${url}/api/public/catalog?q=${encodeURIComponent('人民调解')}`, { headers: { cookie } });
  const body = (await res.json()) as { items?: { id: string; code: string }[] };
  const item = body.items?.find((i) => i.code === ITEM_CODE);
  if (!item) throw new Error(`demo item ${ITEM_CODE} not found: ${JSON.stringify(body).slice(0, 300)}`);
  return item.id;
}

function applicantFor(n: number) {
  const body = `3411251980${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return { name: `崩溃测试${n}`, idNumber: body + '10X98765432'[sum % 11] };
}

async function checkDatabase(handle: DatabaseHandle, acks: Ack[], batchesSent: Set<string>): Promise<void> {
  const { db } = handle;
  const events = await db.selectFrom('case_events').select(['case_id', 'seq', 'action', 'to_state']).orderBy('case_id').orderBy('seq').execute();
  const byCase = new Map<string, typeof events>();
  for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e]);

  // 1. Every acknowledged action is there, at the version its answer named.
  const missing = acks.filter((a) => byCase.get(a.caseId)?.[a.version - 1]?.action !== a.action);
  assert.deepEqual(missing, [], 'acknowledged actions missing after the crashes');

  // 2. No half-written case: its row, its events and its audit rows agree.
  const cases = await db.selectFrom('cases').select(['id', 'state', 'version', 'pending_unit_id']).execute();
  const audits = await db.selectFrom('audit_log').select(['object_id', 'action']).where('object_type', '=', 'case').where('action', 'like', 'case.%').execute();
  const auditCount = new Map<string, number>();
  for (const a of audits) auditCount.set(a.object_id!, (auditCount.get(a.object_id!) ?? 0) + 1);
  const broken: string[] = [];
  for (const c of cases) {
    const evs = byCase.get(c.id) ?? [];
    if (evs.length !== c.version) broken.push(`${c.id}: version ${c.version}, ${evs.length} events`);
    else if (evs.some((e, i) => e.seq !== i + 1)) broken.push(`${c.id}: event seqs ${evs.map((e) => e.seq).join(',')}`);
    else if (evs.at(-1)!.to_state !== c.state) broken.push(`${c.id}: state ${c.state}, last event to ${evs.at(-1)!.to_state}`);
    if ((auditCount.get(c.id) ?? 0) !== evs.length) broken.push(`${c.id}: ${evs.length} events, ${auditCount.get(c.id) ?? 0} audit rows`);
  }
  const orphans = [...byCase.keys()].filter((id) => !cases.some((c) => c.id === id));
  assert.deepEqual(broken, [], 'half-written cases');
  assert.deepEqual(orphans, [], 'events without a case');
  assert.ok(cases.length > 0);

  // 3. A batch moved all its cases or none.
  const batches = await db.selectFrom('batches').select(['id', 'state']).execute();
  const lines = await db.selectFrom('batch_cases').select(['batch_id', 'case_id', 'status', 'sent_version']).execute();
  const byId = new Map(cases.map((c) => [c.id, c]));
  for (const b of batches) {
    const mine = lines.filter((l) => l.batch_id === b.id);
    assert.ok(mine.length > 0, `batch ${b.id} has its lines`);
    if (b.state === 'draft') {
      for (const l of mine) {
        assert.equal(l.status, 'listed');
        assert.notEqual(byCase.get(l.case_id)![2]?.action, 'transfer', 'an unsent batch moved none of its cases');
      }
    } else {
      assert.equal(b.state, 'sent');
      for (const l of mine) {
        assert.equal(l.status, 'sent');
        assert.equal(byCase.get(l.case_id)![l.sent_version! - 1]?.action, 'transfer', 'a sent batch moved every case');
        assert.ok(['in_transfer', 'accepted'].includes(byId.get(l.case_id)!.state));
      }
    }
  }
  for (const id of batchesSent) assert.equal(batches.find((b) => b.id === id)?.state, 'sent', 'an acknowledged send stays sent');

  // 4. The audit chain verifies; SQLite's file is intact.
  const chain = await verifyAuditChain(db, SECRET);
  assert.equal(chain.ok, true, JSON.stringify(chain));
  if (handle.sqlite) assert.deepEqual(handle.sqlite.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
}
