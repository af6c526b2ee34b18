// Find a service item fast: type a name, a common word or pinyin initials (db → 低保), or pick a life
// event; ↑/↓ move, Enter picks. A combobox with a listbox (WAI-ARIA pattern), plain React and CSS so
// the village room on a phone loads no UI library.
import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState } from 'react';
import { LIFE_EVENTS } from '../../../server/domain/catalog.ts';
import { problemDetail } from '../api/client.ts';
import { useT, type MessageKey } from '../i18n/index.ts';
import { useCatalogSearch, type CatalogHit } from '../portal/api.ts';
import { codeLabel } from './format.ts';

export interface ItemFinderHandle {
  focus: () => void;
}

interface Props {
  orgCode: string;
  /** Why the item cannot be accepted here, or null (shown on the option, which stays pickable). */
  whyNot: (hit: CatalogHit) => string | null;
  onPick: (hit: CatalogHit) => void;
  autoFocus?: boolean;
}

const EVENTS = Object.keys(LIFE_EVENTS);

export const ItemFinder = forwardRef<ItemFinderHandle, Props>(function ItemFinder({ orgCode, whyNot, onPick, autoFocus }, ref) {
  const t = useT();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [event, setEvent] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  useImperativeHandle(ref, () => ({ focus: () => { input.current?.focus(); input.current?.select(); } }), []);

  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 150);
    return () => clearTimeout(timer);
  }, [text]);
  useEffect(() => setActive(0), [q, event]);

  const searching = q !== '' || event !== null;
  const results = useCatalogSearch(q, event, 1, orgCode, 10);
  const hits = searching ? results.data?.items ?? [] : [];
  const optionId = (i: number) => `${id}-opt-${i}`;

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, Math.max(hits.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const hit = hits[active];
      if (hit) onPick(hit);
    } else if (e.key === 'Escape') {
      setText('');
      setEvent(null);
    }
  }

  return (
    <div className="wb-finder">
      <label htmlFor={`${id}-input`} className="wb-label">{t('counter.findItem')}</label>
      <input
        ref={input}
        id={`${id}-input`}
        className="wb-input wb-finder-input"
        type="search"
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={hits.length ? optionId(active) : undefined}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={t('counter.searchPlaceholder')}
        autoComplete="off"
        autoFocus={autoFocus}
        enterKeyHint="search"
        data-testid="item-search"
      />
      <div className="wb-chips" role="group" aria-label={t('portal.search.events')}>
        {EVENTS.map((e) => (
          <button key={e} type="button" className="wb-chip" aria-pressed={event === e} onClick={() => setEvent(event === e ? null : e)}>
            {t(`lifeEvent.${e}` as MessageKey)}
          </button>
        ))}
      </div>
      {results.error && searching && <p className="wb-error" role="alert">{problemDetail(results.error)}</p>}
      {searching && !results.isPending && hits.length === 0 && <p className="wb-hint">{t('portal.search.none')}</p>}
      <ul id={`${id}-list`} role="listbox" className="wb-options" aria-label={t('counter.results')} data-testid="item-results">
        {hits.map((hit, i) => {
          const why = whyNot(hit);
          return (
            <li
              key={hit.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={`wb-option${i === active ? ' active' : ''}${why ? ' blocked' : ''}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => onPick(hit)}
              onMouseEnter={() => setActive(i)}
            >
              <span className="wb-option-name">{hit.name}</span>
              <span className="wb-option-meta">
                {hit.departmentName} · {codeLabel(t, 'caseType', hit.caseType)} · {hit.committedLimitDays === 0 ? t('portal.guide.onTheSpot') : t('portal.guide.committedShort', { n: hit.committedLimitDays })}
              </span>
              {why && <span className="wb-option-why">{why}</span>}
            </li>
          );
        })}
      </ul>
    </div>
  );
});
