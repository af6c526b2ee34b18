// The first page after sign-in: who you are, where, and the work your roles open.
import {
  ApartmentOutlined, AuditOutlined, BookOutlined, CalendarOutlined, FileDoneOutlined, FormOutlined, GlobalOutlined, MobileOutlined, ShopOutlined, TeamOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Col, Row, Tag, Typography } from 'antd';
import { Link, Navigate } from 'react-router';
import { get } from '../api/client.ts';
import { useQueueCounts } from '../cases/api.ts';
import { codeLabel } from '../cases/format.ts';
import type { Queue } from '../cases/types.ts';
import type { Org } from '../api/types.ts';
import { useT, type MessageKey } from '../i18n/index.ts';
import { can, hasRole, PASSWORD_PATH, useMe } from './session.ts';

interface Tile {
  to: string;
  icon: React.ReactNode;
  title: MessageKey;
  text: MessageKey;
}

const COUNTER_ROLES = ['acceptance_clerk', 'window_clerk', 'village_cadre'];
const WORK_QUEUES: Queue[] = ['to_accept', 'to_receive', 'to_handle', 'to_reply', 'to_deliver', 'due_soon', 'overdue'];

export default function HomePage() {
  const t = useT();
  const { data: me } = useMe();
  const expired = !!me?.passwordExpired;
  const orgs = useQuery({ queryKey: ['orgs'], queryFn: () => get<{ items: Org[] }>('/api/orgs'), enabled: !expired });
  const orgName = (id: string) => orgs.data?.items.find((o) => o.id === id)?.name ?? '';

  const counts = useQueueCounts(can(me, 'cases.read') && !expired);
  const tiles: Tile[] = [];
  if (hasRole(me, ...COUNTER_ROLES)) tiles.push({ to: '/counter', icon: <FormOutlined />, title: 'nav.counter', text: 'home.tile.counter' });
  if (can(me, 'cases.read')) tiles.push({ to: '/cases', icon: <FileDoneOutlined />, title: 'nav.cases', text: 'home.tile.cases' });
  if (hasRole(me, 'village_cadre')) tiles.push({ to: '/village', icon: <MobileOutlined />, title: 'nav.village', text: 'home.tile.village' });
  if (can(me, 'orgs.read')) tiles.push({ to: '/admin/orgs', icon: <ApartmentOutlined />, title: 'nav.orgs', text: 'home.tile.orgs' });
  if (can(me, 'users.read')) tiles.push({ to: '/admin/users', icon: <TeamOutlined />, title: 'nav.users', text: 'home.tile.users' });
  tiles.push({ to: '/admin/calendar', icon: <CalendarOutlined />, title: 'nav.calendar', text: can(me, 'calendar.manage') ? 'home.tile.calendarManage' : 'home.tile.calendar' });
  if (can(me, 'network.manage')) tiles.push({ to: '/admin/network', icon: <ShopOutlined />, title: 'nav.network', text: 'home.tile.network' });
  if (can(me, 'catalog.manage')) tiles.push({ to: '/admin/catalog', icon: <BookOutlined />, title: 'nav.catalog', text: 'home.tile.catalog' });
  if (can(me, 'audit.read')) tiles.push({ to: '/admin/audit', icon: <AuditOutlined />, title: 'nav.audit', text: 'home.tile.audit' });
  tiles.push({ to: '/portal', icon: <GlobalOutlined />, title: 'nav.portal', text: 'home.tile.portal' });

  // 等保 periodic change: an expired password may do nothing but change itself.
  if (expired) return <Navigate to={PASSWORD_PATH} replace />;

  return (
    <div className="page">
      <Typography.Title level={2}>{t('home.greeting', { name: me?.displayName ?? '' })}</Typography.Title>
      {me?.passwordExpiresInDays != null && (
        <Alert
          type="warning" showIcon className="form-alert" data-testid="password-expiring"
          title={t('password.expiresSoon', { days: me.passwordExpiresInDays })}
          action={<Link to={PASSWORD_PATH}><Button size="small">{t('password.changeNow')}</Button></Link>}
        />
      )}
      <div className="home-roles" data-testid="home-roles">
        {me?.roles.map((g) => (
          <Tag key={`${g.role}:${g.orgId}`} color="blue" className="home-role">
            {t(`role.${g.role}` as MessageKey)} · {orgName(g.orgId)}
          </Tag>
        ))}
      </div>
      {counts.data && (
        <Card size="small" className="home-queues" title={t('home.queues')} data-testid="home-queues">
          <div className="home-queue-list">
            {WORK_QUEUES.map((q) => (
              <Link key={q} to={`/cases?queue=${q}`} className="home-queue" data-queue={q}>
                <Badge count={counts.data[q]} showZero color={q === 'overdue' ? 'red' : q === 'due_soon' ? 'gold' : counts.data[q] ? 'blue' : '#bfbfbf'} overflowCount={999} />
                <span>{codeLabel(t, 'queue', q)}</span>
              </Link>
            ))}
          </div>
        </Card>
      )}
      <Row gutter={[16, 16]} className="home-tiles">
        {tiles.map((tile) => (
          <Col xs={24} sm={12} lg={8} key={tile.to}>
            {tile.to === '/portal' || tile.to === '/village' ? (
              <a href={tile.to} className="home-tile-link">
                <Card hoverable className="home-tile"><TileBody tile={tile} /></Card>
              </a>
            ) : (
              <Link to={tile.to} className="home-tile-link">
                <Card hoverable className="home-tile"><TileBody tile={tile} /></Card>
              </Link>
            )}
          </Col>
        ))}
      </Row>
    </div>
  );
}

function TileBody({ tile }: { tile: Tile }) {
  const t = useT();
  return (
    <div className="home-tile-body">
      <span className="home-tile-icon" aria-hidden="true">{tile.icon}</span>
      <div>
        <div className="home-tile-title">{t(tile.title)}</div>
        <div className="home-tile-text">{t(tile.text)}</div>
      </div>
    </div>
  );
}
