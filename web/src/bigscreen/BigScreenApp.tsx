// 监察大屏: a 1920×1080 dark wall screen without the staff chrome. Today's accepted and finished (from
// the statistics), open warnings and cards by org (chart), the newest signals (a scrolling list) and the
// overdue cases, updated live over Server-Sent Events without a reload. No antd: React, CSS, ECharts.
import { lazy, Suspense, useEffect, useState } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router';
import { shanghaiDay, useStatistics } from '../api/statistics.ts';
import { LEVEL_COLOURS, SIGNAL_LEVELS, type Signal } from '../api/supervision.ts';
import { codeLabel, formatDateTime } from '../cases/format.ts';
import { useT, type T } from '../i18n/index.ts';
import { usePrefs } from '../prefs/prefs.ts';
import { useMe } from '../staff/session.ts';
import { ROLE_DEFINITIONS } from '../../../server/domain/roles.ts';
import { useLiveSupervision } from './useLiveSupervision.ts';
import './bigscreen.css';

const EChart = lazy(() => import('../charts/EChart.tsx'));
/** Light enough to read on the dark background. */
const SCREEN_COLOURS = { ...LEVEL_COLOURS, warning: '#3b82f6' };

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(id);
  }, []);
  return (
    <time className="bs-clock" dateTime={now.toISOString()}>
      {now.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })}
    </time>
  );
}

function Figure({ label, value, tone, testId }: { label: string; value: number | undefined; tone?: string; testId: string }) {
  return (
    <div className={`bs-figure ${tone ? `bs-tone-${tone}` : ''}`}>
      <div className="bs-figure-label">{label}</div>
      <div className="bs-figure-value" data-testid={testId}>{value ?? '—'}</div>
    </div>
  );
}

function SignalLine({ s, t, fresh, lang }: { s: Signal; t: T; fresh: boolean; lang: 'zh' | 'en' }) {
  return (
    <li className={`bs-signal bs-signal-${s.level} ${fresh ? 'bs-signal-new' : ''}`} data-testid="bs-signal" data-case={s.caseNumber} data-level={s.level}>
      <span className="bs-signal-level" style={{ background: SCREEN_COLOURS[s.level] }}>{codeLabel(t, 'signalLevel', s.level, s.levelLabel)}</span>
      <span className="bs-signal-main">
        <span className="bs-signal-rule">{s.ruleLabel}</span>
        <span className="bs-signal-case">{s.caseNumber} · {s.itemName}</span>
        <span className="bs-signal-unit">{s.unitName}</span>
      </span>
      <span className="bs-signal-time">{formatDateTime(s.raisedAt, lang).slice(-5)}</span>
    </li>
  );
}

function Screen({ orgId }: { orgId: string }) {
  const t = useT();
  const { lang } = usePrefs();
  const live = useLiveSupervision(orgId);
  const today = shanghaiDay();
  const stats = useStatistics({ orgId, from: today, to: today, groupBy: 'channel' }, { refetchInterval: 60_000 });
  const s = live.summary;
  const byOrg = s?.byOrg ?? [];
  const list = live.signals;
  // The list scrolls slowly when it is longer than its box; a new signal starts it again from the top.
  const scrolling = list.length > 9;

  return (
    <div className="bs-root" data-testid="bigscreen" data-link={live.link}>
      <header className="bs-header">
        <div className="bs-title">
          <h1>{t('bs.title')}</h1>
          <span className="bs-org">{stats.data?.org.name ?? ''}</span>
        </div>
        <div className="bs-status">
          {live.link === 'live'
            ? <span className="bs-live" data-testid="bs-live"><i className="bs-dot" />{t('bs.live')}</span>
            : <span className="bs-down" role="alert" data-testid="bs-disconnected">{t('bs.disconnected')}</span>}
          {live.lastEventAt && <span className="bs-updated">{t('bs.updated', { at: live.lastEventAt.toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }) })}</span>}
          <Clock />
        </div>
      </header>

      <section className="bs-figures" aria-label={t('dash.summary')}>
        <Figure label={t('bs.todayAccepted')} value={stats.data?.total.accepted} testId="bs-today-accepted" />
        <Figure label={t('bs.todayFinished')} value={stats.data?.total.finished} testId="bs-today-finished" />
        <Figure label={t('bs.overdue')} value={s?.overdueCases} tone="alert" testId="bs-overdue" />
        {SIGNAL_LEVELS.map((l) => (
          <Figure key={l} label={codeLabel(t, 'signalLevel', l)} value={s?.open[l]} tone={l} testId={`bs-open-${l}`} />
        ))}
      </section>

      <main className="bs-main">
        <section className="bs-panel bs-chart" aria-label={t('bs.byOrg')}>
          <h2>{t('bs.byOrg')}</h2>
          <Suspense fallback={null}>
            <EChart testId="bs-chart" label={t('bs.byOrg')} style={{ height: 700 }} option={{
              backgroundColor: 'transparent',
              textStyle: { color: '#cbd5e1', fontSize: 18 },
              tooltip: { trigger: 'axis' },
              legend: { top: 0, textStyle: { color: '#e2e8f0', fontSize: 20 }, data: SIGNAL_LEVELS.map((l) => codeLabel(t, 'signalLevel', l)) },
              grid: { left: 24, right: 24, top: 56, bottom: 24, containLabel: true },
              xAxis: { type: 'category', data: byOrg.map((o) => o.orgName), axisLabel: { color: '#e2e8f0', fontSize: 18, interval: 0, width: 140, overflow: 'break' }, axisLine: { lineStyle: { color: '#475569' } } },
              yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#94a3b8', fontSize: 16 }, splitLine: { lineStyle: { color: '#1e293b' } } },
              series: SIGNAL_LEVELS.map((l) => ({
                type: 'bar', stack: 'open', name: codeLabel(t, 'signalLevel', l), data: byOrg.map((o) => o[l]), barMaxWidth: 72,
                itemStyle: { color: SCREEN_COLOURS[l] }, label: { show: true, color: '#0f172a', fontSize: 16, formatter: (p: { value: number }) => (p.value ? String(p.value) : '') },
              })),
            }} />
          </Suspense>
        </section>
        <section className="bs-panel bs-list" aria-label={t('bs.newest')}>
          <h2>{t('bs.newest')}</h2>
          {list.length === 0 ? <p className="bs-empty">{t('bs.noSignals')}</p> : (
            <div className="bs-scroll">
              <ul key={list[0]?.id} className={scrolling ? 'bs-ticker' : ''} style={scrolling ? { animationDuration: `${list.length * 3}s` } : undefined} data-testid="bs-signals">
                {list.map((x) => <SignalLine key={x.id} s={x} t={t} fresh={live.fresh.has(x.id)} lang={lang} />)}
                {scrolling && list.map((x) => <SignalLine key={`again-${x.id}`} s={x} t={t} fresh={false} lang={lang} />)}
              </ul>
            </div>
          )}
        </section>
      </main>
    </div>
  );
}

export default function BigScreenApp() {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  const [params] = useSearchParams();
  useEffect(() => {
    document.title = t('bs.title');
    document.documentElement.classList.add('bs-page');
    return () => document.documentElement.classList.remove('bs-page');
  }, [t]);
  if (me.isPending) return <div className="bs-root bs-loading">{t('common.loading')}</div>;
  if (!me.data) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const grants = me.data.roles.filter((g) => (ROLE_DEFINITIONS[g.role]?.permissions as readonly string[] | undefined)?.includes('supervision.read'));
  if (grants.length === 0) return <div className="bs-root bs-loading"><p>{t('bs.noAccess')}</p><a href="/">{t('bs.back')}</a></div>;
  return <Screen orgId={params.get('orgId') ?? grants[0]!.orgId} />;
}
