// The entry: settings, server-state cache and the two apps, each loaded only when its URL is opened.
// The portal and the village room never pull antd or ECharts (scripts/measure-portal.mjs checks the
// portal; the village room's browser test measures what a phone downloads).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { loadLanguage } from './i18n/index.ts';
import { getPrefs, initPrefs } from './prefs/prefs.ts';
import { PageLoading } from './shell/PageLoading.tsx';
import './shell/base.css';

const PortalApp = lazy(() => import('./portal/PortalApp.tsx'));
const StaffApp = lazy(() => import('./staff/StaffApp.tsx'));
const VillageApp = lazy(() => import('./village/VillageApp.tsx'));
const BigScreenApp = lazy(() => import('./bigscreen/BigScreenApp.tsx'));

initPrefs();
const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (count, err) => count < 2 && (err as { status?: number }).status === 0, refetchOnWindowFocus: false, staleTime: 30_000 },
  },
});

// A reader who chose English last time gets it before the first paint (one small extra request).
function render() {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Suspense fallback={<PageLoading />}>
            <Routes>
              <Route path="/portal/*" element={<PortalApp />} />
              <Route path="/village/*" element={<VillageApp />} />
              <Route path="/bigscreen/*" element={<BigScreenApp />} />
              <Route path="/*" element={<StaffApp />} />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
}
loadLanguage(getPrefs().lang).catch(() => undefined).finally(render);
