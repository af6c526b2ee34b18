// One case action as a plain form (the village room's phone): the fields the action takes, the
// version the page read, an Idempotency-Key; 409 asks to reload, field errors sit at their fields.
import { useId, useState } from 'react';
import { ProblemError, problemDetail } from '../api/client.ts';
import { useT, type MessageKey } from '../i18n/index.ts';
import { useGuide } from '../portal/api.ts';
import { actOnCase, isConflict, newIdempotencyKey, useRefreshCases } from './api.ts';
import { actionLabel, codeLabel } from './format.ts';
import { DELIVERY_METHODS, REFUSAL_GROUNDS, type ActionBody, type CaseActionOnCase, type CaseDetail, type DeliveryMethod, type RefusalGround } from './types.ts';

interface Props {
  c: CaseDetail;
  action: CaseActionOnCase;
  onDone: () => void;
  onCancel: () => void;
  onStale: (detail: string) => void;
}

export function PlainActionForm({ c, action, onDone, onCancel, onStale }: Props) {
  const t = useT();
  const uid = useId();
  const refresh = useRefreshCases();
  const [key] = useState(newIdempotencyKey);
  const [opinion, setOpinion] = useState('');
  const [ground, setGround] = useState<RefusalGround>(c.state === 'awaiting_materials' ? 'not_supplemented' : 'ineligible');
  const [reason, setReason] = useState('');
  const [referTo, setReferTo] = useState('');
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const [otherMissing, setOtherMissing] = useState('');
  const [method, setMethod] = useState<DeliveryMethod>(c.currentUnit.kind === 'village_room' ? 'village_cadre' : 'counter');
  const [trackingNo, setTrackingNo] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const guide = useGuide(c.item.id, action === 'request_materials');
  const label = actionLabel(t, action);

  function body(): ActionBody {
    const b: ActionBody = { version: c.version };
    if (opinion.trim()) b.opinion = opinion.trim();
    if (action === 'refuse') Object.assign(b, { ground, reason: reason.trim(), ...(ground === 'not_competent' ? { referTo: referTo.trim() } : {}) });
    if (action === 'request_materials') b.missing = [...missing, ...otherMissing.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)];
    if (action === 'deliver') Object.assign(b, { method, ...(method === 'post' && trackingNo.trim() ? { trackingNo: trackingNo.trim() } : {}) });
    if (action === 'withdraw' && reason.trim()) b.reason = reason.trim();
    if (action === 'transfer' && c.suggestedTransfer) b.to = c.suggestedTransfer.id;
    if (action === 'supplement' && c.materialsNotice?.missing.length) b.attachments = c.materialsNotice.missing;
    return b;
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setFieldErrors({});
    try {
      await actOnCase(c.id, action, body(), key);
      await refresh();
      onDone();
    } catch (err) {
      if (isConflict(err)) {
        onStale(problemDetail(err));
        await refresh();
        return;
      }
      setProblem(problemDetail(err));
      if (err instanceof ProblemError) {
        setFieldErrors(Object.fromEntries(err.errors.map((fe) => [fe.pointer.replace(/^#\//, '').replace(/\/\d+$/, ''), fe.detail])));
      }
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => fieldErrors[f] && <span className="wb-error" role="alert">{fieldErrors[f]}</span>;
  return (
    <form className="pl-card pl-action-form" onSubmit={submit} data-testid="plain-action-form" data-action={action}>
      <h3 className="pl-h2">{label}</h3>
      <p className="wb-hint">{t(`case.help.${action}` as MessageKey)}</p>
      <fieldset className="wb-fieldset" disabled={busy}>
        {action === 'transfer' && c.suggestedTransfer && (
          <p className="wb-field">{t('village.sendTo', { unit: c.suggestedTransfer.name })}</p>
        )}
        {action === 'refuse' && (
          <>
            <div className="wb-field">
              <label htmlFor={`${uid}-ground`} className="wb-label">{t('case.field.ground')}</label>
              <select id={`${uid}-ground`} className="wb-input" value={ground} onChange={(e) => setGround(e.target.value as RefusalGround)}>
                {REFUSAL_GROUNDS.filter((g) => g !== 'not_supplemented' || c.state === 'awaiting_materials').map((g) => <option key={g} value={g}>{codeLabel(t, 'refusalGround', g)}</option>)}
              </select>
            </div>
            <div className="wb-field">
              <label htmlFor={`${uid}-reason`} className="wb-label">{t('case.field.refuseReason')}</label>
              <textarea id={`${uid}-reason`} className="wb-input wb-textarea" value={reason} onChange={(e) => setReason(e.target.value)} required />
              {err('reason')}
              <span className="wb-hint">{t('case.rightsNote')}</span>
            </div>
            {ground === 'not_competent' && (
              <div className="wb-field">
                <label htmlFor={`${uid}-referTo`} className="wb-label">{t('case.field.referTo')}</label>
                <input id={`${uid}-referTo`} className="wb-input" value={referTo} onChange={(e) => setReferTo(e.target.value)} />
                {err('referTo')}
              </div>
            )}
          </>
        )}
        {action === 'request_materials' && (
          <div className="wb-field">
            <span className="wb-label">{t('case.field.missing')}</span>
            <ul className="wb-material-list">
              {(guide.data?.materials ?? []).map((m) => (
                <li key={m.name} className={missing.has(m.name) ? 'is-missing' : ''}>
                  <label className="wb-check">
                    <input type="checkbox" checked={missing.has(m.name)}
                      onChange={(e) => setMissing((prev) => { const next = new Set(prev); if (e.target.checked) next.add(m.name); else next.delete(m.name); return next; })} />
                    <span>{m.name}{m.condition && <span className="wb-material-meta">{t('portal.guide.when', { condition: m.condition })}</span>}</span>
                  </label>
                </li>
              ))}
            </ul>
            <label htmlFor={`${uid}-other`} className="wb-label">{t('case.field.missingOther')}</label>
            <textarea id={`${uid}-other`} className="wb-input wb-textarea" value={otherMissing} onChange={(e) => setOtherMissing(e.target.value)} />
            {err('missing')}
          </div>
        )}
        {action === 'deliver' && (
          <div className="wb-field" role="radiogroup" aria-label={t('case.field.method')}>
            <span className="wb-label">{t('case.field.method')}</span>
            <div className="wb-radios">
              {DELIVERY_METHODS.filter((m) => m !== 'village_cadre' || c.currentUnit.kind === 'village_room').map((m) => (
                <label key={m} className="wb-radio"><input type="radio" name={`${uid}-method`} checked={method === m} onChange={() => setMethod(m)} />{codeLabel(t, 'delivery', m)}</label>
              ))}
            </div>
            {method === 'post' && (
              <>
                <label htmlFor={`${uid}-track`} className="wb-label">{t('case.trackingNo')}</label>
                <input id={`${uid}-track`} className="wb-input" value={trackingNo} onChange={(e) => setTrackingNo(e.target.value)} />
              </>
            )}
          </div>
        )}
        {action === 'withdraw' && (
          <div className="wb-field">
            <label htmlFor={`${uid}-reason`} className="wb-label">{t('case.field.withdrawReason')}</label>
            <textarea id={`${uid}-reason`} className="wb-input wb-textarea" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        )}
        <div className="wb-field">
          <label htmlFor={`${uid}-opinion`} className="wb-label">{t('case.field.opinion')}</label>
          <textarea id={`${uid}-opinion`} className="wb-input wb-textarea" rows={2} value={opinion} onChange={(e) => setOpinion(e.target.value)} />
        </div>
      </fieldset>
      {problem && <p className="wb-problem" role="alert">{problem}</p>}
      <div className="wb-actions">
        <button type="submit" className={`wb-btn wb-btn-primary${action === 'refuse' || action === 'withdraw' ? ' danger' : ''}`} disabled={busy} data-testid="plain-action-submit">
          {busy ? t('common.loading') : label}
        </button>
        <button type="button" className="wb-btn" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
