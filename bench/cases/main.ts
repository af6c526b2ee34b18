// bench/cases: the case path through the real server, against the database's own limit measured in
// the same run. Not a test: it prints one JSON line per engine (see bench/README.md).
//
//   npm run bench:cases                               both engines (PostgreSQL when reachable)
//   npm run bench:cases -- --engines sqlite --clients 32 --intake-seconds 10 --path-seconds 20
//
// Per engine: a fresh database (SQLite file; a new PostgreSQL database at BENCH_PG_URL, default
// postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards) with the demo network and a
// county-room-only item; the server (server/main.ts) as a child process on 127.0.0.1; then
//  1. intake: N clients register (apply) and accept (受理) at their village rooms;
//  2. full path: N clients each drive B cases from village room to villager — accept, batch to the
//     township, sign for, 代转 to the county desk, transfer to the county 残联 room, handle, decide,
//     reply back up the path, return batch to the village, sign for, hand over (送达);
//  3. raw: the server stopped, the same engine with the same settings writes one real case row and
//     one event row per durable transaction (SQLite: one connection, WAL, synchronous=FULL; PostgreSQL:
//     pool of 16, BEGIN + 2 INSERT + COMMIT, 32 concurrent) for a few seconds.
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { AppContext } from '../../server/context.ts';
import { openDatabase, openSqlite } from '../../server/db/index.ts';
import { migrateToLatest } from '../../server/db/migrations/index.ts';
import type { CaseEventTable, CaseTable } from '../../server/db/schema.ts';
import { loadCalendar } from '../../server/modules/calendar/service.ts';
import { publishedItem, seedCatalog } from '../../server/modules/catalog/service.ts';
import { unitRefOf } from '../../server/modules/cases/actors.ts';
import { unitInfo } from '../../server/modules/cases/repo.ts';
import { caseItemOf } from '../../server/modules/cases/service.ts';
import { roomOnlyItem } from '../../server/modules/cases/test-support.ts';
import { applyAction, draftCase, type Actor, type CaseAction, type CaseSnapshot, type UnitRef } from '../../server/domain/case-lifecycle.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { DEMO_PASSWORD, TEST_SECRET, testConfig } from '../../test/helpers.ts';
import { bundleServer, startServerProcess, type ServerBundle } from '../../test/reliability/server-process.ts';

const { values: args } = parseArgs({
  options: {
    engines: { type: 'string', default: 'sqlite,postgres' },
    clients: { type: 'string', default: '32' },
    batch: { type: 'string', default: '4' },
    'intake-seconds': { type: 'string', default: '10' },
    'path-seconds': { type: 'string', default: '20' },
    'raw-seconds': { type: 'string', default: '4' },
    'max-requests': { type: 'string', default: '400000' },
    'log-level': { type: 'string', default: 'warn' },
    /** Writes a V8 CPU profile of the server to this folder (chrome://inspect, or speedscope). */
    'server-profile': { type: 'string' },
    /** Another copy of server/main.ts to run (to measure a change side by side before making it). */
    'server-entry': { type: 'string' },
  },
});
const CLIENTS = Number(args.clients);
const BATCH = Number(args.batch);
const INTAKE_MS = Number(args['intake-seconds']) * 1000;
const PATH_MS = Number(args['path-seconds']) * 1000;
const RAW_MS = Number(args['raw-seconds']) * 1000;
const MAX_REQUESTS = Number(args['max-requests']);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ITEM = roomOnlyItem();
/** Floors from the issue: intake accepts ≥ 50% of the raw durable rate; p99 < 50 ms; ≥ 10 × 250 four-step processes/s. */
const FLOORS = { ratio: 0.5, p99Ms: 50, fourStepPerSec: 2500 };

const log = (...a: unknown[]) => console.error('[bench:cases]', ...a);

// ---- a lean HTTP client (keep-alive; fetch costs the bench process more CPU than the server's work) ----

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
interface Answer { status: number; body: any }

function call(base: URL, method: 'GET' | 'POST', p: string, cookie: string | null, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, host: base.hostname, port: base.port, method, path: p,
      headers: { ...(cookie ? { cookie } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try { parsed = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// ---- measurements ----

class Recorder {
  latencies = new Map<string, number[]>();
  errors: string[] = [];
  requests = 0;
  caseEvents = 0;
  deadline = 0;
  constructor(private readonly base: URL) {}
  get open() {
    return Date.now() < this.deadline && this.requests < MAX_REQUESTS && this.errors.length < 20;
  }
  /** One timed request; throws (ending the client's loop) on anything but the expected status. */
  async post(action: string, p: string, cookie: string, body: unknown, events = 1, expect = 200): Promise<any> {
    // Bounded: past the deadline a client stops mid-process (its unfinished cases do not count).
    if (!this.open) throw new Error('phase over');
    const t0 = process.hrtime.bigint();
    const r = await call(this.base, 'POST', p, cookie, body);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    this.requests++;
    if (r.status !== expect) {
      this.errors.push(`${action} ${p} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      throw new Error('request failed');
    }
    let list = this.latencies.get(action);
    if (!list) this.latencies.set(action, (list = []));
    list.push(ms);
    this.caseEvents += events;
    return r.body;
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function latencyTable(rec: Recorder) {
  return Object.fromEntries([...rec.latencies].map(([action, ms]) => {
    const s = [...ms].sort((a, b) => a - b);
    return [action, { n: s.length, p50: round(pct(s, 50), 2), p99: round(pct(s, 99), 2) }];
  }));
}

// ---- the demo people each client acts as ----

interface Lane {
  villageId: string;
  cadre: string;
  townClerk: string;
}

interface World {
  itemId: string;
  lanes: Lane[];
  countyClerks: string[];
  roomHead: string;
}

async function worldOf(ctx: AppContext): Promise<World> {
  const db = ctx.db;
  const item = await db.selectFrom('catalog_items').select('id').where('code', '=', ITEM.code).executeTakeFirstOrThrow();
  const villages = await db.selectFrom('orgs').select(['id', 'code', 'parent_id']).where('level', '=', 'village').where('code', 'like', '341125%').orderBy('code').execute();
  const grants = await db.selectFrom('user_roles').innerJoin('users', 'users.id', 'user_roles.user_id')
    .select(['users.username', 'user_roles.role', 'user_roles.org_id']).orderBy('users.username').execute();
  const county = await db.selectFrom('orgs').select('id').where('code', '=', '341125').executeTakeFirstOrThrow();
  const lanes = villages.map((v, i) => {
    const cadres = grants.filter((g) => g.role === 'village_cadre' && g.org_id === v.id).map((g) => g.username);
    const clerks = grants.filter((g) => g.role === 'acceptance_clerk' && g.org_id === v.parent_id).map((g) => g.username);
    return { villageId: v.id, cadre: cadres[0]!, townClerk: clerks[i % clerks.length]! };
  });
  return {
    itemId: item.id, lanes,
    countyClerks: grants.filter((g) => g.role === 'acceptance_clerk' && g.org_id === county.id).map((g) => g.username),
    roomHead: 'xian_canlian',
  };
}

// ---- the workload ----

let serial = 0;
function applicant() {
  serial++;
  const body = `3411251975${String(1 + (serial % 12)).padStart(2, '0')}${String(1 + (serial % 28)).padStart(2, '0')}${String(serial % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return { name: `测试${serial}`, idNumber: body + '10X98765432'[sum % 11], phone: `139${String(serial).padStart(8, '0')}` };
}

type Cookies = Map<string, string>;

interface Registered {
  id: string;
  version: number;
  cadre: string;
}

/** Intake, first half: register applications (apply) at the client's village room. */
async function registerClient(rec: Recorder, world: World, cookies: Cookies, c: number, pool: Registered[]) {
  const lane = world.lanes[c % world.lanes.length]!;
  const cadre = cookies.get(lane.cadre)!;
  while (rec.open) {
    const made = await rec.post('apply', '/api/cases', cadre, { itemId: world.itemId, channel: 'village_room', applicant: applicant() }, 1, 201);
    pool.push({ id: made.case.id, version: made.case.version, cadre });
  }
}

/** Intake, second half: accept (受理) the registered applications, one request and one durable transaction each. */
async function acceptClient(rec: Recorder, pool: Registered[]) {
  for (let next = pool.pop(); next && rec.open; next = pool.pop()) {
    await rec.post('accept', `/api/cases/${next.id}/accept`, next.cadre, { version: next.version });
  }
}

async function pathClient(rec: Recorder, world: World, cookies: Cookies, c: number, done: { processes: number }) {
  const lane = world.lanes[c % world.lanes.length]!;
  const cadre = cookies.get(lane.cadre)!;
  const town = cookies.get(lane.townClerk)!;
  const county = cookies.get(world.countyClerks[c % world.countyClerks.length]!)!;
  const room = cookies.get(world.roomHead)!;
  while (rec.open) {
    const version = new Map<string, number>();
    const act = async (action: string, who: string, id: string, body: Record<string, unknown> = {}) => {
      const r = await rec.post(action, `/api/cases/${id}/${action}`, who, { version: version.get(id), ...body });
      version.set(id, r.case.version);
    };
    const ids: string[] = [];
    for (let k = 0; k < BATCH; k++) {
      const made = await rec.post('apply', '/api/cases', cadre, { itemId: world.itemId, channel: 'village_room', applicant: applicant() }, 1, 201);
      ids.push(made.case.id);
      version.set(made.case.id, made.case.version);
      await act('accept', cadre, made.case.id);
    }
    const out = await rec.post('batch_create', '/api/batches', cadre, { kind: 'outgoing', caseIds: ids }, 0, 201);
    await rec.post('batch_send', `/api/batches/${out.id}/send`, cadre, { version: out.version }, ids.length);
    let batch: any;
    for (const id of ids) batch = await rec.post('batch_receive', `/api/batches/${out.id}/cases/${id}/receive`, town, {});
    await rec.post('batch_check', `/api/batches/${out.id}/check`, town, { version: batch.version }, 0);
    for (const line of batch.cases) version.set(line.caseId, line.caseVersion);
    for (const id of ids) await act('transfer', town, id);
    for (const id of ids) {
      await act('receive', county, id);
      await act('transfer', county, id);
    }
    for (const id of ids) {
      await act('receive', room, id);
      await act('complete_stage', room, id);
      await act('decide', room, id, { outcome: 'approve' });
      await act('reply', room, id);
    }
    for (const id of ids) await act('reply', county, id);
    const back = await rec.post('batch_create', '/api/batches', town, { kind: 'return', villageId: lane.villageId, caseIds: ids }, 0, 201);
    await rec.post('batch_send', `/api/batches/${back.id}/send`, town, { version: back.version }, ids.length);
    for (const id of ids) {
      await rec.post('batch_receive', `/api/batches/${back.id}/cases/${id}/receive`, cadre, {}, 0);
      await rec.post('batch_deliver', `/api/batches/${back.id}/cases/${id}/deliver`, cadre, {});
    }
    done.processes += ids.length;
  }
}

async function runPhase(base: URL, ms: number, client: (rec: Recorder, c: number) => Promise<void>) {
  const rec = new Recorder(base);
  const t0 = Date.now();
  rec.deadline = t0 + ms;
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(rec, c).catch(() => undefined)));
  return { rec, seconds: (Date.now() - t0) / 1000 };
}

// ---- the raw durable limit: one real case row + one event row per transaction ----

function copies(template: { row: CaseTable; event: CaseEventTable }, n: number) {
  const id = randomUUID();
  return {
    row: { ...template.row, id, number: `RAW-${n}-${randomBytes(3).toString('hex')}`, applicant_id_index: randomBytes(16).toString('hex') },
    event: { ...template.event, case_id: id },
  };
}

async function template(ctx: AppContext) {
  const row = await ctx.db.selectFrom('cases').selectAll().where('state', '=', 'accepted').limit(1).executeTakeFirstOrThrow();
  const event = await ctx.db.selectFrom('case_events').selectAll().where('case_id', '=', row.id).where('seq', '=', 1).executeTakeFirstOrThrow();
  return { row, event };
}

function rawSqlite(file: string, t: { row: CaseTable; event: CaseEventTable }) {
  const sqlite = openSqlite(file); // the server's own pragmas: WAL, synchronous=FULL, foreign keys
  try {
    const cols = Object.keys(t.row);
    const ecols = Object.keys(t.event);
    const insCase = sqlite.prepare(`insert into cases (${cols.join(',')}) values (${cols.map((c) => `@${c}`).join(',')})`);
    const insEvent = sqlite.prepare(`insert into case_events (${ecols.join(',')}) values (${ecols.map((c) => `@${c}`).join(',')})`);
    const write = sqlite.transaction((x: ReturnType<typeof copies>) => {
      insCase.run(x.row);
      insEvent.run(x.event);
    });
    const synchronous = sqlite.pragma('synchronous', { simple: true });
    const journal = sqlite.pragma('journal_mode', { simple: true });
    let n = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < RAW_MS) write(copies(t, n++));
    return { perSec: round(n / ((Date.now() - t0) / 1000), 0), settings: `journal_mode=${journal}, synchronous=${synchronous === 2 ? 'FULL' : synchronous}, one connection` };
  } finally {
    sqlite.close();
  }
}

async function rawPostgres(url: string, t: { row: CaseTable; event: CaseEventTable }) {
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  try {
    const cols = Object.keys(t.row);
    const ecols = Object.keys(t.event);
    const caseSql = `insert into cases (${cols.join(',')}) values (${cols.map((_, i) => `$${i + 1}`).join(',')})`;
    const eventSql = `insert into case_events (${ecols.join(',')}) values (${ecols.map((_, i) => `$${i + 1}`).join(',')})`;
    const fsync = (await pool.query('show fsync')).rows[0].fsync;
    const syncCommit = (await pool.query('show synchronous_commit')).rows[0].synchronous_commit;
    let n = 0;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (Date.now() - t0 < RAW_MS) {
        const x = copies(t, n++);
        const c = await pool.connect();
        try {
          await c.query('begin');
          await c.query(caseSql, cols.map((k) => (x.row as unknown as Record<string, unknown>)[k]));
          await c.query(eventSql, ecols.map((k) => (x.event as unknown as Record<string, unknown>)[k]));
          await c.query('commit');
        } finally {
          c.release();
        }
      }
    }));
    return { perSec: round(n / ((Date.now() - t0) / 1000), 0), settings: `fsync=${fsync}, synchronous_commit=${syncCommit}, pool 16, 32 concurrent` };
  } finally {
    await pool.end();
  }
}

// ---- the same 14-step path through the lifecycle rules alone, in memory (what bpmn-engine's 250/s measured) ----

async function lifecycleInMemory(ctx: AppContext, world: World) {
  const village = await ctx.db.selectFrom('units').select('id').where('org_id', '=', world.lanes[0]!.villageId).where('kind', '=', 'village_room').executeTakeFirstOrThrow();
  const townOrg = (await ctx.db.selectFrom('orgs').select('parent_id').where('id', '=', world.lanes[0]!.villageId).executeTakeFirstOrThrow()).parent_id!;
  const unitOf = async (orgId: string, kind: 'acceptance_desk' | 'handling_room') => {
    const q = ctx.db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id').select('units.id').where('units.kind', '=', kind);
    return (await (kind === 'acceptance_desk' ? q.where('orgs.id', '=', orgId) : q.where('units.name', '=', '残疾人联合会办理室')).executeTakeFirstOrThrow()).id;
  };
  const county = (await ctx.db.selectFrom('orgs').select('id').where('code', '=', '341125').executeTakeFirstOrThrow()).id;
  const ids = [village.id, await unitOf(townOrg, 'acceptance_desk'), await unitOf(county, 'acceptance_desk'), await unitOf(county, 'handling_room')];
  const refs: UnitRef[] = [];
  for (const id of ids) refs.push(unitRefOf((await unitInfo(ctx.db, id))!));
  const [room0, town, countyDesk, room] = refs as [UnitRef, UnitRef, UnitRef, UnitRef];
  const actor = (unit: UnitRef, role: Actor['roles'][number]): Actor => ({ userId: `u-${role}`, roles: [role], unit, orgPath: unit.orgPath });
  const cadre = actor(room0, 'village_cadre');
  const townClerk = actor(town, 'acceptance_clerk');
  const countyClerk = actor(countyDesk, 'acceptance_clerk');
  const officer = actor(room, 'handling_officer');
  const item = caseItemOf((await publishedItem(ctx, world.itemId))!.elements);
  const calendar = await loadCalendar(ctx, world.lanes[0]!.villageId);
  const steps: [Actor, { type: CaseAction['type'] } & Record<string, unknown>][] = [
    [cadre, { type: 'apply', channel: 'village_room' }], [cadre, { type: 'accept' }], [cadre, { type: 'transfer', to: town }],
    [townClerk, { type: 'receive' }], [townClerk, { type: 'transfer', to: countyDesk }], [countyClerk, { type: 'receive' }],
    [countyClerk, { type: 'transfer', to: room }], [officer, { type: 'receive' }], [officer, { type: 'complete_stage' }],
    [officer, { type: 'decide', outcome: 'approve' }], [officer, { type: 'reply' }], [countyClerk, { type: 'reply' }], [townClerk, { type: 'reply' }],
    [cadre, { type: 'deliver', method: 'village_cadre' }],
  ];
  const at = new Date().toISOString();
  let processes = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < 2000) {
    let s: CaseSnapshot = draftCase(item);
    for (const [who, action] of steps) {
      const r = applyAction(s, { ...action, at } as unknown as CaseAction, who, { calendar });
      if (!r.ok) throw new Error(`in-memory ${action.type}: ${r.detail}`);
      s = r.next;
    }
    if (s.state !== 'finished') throw new Error(`in-memory path ended in ${s.state}`);
    processes++;
  }
  const seconds = (Date.now() - t0) / 1000;
  return { steps: steps.length, processesPerSec: round(processes / seconds, 0), fourStepEquivalentsPerSec: round((processes * steps.length) / 4 / seconds, 0) };
}

// ---- one engine ----

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function runEngine(engine: 'sqlite' | 'postgres', bundle: ServerBundle) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bianmin-bench-'));
  const file = path.join(dataDir, 'bianmin.db');
  let pgName: string | null = null;
  let url: string | undefined;
  if (engine === 'postgres') {
    pgName = `bianmin_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${pgName}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${pgName}`;
    url = u.toString();
  }
  const target = engine === 'postgres' ? { kind: 'postgres' as const, url: url! } : { kind: 'sqlite' as const, file };
  const load0 = loadavg()[0]!;
  try {
    log(engine, 'seeding the demo network and catalog');
    const handle = await openDatabase(target);
    await migrateToLatest(handle.db);
    const ctx: AppContext = { db: handle.db, engine, config: testConfig(target), now: () => new Date() };
    await seedDemo(ctx);
    await seedCatalog(ctx, '341125', [ITEM]);
    const world = await worldOf(ctx);
    const inMemory = await lifecycleInMemory(ctx, world);
    await handle.close();

    const port = await freePort();
    const server = await startServerProcess(bundle, {
      DATA_DIR: dataDir, DATABASE_URL: url, BIANMIN_SECRET: TEST_SECRET, DEMO_DATA: 'false', PORT: String(port), LOG_LEVEL: args['log-level'],
    }, 60_000, args['server-profile'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['server-profile'])}`] : []);
    const base = new URL(server.url);
    let register;
    let intake;
    let full;
    const done = { processes: 0 };
    try {
      const cookies: Cookies = new Map();
      const people = [...new Set([...world.lanes.flatMap((l) => [l.cadre, l.townClerk]), ...world.countyClerks, world.roomHead])];
      for (const u of people) cookies.set(u, await loginCookie(base, u));
      log(engine, `intake: ${CLIENTS} clients register for ${INTAKE_MS / 1000} s, then accept what was registered`);
      const pool: Registered[] = [];
      register = await runPhase(base, INTAKE_MS, (rec, c) => registerClient(rec, world, cookies, c, pool));
      pool.reverse();
      intake = await runPhase(base, INTAKE_MS, (rec) => acceptClient(rec, pool));
      log(engine, `full path: ${CLIENTS} clients, batches of ${BATCH}, ${PATH_MS / 1000} s`);
      full = await runPhase(base, PATH_MS, (rec, c) => pathClient(rec, world, cookies, c, done));
    } finally {
      await server.stop();
    }

    log(engine, 'raw durable writes');
    const h2 = await openDatabase(target);
    const tpl = await template({ db: h2.db, engine, config: testConfig(target), now: () => new Date() });
    await h2.close();
    const raw = engine === 'sqlite' ? rawSqlite(file, tpl) : await rawPostgres(url!, tpl);

    const accepts = intake.rec.latencies.get('accept')?.length ?? 0;
    const acceptsPerSec = accepts / intake.seconds;
    const pathActionsPerSec = full.rec.caseEvents / full.seconds;
    const intakeTable = { ...latencyTable(register.rec), ...latencyTable(intake.rec) };
    const pathTable = latencyTable(full.rec);
    const worstP99 = Math.max(...Object.values(intakeTable).map((x) => x.p99), ...Object.values(pathTable).map((x) => x.p99));
    const fourStep = pathActionsPerSec / 4;
    return {
      bench: 'cases', engine, clients: CLIENTS, batchSize: BATCH, logLevel: args['log-level'],
      machine: { cpus: cpus().length, loadavg1mAtStart: round(load0, 2), loadavg1mAtEnd: round(loadavg()[0]!, 2) },
      intake: {
        appliesPerSec: round((register.rec.latencies.get('apply')?.length ?? 0) / register.seconds),
        acceptsPerSec: round(acceptsPerSec), accepted: accepts, acceptSeconds: round(intake.seconds),
        latencyMs: intakeTable, errors: register.rec.errors.length + intake.rec.errors.length,
      },
      fullPath: {
        seconds: round(full.seconds), processesFinished: done.processes, processesPerSec: round(done.processes / full.seconds, 2),
        caseActionsPerSec: round(pathActionsPerSec), requestsPerSec: round(full.rec.requests / full.seconds),
        latencyMs: pathTable, errors: full.rec.errors.length,
      },
      raw: { durableTxPerSec: raw.perSec, write: 'one case row (real snapshot, all indexes) + one event row per transaction', settings: raw.settings },
      ratio: round(acceptsPerSec / raw.perSec, 3),
      fourStepEquivalentsPerSec: round(fourStep),
      bpmnMultiple: round(fourStep / 250, 2),
      lifecycleInMemory: { ...inMemory, bpmnMultiple: round(inMemory.fourStepEquivalentsPerSec / 250, 1) },
      floors: {
        acceptRatioAtLeast50pct: acceptsPerSec / raw.perSec >= FLOORS.ratio,
        p99Below50ms: worstP99 < FLOORS.p99Ms,
        tenTimesBpmn: fourStep >= FLOORS.fourStepPerSec,
      },
      worstP99Ms: worstP99,
      firstErrors: [...register.rec.errors, ...intake.rec.errors, ...full.rec.errors].slice(0, 3),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (pgName) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${pgName} with (force)`);
      await admin.end();
    }
  }
}

async function loginCookie(base: URL, username: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify({ username, password: DEMO_PASSWORD }));
    const req = http.request({
      agent, host: base.hostname, port: base.port, method: 'POST', path: '/api/auth/login',
      headers: { 'content-type': 'application/json', 'content-length': payload.length },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200
        ? resolve(String([res.headers['set-cookie']].flat()[0] ?? '').split(';')[0]!)
        : reject(new Error(`login ${username}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function main() {
  const engines = String(args.engines).split(',').map((e) => e.trim()).filter(Boolean);
  const bundle = await bundleServer(args['server-entry'] ? path.resolve(args['server-entry']) : undefined);
  try {
    for (const engine of engines) {
      if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}`);
      if (engine === 'postgres' && !(await pgReachable())) {
        console.log(JSON.stringify({ bench: 'cases', engine, skipped: `PostgreSQL not reachable at ${PG_URL}` }));
        continue;
      }
      console.log(JSON.stringify(await runEngine(engine, bundle)));
    }
  } finally {
    bundle.remove();
    agent.destroy();
  }
}

await main();
