// bench/supervision: the supervision sweep over a million open cases, beside the same work done as raw
// SQL in the same run. Not a test: it prints one JSON line per engine (see bench/README.md).
//
//   npm run bench:supervision                              both engines (PostgreSQL when reachable)
//   npm run bench:supervision -- --engines sqlite --cases 200000
//
// Per engine: a fresh database (SQLite file; a new PostgreSQL database at BENCH_PG_URL, default
// postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards) with the demo network; one real case
// registered and accepted through the app is the template; the database itself copies it into N open
// cases (generate_series / a recursive CTE) with one case_watch row each. Four sets of 1 % cross a
// threshold at four moments T1 < T2 < T3 < T4, handled in the order raw, sweep, sweep, raw (each phase
// writes into tables the earlier ones made bigger; the mirrored order keeps that drift out of the ratio).
//  1. raw select: the sweep's indexed query alone (case_watch.next_at <= T1 joined to cases), read-only;
//  2. raw: a set handled by hand-written SQL in pages of the sweep's size — the same select, then
//     multi-row INSERTs of the same signals, steps and inbox rows (values computed in advance, no rules),
//     and the watch moments moved on; one durable transaction per page (inTransaction, as the sweep);
//  3. sweep: the app's sweep (server/modules/supervision/sweep.ts): the same pages, the rules
//     evaluated per case, recipients looked up, signals raised ON CONFLICT DO NOTHING.
// ratio = mean sweep ms / mean raw ms (floor 1.5); ratioToSelect = sweep ms / raw select ms (for reading only).
// The other 96 % of the cases carry a minimal snapshot: no sweep reads them, they are there to make the
// table and its indexes the size of a million cases.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../server/app.ts';
import type { AppContext } from '../../server/context.ts';
import type { DatabaseTarget } from '../../server/config.ts';
import { openDatabase } from '../../server/db/index.ts';
import { inTransaction } from '../../server/db/transaction.ts';
import { groupCommitOf } from '../../server/db/sqlite-group-commit.ts';
import { migrateToLatest } from '../../server/db/migrations/index.ts';
import { sweep, type SweepResult } from '../../server/modules/supervision/sweep.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { DEMO_PASSWORD, testConfig } from '../../test/helpers.ts';

const { values: args } = parseArgs({
  options: {
    engines: { type: 'string', default: 'sqlite,postgres' },
    cases: { type: 'string', default: '1000000' },
    page: { type: 'string', default: '500' },
  },
});
const N = Number(args.cases);
const PAGE = Number(args.page);
const DAY = 86_400_000;
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function target(engine: string): Promise<{ target: DatabaseTarget; drop: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'bianmin-bench-sup-'));
    return { target: { kind: 'sqlite', file: path.join(dir, 'bench.db') }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `bianmin_bench_sup_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function run(engine: string): Promise<void> {
  const { target: t, drop } = await target(engine);
  const handle = await openDatabase(t);
  try {
    await migrateToLatest(handle.db);
    const ctx: AppContext = { db: handle.db, engine: handle.engine, config: { ...testConfig(t), logLevel: 'silent' }, now: () => new Date() };
    await seedDemo(ctx);
    const db = handle.db;

    // The template: one real case, registered and accepted at a village room through the app.
    const app = await buildApp(ctx, { webRoot: null });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'huanglong', password: DEMO_PASSWORD } });
    const cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0]!;
    const item = await db.selectFrom('catalog_items').select('id').where('code', '=', '341125-SF-001').executeTakeFirstOrThrow();
    const made = await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie }, payload: { itemId: item.id, channel: 'village_room', applicant: { name: '监察基准', idNumber: '11010519491231002X' } } });
    const c = made.json().case;
    const acc = await app.inject({ method: 'POST', url: `/api/cases/${c.id}/accept`, headers: { cookie }, payload: { version: c.version } });
    if (acc.statusCode !== 200) throw new Error(acc.body);
    await app.close();
    const template = await db.selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    const now = Date.now();
    const old = new Date(now - 60 * DAY).toISOString();
    const snap = JSON.parse(template.snapshot);
    snap.submittedAt = old;
    snap.lastActionAt = old;
    snap.clock.acceptedAt = old;
    for (const s of snap.clock.stages) s.startedAt = old;
    const full = JSON.stringify(snap);
    // Four due sets, handled in the order raw, sweep, sweep, raw (each later phase writes into bigger
    // tables and indexes, so the mirrored order keeps that drift out of the ratio).
    const T1 = new Date(now - 4 * 3_600_000).toISOString();
    const T2 = new Date(now - 3 * 3_600_000).toISOString();
    const T3 = new Date(now - 2 * 3_600_000).toISOString();
    const T4 = new Date(now - 1_000).toISOString();
    const later = (k: number) => new Date(now + (1 + (k % 30)) * DAY).toISOString();

    // N open cases copied inside the database: n % 100 = 50 → set A (raw), 0 → B (sweep), 25 → C (sweep), 75 → D (raw).
    const t0 = Date.now();
    const cols = Object.keys(template).filter((k) => !['id', 'number', 'snapshot'].includes(k));
    const colList = sql.raw(cols.join(', '));
    const fromT = sql.raw(cols.map((k) => `t.${k}`).join(', '));
    await db.deleteFrom('case_watch').execute();
    const CHUNK = 100_000;
    for (let lo = 1; lo <= N; lo += CHUNK) {
      const hi = Math.min(N, lo + CHUNK - 1);
      const seq = engine === 'postgres'
        ? sql`select generate_series(${lo}::int, ${hi}::int) as n`
        : sql`select value as n from (with recursive s(value) as (select ${lo} union all select value + 1 from s where value < ${hi}) select value from s)`;
      await db.transaction().execute(async (tx) => {
        await sql`insert into cases (id, number, snapshot, ${colList})
          select t.id || '-' || seq.n, t.number || '-' || seq.n, case when seq.n % 25 = 0 then ${full} else '{}' end, ${fromT}
          from (${seq}) seq, cases t where t.id = ${template.id}`.execute(tx);
        const at = (v: string) => (engine === 'postgres' ? sql`${v}::timestamptz` : sql`${v}`);
        await sql`insert into case_watch (case_id, next_at)
          select ${template.id} || '-' || seq.n,
            case when seq.n % 100 = 50 then ${at(T1)} when seq.n % 100 = 0 then ${at(T2)}
              when seq.n % 100 = 25 then ${at(T3)} when seq.n % 100 = 75 then ${at(T4)}
              when seq.n % 3 = 0 then ${at(later(1))} when seq.n % 3 = 1 then ${at(later(7))} else ${at(later(20))} end
          from (${seq}) seq`.execute(tx);
      });
    }
    if (engine === 'postgres') await sql`analyze`.execute(db);
    const loadMs = Date.now() - t0;
    const open = Number((await db.selectFrom('case_watch').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    // 1. The indexed query alone, read-only, three times over set A (1 % of the cases; median).
    const selectDue = (runner: typeof db, upTo: string, limit: number) => runner.selectFrom('case_watch as w').innerJoin('cases', 'cases.id', 'w.case_id')
      .select(['cases.id', 'cases.number', 'cases.item_id', 'cases.item_version', 'cases.item_name', 'cases.state', 'cases.accepting_org_id',
        'cases.accepting_org_path', 'cases.current_unit_id', 'cases.pending_unit_id', 'cases.holder_user_id', 'cases.snapshot'])
      .where('w.next_at', '<=', upTo).orderBy('w.next_at').limit(limit);
    // Each timed phase starts after one small write transaction has committed (on SQLite the first
    // commit after the bulk load also pays the WAL checkpoint of the load; neither phase should).
    const settle = async () => {
      await db.transaction().execute((tx) => tx.updateTable('audit_head').set((eb) => ({ seq: eb.ref('seq') })).where('id', '=', 1).execute());
      // Start each timed phase with an empty WAL: otherwise the first commits pay for checkpointing the bulk load.
      if (handle.sqlite) {
        await groupCommitOf(db)?.flush();
        handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      } else {
        await sql`checkpoint`.execute(db);
      }
    };
    await settle();
    const selects: number[] = [];
    let selected = 0;
    for (let i = 0; i < 3; i++) {
      const s0 = performance.now();
      selected = (await selectDue(db, T1, 10 * N).execute()).length;
      selects.push(performance.now() - s0);
    }
    const dueB = Math.round(N / 100);

    // 2. Raw: a due set by hand, page by page, the same rows the sweep writes (two signals per case here).
    const unit = await db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id').select(['units.id', 'units.name', 'units.head_user_id', 'orgs.id as org_id', 'orgs.path', 'orgs.name as org_name'])
      .where('units.id', '=', template.current_unit_id).executeTakeFirstOrThrow();
    let rawSignals = 0;
    const raw = async (upTo: string): Promise<number> => {
      await settle();
      const r0 = performance.now();
      for (;;) {
        // inTransaction, like the sweep: each page durable before the next (on SQLite, db.transaction() alone
        // would leave every page in one open group commit, paid untimed by the next phase).
        const page = await inTransaction(db, async (tx) => {
          let q = selectDue(tx as unknown as typeof db, upTo, PAGE);
          if (engine === 'postgres') q = q.forUpdate('w').skipLocked();
          const rows = await q.execute();
          if (rows.length === 0) return 0;
          const at = new Date().toISOString();
          const signals = rows.flatMap((r) => (['case_overdue', 'stage_overdue'] as const).map((rule, k) => ({
            id: randomUUID(), case_id: r.id, case_number: r.number, item_name: r.item_name, stage_index: k === 0 ? -1 : 0, stage_name: k === 0 ? null : '调解',
            rule, level: k === 0 ? 'red' : 'yellow', rule_org_id: null, rule_version: 0, basis: '承诺时限 15 个工作日，至今未办结', deadline_at: old,
            unit_id: unit.id, unit_name: `${unit.org_name}${unit.name}`, org_id: unit.org_id, org_path: unit.path, responsible_user_id: r.holder_user_id, head_user_id: unit.head_user_id,
            raised_at: at, feedback_due_at: at, status: 'open', appealed: 0 as const, closed_at: null, updated_at: at, version: 1,
          })));
          for (let i = 0; i < signals.length; i += 200) {
            const part = signals.slice(i, i + 200);
            await tx.insertInto('signals').values(part).onConflict((oc) => oc.columns(['case_id', 'stage_index', 'rule']).doNothing()).returning('id').execute();
            await tx.insertInto('signal_steps').values(part.map((s) => ({ signal_id: s.id, seq: 1, at, step: 'raise', from_status: null, to_status: 'open', user_id: null, user_name: '电子监察系统', text: s.basis }))).execute();
            // The sweep's inbox rows: the responsible person and the unit's head, with texts of the same length.
            const inbox = part.flatMap((s) => [...new Set([s.responsible_user_id, s.head_user_id].filter((u): u is string => !!u))]
              .map((userId) => ({
                id: randomUUID(), user_id: userId, signal_id: s.id, kind: 'signal', title: `【${s.level === 'red' ? '红牌' : '黄牌'}】办件 ${s.case_number}：${s.rule}`,
                body: `${s.item_name}。${s.basis}。责任单位：${s.unit_name}。请于 ${at.slice(0, 10)} 前反馈（说明情况或纠错整改）。`,
                link: `/supervision/signals/${s.id}`, created_at: at, read_at: null,
              })));
            if (inbox.length) await tx.insertInto('notifications').values(inbox).onConflict((oc) => oc.columns(['signal_id', 'user_id']).doNothing()).execute();
          }
          await tx.insertInto('case_watch').values(rows.map((r) => ({ case_id: r.id, next_at: later(3) })))
            .onConflict((oc) => oc.column('case_id').doUpdateSet((eb) => ({ next_at: eb.ref('excluded.next_at') }))).execute();
          rawSignals += signals.length;
          return rows.length;
        });
        if (page < PAGE) break;
      }
      return performance.now() - r0;
    };

    // 3. The app's sweep over a due set.
    const sweeps: SweepResult[] = [];
    const swept = async (at: string): Promise<number> => {
      await settle();
      const s0 = performance.now();
      sweeps.push(await sweep(ctx, { now: new Date(at), pageSize: PAGE }));
      return performance.now() - s0;
    };

    const rawRunsMs = [await raw(T1)];
    const sweepRunsMs = [await swept(T2), await swept(T3)];
    rawRunsMs.push(await raw(T4));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sweepMs = mean(sweepRunsMs);
    const rawMs = mean(rawRunsMs);
    const raised = sweeps.reduce((n, r) => n + r.raised, 0);
    const byLevel = { warning: 0, yellow: 0, red: 0 };
    for (const r of sweeps) for (const k of ['warning', 'yellow', 'red'] as const) byLevel[k] += r.byLevel[k];

    const rawSelectMs = median(selects);

    const line = {
      bench: 'supervision', engine, openCases: open, dueForSweep: dueB, sweeps: sweeps.length,
      casesEvaluated: sweeps.reduce((n, r) => n + r.cases, 0), signalsRaised: raised, byLevel, pages: sweeps.reduce((n, r) => n + r.pages, 0),
      sweepMs: Math.round(sweepMs), sweepRunsMs: sweepRunsMs.map(Math.round),
      rawMs: Math.round(rawMs), rawRunsMs: rawRunsMs.map(Math.round), rawSignals,
      ratio: Number((sweepMs / rawMs).toFixed(2)), floor: 1.5, pass: sweepMs <= 1.5 * rawMs,
      rawSelectMs: Math.round(rawSelectMs), rawSelectRows: selected, ratioToSelect: Number((sweepMs / rawSelectMs).toFixed(2)),
      signalsPerSecond: Math.round(raised / (sweepRunsMs.reduce((a, b) => a + b, 0) / 1000)), loadMs, pageSize: PAGE,
    };
    console.log(JSON.stringify(line));
  } finally {
    await handle.close();
    await drop();
  }
}

for (const engine of args.engines.split(',').map((e) => e.trim()).filter(Boolean)) {
  if (engine === 'postgres') {
    const probe = new pg.Client({ connectionString: PG_URL });
    const reachable = await probe.connect().then(() => true, () => false);
    await probe.end().catch(() => undefined);
    if (!reachable) {
      console.log(JSON.stringify({ bench: 'supervision', engine, skipped: `PostgreSQL not reachable at ${PG_URL}` }));
      continue;
    }
  }
  await run(engine);
}
