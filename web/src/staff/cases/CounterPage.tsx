// The counter workbench in the staff app: acceptance desks (counter, or proxy by the desk's agent),
// handling windows (counter; immediate items finished on the spot) and village cadres at a desk.
import { Alert, Spin, Typography } from 'antd';
import { useUnitsOfOrg } from '../../cases/api.ts';
import { Workbench, type CounterChannel } from '../../cases/Workbench.tsx';
import { useT } from '../../i18n/index.ts';
import { hasRole, useMe } from '../session.ts';
import { useMyOrg } from './useMyOrg.ts';

export function channelsFor(roles: { role: string }[]): CounterChannel[] {
  const has = (r: string) => roles.some((g) => g.role === r);
  if (has('village_cadre')) return ['proxy', 'village_room'];
  if (has('acceptance_clerk')) return ['counter', 'proxy'];
  return ['counter'];
}

export default function CounterPage() {
  const t = useT();
  const { data: me } = useMe();
  const org = useMyOrg();
  const units = useUnitsOfOrg(me?.orgId);
  const accepting = hasRole(me, 'acceptance_clerk', 'window_clerk', 'village_cadre');

  return (
    <div className="page page-wide">
      <Typography.Title level={2}>{t('counter.title')}</Typography.Title>
      {!accepting && <Alert type="info" showIcon title={t('counter.notACounter')} />}
      {org.isPending && <Spin />}
      {org.data && me && accepting && (
        <Workbench
          orgCode={org.data.code}
          orgLevel={org.data.level}
          channels={channelsFor(me.roles)}
          canFinishImmediately={hasRole(me, 'window_clerk')}
          units={(units.data ?? []).filter((u) => u.mayAcceptDirectly).map((u) => ({ id: u.id, name: u.name }))}
          caseHref={(id) => `/cases/${id}`}
        />
      )}
    </div>
  );
}
