// One service guide with all eight disclosures (八公开): overview, legal basis, fee basis, fee standard,
// materials, preconditions, procedure, time limits; then where to go and whom to ask.
import { Link, useParams } from 'react-router';
import { problemDetail } from '../api/client.ts';
import { useT, type MessageKey } from '../i18n/index.ts';
import { notFound, useGuide } from './api.ts';
import { caseTypeLabel, handlingModeLabel, itemTypeLabel, levelLabel, materialFormLabel, materialMediumLabel } from './labels.ts';

export default function GuidePage() {
  const t = useT();
  const { id = '' } = useParams();
  const guide = useGuide(id);

  if (guide.isPending) return <p className="portal-hint">{t('common.loading')}</p>;
  if (guide.error) {
    return (
      <section className="portal-section">
        <p className="portal-error" role="alert">{notFound(guide.error) ? t('portal.guide.notFound') : problemDetail(guide.error)}</p>
        <p><Link to="/portal">{t('portal.guide.back')}</Link></p>
      </section>
    );
  }
  const g = guide.data;
  const na = t('portal.guide.none');

  return (
    <article className="portal-section portal-guide" aria-labelledby="guide-title">
      <p><Link to="/portal">← {t('portal.guide.back')}</Link></p>
      <h1 id="guide-title">{g.name}</h1>
      <dl className="portal-facts">
        <div><dt>{t('portal.guide.code')}</dt><dd>{g.code}</dd></div>
        <div><dt>{t('portal.guide.department')}</dt><dd>{g.departmentName}</dd></div>
        <div><dt>{t('portal.guide.itemType')}</dt><dd>{itemTypeLabel(t, g.itemType)}</dd></div>
        <div><dt>{t('portal.guide.caseType')}</dt><dd>{caseTypeLabel(t, g.caseType)}</dd></div>
        <div><dt>{t('portal.guide.handlingMode')}</dt><dd>{handlingModeLabel(t, g.handlingMode)}</dd></div>
        <div><dt>{t('portal.guide.visits')}</dt><dd>{g.maxVisits === 0 ? t('portal.guide.noVisit') : t('portal.guide.visitsN', { n: g.maxVisits })}</dd></div>
        <div><dt>{t('portal.guide.acceptLevels')}</dt><dd>{g.acceptLevels.map((l) => levelLabel(t, l)).join('、')}</dd></div>
      </dl>

      <h2>1. {t('portal.guide.overview')}</h2>
      <p data-testid="guide-overview">{g.overview}</p>

      <h2>2. {t('portal.guide.legalBasis')}</h2>
      {g.legalBasis.length ? <ul>{g.legalBasis.map((b, i) => <li key={i}>{b.law}{b.articles ? ` ${b.articles}` : ''}</li>)}</ul> : <p>{na}</p>}

      <h2>3. {t('portal.guide.feeBasis')}</h2>
      <p>{g.fee.charged ? g.fee.basis : t('portal.guide.free')}</p>

      <h2>4. {t('portal.guide.feeStandard')}</h2>
      <p>{g.fee.charged ? `${g.fee.standard ?? ''}${g.fee.amountYuan !== null ? `（${t('portal.guide.yuan', { n: g.fee.amountYuan })}）` : ''}` : t('portal.guide.free')}</p>

      <h2>5. {t('portal.guide.materials')}</h2>
      {g.materials.length ? (
        <ol className="portal-materials">
          {g.materials.map((m, i) => (
            <li key={i}>
              <strong>{m.name}</strong>
              <span className={`portal-tag ${m.requirement === 'required' ? 'req' : 'cond'}`}>
                {m.requirement === 'required' ? t('portal.guide.required') : t('portal.guide.conditional')}
              </span>
              <div className="portal-material-meta">
                {m.condition && <span>{t('portal.guide.when', { condition: m.condition })}</span>}
                <span>{materialFormLabel(t, m.form)}</span>
                <span>{t('portal.guide.copies', { n: m.copies })}</span>
                <span>{materialMediumLabel(t, m.medium)}</span>
                {m.sample && <span>{t('portal.guide.sample', { name: m.sample })}</span>}
                {m.note && <span>{m.note}</span>}
              </div>
            </li>
          ))}
        </ol>
      ) : <p>{na}</p>}

      <h2>6. {t('portal.guide.preconditions')}</h2>
      {g.preconditions.length ? <ul>{g.preconditions.map((p, i) => <li key={i}>{p}</li>)}</ul> : <p>{na}</p>}

      <h2>7. {t('portal.guide.procedure')}</h2>
      {g.procedure.length ? <ol>{g.procedure.map((p, i) => <li key={i}>{p}</li>)}</ol> : <p>{na}</p>}

      <h2>8. {t('portal.guide.limits')}</h2>
      <p data-testid="guide-limits">
        {g.committedLimitDays === 0 ? t('portal.guide.onTheSpot') : t('portal.guide.committed', { n: g.committedLimitDays })}；{t('portal.guide.legal', { n: g.legalLimitDays })}
      </p>
      {g.process.length > 0 && (
        <ol className="portal-stages">
          {g.process.map((s, i) => (
            <li key={i}>{s.name}：{s.handlers.map((h) => `${h.departmentName}（${levelLabel(t, h.level)}）`).join(' + ')}，{t('portal.guide.upToDays', { n: s.limitDays })}</li>
          ))}
        </ol>
      )}
      {g.specialSteps.length > 0 && (
        <>
          <h3>{t('portal.guide.specialSteps')}</h3>
          <ul>
            {g.specialSteps.map((s, i) => (
              <li key={i}>{s.name}：{t('portal.guide.upToDays', { n: s.maxDays })}，{s.countsInLimit ? t('portal.guide.countsIn') : t('portal.guide.countsOut')}</li>
            ))}
          </ul>
        </>
      )}

      <h2>{t('portal.guide.contact')}</h2>
      <dl className="portal-facts">
        <div><dt>{t('portal.board.center')}</dt><dd>{g.where.orgName}</dd></div>
        {g.where.address && <div><dt>{t('portal.board.address')}</dt><dd>{g.where.address}</dd></div>}
        {g.where.openingHours && <div><dt>{t('portal.board.hours')}</dt><dd>{g.where.openingHours}</dd></div>}
        {g.where.phone && <div><dt>{t('portal.board.phone')}</dt><dd><a href={`tel:${g.where.phone}`}>{g.where.phone}</a></dd></div>}
        {g.where.contact && <div><dt>{t('portal.guide.itemContact')}</dt><dd>{g.where.contact}</dd></div>}
      </dl>
      {g.lifeEvents.length > 0 && (
        <p className="portal-card-meta">
          {g.lifeEvents.map((l) => <Link key={l} className="portal-tag" to={`/portal?event=${l}`}>{t(`lifeEvent.${l}` as MessageKey)}</Link>)}
        </p>
      )}
    </article>
  );
}
