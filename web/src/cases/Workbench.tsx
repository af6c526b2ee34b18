// The counter workbench (受理台): pick the item, type the applicant (ID number and phone checked as
// they are typed, with the same rules the server applies), tick what is missing, then one keystroke:
// accept → the acceptance notice; something missing → one notice listing all of it (一次性告知);
// refuse with a reason → the refusal notice; an immediate item (即办件) at its own window → finished.
// Used by the staff app (acceptance desks, windows) and the village room (village_room and proxy
// channels), so it is plain React and CSS: no UI library reaches a village phone through it.
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ORG_LEVELS } from '../../../server/domain/org-tree.ts';
import { ProblemError, problemDetail } from '../api/client.ts';
import type { OrgLevel } from '../api/types.ts';
import { useT, type MessageKey, type T } from '../i18n/index.ts';
import { useGuide, type CatalogHit, type Guide } from '../portal/api.ts';
import { actOnCase, newIdempotencyKey, noticeUrl, registerCase, useRefreshCases } from './api.ts';
import { codeLabel, idNumberFacts, idNumberProblem, phoneProblem } from './format.ts';
import { ItemFinder, type ItemFinderHandle } from './ItemFinder.tsx';
import { REFUSAL_GROUNDS, type CaseActionOnCase, type NewCaseBody, type NoticeKind, type RefusalGround } from './types.ts';
import './workbench.css';

export type CounterChannel = NewCaseBody['channel'];

export interface WorkbenchProps {
  orgCode: string;
  orgLevel: OrgLevel;
  /** The channels this person registers under, the usual one first. */
  channels: CounterChannel[];
  /** A handling window may finish its own immediate items on the spot. */
  canFinishImmediately: boolean;
  /** The units where this person may register (asked for only when the server needs to know). */
  units: { id: string; name: string }[];
  caseHref: (id: string) => string;
  /** Narrow layout (a phone in a village room). */
  compact?: boolean;
}

type Outcome = 'accept' | 'request_materials' | 'refuse' | 'finish_immediately';
const NOTICE_OF: Record<Outcome, NoticeKind> = { accept: 'acceptance', request_materials: 'materials', refuse: 'refusal', finish_immediately: 'result' };
const PROXY_REASONS = ['counter.proxyReason.old', 'counter.proxyReason.immobile', 'counter.proxyReason.remote', 'counter.proxyReason.away'] as const;

interface Applicant {
  name: string;
  idNumber: string;
  phone: string;
  channel: CounterChannel;
  proxyReason: string;
  consent: boolean;
}
type FieldName = 'item' | 'name' | 'idNumber' | 'phone' | 'proxyReason' | 'consent' | 'missing' | 'ground' | 'reason' | 'referTo' | 'unitId';
type Errors = Partial<Record<FieldName, string>>;

interface Registered {
  id: string;
  number: string;
  lookupCode: string;
  version: number;
}
interface Done extends Registered {
  outcome: Outcome;
  state: string;
  missing: string[];
}

const rank = (level: string) => ORG_LEVELS.indexOf(level as OrgLevel);

function toggle(set: React.Dispatch<React.SetStateAction<Set<string>>>, name: string, on: boolean) {
  set((prev) => {
    if (prev.has(name) === on) return prev;
    const next = new Set(prev);
    if (on) next.add(name);
    else next.delete(name);
    return next;
  });
}

/** Why an item cannot be accepted at this level (the lifecycle's rules, told before the clerk types anything). */
export function whyNotHere(t: T, hit: CatalogHit, level: OrgLevel, guide?: Guide): string | null {
  if (hit.handlingMode === 'consultation') return t('counter.why.consultation');
  if (!hit.acceptLevels.includes(level)) {
    return t('counter.why.level', { levels: hit.acceptLevels.map((l) => codeLabel(t, 'level', l)).join('、') });
  }
  const below = guide?.process.flatMap((s) => s.handlers).find((h) => rank(h.level) > rank(level));
  if (below) return t('counter.why.below', { level: codeLabel(t, 'level', below.level) });
  return null;
}

/** Server field pointers → the workbench's fields. */
function fieldOf(pointer: string): FieldName | null {
  const map: Record<string, FieldName> = {
    '#/applicant/name': 'name', '#/applicant/idNumber': 'idNumber', '#/applicant/phone': 'phone', '#/proxy/reason': 'proxyReason',
    '#/proxy/consent': 'consent', '#/itemId': 'item', '#/unitId': 'unitId', '#/missing': 'missing', '#/ground': 'ground',
    '#/reason': 'reason', '#/referTo': 'referTo', '#/channel': 'item',
  };
  return map[pointer.replace(/\/\d+$/, '')] ?? null;
}

const EMPTY: Applicant = { name: '', idNumber: '', phone: '', channel: 'counter', proxyReason: '', consent: false };

export function Workbench(props: WorkbenchProps) {
  const { orgCode, orgLevel, channels, canFinishImmediately, units, caseHref, compact } = props;
  const t = useT();
  const uid = useId();
  const finder = useRef<ItemFinderHandle>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const nextButton = useRef<HTMLButtonElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const refresh = useRefreshCases();

  const [item, setItem] = useState<CatalogHit | null>(null);
  const [finding, setFinding] = useState(true);
  const guide = useGuide(item?.id ?? '', !!item);
  const [missing, setMissing] = useState<Set<string>>(new Set());
  /** Conditional materials that apply to this applicant and were handed over (unticked ones do not apply). */
  const [received, setReceived] = useState<Set<string>>(new Set());
  const [otherMissing, setOtherMissing] = useState('');
  const [a, setA] = useState<Applicant>({ ...EMPTY, channel: channels[0] ?? 'counter' });
  const [touched, setTouched] = useState<Partial<Record<FieldName, boolean>>>({});
  const [errors, setErrors] = useState<Errors>({});
  const [refusing, setRefusing] = useState(false);
  const [ground, setGround] = useState<RefusalGround>('ineligible');
  const [reason, setReason] = useState('');
  const [referTo, setReferTo] = useState('');
  const [unitId, setUnitId] = useState<string | undefined>();
  const [askUnit, setAskUnit] = useState(false);
  const [autoOpen, setAutoOpen] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [registered, setRegistered] = useState<Registered | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [keys, setKeys] = useState(() => ({ register: newIdempotencyKey(), act: newIdempotencyKey() }));

  const materials = guide.data?.materials ?? [];
  // What the applicant handed over goes on the case (and on the batch manifest): every required
  // material not ticked missing, and the conditional ones ticked as received.
  const handedOver = materials.filter((m) => (m.requirement === 'required' ? !missing.has(m.name) : received.has(m.name))).map((m) => m.name);
  const missingList = [...materials.filter((m) => missing.has(m.name)).map((m) => m.name), ...otherMissing.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)];
  const immediate = item?.caseType === 'immediate' && canFinishImmediately;
  const outcome: Outcome = refusing ? 'refuse' : missingList.length > 0 ? 'request_materials' : immediate ? 'finish_immediately' : 'accept';
  const blocked = item ? whyNotHere(t, item, orgLevel, guide.data) : null;

  // Live checks: the ID number once 18 characters are typed (or the field is left), the phone once 11.
  const idLen = a.idNumber.normalize('NFKC').replace(/\s+/g, '').length;
  const liveId = touched.idNumber || idLen >= 18 ? idNumberProblem(t, a.idNumber) : null;
  const phoneLen = a.phone.replace(/\D/g, '').length;
  const livePhone = touched.phone || phoneLen >= 11 ? phoneProblem(t, a.phone) : null;
  const shown: Errors = { ...errors, ...(liveId ? { idNumber: liveId } : {}), ...(livePhone ? { phone: livePhone } : {}) };
  const facts = idNumberFacts(a.idNumber);

  function set<K extends keyof Applicant>(k: K, v: Applicant[K]) {
    setA((prev) => ({ ...prev, [k]: v }));
    setErrors((prev) => ({ ...prev, [k]: undefined }));
  }

  function pick(hit: CatalogHit) {
    setItem(hit);
    setFinding(false);
    setMissing(new Set());
    setReceived(new Set());
    setOtherMissing('');
    setErrors((e) => ({ ...e, item: undefined }));
    setTimeout(() => nameInput.current?.focus(), 0);
  }

  function findAgain() {
    setFinding(true);
    setTimeout(() => finder.current?.focus(), 0);
  }

  function nextApplicant() {
    setItem(null);
    setFinding(true);
    setMissing(new Set());
    setReceived(new Set());
    setOtherMissing('');
    setA({ ...EMPTY, channel: channels[0] ?? 'counter' });
    setTouched({});
    setErrors({});
    setRefusing(false);
    setReason('');
    setReferTo('');
    setProblem(null);
    setRegistered(null);
    setDone(null);
    setKeys({ register: newIdempotencyKey(), act: newIdempotencyKey() });
    setTimeout(() => finder.current?.focus(), 0);
  }

  // F2 find an item, F4 refuse, F9 next applicant, Ctrl+Enter submit — a clerk serves a queue all day.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key === 'F2') {
        e.preventDefault();
        if (!done && !registered) findAgain();
      } else if (e.key === 'F4' && item && !done) {
        e.preventDefault();
        setRefusing((r) => !r);
      } else if (e.key === 'F9' && done) {
        e.preventDefault();
        nextApplicant();
      } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && item && !done) {
        e.preventDefault();
        form.current?.requestSubmit();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  useEffect(() => {
    if (done) nextButton.current?.focus();
  }, [done]);

  function check(): Errors {
    const e: Errors = {};
    if (!item) e.item = t('counter.err.item');
    if (!registered) {
      if (!a.name.trim()) e.name = t('counter.err.name');
      if (!a.idNumber.trim()) e.idNumber = t('counter.err.idNumber');
      else {
        const p = idNumberProblem(t, a.idNumber);
        if (p) e.idNumber = p;
      }
      const ph = phoneProblem(t, a.phone);
      if (ph) e.phone = ph;
      if (a.channel === 'proxy') {
        if (!a.proxyReason.trim()) e.proxyReason = t('counter.err.proxyReason');
        if (!a.consent) e.consent = t('counter.err.consent');
      }
      if (askUnit && !unitId) e.unitId = t('common.required');
    }
    if (outcome === 'refuse') {
      if (!reason.trim()) e.reason = t('counter.err.reason');
      if (ground === 'not_competent' && !referTo.trim()) e.referTo = t('counter.err.referTo');
    }
    return e;
  }

  function focusFirstError(e: Errors) {
    const order: FieldName[] = ['item', 'name', 'idNumber', 'phone', 'unitId', 'proxyReason', 'consent', 'missing', 'ground', 'reason', 'referTo'];
    const first = order.find((f) => e[f]);
    if (!first) return;
    if (first === 'item') finder.current?.focus();
    else document.getElementById(`${uid}-${first}`)?.focus();
  }

  async function submit(ev: React.FormEvent) {
    ev.preventDefault();
    if (busy || done) return;
    setTouched({ name: true, idNumber: true, phone: true, proxyReason: true });
    const e = check();
    setErrors(e);
    setProblem(null);
    if (Object.values(e).some(Boolean)) {
      focusFirstError(e);
      return;
    }
    // Opened now, inside the keystroke, so no popup blocker stops it; pointed at the notice when done.
    const tab = autoOpen ? window.open('', '_blank') : null;
    setBusy(true);
    let reg = registered;
    try {
      if (!reg) {
        const body: NewCaseBody = {
          itemId: item!.id,
          channel: a.channel,
          applicant: { name: a.name.trim(), idNumber: a.idNumber.trim(), ...(a.phone.trim() ? { phone: a.phone.trim() } : {}) },
          ...(a.channel === 'proxy' ? { proxy: { reason: a.proxyReason.trim(), consent: a.consent } } : {}),
          ...(unitId ? { unitId } : {}),
          ...(handedOver.length ? { attachments: handedOver } : {}),
        };
        const w = await registerCase(body, keys.register);
        reg = { id: w.case.id, number: w.case.number, lookupCode: w.case.lookupCode ?? '', version: w.case.version };
        setRegistered(reg);
      }
      const action: CaseActionOnCase = outcome;
      const w = await actOnCase(reg.id, action, {
        version: reg.version,
        ...(outcome === 'request_materials' ? { missing: missingList } : {}),
        ...(outcome === 'refuse' ? { ground, reason: reason.trim(), ...(ground === 'not_competent' ? { referTo: referTo.trim() } : {}) } : {}),
      }, keys.act);
      const result: Done = { ...reg, version: w.case.version, outcome, state: w.case.state, missing: outcome === 'request_materials' ? missingList : [] };
      setDone(result);
      if (tab) tab.location.href = noticeUrl(reg.id, NOTICE_OF[outcome]);
      void refresh();
    } catch (err) {
      tab?.close();
      const fieldErrors: Errors = {};
      if (err instanceof ProblemError) {
        for (const fe of err.errors) {
          const f = fieldOf(fe.pointer);
          if (f) fieldErrors[f] = fe.detail;
        }
        if (fieldErrors.unitId) setAskUnit(true);
      }
      setErrors(fieldErrors);
      setProblem(problemDetail(err));
      focusFirstError(fieldErrors);
      // A refused second step keeps the registered case: the next try acts on it, never registers twice.
      setKeys((k) => ({ ...k, act: newIdempotencyKey() }));
    } finally {
      setBusy(false);
    }
  }

  if (done) return <DonePanel done={done} caseHref={caseHref} onNext={nextApplicant} nextRef={nextButton} itemName={item?.name ?? ''} />;

  const fieldId = (f: FieldName) => `${uid}-${f}`;
  const err = (f: FieldName) => shown[f] && <span className="wb-error" id={`${fieldId(f)}-err`} role="alert" data-testid={`err-${f}`}>{shown[f]}</span>;
  const described = (f: FieldName) => (shown[f] ? `${fieldId(f)}-err` : undefined);
  const primaryLabel = {
    accept: t('counter.do.accept'),
    request_materials: t('counter.do.materials', { n: missingList.length }),
    refuse: t('counter.do.refuse'),
    finish_immediately: t('counter.do.finish'),
  }[outcome];

  return (
    <div className={`wb${compact ? ' wb-compact' : ''}`} data-testid="workbench">
      <p className="wb-keys" aria-label={t('counter.keysLabel')}>
        <kbd>F2</kbd> {t('counter.key.find')} · <kbd>↑</kbd><kbd>↓</kbd> <kbd>Enter</kbd> {t('counter.key.pick')} · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> {t('counter.key.submit')} · <kbd>F4</kbd> {t('counter.key.refuse')} · <kbd>F9</kbd> {t('counter.key.next')}
      </p>
      <div className="wb-grid">
        <section className="wb-col wb-col-find" aria-label={t('counter.step.item')}>
          <h2 className="wb-step"><span>1</span>{t('counter.step.item')}</h2>
          {item && (
            <div className="wb-picked" data-testid="picked-item">
              <strong>{item.name}</strong>
              <span className="wb-option-meta">
                {item.departmentName} · {codeLabel(t, 'caseType', item.caseType)} · {item.committedLimitDays === 0 ? t('portal.guide.onTheSpot') : t('portal.guide.committedShort', { n: item.committedLimitDays })}
              </span>
              {guide.data && guide.data.process.length > 0 && (
                <ol className="wb-process" aria-label={t('portal.guide.procedure')}>
                  {guide.data.process.map((s, i) => (
                    <li key={i}>{s.name}<span className="wb-option-meta">{s.handlers.map((h) => `${h.departmentName}（${codeLabel(t, 'level', h.level)}）`).join(' + ')} · {t('case.limitDays', { n: s.limitDays })}</span></li>
                  ))}
                </ol>
              )}
              {blocked && <span className="wb-warn" role="alert">{blocked}</span>}
              {!registered && !finding && <button type="button" className="wb-link" onClick={findAgain}>{t('counter.change')}</button>}
            </div>
          )}
          {!registered && (finding || !item) && <ItemFinder ref={finder} orgCode={orgCode} onPick={pick} whyNot={(hit) => whyNotHere(t, hit, orgLevel)} autoFocus={!compact || !!item} />}
          {err('item')}
        </section>

        <form ref={form} className="wb-col wb-col-form" onSubmit={submit} noValidate aria-label={t('counter.formLabel')} data-testid="counter-form">
          <h2 className="wb-step"><span>2</span>{t('counter.step.applicant')}</h2>
          <fieldset className="wb-fieldset" disabled={!!registered || busy}>
            <div className="wb-field">
              <label htmlFor={fieldId('name')} className="wb-label">{t('counter.name')}</label>
              <input ref={nameInput} id={fieldId('name')} className="wb-input" value={a.name} maxLength={50} autoComplete="off"
                aria-invalid={!!shown.name} aria-describedby={described('name')} onChange={(e) => set('name', e.target.value)} data-testid="applicant-name" />
              {err('name')}
            </div>
            <div className="wb-field">
              <label htmlFor={fieldId('idNumber')} className="wb-label">{t('counter.idNumber')}</label>
              <input id={fieldId('idNumber')} className="wb-input wb-mono" value={a.idNumber} maxLength={22} autoComplete="off" inputMode="text"
                aria-invalid={!!shown.idNumber} aria-describedby={described('idNumber') ?? `${fieldId('idNumber')}-hint`}
                onChange={(e) => set('idNumber', e.target.value)} onBlur={() => setTouched((x) => ({ ...x, idNumber: !!a.idNumber.trim() }))}
                data-testid="applicant-id" />
              {err('idNumber') || (
                <span className="wb-hint" id={`${fieldId('idNumber')}-hint`} aria-live="polite">
                  {facts ? t('counter.idOk', { birth: facts.birthDate, sex: t(facts.gender === 'male' ? 'counter.male' : 'counter.female') }) : t('counter.idCount', { n: idLen })}
                </span>
              )}
            </div>
            <div className="wb-field">
              <label htmlFor={fieldId('phone')} className="wb-label">{t('counter.phone')}</label>
              <input id={fieldId('phone')} className="wb-input wb-mono" value={a.phone} maxLength={20} autoComplete="off" inputMode="tel" type="tel"
                aria-invalid={!!shown.phone} aria-describedby={described('phone') ?? `${fieldId('phone')}-hint`}
                onChange={(e) => set('phone', e.target.value)} onBlur={() => setTouched((x) => ({ ...x, phone: !!a.phone.trim() }))} data-testid="applicant-phone" />
              {err('phone') || <span className="wb-hint" id={`${fieldId('phone')}-hint`}>{t('counter.phoneHint')}</span>}
            </div>
            {askUnit && (
              <div className="wb-field">
                <label htmlFor={fieldId('unitId')} className="wb-label">{t('counter.unit')}</label>
                <select id={fieldId('unitId')} className="wb-input" value={unitId ?? ''} onChange={(e) => setUnitId(e.target.value || undefined)}>
                  <option value="">—</option>
                  {units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
                </select>
                {err('unitId')}
              </div>
            )}
            {channels.length > 1 && (
              <div className="wb-field" role="radiogroup" aria-label={t('counter.channel')}>
                <span className="wb-label">{t('counter.channel')}</span>
                <div className="wb-radios">
                  {channels.map((c) => (
                    <label key={c} className="wb-radio">
                      <input type="radio" name={`${uid}-channel`} value={c} checked={a.channel === c} onChange={() => set('channel', c)} data-testid={`channel-${c}`} />
                      {codeLabel(t, 'channel', c)}
                    </label>
                  ))}
                </div>
              </div>
            )}
            {a.channel === 'proxy' && (
              <div className="wb-proxy" data-testid="proxy-fields">
                <div className="wb-field">
                  <label htmlFor={fieldId('proxyReason')} className="wb-label">{t('counter.proxyReason')}</label>
                  <div className="wb-chips">
                    {PROXY_REASONS.map((k) => (
                      <button key={k} type="button" className="wb-chip" aria-pressed={a.proxyReason === t(k)} onClick={() => set('proxyReason', t(k))}>{t(k)}</button>
                    ))}
                  </div>
                  <input id={fieldId('proxyReason')} className="wb-input" value={a.proxyReason} maxLength={2000}
                    aria-invalid={!!shown.proxyReason} aria-describedby={described('proxyReason')} onChange={(e) => set('proxyReason', e.target.value)} data-testid="proxy-reason" />
                  {err('proxyReason')}
                </div>
                <div className="wb-field">
                  <label className="wb-check">
                    <input id={fieldId('consent')} type="checkbox" checked={a.consent} onChange={(e) => set('consent', e.target.checked)}
                      aria-invalid={!!shown.consent} aria-describedby={described('consent')} data-testid="proxy-consent" />
                    {t('counter.consent')}
                  </label>
                  {err('consent')}
                </div>
              </div>
            )}
          </fieldset>

          <h2 className="wb-step"><span>3</span>{t('counter.step.materials')}</h2>
          {!item && <p className="wb-hint">{t('counter.pickFirst')}</p>}
          {item && guide.isPending && <p className="wb-hint">{t('common.loading')}</p>}
          {item && guide.data && (
            <fieldset className="wb-fieldset wb-materials" disabled={busy || refusing} data-testid="materials">
              <legend className="wb-hint">{t('counter.tickMissing')}</legend>
              {materials.length === 0 && <p className="wb-hint">{t('portal.guide.none')}</p>}
              <ul className="wb-material-list">
                {materials.map((m) => (
                  <li key={m.name} className={missing.has(m.name) ? 'is-missing' : ''}>
                    <label className="wb-check">
                      <input type="checkbox" checked={missing.has(m.name)} data-material={m.name} aria-label={t('counter.markMissing', { name: m.name })}
                        onChange={(e) => { toggle(setMissing, m.name, e.target.checked); if (e.target.checked) toggle(setReceived, m.name, false); }} />
                      <span>
                        <span className="wb-material-name">{m.name}</span>
                        <span className={`wb-tag ${m.requirement === 'required' ? 'req' : 'cond'}`}>{m.requirement === 'required' ? t('portal.guide.required') : t('portal.guide.conditional')}</span>
                        <span className="wb-material-meta">
                          {m.condition && <span className="wb-condition">{t('portal.guide.when', { condition: m.condition })}</span>}
                          <span>{codeLabel(t, 'materialForm', m.form)} · {t('portal.guide.copies', { n: m.copies })}</span>
                        </span>
                      </span>
                    </label>
                    {m.requirement !== 'required' && (
                      <label className="wb-check wb-received">
                        <input type="checkbox" checked={received.has(m.name)} data-received={m.name}
                          onChange={(e) => { toggle(setReceived, m.name, e.target.checked); if (e.target.checked) toggle(setMissing, m.name, false); }} />
                        {t('counter.receivedApplies')}
                      </label>
                    )}
                  </li>
                ))}
              </ul>
              <label htmlFor={fieldId('missing')} className="wb-label">{t('counter.otherMissing')}</label>
              <textarea id={fieldId('missing')} className="wb-input wb-textarea" rows={2} value={otherMissing} onChange={(e) => setOtherMissing(e.target.value)}
                placeholder={t('counter.otherMissingHint')} />
              {err('missing')}
              <p className="wb-status" aria-live="polite" data-testid="materials-status">
                {missingList.length === 0 ? t('counter.complete') : t('counter.missingN', { n: missingList.length })}
              </p>
            </fieldset>
          )}

          {refusing && (
            <fieldset className="wb-fieldset wb-refuse" disabled={busy} data-testid="refuse-fields">
              <legend className="wb-label">{t('counter.refuseTitle')}</legend>
              <div className="wb-field">
                <label htmlFor={fieldId('ground')} className="wb-label">{t('case.field.ground')}</label>
                <select id={fieldId('ground')} className="wb-input" value={ground} onChange={(e) => setGround(e.target.value as RefusalGround)}>
                  {REFUSAL_GROUNDS.filter((g) => g !== 'not_supplemented').map((g) => <option key={g} value={g}>{codeLabel(t, 'refusalGround', g)}</option>)}
                </select>
              </div>
              <div className="wb-field">
                <label htmlFor={fieldId('reason')} className="wb-label">{t('case.field.refuseReason')}</label>
                <textarea id={fieldId('reason')} className="wb-input wb-textarea" rows={3} value={reason} autoFocus
                  aria-invalid={!!shown.reason} aria-describedby={described('reason')}
                  onChange={(e) => { setReason(e.target.value); setErrors((x) => ({ ...x, reason: undefined })); }} data-testid="refuse-reason" />
                {err('reason')}
                <span className="wb-hint">{t('case.rightsNote')}</span>
              </div>
              {ground === 'not_competent' && (
                <div className="wb-field">
                  <label htmlFor={fieldId('referTo')} className="wb-label">{t('case.field.referTo')}</label>
                  <input id={fieldId('referTo')} className="wb-input" value={referTo} onChange={(e) => setReferTo(e.target.value)}
                    aria-invalid={!!shown.referTo} aria-describedby={described('referTo')} />
                  {err('referTo')}
                </div>
              )}
            </fieldset>
          )}

          {problem && (
            <div className="wb-problem" role="alert" data-testid="counter-problem">
              <p>{problem}</p>
              {registered && (
                <p>{t('counter.registeredButNot', { number: registered.number })} <Link to={caseHref(registered.id)}>{t('counter.openCase')}</Link></p>
              )}
            </div>
          )}

          <div className="wb-actions">
            <button type="submit" className={`wb-btn wb-btn-primary${outcome === 'refuse' ? ' danger' : ''}`} disabled={busy || !item} data-testid="counter-submit" data-outcome={outcome}>
              {busy ? t('common.loading') : primaryLabel}
            </button>
            <button type="button" className="wb-btn" disabled={busy || !item} onClick={() => setRefusing((r) => !r)} aria-pressed={refusing} data-testid="counter-refuse">
              {refusing ? t('counter.cancelRefuse') : t('counter.refuse')} <kbd>F4</kbd>
            </button>
            <label className="wb-check wb-autoopen">
              <input type="checkbox" checked={autoOpen} onChange={(e) => setAutoOpen(e.target.checked)} />
              {t('counter.autoOpen')}
            </label>
          </div>
        </form>
      </div>
    </div>
  );
}

function DonePanel({ done, caseHref, onNext, nextRef, itemName }: {
  done: Done; caseHref: (id: string) => string; onNext: () => void; nextRef: React.RefObject<HTMLButtonElement | null>; itemName: string;
}) {
  const t = useT();
  const title = {
    accept: t('counter.done.accept'),
    request_materials: t('counter.done.materials'),
    refuse: t('counter.done.refuse'),
    finish_immediately: t('counter.done.finish'),
  }[done.outcome];
  const notice = NOTICE_OF[done.outcome];
  return (
    <section className={`wb-done ${done.outcome}`} aria-labelledby="wb-done-title" data-testid="counter-done" data-outcome={done.outcome}>
      <h2 id="wb-done-title">{title}</h2>
      <dl className="wb-done-facts">
        <div><dt>{t('cases.item')}</dt><dd>{itemName}</dd></div>
        <div><dt>{t('cases.number')}</dt><dd className="wb-mono" data-testid="done-number">{done.number}</dd></div>
        <div><dt>{t('case.lookupCode')}</dt><dd className="wb-mono" data-testid="done-lookup">{done.lookupCode}</dd></div>
      </dl>
      {done.missing.length > 0 && (
        <>
          <p>{t('counter.done.missingList')}</p>
          <ol className="wb-done-missing">{done.missing.map((m) => <li key={m}>{m}</li>)}</ol>
        </>
      )}
      <p className="wb-hint">{t(`counter.done.next.${done.outcome}` as MessageKey)}</p>
      <div className="wb-actions">
        <a className="wb-btn wb-btn-primary" href={noticeUrl(done.id, notice)} target="_blank" rel="noopener" data-testid="done-notice">
          {t('counter.printNotice', { notice: codeLabel(t, 'notice', notice) })}
        </a>
        <Link className="wb-btn" to={caseHref(done.id)} data-testid="done-case">{t('counter.openCase')}</Link>
        <button ref={nextRef} type="button" className="wb-btn" onClick={onNext} data-testid="done-next">{t('counter.next')} <kbd>F9</kbd></button>
      </div>
    </section>
  );
}
