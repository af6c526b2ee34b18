// Org-scope filtering: every staff query passes through this, so a forgotten scope is hard to write.
import type { ExpressionBuilder } from 'kysely';

export interface OrgScope {
  /** Org paths whose whole subtree is visible. */
  subtrees: string[];
  /** Org ids visible on their own. */
  exact: string[];
}

/** `path like '/a/%' or … or id in (…)`; false when the scope is empty. */
export function orgInScope<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  columns: { path: string; id: string },
  scope: OrgScope,
) {
  const e = eb as unknown as ExpressionBuilder<any, any>;
  const parts = [
    ...scope.subtrees.map((p) => e(columns.path, 'like', `${p}%`)),
    ...(scope.exact.length > 0 ? [e(columns.id, 'in', scope.exact)] : []),
  ];
  return e.or(parts);
}
