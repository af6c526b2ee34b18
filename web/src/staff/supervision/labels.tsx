// Signal levels, statuses and steps in the reader's language, levels in their colours (always with words).
import { Tag } from 'antd';
import type { SignalLevel } from '../../api/supervision.ts';
import { codeLabel } from '../../cases/format.ts';
import type { T } from '../../i18n/index.ts';
import type { Actor } from '../../api/types.ts';
import { ROLE_DEFINITIONS } from '../../../../server/domain/roles.ts';

const TAG_COLOURS: Record<SignalLevel, string> = { warning: 'blue', yellow: 'gold', red: 'red' };

export const levelLabel = (t: T, level: string, fallback?: string) => codeLabel(t, 'signalLevel', level, fallback);
export const statusLabel = (t: T, status: string, fallback?: string) => codeLabel(t, 'signalStatus', status, fallback);
export const stepLabel = (t: T, step: string, fallback?: string) => codeLabel(t, 'signalStep', step, fallback);

export function LevelTag({ t, level, fallback }: { t: T; level: string; fallback?: string }) {
  return (
    <Tag color={TAG_COLOURS[level as SignalLevel] ?? 'default'} data-level={level} className={`signal-level signal-level-${level}`}>
      {levelLabel(t, level, fallback)}
    </Tag>
  );
}

/**
 * Whether any of the person's roles carries a permission. Compared as text, so the supervision
 * permissions (supervision.read, supervision.manage, …) work as soon as the server's roles list them.
 */
export function hasPermission(me: Actor | null | undefined, permission: string): boolean {
  return !!me?.roles.some((g) => (ROLE_DEFINITIONS[g.role]?.permissions as readonly string[] | undefined)?.includes(permission));
}
