// The org list in the user's scope, as a tree for antd Tree / TreeSelect.
import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client.ts';
import type { Org } from '../api/types.ts';

export const ORGS_KEY = ['orgs'] as const;

export function useOrgs() {
  return useQuery({ queryKey: ORGS_KEY, queryFn: () => get<{ items: Org[] }>('/api/orgs'), select: (d) => d.items });
}

export interface OrgNode {
  key: string;
  value: string;
  title: string;
  org: Org;
  children: OrgNode[];
}

/** Roots are the orgs whose parent is not in the list (the top of the user's scope). */
export function orgTree(orgs: readonly Org[], label: (o: Org) => string = (o) => o.name): OrgNode[] {
  const nodes = new Map(orgs.map((o) => [o.id, { key: o.id, value: o.id, title: label(o), org: o, children: [] as OrgNode[] }]));
  const roots: OrgNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.org.parentId ? nodes.get(node.org.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: OrgNode[]) => {
    list.sort((a, b) => a.org.code.localeCompare(b.org.code));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}
