// Every service center in one phone-first list (GET /api/public/orgs): county and township centers as
// cards with address, hours and a phone number to tap, each township's village rooms folded under it;
// a name filter; each links to its public board. A center's code (posted on its board, also as a QR
// code to /portal/centers/<code>) still opens the board directly.
import { useId, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { problemDetail } from '../api/client.ts';
import { useT } from '../i18n/index.ts';
import { useCenters, type Center } from './api.ts';

function CenterFacts({ c }: { c: Center }) {
  const t = useT();
  return (
    <dl className="portal-facts">
      {c.address && <div><dt>{t('portal.board.address')}</dt><dd>{c.address}</dd></div>}
      {c.openingHours && <div><dt>{t('portal.board.hours')}</dt><dd>{c.openingHours}</dd></div>}
      {c.phone && <div><dt>{t('portal.board.phone')}</dt><dd><a href={`tel:${c.phone}`}>{c.phone}</a></dd></div>}
    </dl>
  );
}

export default function CentersPage() {
  const t = useT();
  const inputId = useId();
  const filterId = useId();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const [filter, setFilter] = useState('');
  const centers = useCenters();

  const groups = useMemo(() => {
    const items = centers.data?.items ?? [];
    const f = filter.trim();
    const match = (c: Center) => !f || c.name.includes(f) || c.code.startsWith(f) || (c.address ?? '').includes(f);
    const villagesOf = new Map<string, Center[]>();
    for (const c of items) {
      if (c.kind !== 'village_room') continue;
      villagesOf.set(c.parentCode ?? '', [...(villagesOf.get(c.parentCode ?? '') ?? []), c]);
    }
    const centersOnly = items.filter((c) => c.kind === 'center');
    const out: { center: Center | null; villages: Center[] }[] = [];
    for (const c of centersOnly) {
      const villages = (villagesOf.get(c.code) ?? []).filter((v) => match(v) || match(c));
      if (match(c) || villages.length > 0) out.push({ center: c, villages });
    }
    // Village rooms whose parent runs no center of its own.
    const known = new Set(centersOnly.map((c) => c.code));
    const orphans = items.filter((c) => c.kind === 'village_room' && !known.has(c.parentCode ?? '') && match(c));
    if (orphans.length) out.push({ center: null, villages: orphans });
    return out;
  }, [centers.data, filter]);

  return (
    <section className="portal-section" aria-labelledby="centers-title">
      <h1 id="centers-title">{t('portal.centers.title')}</h1>
      <div className="portal-search">
        <label htmlFor={filterId}>{t('portal.centers.filterLabel')}</label>
        <div className="portal-search-row">
          <input id={filterId} value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" placeholder={t('portal.centers.filterPlaceholder')} />
        </div>
      </div>

      {centers.isPending && <p className="portal-hint">{t('common.loading')}</p>}
      {centers.error && <p className="portal-error" role="alert">{problemDetail(centers.error)}</p>}
      {centers.data && groups.length === 0 && <p className="portal-hint" data-testid="centers-empty">{t('portal.centers.none')}</p>}
      <ul className="portal-list" data-testid="centers-list">
        {groups.map(({ center, villages }) => (
          <li key={center?.code ?? 'villages'} className="portal-card" data-code={center?.code}>
            {center && (
              <>
                <Link className="portal-card-title" to={`/portal/centers/${encodeURIComponent(center.code)}`}>{center.name}</Link>
                <div className="portal-card-meta">
                  <span>{center.levelLabel}</span>
                  {center.parentName && <span>{center.parentName}</span>}
                  <span>{t('portal.centers.code', { code: center.code })}</span>
                </div>
                <CenterFacts c={center} />
                <p><Link to={`/portal/centers/${encodeURIComponent(center.code)}`}>{t('portal.centers.board')}</Link></p>
              </>
            )}
            {villages.length > 0 && (
              <details open={!!filter.trim()}>
                <summary>{t('portal.centers.villages', { count: villages.length })}</summary>
                <ul className="portal-list">
                  {villages.map((v) => (
                    <li key={v.code} data-code={v.code}>
                      <Link to={`/portal/centers/${encodeURIComponent(v.code)}`}>{v.name}</Link>
                      {v.phone && <> · <a href={`tel:${v.phone}`}>{v.phone}</a></>}
                      {v.openingHours && <span className="portal-hint"> · {v.openingHours}</span>}
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </li>
        ))}
      </ul>

      <form className="portal-search" onSubmit={(e) => { e.preventDefault(); if (code.trim()) navigate(`/portal/centers/${encodeURIComponent(code.trim())}`); }}>
        <label htmlFor={inputId}>{t('portal.centers.codeLabel')}</label>
        <div className="portal-search-row">
          <input id={inputId} value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="off" placeholder="341125101" />
          <button type="submit" className="portal-btn">{t('portal.centers.open')}</button>
        </div>
      </form>
      <p className="portal-hint">{t('portal.centers.codeHint')}</p>
    </section>
  );
}
