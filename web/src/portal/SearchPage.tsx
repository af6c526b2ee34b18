// Find a service guide by its name, its pinyin initials (db → 低保), or a life event.
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { LIFE_EVENTS, type LifeEvent } from '../../../server/domain/catalog.ts';
import { problemDetail } from '../api/client.ts';
import { useT, type MessageKey } from '../i18n/index.ts';
import { useCatalogSearch, type CatalogHit } from './api.ts';
import { handlingModeLabel } from './labels.ts';

const EVENTS = Object.keys(LIFE_EVENTS) as LifeEvent[];

export default function SearchPage() {
  const t = useT();
  const inputId = useId();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [q, setQ] = useState(text.trim());
  const event = params.get('event');

  // Search as the user types, after a short pause (a slow link should not get one request per key).
  // The address follows inside the same timer, which leaving the page cancels: a result tapped just
  // before the pause ends is not pulled back to the search by a late address update.
  const search = (value: string) => {
    setQ(value);
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (value) next.set('q', value);
      else next.delete('q');
      return next;
    }, { replace: true });
  };
  useEffect(() => {
    if (text.trim() === q) return;
    const id = setTimeout(() => search(text.trim()), 250);
    return () => clearTimeout(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [q, event]);
  const results = useCatalogSearch(q, event, page);
  const toggleEvent = (e: string) => {
    const next = new URLSearchParams(params);
    if (event === e) next.delete('event');
    else next.set('event', e);
    setParams(next, { replace: true });
  };
  const total = results.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / 20));

  return (
    <section className="portal-section" aria-labelledby="search-title">
      <h1 id="search-title">{t('portal.search.title')}</h1>
      <form className="portal-search" role="search" onSubmit={(e) => { e.preventDefault(); search(text.trim()); }}>
        <label htmlFor={inputId}>{t('portal.search.label')}</label>
        <div className="portal-search-row">
          <input
            id={inputId}
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('portal.search.placeholder')}
            autoComplete="off"
            enterKeyHint="search"
            data-testid="portal-search"
          />
          <button type="submit" className="portal-btn">{t('common.search')}</button>
        </div>
      </form>
      <div className="portal-chips" role="group" aria-label={t('portal.search.events')}>
        {EVENTS.map((e) => (
          <button key={e} type="button" className="portal-chip" aria-pressed={event === e} onClick={() => toggleEvent(e)}>
            {t(`lifeEvent.${e}` as MessageKey)}
          </button>
        ))}
      </div>
      <div aria-live="polite" className="portal-results" data-testid="portal-results">
        {!q && !event && <p className="portal-hint">{t('portal.search.hint')}</p>}
        {results.isPending && <p className="portal-hint">{t('common.loading')}</p>}
        {results.error && <p className="portal-error" role="alert">{problemDetail(results.error)}</p>}
        {results.data && (
          results.data.items.length === 0
            ? <p className="portal-hint">{t('portal.search.none')}</p>
            : (
              <>
                <p className="portal-count">
                  {q || event ? t('portal.search.count', { n: total }) : t('portal.search.all', { n: total })}
                  {results.data.owner && (
                    <> · <Link to={`/portal/centers/${encodeURIComponent(results.data.owner.code)}`}>{t('portal.search.ownerBoard', { name: results.data.owner.name })}</Link></>
                  )}
                </p>
                <ul className="portal-list">
                  {results.data.items.map((item) => <Hit key={item.id} item={item} />)}
                </ul>
                {pages > 1 && (
                  <nav className="portal-pager" aria-label={t('portal.search.pages')}>
                    <button type="button" className="portal-chip" disabled={page <= 1} onClick={() => setPage(page - 1)}>{t('portal.search.prev')}</button>
                    <span>{t('portal.search.pageOf', { page, pages })}</span>
                    <button type="button" className="portal-chip" disabled={page >= pages} onClick={() => setPage(page + 1)}>{t('portal.search.next')}</button>
                  </nav>
                )}
              </>
            )
        )}
      </div>
    </section>
  );
}

function Hit({ item }: { item: CatalogHit }) {
  const t = useT();
  return (
    <li className="portal-card">
      <Link to={`/portal/guide/${encodeURIComponent(item.id)}`} className="portal-card-title">{item.name}</Link>
      <div className="portal-card-meta">
        <span>{item.departmentName}</span>
        <span className={`portal-tag mode-${item.handlingMode}`}>{handlingModeLabel(t, item.handlingMode)}</span>
        <span>{item.committedLimitDays === 0 ? t('portal.guide.onTheSpot') : t('portal.guide.committedShort', { n: item.committedLimitDays })}</span>
        <span>{item.maxVisits === 0 ? t('portal.guide.noVisit') : t('portal.guide.visitsShort', { n: item.maxVisits })}</span>
      </div>
    </li>
  );
}
