// The room's cases by queue, as cards that fit a 360-pixel screen; 20 a page.
import { Link, useSearchParams } from 'react-router';
import { problemDetail } from '../api/client.ts';
import { useCaseList, useQueueCounts } from '../cases/api.ts';
import { codeLabel, formatDate, stateLabel } from '../cases/format.ts';
import { QUEUES, type Queue } from '../cases/types.ts';
import { useT } from '../i18n/index.ts';
import { usePrefs } from '../prefs/prefs.ts';

const SHOWN: Queue[] = ['to_accept', 'to_handle', 'to_deliver', 'due_soon', 'overdue', 'done', 'all'];

export default function VillageCases() {
  const t = useT();
  const { lang } = usePrefs();
  const [params, setParams] = useSearchParams();
  const q = params.get('queue');
  const queue: Queue = q && (QUEUES as readonly string[]).includes(q) ? (q as Queue) : 'to_handle';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const list = useCaseList({ queue, page, pageSize: 20 });
  const counts = useQueueCounts();
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / 20));
  return (
    <section className="pl-section" aria-labelledby="vl-cases-title">
      <h1 id="vl-cases-title">{t('village.casesTitle')}</h1>
      <div className="wb-chips" role="group" aria-label={t('village.queues')}>
        {SHOWN.map((s) => (
          <button key={s} type="button" className="wb-chip" aria-pressed={queue === s} onClick={() => setParams({ queue: s })}>
            {codeLabel(t, 'villageQueue', s, codeLabel(t, 'queue', s))}{s !== 'all' && s !== 'done' && counts.data ? ` ${counts.data[s]}` : ''}
          </button>
        ))}
      </div>
      {list.error && <p className="wb-error" role="alert">{problemDetail(list.error)}</p>}
      {list.data && list.data.items.length === 0 && <p className="wb-hint">{t('cases.empty')}</p>}
      <ul className="pl-cards" data-testid="vl-case-list">
        {list.data?.items.map((c) => (
          <li key={c.id} className="pl-card">
            <Link to={`/village/cases/${c.id}`} className="pl-card-title wb-mono">{c.number}</Link>
            <div className="pl-card-meta">
              <span className="pl-strong">{c.item.name}</span>
              <span>{c.applicant.name}</span>
              <span className={`pl-badge st-${c.state}`}>{stateLabel(t, c.state, c.stateLabel)}</span>
              {c.dueAt && <span>{t('village.dueOn', { date: formatDate(c.dueAt, lang) })}</span>}
              {c.deadlineStatus && c.deadlineStatus !== 'normal' && c.deadlineStatus !== 'stopped' && <span className={`pl-badge ${c.deadlineStatus === 'overdue' ? 'late' : ''}`}>{codeLabel(t, 'deadline', c.deadlineStatus)}</span>}
            </div>
          </li>
        ))}
      </ul>
      {pages > 1 && (
        <nav className="wb-actions" aria-label={t('portal.search.pages')}>
          <button type="button" className="wb-btn" disabled={page <= 1} onClick={() => setParams({ queue, page: String(page - 1) })}>{t('portal.search.prev')}</button>
          <span>{t('portal.search.pageOf', { page, pages })}</span>
          <button type="button" className="wb-btn" disabled={page >= pages} onClick={() => setParams({ queue, page: String(page + 1) })}>{t('portal.search.next')}</button>
        </nav>
      )}
    </section>
  );
}
