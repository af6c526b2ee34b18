// Batches (定期报送) on screen: the list, a new batch from the cases waiting to go, and one batch with
// its manifest, each case's status and the steps this person may take now (send, cancel, sign each
// case, check, hand each result over). Plain React: the village room's phone and the township desk
// both use these.
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { problemDetail } from '../api/client.ts';
import { useT } from '../i18n/index.ts';
import { usePrefs } from '../prefs/prefs.ts';
import { isConflict, newIdempotencyKey } from './api.ts';
import {
  batchCaseStep, batchStep, createBatch, manifestUrl, useBatch, useBatchCandidates, useBatches, useRefreshBatches,
  type Batch, type BatchCaseLine, type BatchKind, type BatchState, type BatchSummary,
} from './batches.ts';
import { codeLabel, formatDateTime, stateLabel } from './format.ts';
import type { CaseState } from './types.ts';
import './workbench.css';

interface Base {
  /** Where batch pages live: /village/batches or /batches. */
  base: string;
  caseHref: (id: string) => string;
}

export function BatchList({ base, kinds, newKind, villageId, state, tabs }: Base & { kinds: BatchKind[]; newKind: BatchKind | null; villageId?: string; state?: BatchState; tabs?: React.ReactNode }) {
  const t = useT();
  const { lang } = usePrefs();
  const list = useBatches({ villageId, state });
  const items = (list.data?.items ?? []).filter((b) => kinds.includes(b.kind));
  return (
    <section className="pl-section" aria-labelledby="batches-title" data-testid="batch-list">
      <div className="pl-head">
        <h1 id="batches-title">{t('batch.title')}</h1>
        {newKind && <Link className="wb-btn wb-btn-primary" to={`${base}/new?kind=${newKind}${villageId ? `&villageId=${villageId}` : ''}`} data-testid="batch-new">{t(newKind === 'outgoing' ? 'batch.newOutgoing' : 'batch.newReturn')}</Link>}
      </div>
      <p className="wb-hint">{t('batch.intro')}</p>
      {tabs}
      {list.error && <p className="wb-error" role="alert">{problemDetail(list.error)}</p>}
      {list.isPending && <p className="wb-hint">{t('common.loading')}</p>}
      {list.data && items.length === 0 && <p className="wb-hint">{t('batch.none')}</p>}
      <ul className="pl-cards">
        {items.map((b) => <BatchCard key={b.id} b={b} href={`${base}/${b.id}`} lang={lang} />)}
      </ul>
    </section>
  );
}

function BatchCard({ b, href, lang }: { b: BatchSummary; href: string; lang: 'zh' | 'en' }) {
  const t = useT();
  return (
    <li className="pl-card">
      <Link to={href} className="pl-card-title wb-mono">{b.number}</Link>
      <div className="pl-card-meta">
        <span className={`pl-badge kind-${b.kind}`}>{codeLabel(t, 'batchKind', b.kind, b.kindLabel)}</span>
        <span className={`pl-badge bstate-${b.state}`}>{codeLabel(t, 'batchState', b.state, b.stateLabel)}</span>
        <span>{b.village.name} ⇄ {b.township.name}</span>
        <span>{t('batch.counts', { cases: b.caseCount, materials: b.materialsCount })}</span>
        {b.missingCount > 0 && <span className="pl-badge late">{t('batch.missingN', { n: b.missingCount })}</span>}
        <span>{formatDateTime(b.sentAt ?? b.createdAt, lang)}</span>
      </div>
    </li>
  );
}

/** Every waiting case is ticked; the person unticks what should wait for the next batch. */
export function NewBatch({ base, kind, villageId, caseHref }: Base & { kind: BatchKind; villageId?: string }) {
  const t = useT();
  const uid = useId();
  const navigate = useNavigate();
  const refresh = useRefreshBatches();
  const candidates = useBatchCandidates(kind, villageId);
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const [note, setNote] = useState('');
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const items = candidates.data?.items ?? [];
  useEffect(() => {
    if (candidates.data && picked === null) setPicked(new Set(candidates.data.items.map((i) => i.caseId)));
  }, [candidates.data, picked]);
  const chosen = items.filter((i) => picked?.has(i.caseId)).map((i) => i.caseId);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    if (chosen.length === 0) {
      setProblem(t('batch.err.none'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const b = await createBatch({ kind, ...(villageId ? { villageId } : {}), caseIds: chosen, ...(note.trim() ? { note: note.trim() } : {}) }, key);
      await refresh();
      navigate(`${base}/${b.id}`, { replace: true });
    } catch (err) {
      setProblem(problemDetail(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="pl-section" aria-labelledby={`${uid}-title`} data-testid="batch-new-form">
      <p><Link to={base}>← {t('batch.title')}</Link></p>
      <h1 id={`${uid}-title`}>{t(kind === 'outgoing' ? 'batch.newOutgoing' : 'batch.newReturn')}</h1>
      {candidates.data && (
        <p className="wb-hint">{t(kind === 'outgoing' ? 'batch.outgoingHint' : 'batch.returnHint', { village: candidates.data.village.name })}</p>
      )}
      {candidates.error && <p className="wb-error" role="alert">{problemDetail(candidates.error)}</p>}
      {candidates.isPending && <p className="wb-hint">{t('common.loading')}</p>}
      {candidates.data && items.length === 0 && <p className="wb-hint" data-testid="batch-no-candidates">{t('batch.noCandidates')}</p>}
      {items.length > 0 && (
        <form onSubmit={create}>
          <fieldset className="wb-fieldset" disabled={busy}>
            <legend className="wb-label">{t('batch.pick', { n: chosen.length, all: items.length })}</legend>
            <ul className="pl-cards">
              {items.map((i) => (
                <li key={i.caseId} className="pl-card">
                  <label className="wb-check">
                    <input type="checkbox" checked={picked?.has(i.caseId) ?? false} data-case={i.number}
                      onChange={(e) => setPicked((prev) => { const next = new Set(prev ?? []); if (e.target.checked) next.add(i.caseId); else next.delete(i.caseId); return next; })} />
                    <span>
                      <span className="wb-mono pl-strong">{i.number}</span>
                      <span className="pl-card-meta"><span>{i.itemName}</span><span>{i.applicantName}</span><span>{stateLabel(t, i.state as CaseState, i.stateLabel)}</span></span>
                    </span>
                  </label>
                  <Link to={caseHref(i.caseId)} className="pl-small">{t('batch.viewCase')}</Link>
                </li>
              ))}
            </ul>
            <label htmlFor={`${uid}-note`} className="wb-label">{t('batch.note')}</label>
            <input id={`${uid}-note`} className="wb-input" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          </fieldset>
          {problem && <p className="wb-problem" role="alert">{problem}</p>}
          <div className="wb-actions">
            <button type="submit" className="wb-btn wb-btn-primary" disabled={busy} data-testid="batch-create">{busy ? t('common.loading') : t('batch.create', { n: chosen.length })}</button>
          </div>
        </form>
      )}
    </section>
  );
}

export function BatchDetailView({ id, base, caseHref }: Base & { id: string }) {
  const t = useT();
  const { lang } = usePrefs();
  const batch = useBatch(id);
  const refresh = useRefreshBatches();
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ text: string; stale: boolean } | null>(null);
  // One Idempotency-Key per step until it succeeds: a retry after a lost answer is the same request.
  const keys = useRef(new Map<string, string>());
  const keyFor = (what: string) => {
    if (!keys.current.has(what)) keys.current.set(what, newIdempotencyKey());
    return keys.current.get(what)!;
  };

  if (batch.isPending) return <p className="wb-hint">{t('common.loading')}</p>;
  if (batch.error) return <p className="wb-error" role="alert">{problemDetail(batch.error)}</p>;
  const b = batch.data;

  async function run(what: string, fn: () => Promise<Batch>) {
    setBusy(what);
    setProblem(null);
    try {
      await fn();
      keys.current.delete(what);
      await refresh();
    } catch (err) {
      setProblem({ text: problemDetail(err), stale: isConflict(err) });
      if (isConflict(err)) await batch.refetch();
    } finally {
      setBusy(null);
    }
  }

  const can = (a: string) => (b.allowedActions as string[]).includes(a);
  return (
    <section className="pl-section" aria-labelledby="batch-title" data-testid="batch-detail">
      <p><Link to={base}>← {t('batch.title')}</Link></p>
      <h1 id="batch-title" className="wb-mono">{b.number}</h1>
      <div className="pl-card-meta">
        <span className={`pl-badge kind-${b.kind}`}>{codeLabel(t, 'batchKind', b.kind, b.kindLabel)}</span>
        <span className={`pl-badge bstate-${b.state}`} data-testid="batch-state">{codeLabel(t, 'batchState', b.state, b.stateLabel)}</span>
        {b.missingCount > 0 && <span className="pl-badge late">{t('batch.missingN', { n: b.missingCount })}</span>}
      </div>
      <dl className="pl-facts">
        <div><dt>{t('batch.from')}</dt><dd>{b.kind === 'outgoing' ? b.villageUnitName : b.deskUnitName}</dd></div>
        <div><dt>{t('batch.to')}</dt><dd>{b.kind === 'outgoing' ? b.deskUnitName : b.villageUnitName}</dd></div>
        <div><dt>{t('batch.size')}</dt><dd>{t('batch.counts', { cases: b.caseCount, materials: b.materialsCount })}</dd></div>
        <div><dt>{t('batch.created')}</dt><dd>{formatDateTime(b.createdAt, lang)} · {b.createdBy?.name ?? '—'}</dd></div>
        {b.sentAt && <div><dt>{t('batch.sent')}</dt><dd>{formatDateTime(b.sentAt, lang)} · {b.sentBy?.name ?? '—'}</dd></div>}
        {b.checkedAt && <div><dt>{t('batch.checked')}</dt><dd>{formatDateTime(b.checkedAt, lang)} · {b.checkedBy?.name ?? '—'}</dd></div>}
        {b.note && <div><dt>{t('batch.note')}</dt><dd>{b.note}</dd></div>}
      </dl>
      <div className="wb-actions">
        {can('send') && <button type="button" className="wb-btn wb-btn-primary" disabled={!!busy} data-testid="batch-send"
          onClick={() => run('send', () => batchStep(b.id, 'send', b.version, keyFor('send')))}>{busy === 'send' ? t('common.loading') : t('batch.send')}</button>}
        <a className="wb-btn" href={manifestUrl(b.id)} target="_blank" rel="noopener" data-testid="batch-manifest">{t('batch.manifest')}</a>
        {can('check') && <button type="button" className="wb-btn" disabled={!!busy} data-testid="batch-check"
          onClick={() => run('check', () => batchStep(b.id, 'check', b.version, keyFor('check')))}>{t('batch.check')}</button>}
        {can('cancel') && <button type="button" className="wb-btn" disabled={!!busy} data-testid="batch-cancel"
          onClick={() => { if (window.confirm(t('batch.cancelConfirm'))) void run('cancel', () => batchStep(b.id, 'cancel', b.version, keyFor('cancel'))); }}>{t('batch.cancel')}</button>}
      </div>
      {can('check') && <p className="wb-hint">{t('batch.checkHint')}</p>}
      {problem && (
        <div className="wb-problem" role="alert" data-testid="batch-problem">
          <p>{problem.text}</p>
          {problem.stale && <p>{t('case.staleHint')}</p>}
        </div>
      )}
      <h2 className="pl-h2">{t('batch.cases')}</h2>
      <ol className="pl-cards pl-batch-cases" data-testid="batch-cases">
        {b.cases.map((c) => (
          <BatchCaseRow key={c.caseId} c={c} b={b} busy={busy} caseHref={caseHref}
            onReceive={() => run(`receive:${c.caseId}`, () => batchCaseStep(b.id, c.caseId, 'receive', keyFor(`receive:${c.caseId}`)))}
            onDeliver={() => run(`deliver:${c.caseId}`, () => batchCaseStep(b.id, c.caseId, 'deliver', keyFor(`deliver:${c.caseId}`)))} />
        ))}
      </ol>
    </section>
  );
}

function BatchCaseRow({ c, b, busy, caseHref, onReceive, onDeliver }: {
  c: BatchCaseLine; b: Batch; busy: string | null; caseHref: (id: string) => string; onReceive: () => void; onDeliver: () => void;
}) {
  const t = useT();
  const { lang } = usePrefs();
  const canReceive = b.allowedActions.includes('receive') && (c.status === 'sent' || c.status === 'missing');
  const canDeliver = b.allowedActions.includes('deliver') && c.status === 'received';
  return (
    <li className={`pl-card bcase-${c.status}`} data-case={c.number} data-status={c.status}>
      <div className="pl-row">
        <Link to={caseHref(c.caseId)} className="wb-mono pl-strong">{c.number}</Link>
        <span className={`pl-badge bcs-${c.status}`}>{codeLabel(t, 'batchCase', c.status, c.statusLabel)}</span>
      </div>
      <div className="pl-card-meta">
        <span>{c.itemName}</span><span>{c.applicantName}</span>
        <span>{stateLabel(t, c.caseState as CaseState, c.caseStateLabel)}</span>
        <span>{t('batch.materialsN', { n: c.materialsCount })}</span>
      </div>
      {c.signedAt && <div className="pl-small">{t('batch.signedBy', { who: c.signedBy?.name ?? '—', at: formatDateTime(c.signedAt, lang) })}</div>}
      {c.flaggedAt && <div className="pl-small pl-late">{t('batch.flagged', { who: c.flaggedBy?.name ?? '—', at: formatDateTime(c.flaggedAt, lang) })}</div>}
      {c.deliveredAt && <div className="pl-small">{t('batch.deliveredBy', { who: c.deliveredBy?.name ?? '—', at: formatDateTime(c.deliveredAt, lang) })}</div>}
      {(canReceive || canDeliver) && (
        <div className="wb-actions pl-row-actions">
          {canReceive && <button type="button" className="wb-btn wb-btn-primary" disabled={!!busy} onClick={onReceive} data-testid="batch-receive">
            {busy === `receive:${c.caseId}` ? t('common.loading') : t(b.kind === 'outgoing' ? 'batch.receive' : 'batch.receiveResult')}</button>}
          {canDeliver && <button type="button" className="wb-btn wb-btn-primary" disabled={!!busy} onClick={onDeliver} data-testid="batch-deliver">
            {busy === `deliver:${c.caseId}` ? t('common.loading') : t('batch.deliver')}</button>}
        </div>
      )}
    </li>
  );
}
