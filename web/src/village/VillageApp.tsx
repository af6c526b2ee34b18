// The village service room (村便民服务室) on a cheap phone over a slow link: register and accept
// (also proxy cases 代办), send cases to the township in batches, take results back and hand them over,
// and the monthly proxy report. Plain React and CSS like the portal (no antd, no ECharts); every page
// is a small lazy chunk.
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import { post, setUnauthorizedListener } from '../api/client.ts';
import { useT } from '../i18n/index.ts';
import { PageLoading } from '../shell/PageLoading.tsx';
import { PrefsBar } from '../shell/PrefsBar.tsx';
import { ME_KEY, setSignOutNotice, useMe } from '../staff/session.ts';
import '../cases/workbench.css';
import './village.css';

const VillageLogin = lazy(() => import('./VillageLogin.tsx'));
const VillageHome = lazy(() => import('./VillageHome.tsx'));
const VillageRegister = lazy(() => import('./VillageRegister.tsx'));
const VillageCases = lazy(() => import('./VillageCases.tsx'));
const VillageCase = lazy(() => import('./VillageCase.tsx'));
const VillageReport = lazy(() => import('./VillageReport.tsx'));
const BatchPages = lazy(() => import('./VillageBatches.tsx'));

function RequireCadre({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const t = useT();
  if (me.isPending) return <PageLoading />;
  if (!me.data) return <Navigate to={`/village/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!me.data.roles.some((g) => g.role === 'village_cadre')) {
    return (
      <section className="pl-section">
        <p className="wb-problem" role="alert">{t('village.notCadre')}</p>
        <p><a href="/">{t('village.toStaff')}</a></p>
      </section>
    );
  }
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
      navigate('/village/login', { replace: true });
    });
    return () => setUnauthorizedListener(null);
  }, [queryClient, navigate]);
  return null;
}

function BatchRoute() {
  const { id } = useParams();
  return <BatchPages id={id} />;
}

export default function VillageApp() {
  const t = useT();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  async function signOut() {
    try {
      await post('/api/auth/logout');
    } catch {
      // already signed out
    }
    setSignOutNotice({ kind: 'success', text: t('login.signedOut') });
    queryClient.setQueryData(ME_KEY, null);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
    navigate('/village/login', { replace: true });
  }

  return (
    <div className="vl">
      <SessionWatch />
      <a className="skip-link" href="#main">{t('common.skipToContent')}</a>
      <header className="vl-header">
        <div className="vl-header-row">
          <a href="/village" className="vl-brand">{t('village.brand')}</a>
          <PrefsBar />
        </div>
        {me.data && (
          <>
            <nav className="vl-nav" aria-label={t('nav.main')}>
              <NavLink to="/village" end>{t('village.nav.home')}</NavLink>
              <NavLink to="/village/register">{t('village.nav.register')}</NavLink>
              <NavLink to="/village/cases">{t('village.nav.cases')}</NavLink>
              <NavLink to="/village/batches">{t('village.nav.batches')}</NavLink>
              <NavLink to="/village/report">{t('village.nav.report')}</NavLink>
            </nav>
          </>
        )}
      </header>
      <main id="main" className="vl-main" tabIndex={-1}>
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route path="login" element={<VillageLogin />} />
            <Route index element={<RequireCadre><VillageHome /></RequireCadre>} />
            <Route path="register" element={<RequireCadre><VillageRegister /></RequireCadre>} />
            <Route path="cases" element={<RequireCadre><VillageCases /></RequireCadre>} />
            <Route path="cases/:id" element={<RequireCadre><VillageCase /></RequireCadre>} />
            <Route path="batches" element={<RequireCadre><BatchRoute /></RequireCadre>} />
            <Route path="batches/:id" element={<RequireCadre><BatchRoute /></RequireCadre>} />
            <Route path="report" element={<RequireCadre><VillageReport /></RequireCadre>} />
            <Route path="*" element={<Navigate to="/village" replace />} />
          </Routes>
        </Suspense>
      </main>
      <footer className="vl-footer">
        {me.data && (
          <p className="vl-user">
            <span data-testid="village-user">{me.data.displayName}</span>
            <button type="button" className="wb-btn vl-signout" onClick={signOut}>{t('nav.logout')}</button>
          </p>
        )}
        <p><a href="/portal">{t('nav.portal')}</a> · <a href="/">{t('village.toStaff')}</a></p>
      </footer>
    </div>
  );
}
