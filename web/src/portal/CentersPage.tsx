// Finding a center's public board. Each center posts its code (and a QR code to /portal/centers/<code>);
// the catalog tells which center owns the guides, so its board is one tap away.
import { useId, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useT } from '../i18n/index.ts';
import { useCatalogSearch } from './api.ts';

export default function CentersPage() {
  const t = useT();
  const inputId = useId();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const catalog = useCatalogSearch('', null, 1);
  const owner = catalog.data?.owner;
  return (
    <section className="portal-section" aria-labelledby="centers-title">
      <h1 id="centers-title">{t('portal.centers.title')}</h1>
      {owner && (
        <p className="portal-card">
          <Link className="portal-card-title" to={`/portal/centers/${encodeURIComponent(owner.code)}`}>{owner.name}</Link>
          <span className="portal-hint">{t('portal.centers.ownerNote')}</span>
        </p>
      )}
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
