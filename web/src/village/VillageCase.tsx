// One case on the village phone: what, for whom (masked), where it is, the deadline, the stages, every
// step, the notices to print, and the actions the API allows now, each as a small form.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { problemDetail } from '../api/client.ts';
import { isBackward, sortActions, useCase } from '../cases/api.ts';
import { actionLabel, channelLabel, codeLabel, formatDate, formatDateTime, remainingText, stateLabel } from '../cases/format.ts';
import { PlainActionForm } from '../cases/PlainActionForm.tsx';
import type { CaseActionOnCase } from '../cases/types.ts';
import { useT } from '../i18n/index.ts';
import { usePrefs } from '../prefs/prefs.ts';
import { PageLoading } from '../shell/PageLoading.tsx';

export default function VillageCase() {
  const t = useT();
  const { lang } = usePrefs();
  const { id } = useParams();
  const detail = useCase(id);
  const [acting, setActing] = useState<CaseActionOnCase | null>(null);
  const [stale, setStale] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (detail.isPending) return <PageLoading />;
  if (detail.error) return <section className="pl-section"><p className="wb-error" role="alert">{problemDetail(detail.error)}</p><p><Link to="/village/cases">{t('case.backToList')}</Link></p></section>;
  const c = detail.data;
  return (
    <section className="pl-section" aria-labelledby="vl-case-title" data-testid="case-page">
      <p><Link to="/village/cases">← {t('case.backToList')}</Link></p>
      <h1 id="vl-case-title" className="wb-mono">{c.number}</h1>
      <div className="pl-card-meta">
        <span className={`pl-badge st-${c.state}`} data-testid="case-state">{stateLabel(t, c.state, c.stateLabel)}</span>
        {c.deadline && <span className={`pl-badge dl-${c.deadline.status}`}>{remainingText(t, c.deadline.status, c.deadline.remainingWorkingDays)}</span>}
      </div>
      {stale && (
        <div className="wb-problem" role="alert">
          <p>{stale}</p>
          <button type="button" className="wb-btn" onClick={() => { setStale(null); void detail.refetch(); }}>{t('case.refreshNow')}</button>
        </div>
      )}
      {done && <p className="vl-notice" role="status" data-testid="vl-action-done">{done}</p>}
      <dl className="pl-facts">
        <div><dt>{t('case.item')}</dt><dd>{c.item.name}</dd></div>
        <div><dt>{t('case.applicant')}</dt><dd>{c.applicant.name} · {c.applicant.idNumber}</dd></div>
        <div><dt>{t('case.channel')}</dt><dd>{channelLabel(t, c.channel, c.channelLabel)}</dd></div>
        {c.proxy && <div><dt>{t('case.proxy')}</dt><dd>{t('case.proxyReason', { reason: c.proxy.reason })}；{c.proxy.consent ? t('case.proxyConsent') : t('case.proxyNoConsent')}</dd></div>}
        <div><dt>{t('case.owner')}</dt><dd>{c.owner?.name ?? t('case.ownerNone')}</dd></div>
        <div><dt>{t('case.currentUnit')}</dt><dd>{c.currentUnit.name}{c.pendingUnit ? ` → ${c.pendingUnit.name}` : ''}</dd></div>
        {c.deadline && <div><dt>{t('case.dueAt')}</dt><dd>{formatDate(c.deadline.dueAt, lang)}</dd></div>}
        <div><dt>{t('case.lookupCode')}</dt><dd className="wb-mono">{c.lookupCode}</dd></div>
        {c.materialsNotice && <div><dt>{t('case.missing')}</dt><dd>{c.materialsNotice.missing.join('；')}</dd></div>}
        {c.decision && <div><dt>{t('case.decision')}</dt><dd>{t(c.decision.outcome === 'approved' ? 'case.approved' : 'case.denied')}{c.decision.reason ? `：${c.decision.reason}` : ''}</dd></div>}
      </dl>
      {c.notices.length > 0 && (
        <div className="wb-actions">
          {c.notices.map((n) => <a key={n.kind} className="wb-btn" href={n.url} target="_blank" rel="noopener">{codeLabel(t, 'notice', n.kind, n.title)}</a>)}
        </div>
      )}
      <h2 className="pl-h2">{t('case.actions')}</h2>
      {acting ? (
        <PlainActionForm c={c} action={acting} onCancel={() => setActing(null)}
          onDone={() => { setDone(t('case.actionDone', { action: actionLabel(t, acting) })); setActing(null); }}
          onStale={(text) => { setActing(null); setStale(text); }} />
      ) : c.allowedActions.length === 0 ? (
        <p className="wb-hint">{t('case.noActions')}</p>
      ) : (
        <div className="wb-actions" data-testid="case-actions">
          {sortActions(c.allowedActions).map((a, i) => (
            <button key={a.action} type="button" className={`wb-btn${i === 0 && !isBackward(a.action) ? ' wb-btn-primary' : ''}`} data-action={a.action}
              onClick={() => { setDone(null); setActing(a.action); }}>
              {a.action === 'transfer' && c.currentUnit.kind === 'village_room' ? t('village.sendAlone') : actionLabel(t, a.action, a.label)}
            </button>
          ))}
        </div>
      )}
      {c.allowedActions.some((a) => a.action === 'transfer') && c.currentUnit.kind === 'village_room' && (
        <p className="wb-hint">{t('village.batchHint')} <Link to="/village/batches">{t('village.batchesBtn')}</Link></p>
      )}
      {c.stages.length > 0 && (
        <>
          <h2 className="pl-h2">{t('case.stages')}</h2>
          <ol className="progress-stages vl-stages">
            {c.stages.map((s) => (
              <li key={s.index} className={`stage-${s.status}`}>
                <span className="vl-dot" aria-hidden="true">{s.status === 'done' ? '✓' : s.index + 1}</span>
                <span>{s.name}<span className="pl-small"> · {codeLabel(t, 'stageStatus', s.status)}</span></span>
              </li>
            ))}
          </ol>
        </>
      )}
      <h2 className="pl-h2">{t('case.timeline')}</h2>
      <ol className="vl-steps" data-testid="case-timeline">
        {[...c.events].reverse().map((e) => (
          <li key={e.seq}>
            <strong>{actionLabel(t, e.action, e.actionLabel)}</strong> <span className="pl-small">{e.userName}{e.unitName ? ` · ${e.unitName}` : ''}</span>
            <div className="pl-small">{formatDateTime(e.at, lang)}{e.opinion ? ` · ${e.opinion}` : ''}</div>
          </li>
        ))}
      </ol>
    </section>
  );
}
