// A service item (服务事项) and everything its service guide publishes (八公开 and the national item
// elements). Types and labels here are the contract shared by the catalog module, the demo data and
// case handling; validation rules live beside them.
import { pinyin } from 'pinyin-pro';
import type { OrgLevel } from '../db/schema.ts';

export const ITEM_TYPES = {
  administrative_license: '行政许可',
  administrative_confirmation: '行政确认',
  administrative_payment: '行政给付',
  administrative_ruling: '行政裁决',
  administrative_award: '行政奖励',
  other_power: '其他行政权力',
  public_service: '公共服务',
} as const;
export type ItemType = keyof typeof ITEM_TYPES;

/** 即办件 finished on the spot, 承诺件 pledged, 联办件 several departments, 上报件 forwarded up. */
export const CASE_TYPES = { immediate: '即办件', pledged: '承诺件', joint: '联办件', forwarded: '上报件' } as const;
export type CaseType = keyof typeof CASE_TYPES;

/** 代办类: no presence needed; 直办类: presence or a site survey; 咨询类: informs only, cannot be applied for. */
export const HANDLING_MODES = { proxy: '代办类', direct: '直办类', consultation: '咨询类' } as const;
export type HandlingMode = keyof typeof HANDLING_MODES;

/** The village proxy list's six categories (the seed names four; the last two fit its items). */
export const PROXY_CATEGORIES = {
  documents: '证件办理',
  payments: '缴费报销',
  public_welfare: '公益服务',
  petitions: '民情诉求',
  social_assistance: '社会救助',
  farming: '农业生产',
} as const;
export type ProxyCategory = keyof typeof PROXY_CATEGORIES;

/** Life events a citizen searches by (主题服务). */
export const LIFE_EVENTS = {
  birth: '生育',
  education: '入学',
  employment: '就业',
  marriage: '婚姻',
  housing: '建房',
  subsistence: '低保',
  medical: '就医',
  pension: '养老',
  disability: '残疾',
  farming: '农业生产',
  business: '开办企业',
  household: '户籍',
  veterans: '优抚',
  dispute: '纠纷调解',
  death: '身后事',
} as const;
export type LifeEvent = keyof typeof LIFE_EVENTS;

export const MATERIAL_FORMS = { original: '原件', copy: '复印件', original_and_copy: '原件及复印件' } as const;
export const MATERIAL_MEDIA = { paper: '纸质', electronic: '电子', either: '纸质或电子' } as const;

export interface Material {
  name: string;
  /** `conditional` materials say when they are needed. */
  requirement: 'required' | 'conditional';
  condition?: string;
  form: keyof typeof MATERIAL_FORMS;
  copies: number;
  medium: keyof typeof MATERIAL_MEDIA;
  /** Name of a blank form or sample the center hands out (空白表格/示范文本), if any. */
  sample?: string;
  note?: string;
}

export interface LegalBasis {
  law: string;
  articles?: string;
}

export type Fee =
  | { charged: false }
  | { charged: true; standard: string; basis: string; amountYuan?: number };

export interface SpecialStep {
  name: string;
  /** Whether its days count inside the time limit (most special procedures do not). */
  countsInLimit: boolean;
  maxDays: number;
}

/** One department handling a stage, at a level of the network (county, township …). */
export interface StageHandler {
  department: string;
  level: OrgLevel;
}

/** A stage of the process; several handlers make it a parallel group (并联审批) that all must finish. */
export interface ProcessStage {
  name: string;
  handlers: StageHandler[];
  limitDays: number;
}

export interface ItemElements {
  code: string;
  name: string;
  shortName?: string;
  itemType: ItemType;
  /** The lead department (code from departments.ts). */
  department: string;
  overview: string;
  legalBasis: LegalBasis[];
  preconditions: string[];
  materials: Material[];
  fee: Fee;
  /** The procedure as published to applicants (办事程序). */
  procedure: string[];
  legalLimitDays: number;
  committedLimitDays: number;
  caseType: CaseType;
  specialSteps: SpecialStep[];
  /** 最多跑一次 = 1; 0 = no visit at all. */
  maxVisits: number;
  handlingMode: HandlingMode;
  proxyCategory?: ProxyCategory;
  /** Levels at which an application may be accepted. */
  acceptLevels: OrgLevel[];
  process: ProcessStage[];
  lifeEvents: LifeEvent[];
  /** Extra search words (俗称), e.g. 低保 for 最低生活保障. */
  keywords?: string[];
  /** Where to apply and ask (办理地点/咨询电话), free text. */
  contact?: string;
}

// ---- validation ----

/** One problem with an item, pointing into the ItemElements (`#/materials/2/name`). Same shape as FieldError. */
export interface ItemIssue {
  pointer: string;
  code: string;
  detail: string;
}

/** Short level names used in guides and in the Excel workbook (县, 乡镇 …). */
export const LEVEL_LABELS: Record<OrgLevel, string> = { province: '省', city: '市', county: '县', township: '乡镇', village: '村' };
const LEVELS = Object.keys(LEVEL_LABELS) as OrgLevel[];

export const ITEM_CODE_PATTERN = '^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$';
const DEPARTMENT_CODE = /^[a-z][a-z0-9_]{1,39}$/; // DEPARTMENT_CODE_PATTERN in departments.ts
const ITEM_CODE = new RegExp(ITEM_CODE_PATTERN);

/** The limits of the catalog: upper bounds catch typos (a limit of 2000 days, 100 copies). */
export const ITEM_LIMITS = {
  maxLimitDays: 365,
  maxCopies: 20,
  maxVisits: 20,
  maxListLength: 100,
} as const;

const ELEMENT_KEYS: readonly (keyof ItemElements)[] = [
  'code', 'name', 'shortName', 'itemType', 'department', 'overview', 'legalBasis', 'preconditions', 'materials', 'fee',
  'procedure', 'legalLimitDays', 'committedLimitDays', 'caseType', 'specialSteps', 'maxVisits', 'handlingMode',
  'proxyCategory', 'acceptLevels', 'process', 'lifeEvents', 'keywords', 'contact',
];

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const labelsOf = (labels: Record<string, string>): string => Object.values(labels).join('、');
const hasOwn = (labels: object, key: unknown): boolean => typeof key === 'string' && Object.hasOwn(labels, key);

/** A list entry becomes one line of an Excel cell, with fields split by ｜ — neither may appear inside it. */
const LINE_BREAKING = /[\r\n|｜]/;

class Checker {
  readonly issues: ItemIssue[] = [];
  add(pointer: string, code: string, detail: string): void {
    this.issues.push({ pointer: `#${pointer}`, code, detail });
  }

  /** A required (or, with `optional`, possibly absent) text; returns the trimmed text when valid. */
  text(obj: Rec, key: string, base: string, label: string, o: { max: number; optional?: boolean; line?: boolean }): string | undefined {
    const v = obj[key];
    const p = `${base}/${key}`;
    if (v === undefined || v === null) {
      if (!o.optional) this.add(p, 'REQUIRED', `请填写${label}`);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add(p, 'WRONG_TYPE', `${label}应为文本`);
      return undefined;
    }
    const t = v.trim();
    if (!t) {
      if (!o.optional) this.add(p, 'REQUIRED', `请填写${label}`);
      return undefined;
    }
    if ([...t].length > o.max) this.add(p, 'TOO_LONG', `${label}最多 ${o.max} 个字，请缩短`);
    else if (o.line && LINE_BREAKING.test(t)) this.add(p, 'FORMAT', `${label}不能包含换行或“｜”符号`);
    else return t;
    return undefined;
  }

  integer(obj: Rec, key: string, base: string, label: string, min: number, max: number): number | undefined {
    const v = obj[key];
    const p = `${base}/${key}`;
    if (v === undefined || v === null) {
      this.add(p, 'REQUIRED', `请填写${label}`);
    } else if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.add(p, 'NOT_INTEGER', `${label}应为整数`);
    } else if (v < min) {
      this.add(p, min === 0 ? 'NEGATIVE' : 'TOO_SMALL', min === 0 ? `${label}不能为负数` : `${label}不能小于 ${min}`);
    } else if (v > max) {
      this.add(p, 'TOO_LARGE', `${label}不能大于 ${max}`);
    } else {
      return v;
    }
    return undefined;
  }

  choice<K extends string>(obj: Rec, key: string, base: string, label: string, labels: Record<K, string>, optional = false): K | undefined {
    const v = obj[key];
    const p = `${base}/${key}`;
    if (v === undefined || v === null || v === '') {
      if (!optional) this.add(p, 'REQUIRED', `请选择${label}`);
      return undefined;
    }
    if (hasOwn(labels, v)) return v as K;
    this.add(p, 'NOT_ALLOWED', `${label}“${String(v)}”无效，可选：${labelsOf(labels)}`);
    return undefined;
  }

  list(obj: Rec, key: string, base: string, label: string, optional = false): unknown[] | undefined {
    const v = obj[key];
    const p = `${base}/${key}`;
    if (v === undefined || v === null) {
      if (!optional) this.add(p, 'REQUIRED', `请填写${label}`);
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.add(p, 'WRONG_TYPE', `${label}应为列表`);
      return undefined;
    }
    if (v.length > ITEM_LIMITS.maxListLength) {
      this.add(p, 'TOO_MANY', `${label}最多 ${ITEM_LIMITS.maxListLength} 项`);
      return undefined;
    }
    return v;
  }

  object(v: unknown, p: string, label: string, keys: readonly string[]): Rec | undefined {
    if (!isRecord(v)) {
      this.add(p, v === undefined || v === null ? 'REQUIRED' : 'WRONG_TYPE', `${label}应为对象`);
      return undefined;
    }
    for (const k of Object.keys(v)) if (!keys.includes(k)) this.add(`${p}/${k}`, 'UNKNOWN_FIELD', `不认识的字段 ${k}，请删除`);
    return v;
  }

  /** A list of texts, each one line, none repeated. */
  lines(obj: Rec, key: string, base: string, label: string, o: { max: number; min?: number; optional?: boolean }): string[] | undefined {
    const list = this.list(obj, key, base, label, o.optional);
    if (!list) return undefined;
    if (list.length < (o.min ?? 0)) this.add(`${base}/${key}`, 'REQUIRED', `请至少填写 ${o.min} 条${label}`);
    const out: string[] = [];
    list.forEach((_, i) => {
      const t = this.text(list as unknown as Rec, String(i), `${base}/${key}`, `${label}`, { max: o.max, line: true });
      if (t === undefined) return;
      if (out.includes(t)) this.add(`${base}/${key}/${i}`, 'DUPLICATE', `${label}“${t}”重复`);
      out.push(t);
    });
    return out;
  }

  /** A list of distinct enum values. */
  choices<K extends string>(obj: Rec, key: string, base: string, label: string, labels: Record<K, string>, min: number): K[] | undefined {
    const list = this.list(obj, key, base, label);
    if (!list) return undefined;
    if (list.length < min) this.add(`${base}/${key}`, 'REQUIRED', `请至少选择 ${min} 项${label}`);
    const out: K[] = [];
    list.forEach((v, i) => {
      if (!hasOwn(labels, v)) {
        this.add(`${base}/${key}/${i}`, 'NOT_ALLOWED', `${label}“${String(v)}”无效，可选：${labelsOf(labels)}`);
      } else if (out.includes(v as K)) {
        this.add(`${base}/${key}/${i}`, 'DUPLICATE', `${label}“${labels[v as K]}”重复`);
      } else {
        out.push(v as K);
      }
    });
    return out;
  }
}

/**
 * Every rule a service item must satisfy before it is saved, whatever it came from (the API, an Excel
 * row, demo data). Returns all problems at once, each with a pointer into the elements; empty when valid.
 */
export function validateItem(input: unknown): ItemIssue[] {
  const c = new Checker();
  const e = c.object(input, '', '服务事项', ELEMENT_KEYS);
  if (!e) return c.issues;

  const code = c.text(e, 'code', '', '事项编码', { max: 64 });
  if (code !== undefined && !ITEM_CODE.test(code)) {
    c.add('/code', 'FORMAT', '事项编码只能由字母、数字、点、下划线和连字符组成（以字母或数字开头），最长 64 位');
  }
  c.text(e, 'name', '', '事项名称', { max: 100, line: true });
  c.text(e, 'shortName', '', '简称', { max: 50, optional: true, line: true });
  c.choice(e, 'itemType', '', '事项类型', ITEM_TYPES);
  departmentCode(c, e, 'department', '', '主管部门');
  c.text(e, 'overview', '', '事项概述', { max: 2000 });

  const bases = c.list(e, 'legalBasis', '', '法定依据');
  if (bases) {
    if (bases.length === 0) c.add('/legalBasis', 'REQUIRED', '请至少填写一项法定依据');
    bases.forEach((b, i) => {
      const o = c.object(b, `/legalBasis/${i}`, '法定依据', ['law', 'articles']);
      if (!o) return;
      c.text(o, 'law', `/legalBasis/${i}`, '法律法规名称', { max: 200, line: true });
      c.text(o, 'articles', `/legalBasis/${i}`, '条款', { max: 500, optional: true, line: true });
    });
  }
  c.lines(e, 'preconditions', '', '申办条件', { max: 500 });

  const mode = c.choice(e, 'handlingMode', '', '办理方式', HANDLING_MODES);
  const consultation = mode === 'consultation';
  checkMaterials(c, e);
  checkFee(c, e);
  c.lines(e, 'procedure', '', '办事程序', { max: 500, min: consultation ? 0 : 1 });

  const legal = c.integer(e, 'legalLimitDays', '', '法定时限', 0, ITEM_LIMITS.maxLimitDays);
  const committed = c.integer(e, 'committedLimitDays', '', '承诺时限', 0, ITEM_LIMITS.maxLimitDays);
  if (legal !== undefined && committed !== undefined && committed > legal) {
    c.add('/committedLimitDays', 'EXCEEDS_LEGAL_LIMIT', `承诺时限（${committed} 个工作日）不能超过法定时限（${legal} 个工作日）`);
  }
  const caseType = c.choice(e, 'caseType', '', '办件类型', CASE_TYPES);
  if (caseType === 'immediate' && committed !== undefined && committed !== 0) {
    c.add('/committedLimitDays', 'IMMEDIATE_LIMIT', `即办件当场办结，承诺时限应为 0，现为 ${committed} 个工作日`);
  }

  const steps = c.list(e, 'specialSteps', '', '特殊环节');
  steps?.forEach((s, i) => {
    const p = `/specialSteps/${i}`;
    const o = c.object(s, p, '特殊环节', ['name', 'countsInLimit', 'maxDays']);
    if (!o) return;
    c.text(o, 'name', p, '特殊环节名称', { max: 50, line: true });
    if (typeof o.countsInLimit !== 'boolean') c.add(`${p}/countsInLimit`, 'REQUIRED', '请说明该特殊环节是否计入办理时限');
    c.integer(o, 'maxDays', p, '特殊环节时限', 0, ITEM_LIMITS.maxLimitDays);
  });
  c.integer(e, 'maxVisits', '', '到现场次数', 0, ITEM_LIMITS.maxVisits);

  const proxy = c.choice(e, 'proxyCategory', '', '代办类别', PROXY_CATEGORIES, true);
  if (proxy !== undefined && consultation) {
    c.add('/proxyCategory', 'CONSULTATION_NOT_PROXIED', '咨询类事项只提供咨询、不能申请办理，不能列入代办清单');
  }
  c.choices(e, 'acceptLevels', '', '受理层级', LEVEL_LABELS, 1);
  checkProcess(c, e, { consultation, committed, caseType });
  c.choices(e, 'lifeEvents', '', '主题分类', LIFE_EVENTS, 0);
  const keywords = c.lines(e, 'keywords', '', '关键词', { max: 20, optional: true });
  keywords?.forEach((k, i) => {
    if (/[\s、，,；;]/.test(k)) c.add(`/keywords/${i}`, 'FORMAT', `关键词“${k}”不能包含空格或顿号、逗号、分号，请拆成多个关键词`);
  });
  c.text(e, 'contact', '', '办理地点及咨询电话', { max: 500, optional: true });
  return c.issues;
}

function departmentCode(c: Checker, o: Rec, key: string, base: string, label: string): string | undefined {
  const v = o[key];
  const p = `${base}/${key}`;
  if (v === undefined || v === null || v === '') {
    c.add(p, 'REQUIRED', `请填写${label}`);
    return undefined;
  }
  if (typeof v !== 'string' || !DEPARTMENT_CODE.test(v)) {
    c.add(p, 'NOT_ALLOWED', `${label}“${String(v)}”不是有效的部门代码（小写字母开头，由小写字母、数字和下划线组成，如 civil_affairs）`);
    return undefined;
  }
  return v;
}

function checkMaterials(c: Checker, e: Rec): void {
  const materials = c.list(e, 'materials', '', '申报材料');
  if (!materials) return;
  const names: string[] = [];
  materials.forEach((m, i) => {
    const p = `/materials/${i}`;
    const o = c.object(m, p, '申报材料', ['name', 'requirement', 'condition', 'form', 'copies', 'medium', 'sample', 'note']);
    if (!o) return;
    const name = c.text(o, 'name', p, '材料名称', { max: 100, line: true });
    if (name !== undefined) {
      if (names.includes(name)) c.add(`${p}/name`, 'DUPLICATE', `材料“${name}”重复`);
      names.push(name);
    }
    const requirement = c.choice(o, 'requirement', p, '材料要求', { required: '必要', conditional: '视情形' });
    const condition = c.text(o, 'condition', p, '适用情形', { max: 200, optional: true, line: true });
    const conditionMissing = o.condition === undefined || o.condition === null || (typeof o.condition === 'string' && !o.condition.trim());
    if (requirement === 'conditional' && conditionMissing) {
      c.add(`${p}/condition`, 'CONDITION_REQUIRED', '视情形提供的材料须写明在什么情形下提供');
    }
    if (requirement === 'required' && condition !== undefined) {
      c.add(`${p}/condition`, 'CONDITION_NOT_ALLOWED', '必要材料不需要适用情形；如只在某些情形下提供，请把材料要求改为“视情形”');
    }
    c.choice(o, 'form', p, '材料形式', MATERIAL_FORMS);
    c.integer(o, 'copies', p, '份数', 1, ITEM_LIMITS.maxCopies);
    c.choice(o, 'medium', p, '材料载体', MATERIAL_MEDIA);
    c.text(o, 'sample', p, '样表名称', { max: 100, optional: true, line: true });
    c.text(o, 'note', p, '材料备注', { max: 200, optional: true, line: true });
  });
}

function checkFee(c: Checker, e: Rec): void {
  const fee = c.object(e.fee, '/fee', '收费', ['charged', 'standard', 'basis', 'amountYuan']);
  if (!fee) return;
  if (typeof fee.charged !== 'boolean') {
    c.add('/fee/charged', 'REQUIRED', '请说明是否收费');
    return;
  }
  if (!fee.charged) {
    for (const [k, label] of [['standard', '收费标准'], ['basis', '收费依据'], ['amountYuan', '收费金额']] as const) {
      if (fee[k] !== undefined && fee[k] !== null && fee[k] !== '') c.add(`/fee/${k}`, 'NOT_CHARGED', `不收费的事项不应填写${label}`);
    }
    return;
  }
  c.text(fee, 'standard', '/fee', '收费标准', { max: 500 });
  c.text(fee, 'basis', '/fee', '收费依据', { max: 500 });
  const amount = fee.amountYuan;
  if (amount !== undefined && amount !== null) {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || Math.abs(Math.round(amount * 100) - amount * 100) > 1e-6) {
      c.add('/fee/amountYuan', 'FORMAT', '收费金额应为不小于 0 的数字，最多两位小数（单位：元）');
    }
  }
}

function checkProcess(c: Checker, e: Rec, o: { consultation: boolean; committed: number | undefined; caseType: CaseType | undefined }): void {
  const process = c.list(e, 'process', '', '办理流程');
  if (!process) return;
  if (o.consultation && process.length > 0) {
    c.add('/process', 'CONSULTATION_HAS_PROCESS', '咨询类事项只提供咨询、不受理办件，不应有办理流程');
    return;
  }
  if (!o.consultation && process.length === 0) {
    c.add('/process', 'REQUIRED', '请至少填写一个办理阶段（由哪一级的哪个部门办理、几个工作日）');
    return;
  }
  let total = 0;
  let totalKnown = true;
  const departments = new Set<string>();
  process.forEach((s, i) => {
    const p = `/process/${i}`;
    const stage = c.object(s, p, '办理阶段', ['name', 'handlers', 'limitDays']);
    if (!stage) {
      totalKnown = false;
      return;
    }
    c.text(stage, 'name', p, '阶段名称', { max: 50, line: true });
    const days = c.integer(stage, 'limitDays', p, '阶段时限', 0, ITEM_LIMITS.maxLimitDays);
    if (days === undefined) totalKnown = false;
    else total += days;
    const handlers = c.list(stage, 'handlers', p, '办理部门');
    if (!handlers) return;
    if (handlers.length === 0) c.add(`${p}/handlers`, 'NO_HANDLER', '每个办理阶段至少要有一个办理部门');
    const seen: string[] = [];
    handlers.forEach((h, j) => {
      const hp = `${p}/handlers/${j}`;
      const handler = c.object(h, hp, '办理部门', ['department', 'level']);
      if (!handler) return;
      const dep = departmentCode(c, handler, 'department', hp, '办理部门');
      const level = c.choice(handler, 'level', hp, '办理层级', LEVEL_LABELS);
      if (dep === undefined || level === undefined) return;
      departments.add(dep);
      if (seen.includes(`${dep}@${level}`)) {
        c.add(hp, 'DUPLICATE', `同一阶段中${LEVEL_LABELS[level]}级部门 ${dep} 重复出现`);
      }
      seen.push(`${dep}@${level}`);
    });
  });
  if (totalKnown && o.committed !== undefined && total > o.committed) {
    c.add('/process', 'STAGES_EXCEED_LIMIT', `各办理阶段时限之和（${total} 个工作日）超过承诺时限（${o.committed} 个工作日）`);
  }
  if (o.caseType === 'joint' && departments.size < 2) {
    c.add('/process', 'JOINT_NEEDS_DEPARTMENTS', '联办件须由两个以上部门办理，请在办理流程中列出各部门，或改为承诺件');
  }
}

/**
 * The stored form of a valid item: texts trimmed, empty optional fields left out, keys in one order — so
 * the same guide always gives the same JSON, and an Excel export read back gives identical elements.
 */
export function normalizeItem(input: ItemElements): ItemElements {
  const opt = <K extends string>(key: K, v: string | undefined): { [P in K]?: string } =>
    (v !== undefined && v.trim() !== '' ? { [key]: v.trim() } : {}) as { [P in K]?: string };
  const e = input;
  const fee: Fee = e.fee.charged
    ? { charged: true, standard: e.fee.standard.trim(), basis: e.fee.basis.trim(), ...(typeof e.fee.amountYuan === 'number' ? { amountYuan: e.fee.amountYuan } : {}) }
    : { charged: false };
  const keywords = (e.keywords ?? []).map((k) => k.trim());
  return {
    code: e.code.trim(),
    name: e.name.trim(),
    ...opt('shortName', e.shortName),
    itemType: e.itemType,
    department: e.department,
    overview: e.overview.trim(),
    legalBasis: e.legalBasis.map((b) => ({ law: b.law.trim(), ...opt('articles', b.articles) })),
    preconditions: e.preconditions.map((p) => p.trim()),
    materials: e.materials.map((m) => ({
      name: m.name.trim(),
      requirement: m.requirement,
      ...(m.requirement === 'conditional' ? opt('condition', m.condition) : {}),
      form: m.form,
      copies: m.copies,
      medium: m.medium,
      ...opt('sample', m.sample),
      ...opt('note', m.note),
    })),
    fee,
    procedure: e.procedure.map((p) => p.trim()),
    legalLimitDays: e.legalLimitDays,
    committedLimitDays: e.committedLimitDays,
    caseType: e.caseType,
    specialSteps: e.specialSteps.map((s) => ({ name: s.name.trim(), countsInLimit: s.countsInLimit, maxDays: s.maxDays })),
    maxVisits: e.maxVisits,
    handlingMode: e.handlingMode,
    ...(e.proxyCategory ? { proxyCategory: e.proxyCategory } : {}),
    acceptLevels: [...e.acceptLevels],
    process: e.process.map((s) => ({
      name: s.name.trim(),
      handlers: s.handlers.map((h) => ({ department: h.department, level: h.level })),
      limitDays: s.limitDays,
    })),
    lifeEvents: [...e.lifeEvents],
    ...(keywords.length > 0 ? { keywords } : {}),
    ...opt('contact', e.contact),
  };
}

/** Every (department, level) pair the process names, once each, in order of appearance. */
export function processHandlers(e: ItemElements): { stage: number; handler: number; department: string; level: OrgLevel }[] {
  const out: { stage: number; handler: number; department: string; level: OrgLevel }[] = [];
  e.process.forEach((s, i) => s.handlers.forEach((h, j) => out.push({ stage: i, handler: j, department: h.department, level: h.level })));
  return out;
}

// ---- search ----

export interface SearchColumns {
  /**
   * Name, short name and keywords, then `||` and the life-event labels; lower case, terms split by `|`
   * (`最低生活保障|农村低保|低保||就医`). The groups let a search rank a name above a life-event tag.
   */
  text: string;
  /** The same terms in toneless pinyin without spaces (`zuidishenghuobaozhang|nongcundibao|dibao||jiuyi`). */
  pinyin: string;
  /** Their initials (`zdshbz|ncdb|db||jy`). */
  initials: string;
}

const fold = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

type Searchable = Pick<ItemElements, 'name' | 'shortName' | 'keywords' | 'lifeEvents'>;

/** [name, short name and keywords…] and [life-event labels…], each term once (the first place it appears). */
function searchTerms(e: Searchable): [string[], string[]] {
  const seen = new Set<string>();
  const once = (terms: string[]) => terms.map(fold).filter((t) => t && !seen.has(t) && seen.add(t));
  const main = once([e.name, e.shortName ?? '', ...(e.keywords ?? [])]);
  return [main, once(e.lifeEvents.map((l) => LIFE_EVENTS[l] ?? ''))];
}

/** The three search columns stored with an item (catalog_items.search_text, search_pinyin, search_initials). */
export function searchColumns(e: Searchable): SearchColumns {
  const [main, events] = searchTerms(e);
  const column = (f: (t: string) => string) =>
    events.length ? `${main.map(f).join('|')}||${events.map(f).join('|')}` : main.map(f).join('|');
  const syllables = (pattern: 'pinyin' | 'first') => (t: string) =>
    pinyin(t, { pattern, toneType: 'none', type: 'array', v: true, nonZh: 'consecutive' })
      .map((s) => fold(s).replace(/[^\p{L}\p{N}]/gu, ''))
      .join('');
  return { text: column((t) => t), pinyin: column(syllables('pinyin')), initials: column(syllables('first')) };
}

/**
 * A query as the search understands it. Chinese (or mixed) input is split at spaces, every part must
 * match; pure Latin input is pinyin or initials typed with or without spaces (`di bao` = `dibao`), or a code.
 */
export interface SearchQuery {
  terms: { value: string; latin: boolean }[];
}

export function normalizeQuery(q: string): SearchQuery {
  const folded = fold(q).replace(/[|%_\\]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!folded) return { terms: [] };
  if (/^[a-z ]+$/.test(folded)) return { terms: [{ value: folded.replace(/ /g, ''), latin: true }] };
  return { terms: [...new Set(folded.split(' '))].map((value) => ({ value, latin: /^[a-z]+$/.test(value) })) };
}

/** The same test the catalog's SQL performs, for one item: every term matches the text, the code, or (Latin) pinyin or initials. */
export function matchesQuery(cols: SearchColumns & { code: string }, q: SearchQuery): boolean {
  const code = fold(cols.code);
  return q.terms.every((t) =>
    cols.text.includes(t.value) || code.includes(t.value)
    || (t.latin && (cols.pinyin.includes(t.value) || cols.initials.includes(t.value))));
}

/** Where a term sits in a search column: 0 the name, 1 the short name or a keyword, 2 a life-event label. */
function termsByPlace(column: string): [string, number][] {
  const [main = '', events = ''] = column.split('||');
  return [
    ...main.split('|').map((t, i): [string, number] => [t, i === 0 ? 0 : 1]),
    ...events.split('|').filter(Boolean).map((t): [string, number] => [t, 2]),
  ];
}

/**
 * How well an item matches, lower is better; null when it does not. Each term scores by how it
 * matched — the whole term, its start, or inside it — and then where: the name, then short name and
 * keywords, then life-event labels. `db` thus ranks 最低生活保障 (keyword 低保) above items merely tagged with the
 * life event 低保. An exact code is the best match of all.
 */
export function matchRank(cols: SearchColumns & { code: string }, q: SearchQuery): number | null {
  const code = fold(cols.code);
  const columns = [cols.text, cols.pinyin, cols.initials].map(termsByPlace);
  let total = 0;
  for (const t of q.terms) {
    let best = code === t.value ? -1 : code.includes(t.value) ? 6 : Infinity;
    columns.forEach((terms, c) => {
      if (c > 0 && !t.latin) return;
      for (const [term, place] of terms) {
        const how = term === t.value ? 0 : term.startsWith(t.value) ? 1 : term.includes(t.value) ? 2 : Infinity;
        // How a term matched outranks where: `db` = the keyword 低保 beats `db` inside 劳动保障's initials.
        best = Math.min(best, how * 3 + place);
      }
    });
    if (best === Infinity) return null;
    total += best;
  }
  return total;
}

// ---- retiring (停用) ----

export const RETIRE_REASON_MAX = 500;
const HAN = /\p{Script=Han}/u;

/**
 * 停用 withdraws an item from service: its published version retires and nothing is public until a new
 * version is published. Only an item with a published version can be retired, and the reason (kept in the
 * audit log) must be written in Chinese. Empty when the request is sound; `state` issues are 409, the rest 422.
 */
export function retireIssues(item: { publishedVersion: number | null }, reason: unknown): (ItemIssue & { state?: true })[] {
  if (item.publishedVersion === null) {
    return [{ pointer: '#/params/id', code: 'NOT_PUBLISHED', detail: '该事项没有正在公开的版本，无需停用', state: true }];
  }
  const r = typeof reason === 'string' ? reason.trim() : '';
  if (!r) return [{ pointer: '#/body/reason', code: 'REQUIRED', detail: '请填写停用原因' }];
  if (r.length > RETIRE_REASON_MAX) return [{ pointer: '#/body/reason', code: 'TOO_LONG', detail: `停用原因不能超过 ${RETIRE_REASON_MAX} 字` }];
  if (!HAN.test(r)) return [{ pointer: '#/body/reason', code: 'NOT_CHINESE', detail: '停用原因请用中文写明（如“政策调整，该事项已取消”）' }];
  return [];
}

/**
 * Whether a draft may be published: not older than what is public now, nor (after 停用) older than the
 * version last withdrawn — republishing means publishing something at least as new as what was retired.
 */
export function olderThanRetired(version: number, retiredVersions: number[]): number | null {
  const newest = retiredVersions.length ? Math.max(...retiredVersions) : null;
  return newest !== null && version < newest ? newest : null;
}
