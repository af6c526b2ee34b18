// Shared by the dashboard and the report pages: the org picker limited to the person's scope, and
// the labels of statistics rows.
import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import type { StatisticsRow } from '../../api/statistics.ts';
import type { MessageKey, T } from '../../i18n/index.ts';
import { useOrgs, orgTree } from '../orgs.ts';
import { useMe } from '../session.ts';

/** The orgs the person may report on, and the one to start with (their own, else the top of their scope). */
export function useScopeOrgs() {
  const { data: me } = useMe();
  const orgs = useOrgs();
  const tree = useMemo(() => orgTree(orgs.data ?? []), [orgs.data]);
  const initial = orgs.data?.some((o) => o.id === me?.orgId) ? me!.orgId : tree[0]?.value;
  return { ...orgs, tree, initial };
}

export function OrgPicker({ value, onChange, label, testId }: { value: string | undefined; onChange: (id: string) => void; label: string; testId?: string }) {
  const { tree, isPending } = useScopeOrgs();
  return (
    <TreeSelect style={{ width: 280 }} aria-label={label} value={value} onChange={onChange} treeData={tree} loading={isPending}
      treeDefaultExpandAll showSearch treeNodeFilterProp="title" data-testid={testId} popupMatchSelectWidth={false} />
  );
}

/** A row's label: channels in the dictionary's words (the seed's 窗口 / 村代办点 / 代办), the rest as the server names them. */
export function rowLabel(t: T, groupBy: string, row: StatisticsRow): string {
  if (groupBy === 'channel') {
    const key = `stat.channelRow.${row.key}` as MessageKey;
    const text = t(key);
    return text === key ? row.label : text;
  }
  return row.label;
}

export const thisYear = () => Number(new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }).slice(0, 4));
