// Progress lookup for anyone, phone first: the case number from the notice plus its lookup code or the
// last four digits of the phone the applicant registered. The answer names no person: the item, the
// state, where the case is, the stages passed, the due date and every step's time.
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ProblemError, problemDetail } from '../api/client.ts';
import { lookupProgress } from '../cases/api.ts';
import { codeLabel, formatDate, formatDateTime, remainingText, stateLabel, stepLabel } from '../cases/format.ts';
import type { PublicProgress } from '../cases/types.ts';
import { useT } from '../i18n/index.ts';
import { usePrefs } from '../prefs/prefs.ts';

type Proof = 'code' | 'phone4';

export default function ProgressPage() {
  const t = useT();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const [number, setNumber] = useState(params.get('number') ?? '');
  const [proof, setProof] = useState<Proof>(params.get('phone4') ? 'phone4' : 'code');
  const [secret, setSecret] = useState(params.get('code') ?? params.get('phone4') ?? '');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PublicProgress | null>(null);
  const [error, setError] = useState<{ text: string; field: 'number' | 'secret' | null } | null>(null);

  async function look(n: string, p: Proof, s: string) {
    const problems: string[] = [];
    if (!n.trim()) problems.push(t('progress.err.number'));
    if (!s.trim()) problems.push(p === 'code' ? t('progress.err.code') : t('progress.err.phone4'));
    else if (p === 'phone4' && !/^\d{4}$/.test(s.trim())) problems.push(t('progress.err.phone4Format'));
    if (problems.length) {
      setError({ text: problems.join(' '), field: !n.trim() ? 'number' : 'secret' });
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await lookupProgress(n, p === 'code' ? { code: s.trim().toUpperCase() } : { phone4: s.trim() });
      setResult(r);
      // The number stays in the address (to bookmark); the code and phone digits do not.
      setParams({ number: n.trim() }, { replace: true });
    } catch (err) {
      const field = err instanceof ProblemError && err.errors.some((e) => /number/.test(e.pointer)) ? 'number' : err instanceof ProblemError && err.status === 404 ? null : 'secret';
      setError({ text: problemDetail(err), field });
    } finally {
      setBusy(false);
    }
  }

  // A link printed on the notice (…/portal/progress?number=…&code=…) looks the case up at once.
  useEffect(() => {
    const n = params.get('number');
    const c = params.get('code');
    const p4 = params.get('phone4');
    if (n && (c || p4)) void look(n, c ? 'code' : 'phone4', (c ?? p4)!);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <section className="portal-section" aria-labelledby="progress-title">
      <h1 id="progress-title">{t('portal.progress.title')}</h1>
      <form className="progress-form" onSubmit={(e) => { e.preventDefault(); void look(number, proof, secret); }} noValidate data-testid="progress-form">
        <label htmlFor={`${id}-number`}>{t('progress.number')}</label>
        <input id={`${id}-number`} className="progress-input" value={number} onChange={(e) => setNumber(e.target.value)} autoComplete="off"
          inputMode="text" placeholder="341125-20261125-0001" aria-invalid={error?.field === 'number'} data-testid="progress-number" />
        <p className="portal-hint">{t('progress.numberHint')}</p>
        <fieldset className="progress-proof">
          <legend>{t('progress.proof')}</legend>
          <label><input type="radio" name={`${id}-proof`} checked={proof === 'code'} onChange={() => { setProof('code'); setSecret(''); }} /> {t('progress.byCode')}</label>
          <label><input type="radio" name={`${id}-proof`} checked={proof === 'phone4'} onChange={() => { setProof('phone4'); setSecret(''); }} data-testid="progress-by-phone" /> {t('progress.byPhone')}</label>
        </fieldset>
        <label htmlFor={`${id}-secret`}>{proof === 'code' ? t('progress.code') : t('progress.phone4')}</label>
        <input id={`${id}-secret`} className="progress-input progress-secret" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off"
          inputMode={proof === 'code' ? 'text' : 'numeric'} maxLength={proof === 'code' ? 16 : 4} autoCapitalize="characters"
          aria-invalid={error?.field === 'secret'} data-testid="progress-secret" />
        <button type="submit" className="portal-btn progress-submit" disabled={busy} data-testid="progress-submit">{busy ? t('common.loading') : t('progress.submit')}</button>
      </form>
      <div aria-live="polite">
        {error && <p className="portal-error progress-error" role="alert" data-testid="progress-error">{error.text}</p>}
        {result && <Result r={result} />}
      </div>
      {!result && (
        <p className="portal-hint">{t('progress.help')} <Link to="/portal/centers">{t('portal.progress.toCenters')}</Link></p>
      )}
    </section>
  );
}

const STATUS_CLASS: Record<string, string> = { normal: 'ok', due_soon: 'soon', overdue: 'late', paused: 'paused', stopped: 'stopped' };

function Result({ r }: { r: PublicProgress }) {
  const t = useT();
  const { lang } = usePrefs();
  const ended = r.state === 'finished' || r.state === 'refused' || r.state === 'withdrawn';
  return (
    <article className="portal-card progress-result" data-testid="progress-result">
      <h2 className="progress-item">{r.item}</h2>
      <p className={`progress-state state-${r.state}`} data-testid="progress-state">{stateLabel(t, r.state, r.stateLabel)}</p>
      <dl className="portal-facts progress-facts">
        <div><dt>{t('progress.caseNumber')}</dt><dd>{r.number}</dd></div>
        {!ended && r.currentUnit && <div><dt>{t('progress.where')}</dt><dd data-testid="progress-unit">{r.currentUnit}</dd></div>}
        <div><dt>{t('progress.submitted')}</dt><dd>{formatDate(r.submittedAt, lang)}</dd></div>
        {r.acceptedAt && <div><dt>{t('progress.accepted')}</dt><dd>{formatDate(r.acceptedAt, lang)}</dd></div>}
        {r.dueAt && !ended && (
          <div>
            <dt>{t('progress.due')}</dt>
            <dd data-testid="progress-due">
              {formatDate(r.dueAt, lang)}
              {r.deadlineStatus && <span className={`progress-badge ${STATUS_CLASS[r.deadlineStatus] ?? ''}`}>{remainingText(t, r.deadlineStatus, r.remainingWorkingDays)}</span>}
            </dd>
          </div>
        )}
        {r.finishedAt && <div><dt>{t('progress.finished')}</dt><dd>{formatDate(r.finishedAt, lang)}</dd></div>}
      </dl>
      {r.stages.length > 0 && (
        <>
          <h3>{t('progress.stages')}</h3>
          <ol className="progress-stages" data-testid="progress-stages">
            {r.stages.map((s, i) => (
              <li key={i} className={`stage-${s.status}`}>
                <span className="progress-dot" aria-hidden="true">{s.status === 'done' ? '✓' : i + 1}</span>
                <span>
                  {s.name}
                  <span className="portal-hint"> · {codeLabel(t, 'stageStatus', s.status)}{s.finishedAt ? ` ${formatDate(s.finishedAt, lang)}` : ''}</span>
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
      <h3>{t('progress.steps')}</h3>
      <ol className="progress-steps" data-testid="progress-steps">
        {[...r.progress].reverse().map((p, i) => (
          <li key={i}>
            <span className="progress-step">{stepLabel(t, p.step)}</span>
            <span className="portal-hint">{formatDateTime(p.at, lang)}{p.unit ? ` · ${p.unit}` : ''}</span>
          </li>
        ))}
      </ol>
    </article>
  );
}
