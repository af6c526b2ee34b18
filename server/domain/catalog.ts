// A service item (服务事项) and everything its service guide publishes (八公开 and the national item
// elements). Types and labels here are the contract shared by the catalog module, the demo data and
// case handling; validation rules live beside them.
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
