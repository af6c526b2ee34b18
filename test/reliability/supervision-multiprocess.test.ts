// R5: the deadline sweep on three server processes over one PostgreSQL database. 1,000 open cases are
// made overdue (cloned from one real case, clocks moved 60 days back, all due for the sweep now); all
// three processes sweep at once (several requests each, small pages, their schedulers running too)
// and one of them is killed with SIGKILL mid-way; the survivors sweep again, as their schedulers would,
// and their outbox workers send every notification to a local SMS gateway (webhook). Then: exactly
// 1,000 red cards, 1,000 inbox rows and 1,000 outbox rows for them, each sent once (one delivery id
// each at the gateway), none twice, none missing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type DatabaseHandle } from '../../server/db/index.ts';
import type { CaseTable } from '../../server/db/schema.ts';
import { DEMO_PASSWORD, engineUnderTest, freshDatabaseTarget } from '../helpers.ts';
import { bundleServer, signIn, startServerProcess, type ServerBundle, type ServerProcess } from './server-process.ts';

const CASES = 1000;
const SECRET = 'supervision-r5-secret-0123456789abcdef';
const HOOK_SECRET = 'r5-webhook-secret-0123';
const ITEM_CODE = '341125-SF-001';
const DAY = 86_400_000;

describe(`R5: supervision sweep on three processes, one killed (${engineUnderTest})`, { timeout: 180_000 }, () => {
  if (engineUnderTest !== 'postgres') {
    it('needs PostgreSQL: several processes share one database only there (set DATABASE_URL=postgres://…)', { skip: 'SQLite is one file with one writer; run with DATABASE_URL=postgres://… for R5' }, () => {});
    return;
  }
  let bundle: ServerBundle;
  let dataDir: string;
  let db: Awaited<ReturnType<typeof freshDatabaseTarget>>;
  let handle: DatabaseHandle;
  let gateway: Server;
  const servers: ServerProcess[] = [];
  const deliveries: { id: string; signalId: string; level: string }[] = [];

  before(async () => {
    bundle = await bundleServer();
    dataDir = mkdtempSync(path.join(tmpdir(), 'bianmin-r5-'));
    db = await freshDatabaseTarget();
    gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const b = JSON.parse(body) as { deliveryId: string; signalId: string; level: string };
        deliveries.push({ id: String(req.headers['x-bianmin-delivery']), signalId: b.signalId, level: b.level });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    for (const s of servers) await s.kill();
    await handle?.close();
    gateway?.close();
    bundle?.remove();
    rmSync(dataDir, { recursive: true, force: true });
    await db?.drop();
  });

  const env = (demo: boolean) => ({
    DATA_DIR: dataDir, BIANMIN_SECRET: SECRET, DEMO_DATA: String(demo), DATABASE_URL: db.url, LOG_LEVEL: 'info',
    SUPERVISION_SWEEP_SECONDS: '5', SUPERVISION_SWEEP_PAGE: '20', NOTIFY_WORKER_SECONDS: '1',
    NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`, NOTIFY_WEBHOOK_SECRET: HOOK_SECRET,
  });

  it('raises exactly 1,000 red cards and sends 1,000 notifications for them, none twice, none missing', async () => {
    const t0 = Date.now();
    servers.push(await startServerProcess(bundle, env(true), 120_000));
    servers.push(await startServerProcess(bundle, env(false)));
    servers.push(await startServerProcess(bundle, env(false)));
    const startMs = Date.now() - t0;

    // One real case through the API, then 999 clones, every clock 60 days back and due for the sweep now.
    const cadre = await signIn(servers[0]!.url, 'huanglong', DEMO_PASSWORD);
    const catalog = await (await fetch(`${servers[0]!.url}/api/public/catalog?q=${encodeURIComponent('人民调解')}`)).json() as { items: { id: string; code: string }[] };
    const itemId = catalog.items.find((i) => i.code === ITEM_CODE)!.id;
    const made = await (await fetch(`${servers[0]!.url}/api/cases`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: cadre },
      body: JSON.stringify({ itemId, channel: 'village_room', applicant: { name: '监察测试', idNumber: '11010519491231002X' } }),
    })).json() as { case: { id: string; version: number } };
    const accepted = await fetch(`${servers[0]!.url}/api/cases/${made.case.id}/accept`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: cadre }, body: JSON.stringify({ version: made.case.version }),
    });
    assert.equal(accepted.status, 200, await accepted.text());

    handle = await openDatabase({ kind: 'postgres', url: db.url });
    const template = await handle.db.selectFrom('cases').selectAll().where('id', '=', made.case.id).executeTakeFirstOrThrow();
    const orgs = await handle.db.selectFrom('case_orgs').selectAll().where('case_id', '=', made.case.id).execute();
    const old = new Date(Date.now() - 60 * DAY).toISOString();
    const snap = JSON.parse(template.snapshot);
    snap.submittedAt = old;
    snap.lastActionAt = old;
    snap.clock.acceptedAt = old;
    for (const s of snap.clock.stages) s.startedAt = old;
    const rows: CaseTable[] = Array.from({ length: CASES }, (_, i) => ({
      ...template, id: i === 0 ? template.id : randomUUID(), number: i === 0 ? template.number : `${template.number}-${i}`,
      submitted_at: old, accepted_at: old, due_at: old, snapshot: JSON.stringify(snap),
    }));
    await handle.db.transaction().execute(async (tx) => {
      await tx.updateTable('cases').set({ submitted_at: old, accepted_at: old, due_at: old, snapshot: JSON.stringify(snap) }).where('id', '=', template.id).execute();
      for (let i = 1; i < CASES; i += 200) {
        const part = rows.slice(i, Math.min(i + 200, CASES));
        await tx.insertInto('cases').values(part).execute();
        await tx.insertInto('case_orgs').values(part.flatMap((r) => orgs.map((o) => ({ ...o, case_id: r.id })))).execute();
      }
      const due = new Date(Date.now() - 1000).toISOString();
      await tx.deleteFrom('case_watch').execute();
      for (let i = 0; i < CASES; i += 500) {
        await tx.insertInto('case_watch').values(rows.slice(i, i + 500).map((r) => ({ case_id: r.id, next_at: due }))).execute();
      }
    });

    // All three sweep at once, two requests each; one process dies mid-way.
    const supervisor = await signIn(servers[0]!.url, 'jiancha', DEMO_PASSWORD);
    const sweepOn = (s: ServerProcess) => fetch(`${s.url}/api/supervision/sweep`, { method: 'POST', headers: { cookie: supervisor } })
      .then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) as { raised: number } | null }), () => ({ status: 0, body: null }));
    const victim = servers[1]!;
    const sweeps = servers.flatMap((s) => [sweepOn(s), sweepOn(s)]);
    let signalsAtKill = 0;
    for (let i = 0; i < 400; i++) {
      const n = Number((await handle.db.selectFrom('signals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      if (n >= 300) {
        signalsAtKill = n;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await victim.kill();
    const answers = await Promise.all(sweeps);
    // The survivors sweep again (their schedulers would within a minute).
    const again = await Promise.all([sweepOn(servers[0]!), sweepOn(servers[2]!)]);
    assert.deepEqual(again.map((a) => a.status), [200, 200]);

    // Every notification is sent by the survivors' outbox workers.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const left = await handle.db.selectFrom('notification_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is', null).executeTakeFirstOrThrow();
      if (Number(left.n) === 0) break;
      if (Date.now() > deadline) assert.fail(`${left.n} outbox rows still unsent after 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const red = await handle.db.selectFrom('signals').select(['id', 'case_id']).where('level', '=', 'red').execute();
    assert.equal(red.length, CASES, 'exactly one red card per case');
    assert.equal(new Set(red.map((r) => r.case_id)).size, CASES);
    assert.ok(red.every((r) => rows.some((c) => c.id === r.case_id)));
    const redIds = new Set(red.map((r) => r.id));
    const inbox = await handle.db.selectFrom('notifications').select(['signal_id', 'user_id']).execute();
    const redInbox = inbox.filter((n) => redIds.has(n.signal_id!));
    assert.equal(redInbox.length, CASES, 'one inbox row per red card (the room head)');
    assert.equal(new Set(redInbox.map((n) => n.signal_id)).size, CASES);
    const outbox = await handle.db.selectFrom('notification_outbox').select(['id', 'signal_id', 'sent_at', 'attempts']).execute();
    const redOutbox = outbox.filter((o) => redIds.has(o.signal_id));
    assert.equal(redOutbox.length, CASES, 'one outbox row per red card and channel');
    assert.ok(redOutbox.every((o) => o.sent_at !== null));
    const redDeliveries = deliveries.filter((d) => redIds.has(d.signalId));
    const unique = new Set(redDeliveries.map((d) => d.id));
    assert.equal(unique.size, CASES, 'every red card reached the gateway');
    assert.deepEqual([...unique].sort(), redOutbox.map((o) => o.id).sort());
    // A resend happens only if a process dies between sending and marking sent (the gateway drops it by delivery id).
    const resent = redDeliveries.length - unique.size;
    assert.ok(resent <= 8, `${resent} red-card deliveries repeated`);
    const yellow = await handle.db.selectFrom('signals').select((eb) => eb.fn.countAll<number>().as('n')).where('level', '=', 'yellow').executeTakeFirstOrThrow();

    console.log(`R5 ${JSON.stringify({
      cases: CASES, red: red.length, yellow: Number(yellow.n), redInbox: redInbox.length, redOutbox: redOutbox.length,
      redDeliveriesUnique: unique.size, redDeliveriesRepeated: resent, allDeliveries: deliveries.length,
      signalsAtKill, sweepAnswers: answers.map((a) => a.status), raisedByAnswer: answers.map((a) => a.body?.raised ?? null),
      raisedAfterKill: again.map((a) => a.body?.raised ?? null), startMs, totalMs: Date.now() - t0,
    })}`);
  });
});
