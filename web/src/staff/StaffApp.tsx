// The staff side: sign-in, then a role-aware shell (header, menu) around lazily loaded pages.
import { useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin, theme as antTheme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { setUnauthorizedListener } from '../api/client.ts';
import { usePrefs } from '../prefs/prefs.ts';
import { PageLoading } from '../shell/PageLoading.tsx';
import { StaffLayout } from './StaffLayout.tsx';
import { ME_KEY, PASSWORD_PATH, setSignOutNotice, useMe } from './session.ts';
import './staff.css';

const LoginPage = lazy(() => import('./LoginPage.tsx'));
const HomePage = lazy(() => import('./HomePage.tsx'));
const PasswordPage = lazy(() => import('./PasswordPage.tsx'));
const OrgsPage = lazy(() => import('./admin/OrgsPage.tsx'));
const UsersPage = lazy(() => import('./admin/UsersPage.tsx'));
const CalendarPage = lazy(() => import('./admin/CalendarPage.tsx'));
const AuditPage = lazy(() => import('./admin/AuditPage.tsx'));
const NetworkPage = lazy(() => import('./admin/NetworkPage.tsx'));
const CatalogPage = lazy(() => import('./admin/CatalogPage.tsx'));
const CatalogItemPage = lazy(() => import('./admin/CatalogItemPage.tsx'));
const CounterPage = lazy(() => import('./cases/CounterPage.tsx'));
const WorkListPage = lazy(() => import('./cases/WorkListPage.tsx'));
const CaseDetailPage = lazy(() => import('./cases/CaseDetailPage.tsx'));
const BatchesPage = lazy(() => import('./cases/BatchesPage.tsx'));
const ReportsPage = lazy(() => import('./cases/ReportsPage.tsx'));
const DashboardPage = lazy(() => import('./statistics/DashboardPage.tsx'));
const StatisticsPage = lazy(() => import('./statistics/StatisticsPage.tsx'));
const SignalsPage = lazy(() => import('./supervision/SignalsPage.tsx'));
const SignalPage = lazy(() => import('./supervision/SignalPage.tsx'));
const NotificationsPage = lazy(() => import('./supervision/NotificationsPage.tsx'));

/** antd tokens for normal and elder-friendly (larger, high-contrast) display. */
function themeFor(elder: boolean) {
  const base = { colorPrimary: '#1d4ed8', fontFamily: 'var(--font)', borderRadius: 6 };
  if (!elder) return { token: base };
  return {
    algorithm: antTheme.defaultAlgorithm,
    token: {
      ...base, colorPrimary: '#0b3b8c', fontSize: 20, controlHeight: 46, lineWidth: 2,
      colorText: '#000000', colorTextSecondary: '#111111', colorTextTertiary: '#222222', colorTextDescription: '#111111',
      colorBorder: '#000000', colorBorderSecondary: '#444444', colorLink: '#0b3b8c', colorError: '#9f1239',
    },
  };
}

function RequireSignIn({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <div className="page-loading"><Spin /></div>;
  if (!me.data) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  // An expired password (等保 periodic change): every API but the password change answers 403 until it is changed.
  if (me.data.passwordExpired && location.pathname !== PASSWORD_PATH) return <Navigate to={PASSWORD_PATH} replace />;
  return <>{children}</>;
}

function SessionWatch() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedListener((problem) => {
      setSignOutNotice({ kind: 'warning', text: problem.detail });
      queryClient.setQueryData(ME_KEY, null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
      navigate('/login', { replace: true });
    });
    return () => setUnauthorizedListener(null);
  }, [queryClient, navigate]);
  return null;
}

export default function StaffApp() {
  const { lang, elder } = usePrefs();
  useEffect(() => {
    dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  }, [lang]);
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={themeFor(elder)}>
      <AntApp>
        <SessionWatch />
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route path="login" element={<LoginPage />} />
            <Route element={<RequireSignIn><StaffLayout /></RequireSignIn>}>
              <Route index element={<HomePage />} />
              <Route path="account/password" element={<PasswordPage />} />
              <Route path="admin/orgs" element={<OrgsPage />} />
              <Route path="admin/users" element={<UsersPage />} />
              <Route path="admin/calendar" element={<CalendarPage />} />
              <Route path="admin/audit" element={<AuditPage />} />
              <Route path="admin/network" element={<NetworkPage />} />
              <Route path="admin/catalog" element={<CatalogPage />} />
              <Route path="admin/catalog/:id" element={<CatalogItemPage />} />
              <Route path="counter" element={<CounterPage />} />
              <Route path="cases" element={<WorkListPage />} />
              <Route path="cases/:id" element={<CaseDetailPage />} />
              <Route path="batches" element={<BatchesPage />} />
              <Route path="batches/:id" element={<BatchesPage />} />
              <Route path="reports/proxy-monthly" element={<ReportsPage />} />
              <Route path="reports/statistics" element={<StatisticsPage />} />
              <Route path="dashboard" element={<DashboardPage />} />
              <Route path="supervision/signals" element={<SignalsPage />} />
              <Route path="supervision/signals/:id" element={<SignalPage />} />
              <Route path="notifications" element={<NotificationsPage />} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Route>
          </Routes>
        </Suspense>
      </AntApp>
    </ConfigProvider>
  );
}
