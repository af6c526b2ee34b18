// The service network's tree: any depth, levels only go down.
import type { OrgLevel } from '../db/schema.ts';

export const ORG_LEVELS: readonly OrgLevel[] = ['province', 'city', 'county', 'township', 'village'];

export const ORG_LEVEL_LABELS: Record<OrgLevel, string> = {
  province: '省', city: '市', county: '县（区）', township: '乡镇（街道）', village: '村（社区）',
};

/** A child sits at a lower level than its parent (a county may hold townships directly, skipping none). */
export function canBeChildOf(child: OrgLevel, parent: OrgLevel): boolean {
  return ORG_LEVELS.indexOf(child) > ORG_LEVELS.indexOf(parent);
}

export function childPath(parentPath: string | null, id: string): string {
  return `${parentPath ?? '/'}${id}/`;
}
