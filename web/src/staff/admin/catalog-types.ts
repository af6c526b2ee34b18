// Shapes of the catalog admin API (server/modules/catalog/routes.ts).
import type { ItemElements } from '../../../../server/domain/catalog.ts';

export type { ItemElements };

export interface ItemSummary {
  id: string;
  ownerOrgId: string;
  code: string;
  name: string;
  shortName: string | null;
  department: string;
  departmentName: string;
  itemType: string;
  handlingMode: string;
  caseType: string;
  proxyCategory: string | null;
  acceptLevels: string[];
  lifeEvents: string[];
  publishedVersion: number | null;
  latestVersion: number;
  hasDraft: boolean;
  /** 停用: once published, now withdrawn (nothing public). */
  retired: boolean;
  updatedAt: string;
  version: number;
}

export interface VersionSummary {
  itemId: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  statusLabel: string;
  createdAt: string;
  createdBy: string;
  publishedAt: string | null;
  publishedBy: string | null;
}

export interface VersionView extends VersionSummary {
  elements: ItemElements;
}

export interface ItemDetail extends ItemSummary {
  published: VersionView | null;
  latest: VersionView;
  versions: VersionSummary[];
}

export interface ImportResult {
  rows: number;
  created: number;
  newVersions: number;
  published: number;
  unchanged: number;
}
