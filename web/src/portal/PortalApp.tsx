// The public portal (no sign-in, phone first): service guides, each center's board, progress lookup.
// Plain React and CSS, no antd and no ECharts, so a cheap phone on a slow link loads it quickly.
import { lazy, Suspense } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import { useT } from '../i18n/index.ts';
import { PageLoading } from '../shell/PageLoading.tsx';
import { PrefsBar } from '../shell/PrefsBar.tsx';
import './portal.css';
import SearchPage from './SearchPage.tsx';

const GuidePage = lazy(() => import('./GuidePage.tsx'));
const CentersPage = lazy(() => import('./CentersPage.tsx'));
const BoardPage = lazy(() => import('./BoardPage.tsx'));
const ProgressPage = lazy(() => import('./ProgressPage.tsx'));

export default function PortalApp() {
  const t = useT();
  return (
    <div className="portal">
      <a className="skip-link" href="#main">{t('common.skipToContent')}</a>
      <header className="portal-header">
        <div className="portal-header-row">
          <a href="/portal" className="portal-brand">{t('portal.brand')}</a>
          <PrefsBar />
        </div>
        <nav className="portal-nav" aria-label={t('nav.main')}>
          <NavLink to="/portal" end>{t('portal.nav.guides')}</NavLink>
          <NavLink to="/portal/centers">{t('portal.nav.centers')}</NavLink>
          <NavLink to="/portal/progress">{t('portal.nav.progress')}</NavLink>
        </nav>
      </header>
      <main id="main" className="portal-main" tabIndex={-1}>
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route index element={<SearchPage />} />
            <Route path="guide/:id" element={<GuidePage />} />
            <Route path="centers" element={<CentersPage />} />
            <Route path="centers/:code" element={<BoardPage />} />
            <Route path="progress" element={<ProgressPage />} />
            <Route path="*" element={<SearchPage />} />
          </Routes>
        </Suspense>
      </main>
      <footer className="portal-footer">
        <p>{t('portal.footer')}</p>
        <p><a href="/login">{t('portal.staffLogin')}</a></p>
      </footer>
    </div>
  );
}
