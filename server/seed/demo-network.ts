// The demo service network on top of the demo orgs: departments and their township stations (站所),
// the county center (an acceptance desk with 4 clerks, 13 department windows, 6 handling rooms), the
// seed's township 大汉山镇 (8 windows, 18 hall staff, 3 rooms), 张桥镇 shaped like the seed's third
// text, a service room with a Mon–Fri rota in every village, and a small second county (东山县) for
// scope tests. Every account shares the demo password. Idempotent: a re-run adds only what is missing.
import { randomUUID } from 'node:crypto';
import type { AppContext, RequestMeta } from '../context.ts';
import type { DepartmentTable, OrgTable, UnitKind, UnitTable, WindowTable } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { standardDepartment, STANDARD_DEPARTMENTS } from '../domain/departments.ts';
import type { Role } from '../domain/roles.ts';
import { recordAudit } from '../modules/audit/service.ts';
import * as userRepo from '../modules/users/repo.ts';

export interface DemoPerson {
  username: string;
  displayName: string;
  role: Role;
  staffNo: string;
  title: string;
  duties: string;
  /** A demo account that demo.ts creates already (shouli, chuangkou, banli, huanglong). */
  existing?: boolean;
}

interface DemoWindow {
  number: string;
  sign: string;
  /** Department codes of the handling units it serves; empty for a desk counter. */
  departments: string[];
  a: DemoPerson;
  b: DemoPerson;
}

interface DemoCenter {
  org: string;
  /** Department codes kept at this org (with their station names below county level). */
  departments: string[];
  desk: { name: string; clerks: DemoPerson[]; counters: DemoWindow[] };
  windows: DemoWindow[];
  rooms: { department: string; name: string; head: DemoPerson }[];
  others: DemoPerson[];
}

interface DemoVillage {
  org: string;
  name: string;
  cadres: DemoPerson[];
}

// Duties on a badge, by department.
const DUTIES: Record<string, string> = {
  civil_affairs: '最低生活保障、特困人员供养、临时救助、高龄津贴',
  human_resources: '就业失业登记、失业保险金申领、城乡居民养老保险、社会保障卡',
  health: '生育登记、计划生育家庭奖励扶助、流动人口婚育证明',
  medical_insurance: '城乡居民医保参保缴费、合疗报销、异地就医备案',
  natural_resources: '农村宅基地审批、不动产登记、土地使用审批',
  housing: '农村建房许可、农村危房改造、住房保障',
  planning: '建设工程规划许可、乡村建设规划许可',
  agriculture: '耕地地力保护补贴、农机购置补贴、动物防疫',
  forestry: '林木采伐许可、林权登记、生态公益林补偿',
  water: '取水许可、小型水利工程、防汛抗旱',
  public_security: '户籍办理、居民身份证、居住证',
  market_regulation: '个体工商户登记、食品经营许可、食品药品安全',
  finance: '惠农补贴“一卡通”发放、财政票据',
  justice: '人民调解、法律援助、法律咨询',
  veterans: '退役军人优抚、光荣牌悬挂、退役士兵安置',
  disabled_persons: '残疾人证办理、残疾人两项补贴',
  tax: '税务登记、发票领用、城乡居民社保费征收',
  party_mass: '党员组织关系转接、工会、共青团、妇联事务',
  transport: '道路运输许可、农村客运',
  education: '义务教育入学、学籍管理、学生资助',
};

const DESK_DUTIES = '咨询、受理、转办、回复，一次性告知所需材料';
const CADRE_DUTIES = '村便民服务室值班受理，为群众代办各类事项';

// Names of the demo staff: common surnames and given names, paired so none repeats.
const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段葛钱汤尹黎易常武乔贺赖龚文'];
const GIVEN = [
  '建国', '秀英', '志强', '桂兰', '海燕', '立新', '红梅', '文杰', '丽娟', '国庆', '玉兰', '春生', '晓燕', '德明', '淑芬', '永福',
  '雪梅', '振华', '婷婷', '宏伟', '金凤', '卫东', '美玲', '长青', '小军', '慧敏', '家豪', '翠花', '明辉', '雅琴', '俊杰', '凤英',
  '学军', '晓红', '志刚', '丽华', '天宇', '春燕', '云峰', '佳怡', '保国', '梦瑶', '世杰', '艳萍', '浩然', '秀兰', '子涵', '爱民',
];
let nameSeq = 0;
const nextName = (): string => {
  const i = nameSeq++;
  return `${SURNAMES[(i * 7) % SURNAMES.length]}${GIVEN[(i * 5) % GIVEN.length]}`;
};

function person(username: string, role: Role, staffNo: string, title: string, duties: string): DemoPerson {
  return { username, displayName: nextName(), role, staffNo, title, duties };
}

const existing = (username: string, displayName: string, role: Role, staffNo: string, title: string, duties: string): DemoPerson =>
  ({ username, displayName, role, staffNo, title, duties, existing: true });

const stationName = (code: string) => standardDepartment(code)!.stationName;
const departmentName = (code: string) => standardDepartment(code)!.name;
const dutiesOf = (codes: string[]) => codes.map((c) => DUTIES[c]).join('；');

/** A numbering of staff in an org: DHS-01, DHS-02 … */
function numbering(prefix: string) {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(2, '0')}`;
}

/** A desk of clerks; `pairs` counters, clerk i on post A and the next clerk on post B. */
function desk(name: string, clerks: DemoPerson[], numbers: string[], sign: string): DemoCenter['desk'] {
  const counters = numbers.map((number, i) => ({ number, sign, departments: [], a: clerks[i % clerks.length]!, b: clerks[(i + 1) % clerks.length]! }));
  return { name, clerks, counters };
}

function hallWindow(no: () => string, prefix: string, number: string, sign: string, departments: string[], level: 'county' | 'township', a?: DemoPerson): DemoWindow {
  const duties = dutiesOf(departments);
  const lead = level === 'county' ? '首席代表' : '窗口负责人';
  return {
    number, sign, departments,
    a: a ?? person(`${prefix}_a`, 'window_clerk', no(), lead, duties),
    b: person(`${prefix}_b`, 'window_clerk', no(), '业务经办人', duties),
  };
}

// ---- 示范县 county administrative service center ----

const COUNTY_WINDOWS: [string, string][] = [
  ['civil_affairs', 'minzheng'], ['human_resources', 'renshe'], ['health', 'weijian'], ['medical_insurance', 'yibao'],
  ['natural_resources', 'ziran'], ['housing', 'zhujian'], ['agriculture', 'nongye'], ['forestry', 'linye'],
  ['market_regulation', 'shichang'], ['public_security', 'gongan'], ['finance', 'caizheng'], ['justice', 'sifa'], ['tax', 'shuiwu'],
];
const COUNTY_ROOMS: [string, string][] = [
  ['planning', 'guihua'], ['water', 'shuili'], ['veterans', 'tuiyi'], ['disabled_persons', 'canlian'], ['transport', 'jiaotong'], ['education', 'jiaoyu'],
];

function countyCenter(): DemoCenter {
  const no = numbering('SFX');
  const clerks = [
    existing('shouli', '李受理', 'acceptance_clerk', no(), '综合受理员', DESK_DUTIES),
    ...[2, 3, 4].map((i) => person(`xian_shouli_${i}`, 'acceptance_clerk', no(), '综合受理员', DESK_DUTIES)),
  ];
  const windows = COUNTY_WINDOWS.map(([code, slug], i) => hallWindow(no, `xian_${slug}`, String(i + 1), departmentName(code), [code], 'county'));
  const rooms = COUNTY_ROOMS.map(([code, slug]) => ({
    department: code, name: `${departmentName(code)}办理室`,
    head: code === 'planning'
      ? existing('banli', '孙办理', 'handling_officer', no(), '办理室负责人', DUTIES[code]!)
      : person(`xian_${slug}`, 'handling_officer', no(), '办理室负责人', DUTIES[code]!),
  }));
  return {
    org: '341125',
    departments: STANDARD_DEPARTMENTS.map((d) => d.code).filter((c) => c !== 'party_mass'),
    desk: desk('综合受理窗口', clerks, ['受理1', '受理2', '受理3', '受理4'], '综合受理'),
    windows, rooms, others: [],
  };
}

// ---- 大汉山镇: the seed's township, 8 windows and 18 hall staff ----

function dahanshanCenter(): DemoCenter {
  const no = numbering('DHS');
  const clerks = [1, 2].map((i) => person(`dhs_shouli_${i}`, 'acceptance_clerk', no(), '咨询受理员', DESK_DUTIES));
  const w = (number: string, sign: string, departments: string[], slug: string, a?: DemoPerson) => hallWindow(no, `dhs_${slug}`, number, sign, departments, 'township', a);
  const windows = [
    w('1', '劳动保障', ['human_resources'], 'laodong'),
    w('2', '民政低保', ['civil_affairs'], 'minzheng', existing('chuangkou', '赵窗口', 'window_clerk', no(), '窗口负责人', DUTIES.civil_affairs!)),
    w('3', '老龄合疗', ['medical_insurance'], 'heliao'),
    w('4', '农林水利', ['agriculture', 'forestry', 'water'], 'nonglin'),
    w('5', '食药监管', ['market_regulation'], 'shiyao'),
    w('6', '党政群团', ['party_mass'], 'dangqun'),
    w('7', '国土城建', ['natural_resources', 'housing'], 'guotu'),
    w('8', '计划生育', ['health'], 'jisheng'),
  ];
  const room = (code: string, slug: string) => ({
    department: code, name: stationName(code), head: person(`dhs_${slug}`, 'handling_officer', no(), `${stationName(code)}办理室负责人`, DUTIES[code]!),
  });
  return {
    org: '341125101',
    departments: [...new Set([...windows.flatMap((x) => x.departments), 'public_security', 'finance', 'justice'])],
    desk: desk('咨询受理部', clerks, ['0'], '咨询受理'),
    windows,
    rooms: [room('public_security', 'paichusuo'), room('finance', 'caizhengsuo'), room('justice', 'sifasuo')],
    others: [person('dhs_zhuren', 'center_manager', no(), '便民服务中心主任', '主持便民服务中心工作，窗口巡查、考核')],
  };
}

// ---- 张桥镇: stationed 财政, 民政, 计生, 卫生, 劳动保障; 国土, 规划, 公安 as handling rooms ----

function zhangqiaoCenter(): DemoCenter {
  const no = numbering('ZQ');
  const clerks = [1, 2].map((i) => person(`zq_shouli_${i}`, 'acceptance_clerk', no(), '咨询受理员', DESK_DUTIES));
  const w = (number: string, sign: string, code: string, slug: string) => hallWindow(no, `zq_${slug}`, number, sign, [code], 'township');
  const windows = [
    w('1', '财政', 'finance', 'caizheng'),
    w('2', '民政', 'civil_affairs', 'minzheng'),
    w('3', '计生', 'health', 'jisheng'),
    w('4', '卫生', 'medical_insurance', 'weisheng'),
    w('5', '劳动保障', 'human_resources', 'laodong'),
  ];
  const rooms: [string, string, string][] = [['natural_resources', '国土所', 'guotu'], ['planning', '规划所', 'guihua'], ['public_security', '派出所', 'paichusuo']];
  return {
    org: '341125102',
    departments: [...windows.flatMap((x) => x.departments), ...rooms.map(([code]) => code)],
    desk: desk('咨询受理部', clerks, ['0'], '咨询受理'),
    windows,
    rooms: rooms.map(([code, name, slug]) => ({ department: code, name, head: person(`zq_${slug}`, 'handling_officer', no(), `${name}负责人`, DUTIES[code]!) })),
    others: [person('zq_zhuren', 'center_manager', no(), '便民服务中心主任', '主持便民服务中心工作，窗口巡查、考核')],
  };
}

// ---- 东山县 and 东山镇: a second county, so scope can be tested across counties ----

function dongshanCenter(org: string, prefix: string, staffPrefix: string, level: 'county' | 'township'): DemoCenter {
  const no = numbering(staffPrefix);
  const clerks = [1, 2].map((i) => person(`${prefix}_shouli_${i}`, 'acceptance_clerk', no(), '综合受理员', DESK_DUTIES));
  const name = level === 'county' ? departmentName : stationName;
  const windows = [
    hallWindow(no, `${prefix}_minzheng`, '1', name('civil_affairs'), ['civil_affairs'], level),
    hallWindow(no, `${prefix}_renshe`, '2', name('human_resources'), ['human_resources'], level),
  ];
  return {
    org, departments: ['civil_affairs', 'human_resources'],
    desk: desk(level === 'county' ? '综合受理窗口' : '咨询受理部', clerks, ['0'], level === 'county' ? '综合受理' : '咨询受理'),
    windows, rooms: [],
    others: level === 'county' ? [person(`${prefix}_zhuren`, 'center_manager', no(), '政务服务中心主任', '主持政务服务中心工作')] : [],
  };
}

// ---- village service rooms ----

const VILLAGES: [string, string, string, string][] = [
  // org code, name, user-name stem, staff-number prefix
  ['341125101001', '黄龙村', 'huanglong', 'HL'],
  ['341125101002', '冉家营村', 'ranjiaying', 'RJY'],
  ['341125101003', '五道岭村', 'wudaoling', 'WDL'],
  ['341125101004', '汪家坝村', 'wangjiaba', 'WJB'],
  ['341125101005', '柳树沟村', 'liushugou', 'LSG'],
  ['341125101006', '七里村', 'qili', 'QL'],
  ['341125101007', '石桥沟村', 'shiqiaogou', 'SQG'],
  ['341125101008', '新庄村', 'xinzhuang', 'XZ'],
  ['341125102001', '张桥村', 'zhangqiaocun', 'ZQC'],
  ['341125102002', '河湾村', 'hewan', 'HW'],
];
const CADRE_TITLES = ['村党支部书记', '村委会主任', '村文书（代办员）'];

function villages(): DemoVillage[] {
  return VILLAGES.map(([org, name, stem, prefix], v) => {
    const no = numbering(prefix);
    const count = v % 2 === 0 ? 3 : 2;
    const cadres = Array.from({ length: count }, (_, i) => i === 0 && stem === 'huanglong'
      ? existing('huanglong', '黄村干', 'village_cadre', no(), CADRE_TITLES[i]!, CADRE_DUTIES)
      : person(stem === 'huanglong' ? `huanglong_${i + 1}` : `${stem}_${i + 1}`, 'village_cadre', no(), CADRE_TITLES[i]!, CADRE_DUTIES));
    return { org, name, cadres };
  });
}

/** Built once: the names above are handed out in order, so the demo people are the same on every run. */
function buildNetwork() {
  nameSeq = 0;
  return {
    centers: [countyCenter(), dahanshanCenter(), zhangqiaoCenter(), dongshanCenter('341126', 'dsx', 'DSX', 'county'), dongshanCenter('341126101', 'dsz', 'DSZ', 'township')],
    villages: villages(),
  };
}

export const DEMO_NETWORK = buildNetwork();

export const OPENING_HOURS: Record<'city' | 'county' | 'township' | 'village', string> = {
  city: '周一至周五 8:30-12:00，14:30-17:30（法定节假日除外）',
  county: '周一至周五 8:30-12:00，14:30-17:30（法定节假日除外）',
  township: '周一至周五 8:30-12:00，14:30-17:30（节假日除外）',
  village: '周一至周五 8:30-11:30，14:30-17:00（村干部轮流值班）',
};

const peopleOf = (c: DemoCenter): DemoPerson[] =>
  [...c.desk.clerks, ...c.windows.flatMap((w) => [w.a, w.b]), ...c.rooms.map((r) => r.head), ...c.others];

/** Every person in the demo network, once. */
export function demoNetworkPeople(): DemoPerson[] {
  return [...DEMO_NETWORK.centers.flatMap(peopleOf), ...DEMO_NETWORK.villages.flatMap((v) => v.cadres)];
}

/** The rota of a village: its cadres take the weekdays in turn. */
const rotaOf = (v: DemoVillage) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, person: v.cadres[(weekday - 1) % v.cadres.length]! }));

export interface CenterCounts {
  departments: number;
  deskClerks: number;
  deskCounters: number;
  handlingWindows: number;
  windowUnits: number;
  rooms: number;
  /** Desk clerks plus the A and B posts of the department windows. */
  hallStaff: number;
}

/** The shape of the demo network, per org code, for tests and the closing note. */
export function demoNetworkSummary() {
  const centers: Record<string, CenterCounts> = {};
  for (const c of DEMO_NETWORK.centers) {
    const windowStaff = new Set(c.windows.flatMap((w) => [w.a.username, w.b.username]));
    centers[c.org] = {
      departments: c.departments.length,
      deskClerks: c.desk.clerks.length,
      deskCounters: c.desk.counters.length,
      handlingWindows: c.windows.length,
      windowUnits: new Set(c.windows.flatMap((w) => w.departments)).size,
      rooms: c.rooms.length,
      hallStaff: c.desk.clerks.length + windowStaff.size,
    };
  }
  const people = demoNetworkPeople();
  return {
    centers,
    villages: Object.fromEntries(DEMO_NETWORK.villages.map((v) => [v.org, { cadres: v.cadres.length }])),
    people: people.length,
    newAccounts: people.filter((p) => !p.existing).length,
    departments: Object.values(centers).reduce((n, c) => n + c.departments, 0),
    units: Object.values(centers).reduce((n, c) => n + 1 + c.windowUnits + c.rooms, 0) + DEMO_NETWORK.villages.length,
    windows: Object.values(centers).reduce((n, c) => n + c.deskCounters + c.handlingWindows, 0),
    rotaDays: DEMO_NETWORK.villages.length * 5,
  };
}

export interface NetworkSeedResult {
  users: number;
  departments: number;
  units: number;
  windows: number;
  profiles: number;
  rotaDays: number;
  openingHours: number;
}

/**
 * Writes whatever of the demo network is missing, in one transaction. What exists is read first and
 * what is missing written in a few bulk statements (every test app seeds this, on both engines);
 * each new account gets its own audit row, and each org one `demo.seed` row naming what was added
 * there. `passwordHash` is the demo password hashed once by the caller.
 */
export async function seedDemoNetwork(
  ctx: AppContext, meta: RequestMeta, byCode: ReadonlyMap<string, OrgTable>, passwordHash: () => Promise<string>,
): Promise<NetworkSeedResult> {
  const result: NetworkSeedResult = { users: 0, departments: 0, units: 0, windows: 0, profiles: 0, rotaDays: 0, openingHours: 0 };
  const people = demoNetworkPeople();
  const orgs = [...byCode.values()];
  const org = (code: string) => {
    const o = byCode.get(code);
    if (!o) throw new Error(`demo network: org ${code} is missing`);
    return o;
  };
  const homeOf = new Map<string, string>();
  for (const c of DEMO_NETWORK.centers) for (const p of peopleOf(c)) homeOf.set(p.username, c.org);
  for (const v of DEMO_NETWORK.villages) for (const p of v.cadres) homeOf.set(p.username, v.org);
  const at = ctx.now().toISOString();

  await inTransaction(ctx.db, async (tx) => {
    const orgIds = orgs.map((o) => o.id);
    const have = {
      users: new Map((await tx.selectFrom('users').select(['id', 'username_key']).where('username_key', 'in', people.map((p) => userRepo.usernameKey(p.username))).execute())
        .map((u) => [u.username_key, u.id])),
      departments: await tx.selectFrom('departments').selectAll().where('org_id', 'in', orgIds).execute(),
      units: await tx.selectFrom('units').selectAll().where('org_id', 'in', orgIds).where('active', '=', 1).execute(),
      windows: new Set((await tx.selectFrom('windows').select(['org_id', 'number']).where('org_id', 'in', orgIds).execute()).map((w) => `${w.org_id}/${w.number}`)),
      rotaOrgs: new Set((await tx.selectFrom('duty_rota').select('org_id').where('org_id', 'in', orgIds).execute()).map((r) => r.org_id)),
    };
    const added = new Map<string, Record<string, unknown[]>>();
    const note = (orgId: string, what: string, value: unknown) => {
      const entry = added.get(orgId) ?? {};
      (entry[what] ??= []).push(value);
      added.set(orgId, entry);
    };

    // Opening hours, where none are set.
    for (const o of orgs) {
      if (o.opening_hours !== null || o.level === 'province') continue;
      await tx.updateTable('orgs').set({ opening_hours: OPENING_HOURS[o.level], updated_at: at, version: o.version + 1 })
        .where('id', '=', o.id).where('opening_hours', 'is', null).execute();
      note(o.id, 'openingHours', OPENING_HOURS[o.level]);
      result.openingHours++;
    }

    // Accounts: one bulk insert, one audit row each (as for every account the system creates).
    const newPeople = people.filter((p) => !p.existing && !have.users.has(userRepo.usernameKey(p.username)));
    if (newPeople.length > 0) {
      const hash = await passwordHash();
      const rows = newPeople.map((p) => ({
        id: randomUUID(), username: p.username, username_key: userRepo.usernameKey(p.username), display_name: p.displayName,
        org_id: org(homeOf.get(p.username)!).id, password_hash: hash, password_changed_at: at, failed_logins: 0, locked_until: null,
        disabled: 0 as const, created_at: at, updated_at: at, version: 1,
      }));
      await tx.insertInto('users').values(rows).execute();
      await tx.insertInto('user_roles').values(rows.map((u, i) => ({ user_id: u.id, role: newPeople[i]!.role, org_id: u.org_id, created_at: at }))).execute();
      for (const [i, u] of rows.entries()) {
        have.users.set(u.username_key, u.id);
        await recordAudit(ctx, tx, meta, {
          action: 'user.create', objectType: 'user', objectId: u.id, username: 'system',
          detail: { username: u.username, roles: [`${newPeople[i]!.role}@${u.org_id}`] },
        });
      }
      result.users = rows.length;
    }
    const userId = (p: DemoPerson) => {
      const id = have.users.get(userRepo.usernameKey(p.username));
      if (!id) throw new Error(`demo network: account ${p.username} is missing`);
      return id;
    };

    // Badges, for whoever has none and whose staff number is free.
    const ids = people.map(userId);
    const profiled = new Set((await tx.selectFrom('staff_profiles').select('user_id').where('user_id', 'in', ids).execute()).map((r) => r.user_id));
    const numbers = new Set((await tx.selectFrom('staff_profiles').select('staff_no').where('staff_no', 'in', people.map((p) => p.staffNo)).execute()).map((r) => r.staff_no));
    const profiles = people.filter((p) => !profiled.has(userId(p)) && !numbers.has(p.staffNo)).map((p) => ({
      user_id: userId(p), staff_no: p.staffNo, title: p.title, duties: p.duties, photo_file: null, on_public_board: 1 as const, updated_at: at, version: 1,
    }));
    if (profiles.length > 0) await tx.insertInto('staff_profiles').values(profiles).execute();
    for (const p of profiles) note(org(homeOf.get(people.find((x) => userId(x) === p.user_id)!.username)!).id, 'badges', p.staff_no);
    result.profiles = profiles.length;

    // Departments (county first, so a township's station finds its county department), units, windows.
    const newDepartments: DepartmentTable[] = [];
    const department = (orgId: string, code: string) =>
      [...have.departments, ...newDepartments].find((d) => d.org_id === orgId && d.code === code);
    const newUnits: UnitTable[] = [];
    // Matched by what makes a unit unique (one desk or room per org, one handling unit per department),
    // not by name, so a unit an administrator renamed is not created a second time.
    const unit = (orgId: string, kind: UnitKind, departmentId: string | null) => [...have.units, ...newUnits]
      .find((u) => u.org_id === orgId && (departmentId === null ? u.kind === kind : u.department_id === departmentId));
    const ensureUnit = (o: OrgTable, kind: UnitKind, name: string, departmentId: string | null, head: string | null): UnitTable => {
      const found = unit(o.id, kind, departmentId);
      if (found) return found;
      const row: UnitTable = {
        id: randomUUID(), org_id: o.id, kind, name, department_id: departmentId, head_user_id: head, active: 1, created_at: at, updated_at: at, version: 1,
      };
      newUnits.push(row);
      note(o.id, 'units', `${name}（${row.id}）`);
      return row;
    };
    const newWindows: WindowTable[] = [];
    const newWindowUnits: { window_id: string; unit_id: string }[] = [];
    const ensureWindow = (o: OrgTable, w: DemoWindow, unitIds: string[]) => {
      if (have.windows.has(`${o.id}/${w.number}`)) return;
      const row: WindowTable = {
        id: randomUUID(), org_id: o.id, number: w.number, sign: w.sign, a_user_id: userId(w.a), b_user_id: userId(w.b), active: 1,
        created_at: at, updated_at: at, version: 1,
      };
      newWindows.push(row);
      newWindowUnits.push(...unitIds.map((unit_id) => ({ window_id: row.id, unit_id })));
      note(o.id, 'windows', `${w.number} ${w.sign}（${row.id}）`);
    };

    for (const c of DEMO_NETWORK.centers) {
      const o = org(c.org);
      const above = orgs.find((x) => x.id === o.parent_id);
      for (const code of c.departments) {
        if (department(o.id, code)) continue;
        const row: DepartmentTable = {
          id: randomUUID(), org_id: o.id, code, name: o.level === 'county' ? departmentName(code) : stationName(code),
          parent_id: o.level === 'county' || !above ? null : department(above.id, code)?.id ?? null, created_at: at, updated_at: at, version: 1,
        };
        newDepartments.push(row);
        note(o.id, 'departments', `${code}（${row.id}）`);
      }
      const deskUnit = ensureUnit(o, 'acceptance_desk', c.desk.name, null, null);
      for (const counter of c.desk.counters) ensureWindow(o, counter, [deskUnit.id]);
      const handling = new Map<string, UnitTable>();
      for (const code of new Set(c.windows.flatMap((w) => w.departments))) {
        const name = o.level === 'county' ? `${departmentName(code)}窗口` : stationName(code);
        handling.set(code, ensureUnit(o, 'handling_window', name, department(o.id, code)!.id, null));
      }
      for (const w of c.windows) ensureWindow(o, w, w.departments.map((code) => handling.get(code)!.id));
      for (const r of c.rooms) ensureUnit(o, 'handling_room', r.name, department(o.id, r.department)!.id, userId(r.head));
    }

    // Village rooms, and the demo week's rota where a village has none (a rota someone set stays theirs).
    const rota: { org_id: string; weekday: number; user_id: string; updated_at: string }[] = [];
    for (const v of DEMO_NETWORK.villages) {
      const o = org(v.org);
      ensureUnit(o, 'village_room', '便民服务室', null, userId(v.cadres[0]!));
      if (have.rotaOrgs.has(o.id)) continue;
      for (const d of rotaOf(v)) {
        rota.push({ org_id: o.id, weekday: d.weekday, user_id: userId(d.person), updated_at: at });
        note(o.id, 'rota', `${d.weekday}:${userId(d.person)}`);
      }
    }

    if (newDepartments.length > 0) await tx.insertInto('departments').values(newDepartments).execute();
    if (newUnits.length > 0) await tx.insertInto('units').values(newUnits).execute();
    if (newWindows.length > 0) await tx.insertInto('windows').values(newWindows).execute();
    if (newWindowUnits.length > 0) await tx.insertInto('window_units').values(newWindowUnits).execute();
    if (rota.length > 0) await tx.insertInto('duty_rota').values(rota).execute();
    Object.assign(result, { departments: newDepartments.length, units: newUnits.length, windows: newWindows.length, rotaDays: rota.length });

    for (const o of orgs) {
      const detail = added.get(o.id);
      if (detail) await recordAudit(ctx, tx, meta, { action: 'demo.seed', objectType: 'org', objectId: o.id, username: 'system', detail: { code: o.code, ...detail } });
    }
  });
  return result;
}
