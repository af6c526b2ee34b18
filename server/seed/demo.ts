// Demo data for a first look: a county network and one account per role. Idempotent: re-running adds only what is missing.
import type { AppContext } from '../context.ts';
import type { OrgLevel, OrgTable } from '../db/schema.ts';
import type { Role } from '../domain/roles.ts';
import { hashPassword } from '../modules/auth/password.ts';
import * as orgRepo from '../modules/orgs/repo.ts';
import * as userRepo from '../modules/users/repo.ts';
import { seedCatalog } from '../modules/catalog/service.ts';
import { DEMO_CATALOG } from './demo-catalog.ts';
import { seedDemoNetwork, type NetworkSeedResult } from './demo-network.ts';
import { insertOrgAsSystem, insertUserAsSystem, systemMeta } from './system-writes.ts';

/** Shared by every demo account; README lists it. Never used outside demo data. */
export const DEMO_PASSWORD = 'Bianmin#2026';

interface DemoOrg {
  code: string;
  name: string;
  level: OrgLevel;
  parent: string | null;
  address?: string;
  phone?: string;
}

const DAHANSHAN_VILLAGES = ['黄龙村', '冉家营村', '五道岭村', '汪家坝村', '柳树沟村', '七里村', '石桥沟村', '新庄村'];

export const DEMO_ORGS: DemoOrg[] = [
  { code: '341100', name: '示范市', level: 'city', parent: null, address: '示范市人民路 1 号', phone: '0550-12345' },
  { code: '341125', name: '示范县', level: 'county', parent: '341100', address: '示范县政务服务中心（城关镇府前路 8 号）', phone: '0550-4012345' },
  { code: '341126', name: '东山县', level: 'county', parent: '341100', address: '东山县政务服务中心', phone: '0550-5012345' },
  { code: '341125101', name: '大汉山镇', level: 'township', parent: '341125', address: '大汉山镇人民政府一楼便民服务中心', phone: '0550-4100001' },
  { code: '341125102', name: '张桥镇', level: 'township', parent: '341125', address: '张桥镇行政服务中心', phone: '0550-4100002' },
  ...DAHANSHAN_VILLAGES.map((name, i) => ({
    code: `341125101${String(i + 1).padStart(3, '0')}`, name, level: 'village' as const, parent: '341125101',
    address: `大汉山镇${name}村委会便民服务室`,
  })),
  { code: '341125102001', name: '张桥村', level: 'village', parent: '341125102', address: '张桥镇张桥村便民服务室' },
  { code: '341125102002', name: '河湾村', level: 'village', parent: '341125102', address: '张桥镇河湾村便民服务室' },
  { code: '341126101', name: '东山镇', level: 'township', parent: '341126', address: '东山镇便民服务中心' },
];

export const DEMO_USERS: { username: string; displayName: string; org: string; roles: Role[] }[] = [
  { username: 'admin', displayName: '系统管理员', org: '341125', roles: ['system_admin'] },
  { username: 'auditor', displayName: '安全审计员', org: '341125', roles: ['auditor'] },
  { username: 'zhuren', displayName: '王主任', org: '341125', roles: ['center_manager'] },
  { username: 'shouli', displayName: '李受理', org: '341125', roles: ['acceptance_clerk'] },
  { username: 'chuangkou', displayName: '赵窗口', org: '341125101', roles: ['window_clerk'] },
  { username: 'banli', displayName: '孙办理', org: '341125', roles: ['handling_officer'] },
  { username: 'huanglong', displayName: '黄村干', org: '341125101001', roles: ['village_cadre'] },
  { username: 'jiancha', displayName: '周监察', org: '341125', roles: ['supervisor'] },
  { username: 'lingdao', displayName: '吴县长', org: '341125', roles: ['leader'] },
];

/** The org whose catalog the demo ships: 示范县. */
export const DEMO_CATALOG_OWNER = '341125';

export async function seedDemo(ctx: AppContext): Promise<{ orgs: number; users: number; network: NetworkSeedResult; items: number }> {
  const meta = systemMeta('seed-demo');
  // argon2 costs ~40 ms a hash and every demo account shares one password: hash it once, and only if needed.
  let hash: Promise<string> | undefined;
  const demoHash = () => (hash ??= hashPassword(DEMO_PASSWORD));
  let orgsAdded = 0;
  let usersAdded = 0;
  const byCode = new Map<string, OrgTable>();
  for (const o of DEMO_ORGS) {
    let org = await orgRepo.findOrgByCode(ctx.db, o.code);
    if (!org) {
      org = await insertOrgAsSystem(ctx, meta, { ...o, parent: o.parent ? byCode.get(o.parent) ?? null : null });
      orgsAdded++;
    }
    byCode.set(o.code, org);
  }
  for (const u of DEMO_USERS) {
    if (await userRepo.findByUsername(ctx.db, u.username)) continue;
    await insertUserAsSystem(ctx, meta, { ...u, org: byCode.get(u.org)!, passwordHash: await demoHash() });
    usersAdded++;
  }
  const network = await seedDemoNetwork(ctx, meta, byCode, demoHash);
  // After the network: the catalog's process stages are checked against the units it holds.
  const catalog = await seedCatalog(ctx, DEMO_CATALOG_OWNER, DEMO_CATALOG);
  return { orgs: orgsAdded, users: usersAdded, network, items: catalog.added };
}
