// Header (who, settings, sign-out), a menu of what this user's roles allow, and the page.
import {
  AuditOutlined, ApartmentOutlined, BarChartOutlined, BellOutlined, BookOutlined, CalendarOutlined, DashboardOutlined, DesktopOutlined, GlobalOutlined,
  HomeOutlined, LogoutOutlined, FileDoneOutlined, FormOutlined, InboxOutlined, KeyOutlined, MenuOutlined, MobileOutlined, SafetyCertificateOutlined,
  ShopOutlined, TableOutlined, TeamOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Drawer, Grid, Layout, Menu, Space, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { Suspense, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { post } from '../api/client.ts';
import { useT } from '../i18n/index.ts';
import { PageLoading } from '../shell/PageLoading.tsx';
import { PrefsBar } from '../shell/PrefsBar.tsx';
import { useQueueCounts } from '../cases/api.ts';
import { useUnreadCount } from '../api/notifications.ts';
import { hasPermission } from './supervision/labels.tsx';
import { can, hasRole, ME_KEY, setSignOutNotice, useMe } from './session.ts';

export function StaffLayout() {
  const t = useT();
  const { data: me } = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  // Below 992 px the menu moves into a drawer opened from the header, so a phone keeps its width.
  const narrow = !Grid.useBreakpoint().lg;
  const [menuOpen, setMenuOpen] = useState(false);

  const counts = useQueueCounts(can(me, 'cases.read'));
  const unread = useUnreadCount(!!me);
  const waiting = counts.data ? counts.data.to_accept + counts.data.to_receive + counts.data.to_handle + counts.data.to_reply + counts.data.to_deliver : 0;
  const items: MenuProps['items'] = [
    { key: '/', icon: <HomeOutlined />, label: <Link to="/">{t('nav.home')}</Link> },
    hasRole(me, 'acceptance_clerk', 'window_clerk', 'village_cadre') && { key: '/counter', icon: <FormOutlined />, label: <Link to="/counter">{t('nav.counter')}</Link> },
    can(me, 'cases.read') && {
      key: '/cases', icon: <FileDoneOutlined />,
      label: <Link to="/cases" className="menu-with-badge">{t('nav.cases')}{waiting > 0 && <Badge count={waiting} size="small" overflowCount={99} />}</Link>,
    },
    hasRole(me, 'acceptance_clerk', 'center_manager') && { key: '/batches', icon: <InboxOutlined />, label: <Link to="/batches">{t('nav.batches')}</Link> },
    hasRole(me, 'acceptance_clerk', 'center_manager', 'supervisor', 'leader', 'village_cadre') && {
      key: '/reports/proxy-monthly', icon: <BarChartOutlined />, label: <Link to="/reports/proxy-monthly">{t('nav.reports')}</Link>,
    },
    hasRole(me, 'leader', 'center_manager', 'supervisor') && { key: '/dashboard', icon: <DashboardOutlined />, label: <Link to="/dashboard">{t('nav.dashboard')}</Link> },
    can(me, 'cases.read') && { key: '/reports/statistics', icon: <TableOutlined />, label: <Link to="/reports/statistics">{t('nav.statistics')}</Link> },
    hasPermission(me, 'supervision.read') && {
      key: '/supervision/signals', icon: <SafetyCertificateOutlined />, label: <Link to="/supervision/signals">{t('nav.signals')}</Link>,
    },
    hasPermission(me, 'supervision.read') && hasRole(me, 'leader', 'center_manager', 'supervisor') && {
      key: '/bigscreen', icon: <DesktopOutlined />, label: <a href="/bigscreen" target="_blank" rel="noopener">{t('nav.bigscreen')}</a>,
    },
    hasRole(me, 'village_cadre') && { key: '/village', icon: <MobileOutlined />, label: <a href="/village">{t('nav.village')}</a> },
    can(me, 'orgs.read') && { key: '/admin/orgs', icon: <ApartmentOutlined />, label: <Link to="/admin/orgs">{t('nav.orgs')}</Link> },
    can(me, 'users.read') && { key: '/admin/users', icon: <TeamOutlined />, label: <Link to="/admin/users">{t('nav.users')}</Link> },
    { key: '/admin/calendar', icon: <CalendarOutlined />, label: <Link to="/admin/calendar">{t('nav.calendar')}</Link> },
    can(me, 'network.manage') && { key: '/admin/network', icon: <ShopOutlined />, label: <Link to="/admin/network">{t('nav.network')}</Link> },
    can(me, 'catalog.manage') && { key: '/admin/catalog', icon: <BookOutlined />, label: <Link to="/admin/catalog">{t('nav.catalog')}</Link> },
    can(me, 'audit.read') && { key: '/admin/audit', icon: <AuditOutlined />, label: <Link to="/admin/audit">{t('nav.audit')}</Link> },
    { key: '/portal', icon: <GlobalOutlined />, label: <a href="/portal">{t('nav.portal')}</a> },
  ].filter(Boolean) as MenuProps['items'];
  const twoParts = '/' + location.pathname.split('/').filter(Boolean).slice(0, 2).join('/');
  const selected = location.pathname.startsWith('/cases/') ? '/cases' : location.pathname.startsWith('/batches/') ? '/batches' : twoParts;

  async function logout() {
    try {
      await post('/api/auth/logout');
    } catch {
      // A session that already ended is signed out all the same.
    }
    setSignOutNotice({ kind: 'success', text: t('login.signedOut') });
    queryClient.setQueryData(ME_KEY, null);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
    message.success(t('login.signedOut'));
    navigate('/login', { replace: true });
  }

  return (
    <Layout className="staff-shell">
      <a className="skip-link" href="#main">{t('common.skipToContent')}</a>
      <Layout.Header className="staff-header">
        {narrow && <Button className="staff-menu-btn" icon={<MenuOutlined />} onClick={() => setMenuOpen(true)} aria-label={t('nav.menu')}>{t('nav.menu')}</Button>}
        <Link to="/" className="staff-brand">{t('app.name')}</Link>
        <div className="staff-header-right">
          <PrefsBar />
          <Space size="small" className="staff-user">
            <Link to="/notifications" className="staff-header-link staff-bell" data-testid="notif-bell" aria-label={t('notif.bell', { n: unread.data ?? 0 })} title={t('notif.bell', { n: unread.data ?? 0 })}>
              <Badge count={unread.data ?? 0} size="small" overflowCount={99} offset={[2, -2]}><BellOutlined className="staff-bell-icon" /></Badge>
            </Link>
            <Typography.Text className="staff-user-name" data-testid="current-user">{me?.displayName}</Typography.Text>
            <Link to="/account/password" className="staff-header-link" aria-label={t('nav.password')} title={t('nav.password')}><KeyOutlined /></Link>
            <Button size="small" icon={<LogoutOutlined />} onClick={logout} className="staff-logout">{t('nav.logout')}</Button>
          </Space>
        </div>
      </Layout.Header>
      <Layout>
        {narrow ? (
          <Drawer open={menuOpen} onClose={() => setMenuOpen(false)} placement="left" size={260} title={t('app.name')}>
            <nav aria-label={t('nav.main')}>
              <Menu mode="inline" selectedKeys={[selected]} items={items} onClick={() => setMenuOpen(false)} />
            </nav>
          </Drawer>
        ) : (
          <Layout.Sider theme="light" width={208} className="staff-sider">
            <nav aria-label={t('nav.main')}>
              <Menu mode="inline" selectedKeys={[selected]} items={items} />
            </nav>
          </Layout.Sider>
        )}
        <Layout.Content id="main" className="staff-content" tabIndex={-1}>
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
