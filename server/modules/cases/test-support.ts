// Shared by the case tests: an app over a fresh database with the demo network and catalog, people
// signed in on their own client addresses (the login limit is per address), and small request helpers.
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import type { ItemElements } from '../../domain/catalog.ts';
import { DEMO_CATALOG } from '../../seed/demo-catalog.ts';
import { seedCatalog } from '../catalog/service.ts';

export type Res = { statusCode: number; headers: Record<string, unknown>; body: string; json: () => any };
export type Json = any;

/** 残疾人辅助器具适配补贴 as the seed's path needs it: any level accepts, only the county room (残联) handles. */
export function roomOnlyItem(): ItemElements {
  const base = DEMO_CATALOG.find((i) => i.code === '341125-CL-002')!;
  return {
    ...structuredClone(base),
    code: 'T-CL-002V',
    acceptLevels: ['village', 'township', 'county'],
    caseType: 'forwarded',
    committedLimitDays: 15,
    process: [{ name: '县残联评估适配', handlers: [{ department: 'disabled_persons', level: 'county' }], limitDays: 15 }],
  };
}

/** Every demo item that names a department the demo network handles, plus the fixtures. */
export const TEST_ITEMS = (): ItemElements[] => [...DEMO_CATALOG, roomOnlyItem()];

export interface CaseTestApp extends TestApp {
  as(username: string): Promise<string>;
  send(method: 'GET' | 'POST', url: string, user?: string | null, payload?: unknown, headers?: Record<string, string>): Promise<Res>;
  itemId(code: string): Promise<string>;
  unitId(orgCode: string, name: string): Promise<string>;
  userId(username: string): Promise<string>;
  /** Clears every cached session (after the clock moved on far enough to end them). */
  relogin(): void;
}

export async function caseTestApp(): Promise<CaseTestApp> {
  // Sessions would time out as the test clock moves days ahead; the limits are checked elsewhere.
  const t = await testApp({ config: { sessionIdleMinutes: 60 * 24 * 365, sessionMaxHours: 24 * 365 * 10 } });
  await seedCatalog(t.ctx, '341125', TEST_ITEMS());
  const cookies = new Map<string, string>();
  const addresses = new Map<string, string>();
  const ids = new Map<string, string>();
  const addressOf = (username: string) => {
    if (!addresses.has(username)) {
      const n = addresses.size + 1;
      addresses.set(username, `10.77.${Math.floor(n / 250)}.${(n % 250) + 1}`);
    }
    return addresses.get(username)!;
  };
  const self: CaseTestApp = {
    ...t,
    async as(username) {
      const have = cookies.get(username);
      if (have) return have;
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'Bianmin#2026' }, remoteAddress: addressOf(username) });
      assert.equal(res.statusCode, 200, `login ${username}: ${res.body}`);
      const cookie = String([res.headers['set-cookie']].flat()[0]).split(';')[0]!;
      cookies.set(username, cookie);
      return cookie;
    },
    async send(method, url, user, payload, headers = {}) {
      const cookie = user ? await self.as(user) : undefined;
      return t.app.inject({
        method, url, remoteAddress: user ? addressOf(user) : '192.0.2.1',
        headers: { ...(cookie ? { cookie } : {}), ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }) as unknown as Promise<Res>;
    },
    async itemId(code) {
      if (!ids.has(`item:${code}`)) {
        const row = await t.ctx.db.selectFrom('catalog_items').select('id').where('code', '=', code).executeTakeFirstOrThrow();
        ids.set(`item:${code}`, row.id);
      }
      return ids.get(`item:${code}`)!;
    },
    async unitId(orgCode, name) {
      const row = await t.ctx.db.selectFrom('units').innerJoin('orgs', 'orgs.id', 'units.org_id').select('units.id')
        .where('orgs.code', '=', orgCode).where('units.name', '=', name).executeTakeFirstOrThrow();
      return row.id;
    },
    async userId(username) {
      const row = await t.ctx.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
      return row.id;
    },
    relogin() {
      cookies.clear();
    },
  };
  return self;
}

/** A refusal: its status, problem+json, a Chinese detail, and (optionally) the fields it names. */
export function assertProblem(res: Res, status: number, errors?: { pointer: string; code: string; detail?: string }[]): Json {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.match(body.detail, /\p{Script=Han}/u);
  if (errors) {
    const withDetail = errors.some((e) => e.detail !== undefined);
    assert.deepEqual(
      body.errors.map((e: Json) => ({ pointer: e.pointer, code: e.code, ...(withDetail ? { detail: e.detail } : {}) })),
      errors, res.body,
    );
  }
  return body;
}

/** Valid GB 11643 numbers for tests (checked by the validator's own vectors). */
export const ID_NUMBERS = {
  a: '11010519491231002X',
  b: '440524188001010014',
} as const;

/** An 18-digit number with a correct checksum, from a 17-digit body. */
export function idWithChecksum(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return body17 + '10X98765432'[sum % 11];
}
