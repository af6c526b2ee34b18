// bench/reports: statistics reports over many cases, against the raw summary query in the same run.
// Not a test: it prints one JSON line per engine (see bench/README.md).
//
//   npm run bench:reports                                  10,000,000 cases, both engines
//   npm run bench:reports -- --cases 1000000 --engines sqlite --runs 7
//
// Per engine: a fresh database (SQLite file under the temp folder; a new PostgreSQL database at
// BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards), migrated;
// a city of 10 counties × 15 townships × 10 villages (1,661 orgs, 2,680 units) and 120 items; then
//  1. load: N cases over the three years up to yesterday, written by one INSERT … SELECT per chunk
//     inside the database (a recursive CTE on SQLite, generate_series on PostgreSQL): only the columns
//     reports read are varied, the rest are the NOT NULL minimum and one shared snapshot string. The
//     case indexes reports do not use are dropped first so loading stays bounded; the report ones
//     (cases_report_accepting and 0007's three partial indexes) stay. Mix: 74% village rooms (half
//     代办), 25% windows, a little online; 98% finished within 0–9 days, 1% refused or withdrawn, the
//     rest open; 2% decided late; 2.5% denied.
//  2. rollup: the statistics rollup over every day (what the scheduled job does for two days);
//  3. reports (median of --runs): the half-year report by org for the whole city and the monthly report
//     by item, through the real service (scope check, plan, summary, overdue now, names), beside the raw
//     summary query alone.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../server/config.ts';
import type { AppContext, RequestMeta, Actor } from '../../server/context.ts';
import { openDatabase, type DatabaseHandle } from '../../server/db/index.ts';
import { migrateToLatest } from '../../server/db/migrations/index.ts';
import { datesBetween, monthDates, shanghaiDate, previousDate } from '../../server/domain/statistics.ts';
import * as repo from '../../server/modules/statistics/repo.ts';
import { rollupDays } from '../../server/modules/statistics/rollup.ts';
import { statistics } from '../../server/modules/statistics/service.ts';
import { SYNTHETIC_SNAPSHOT } from '../../server/modules/statistics/synthetic.ts';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000000' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    runs: { type: 'string', default: '5' },
    chunk: { type: 'string', default: '500000' },
  },
});
const CASES = Number(args.cases);
const RUNS = Number(args.runs);
const CHUNK = Number(args.chunk);
const FLOOR_MS = 200;
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const progress = (msg: string) => process.stderr.write(`[bench:reports] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---- the city ----

interface Place { idx: number; org_id: string; org_path: string; unit_id: string; unit_kind: string; channel: string; item_base: number; item_span: number }

async function buildCity(db: Kysely<any>, now: string): Promise<{ root: { id: string; path: string }; places: Place[]; userId: string }> {
  const orgs: any[] = [];
  const units: any[] = [];
  const places: Place[] = [];
  const stamp = { created_at: now, updated_at: now, version: 1 };
  const org = (code: string, name: string, level: string, parent: { id: string; path: string } | null) => {
    const id = randomUUID();
    const row = { id, code, name, level, parent_id: parent?.id ?? null, path: `${parent?.path ?? '/'}${id}/`, address: null, phone: null, opening_hours: null, ...stamp };
    orgs.push(row);
    return row;
  };
  const unit = (o: { id: string }, kind: string, name: string) => {
    const id = randomUUID();
    units.push({ id, org_id: o.id, kind, name, department_id: null, head_user_id: null, active: 1, ...stamp });
    return id;
  };
  const place = (o: { id: string; path: string }, unitId: string, kind: string, channel: string, itemBase: number, itemSpan: number) =>
    places.push({ idx: places.length, org_id: o.id, org_path: o.path, unit_id: unitId, unit_kind: kind, channel, item_base: itemBase, item_span: itemSpan });
  const root = org('3411', '滁州市', 'city', null);
  for (let c = 1; c <= 10; c++) {
    const county = org(`3411${String(20 + c)}`, `第${c}县`, 'county', root);
    place(county, unit(county, 'acceptance_desk', '咨询受理部'), 'acceptance_desk', 'online', 30, 90);
    for (let w = 0; w < 12; w++) place(county, unit(county, 'handling_window', `县窗口${w + 1}`), 'handling_window', 'counter', 30 + ((w * 7) % 85), 5);
    for (let t = 1; t <= 15; t++) {
      const town = org(`${county.code}${String(100 + t)}`, `第${c}县${t}镇`, 'township', county);
      unit(town, 'acceptance_desk', '咨询受理部');
      for (let w = 0; w < 6; w++) place(town, unit(town, 'handling_window', `镇窗口${w + 1}`), 'handling_window', 'counter', (w * 5) % 30, 5);
      for (let v = 1; v <= 10; v++) {
        const village = org(`${town.code}${String(v).padStart(3, '0')}`, `${t}镇${v}村`, 'village', town);
        const room = unit(village, 'village_room', '便民服务室');
        place(village, room, 'village_room', 'village_room', 0, 30);
        place(village, room, 'village_room', 'proxy', 0, 30);
      }
    }
  }
  for (let i = 0; i < orgs.length; i += 500) await db.insertInto('orgs').values(orgs.slice(i, i + 500)).execute();
  for (let i = 0; i < units.length; i += 500) await db.insertInto('units').values(units.slice(i, i + 500)).execute();
  const userId = randomUUID();
  await db.insertInto('users').values({
    id: userId, username: 'bench', username_key: 'bench', display_name: 'bench', org_id: root.id, password_hash: '-', password_changed_at: now,
    failed_logins: 0, locked_until: null, disabled: 0, created_at: now, updated_at: now, version: 1,
  }).execute();
  const items = Array.from({ length: 120 }, (_, i) => ({
    id: randomUUID(), owner_org_id: root.id, code: `3411-B-${String(i + 1).padStart(3, '0')}`, name: `事项${i + 1}`, short_name: null, department: 'civil_affairs',
    item_type: 'public_service', handling_mode: i < 30 ? 'proxy' : 'direct', case_type: 'pledged', proxy_category: i < 30 ? ['documents', 'payments', 'public_welfare', 'petitions', 'social_assistance', 'farming'][i % 6] : null,
    accept_levels: ',village,township,county,', life_events: '', search_text: '', search_pinyin: '', search_initials: '', published_version: 1, latest_version: 1,
    created_at: now, updated_at: now, version: 1,
  }));
  await db.insertInto('catalog_items').values(items).execute();
  await db.schema.createTable('bench_places').addColumn('idx', 'integer', (c) => c.primaryKey()).addColumn('org_id', 'text').addColumn('org_path', 'text')
    .addColumn('unit_id', 'text').addColumn('unit_kind', 'text').addColumn('channel', 'text').addColumn('item_base', 'integer').addColumn('item_span', 'integer').execute();
  for (let i = 0; i < places.length; i += 500) await db.insertInto('bench_places').values(places.slice(i, i + 500)).execute();
  await db.schema.createTable('bench_items').addColumn('idx', 'integer', (c) => c.primaryKey()).addColumn('item_id', 'text').execute();
  await db.insertInto('bench_items').values(items.map((it, idx) => ({ idx, item_id: it.id }))).execute();
  return { root, places, userId };
}

// ---- the cases, generated inside the database ----

const KEEP = new Set(['cases_report_accepting', 'cases_stat_accepted', 'cases_stat_finished', 'cases_stat_open_due']);

async function dropOtherIndexes(db: Kysely<any>, engine: string) {
  const names = engine === 'postgres'
    ? (await sql<{ n: string }>`select indexname as n from pg_indexes where tablename = 'cases' and indexname like 'cases\\_%' and indexname not like '%pkey' and indexname not like '%number%'`.execute(db)).rows
    : (await sql<{ n: string }>`select name as n from sqlite_master where type = 'index' and tbl_name = 'cases' and sql is not null`.execute(db)).rows;
  for (const { n } of names) if (!KEEP.has(n)) await sql`drop index ${sql.ref(n)}`.execute(db);
  return names.map((r) => r.n).filter((n) => !KEEP.has(n));
}

/**
 * Row n: accepted on day n % D of the period at 09:00–16:00, at place (n·7919) mod P, item base +
 * (n·31) mod span; outcome by n mod 1000 (refused, withdrawn, else finished 0–9 days later unless that
 * is after now, then open); due 14 days after acceptance, 1 day for every 50th (late); every 40th denied.
 */
function caseSelect(engine: string, start: number, count: number, t0: number, days: number, nowEpoch: number, places: number, userId: string) {
  const pgEngine = engine === 'postgres';
  const ts = (e: string) => (pgEngine ? `to_timestamp(${e})` : `strftime('%Y-%m-%dT%H:%M:%S.000Z', ${e}, 'unixepoch')`);
  const div = (a: string, b: string) => (pgEngine ? `(${a}) / (${b})` : `(${a}) / (${b})`);
  const acc = `(${t0} + (s.n % ${days}) * 86400 + 3600 * (1 + ${div('s.n', String(days))} % 8))`;
  const fin = `(${acc} + ((s.n * 13) % 10) * 86400 + 7200)`;
  const r = `(s.n % 1000)`;
  const state = `case when ${r} < 5 then 'refused' when ${r} < 10 then 'withdrawn' when ${fin} > ${nowEpoch} then 'handling' else 'finished' end`;
  const accepted = `case when ${r} < 10 then null else ${ts(acc)} end`;
  const due = `case when ${r} < 10 then null else ${ts(`${acc} + (case when s.n % 50 = 0 then 1 else 14 end) * 86400`)} end`;
  const decided = `case when ${r} < 10 or ${fin} > ${nowEpoch} then null else ${ts(`${fin} - 3600`)} end`;
  const decision = `case when ${r} < 10 or ${fin} > ${nowEpoch} then null when s.n % 40 = 0 then 'denied' else 'approved' end`;
  const finished = `case when ${r} < 10 then ${ts(`${acc} + 3600`)} when ${fin} > ${nowEpoch} then null else ${ts(fin)} end`;
  const series = pgEngine
    ? `generate_series(${start}::bigint, ${start + count - 1}::bigint) as s(n)`
    : `(with recursive g(n) as (select ${start} union all select n + 1 from g where n < ${start + count - 1}) select n from g) as s`;
  return `insert into cases (id, number, lookup_code, item_id, item_version, item_code, item_name, channel, state, stage_index,
      accepting_unit_id, accepting_org_id, accepting_org_path, current_unit_id, current_unit_kind, current_org_id, current_org_path,
      applicant_name, applicant_id_sealed, applicant_id_index, applicant_id_masked, submitted_at, accepted_at, due_at, decided_at,
      finished_at, decision, snapshot, created_by, created_at, updated_at, version)
    select 'b' || s.n, 'B' || s.n, 'BENCH0', i.item_id, 1, 'B', '合成办件', p.channel, ${state}, 0,
      p.unit_id, p.org_id, p.org_path, p.unit_id, p.unit_kind, p.org_id, p.org_path,
      '合成', '-', 'x', '-', ${ts(acc)}, ${accepted}, ${due}, ${decided}, ${finished}, ${decision}, '${SYNTHETIC_SNAPSHOT}', '${userId}', ${ts(acc)}, ${ts(acc)}, 1
    from ${series}
    join bench_places p on p.idx = (s.n * 7919) % ${places}
    join bench_items i on i.idx = p.item_base + (s.n * 31) % p.item_span`;
}

// ---- one engine ----

async function runEngine(engine: 'sqlite' | 'postgres') {
  let handle: DatabaseHandle;
  let cleanup: () => Promise<void>;
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-reports-'));
    handle = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'bench.db') });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `bench_reports_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    handle = await openDatabase({ kind: 'postgres', url: url.toString() });
    cleanup = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const db = handle.db as unknown as Kysely<any>;
  try {
    await migrateToLatest(handle.db);
    const realNow = new Date();
    const today = shanghaiDate(realNow);
    const end = previousDate(today);
    let startDate = end;
    for (let i = 1; i < 3 * 365 + 1; i++) startDate = previousDate(startDate);
    const days = datesBetween(startDate, end);
    const t0 = Date.parse(`${startDate}T09:00:00+08:00`) / 1000 - 3600;
    const city = await buildCity(db, realNow.toISOString());
    const dropped = await dropOtherIndexes(db, engine);
    progress(`${engine}: city of ${city.places.length} places; dropped indexes reports do not use: ${dropped.join(', ')}`);

    // 1. load
    const loadStart = Date.now();
    if (engine === 'sqlite') {
      handle.sqlite!.pragma('synchronous = OFF');
    } else {
      await sql`set synchronous_commit = off`.execute(db);
    }
    for (let start = 0; start < CASES; start += CHUNK) {
      const count = Math.min(CHUNK, CASES - start);
      const text = caseSelect(engine, start, count, t0, days.length, Math.floor(realNow.getTime() / 1000), city.places.length, city.userId);
      if (engine === 'sqlite') handle.sqlite!.exec(`begin; ${text}; commit;`);
      else await sql.raw(text).execute(db);
      progress(`${engine}: loaded ${(start + count).toLocaleString('en')} cases (${((Date.now() - loadStart) / 1000).toFixed(0)} s)`);
    }
    if (engine === 'sqlite') {
      handle.sqlite!.pragma('synchronous = FULL');
      handle.sqlite!.exec('analyze');
    } else {
      await sql`analyze`.execute(db);
    }
    const loadSeconds = (Date.now() - loadStart) / 1000;

    // 2. rollup (the app's own job over every day; "now" is the real now, so every day before today is final)
    const config = loadConfig({ BIANMIN_SECRET: 'b'.repeat(32), DEMO_DATA: 'false', LOG_LEVEL: 'silent', DATA_DIR: tmpdir() }, { createSecret: false });
    const ctx: AppContext = { db: handle.db, engine, config, now: () => new Date() };
    const rollStart = Date.now();
    const months = [...new Set(days.map((d) => d.slice(0, 7)))];
    for (let i = 0; i < months.length; i++) {
      await rollupDays(ctx, days.filter((d) => d.startsWith(months[i]!)));
      if (i % 6 === 5 || i === months.length - 1) progress(`${engine}: rolled up ${i + 1}/${months.length} months (${((Date.now() - rollStart) / 1000).toFixed(0)} s)`);
    }
    const rollupSeconds = (Date.now() - rollStart) / 1000;
    if (engine === 'sqlite') handle.sqlite!.exec('analyze');
    else await sql`analyze`.execute(db);
    const count = async (t: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(db)).rows[0]!.n);
    const sizes = { cases: await count('cases'), stat_day: await count('stat_day'), stat_month: await count('stat_month'), stat_month_unit: await count('stat_month_unit') };

    // 3. reports: the last whole half year and the last whole month before this one
    const thisMonth = today.slice(0, 7);
    const lastMonth = monthDates(previousDate(`${thisMonth}-01`).slice(0, 7));
    const y = Number(today.slice(0, 4));
    const half = Number(today.slice(5, 7)) > 6 ? { from: `${y}-01-01`, to: `${y}-06-30` } : { from: `${y - 1}-07-01`, to: `${y - 1}-12-31` };
    const actor: Actor = { userId: city.userId, username: 'bench', displayName: 'bench', orgId: city.root.id, roles: [{ role: 'leader', orgId: city.root.id, orgPath: city.root.path }] };
    const meta = { actor, ip: '127.0.0.1', requestId: 'bench' } as RequestMeta & { actor: Actor };
    const time = async (fn: () => Promise<unknown>) => {
      await fn(); // warm
      const ms: number[] = [];
      let out: unknown;
      for (let i = 0; i < RUNS; i++) {
        const t = process.hrtime.bigint();
        out = await fn();
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      return { medianMs: Math.round(median(ms) * 10) / 10, out };
    };
    const halfMonths = [...new Set(datesBetween(half.from, half.to).map((d) => d.slice(0, 7)))];
    const byOrg = await time(() => statistics(ctx, meta, { orgId: city.root.id, from: half.from, to: half.to, groupBy: 'org' }));
    const byItem = await time(() => statistics(ctx, meta, { orgId: city.root.id, from: lastMonth.first, to: lastMonth.last, groupBy: 'item' }));
    const rawOrg = await time(() => repo.summaryRows(handle.db, 'stat_month_unit', halfMonths, { orgPath: city.root.path }, 'org'));
    const rawItem = await time(() => repo.summaryRows(handle.db, 'stat_month', [lastMonth.first.slice(0, 7)], { orgPath: city.root.path }, 'item'));
    // A township's month by item: the narrow subtree through the path index.
    const town = await db.selectFrom('orgs').select(['id', 'path']).where('level', '=', 'township').orderBy('code').executeTakeFirstOrThrow();
    const townItem = await time(() => statistics(ctx, meta, { orgId: town.id, from: lastMonth.first, to: lastMonth.last, groupBy: 'item' }));
    const rOrg = byOrg.out as Awaited<ReturnType<typeof statistics>>;
    const rItem = byItem.out as Awaited<ReturnType<typeof statistics>>;
    const line = {
      bench: 'reports', engine, cases: sizes.cases, days: days.length, period: { from: startDate, to: end },
      loadSeconds: Math.round(loadSeconds), rollupSeconds: Math.round(rollupSeconds), rollupDaysPerSecond: Math.round(days.length / rollupSeconds),
      summaryRows: { stat_day: sizes.stat_day, stat_month: sizes.stat_month, stat_month_unit: sizes.stat_month_unit },
      halfYearByOrg: { ms: byOrg.medianMs, period: half, rows: rOrg.rows.length, accepted: rOrg.total.accepted, source: { months: rOrg.source.months.length, days: rOrg.source.days, live: rOrg.source.live.length } },
      monthlyByItem: { ms: byItem.medianMs, month: lastMonth.first.slice(0, 7), rows: rItem.rows.length, accepted: rItem.total.accepted },
      townshipMonthlyByItem: { ms: townItem.medianMs },
      raw: { halfYearByOrgMs: rawOrg.medianMs, monthlyByItemMs: rawItem.medianMs },
      ratio: { halfYearByOrg: Math.round((byOrg.medianMs / Math.max(rawOrg.medianMs, 0.1)) * 100) / 100, monthlyByItem: Math.round((byItem.medianMs / Math.max(rawItem.medianMs, 0.1)) * 100) / 100 },
      floorMs: FLOOR_MS, runs: RUNS,
      pass: byOrg.medianMs < FLOOR_MS && byItem.medianMs < FLOOR_MS,
    };
    console.log(JSON.stringify(line));
  } finally {
    await handle.close();
    await cleanup();
  }
}

for (const engine of args.engines!.split(',').map((e) => e.trim()).filter(Boolean)) {
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}`);
  try {
    await runEngine(engine);
  } catch (err) {
    progress(`${engine}: failed: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  }
}
