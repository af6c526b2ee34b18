// Progress lookup arrives with case handling; until then this page says so and shows nothing made up.
import { Link } from 'react-router';
import { useT } from '../i18n/index.ts';

export default function ProgressPage() {
  const t = useT();
  return (
    <section className="portal-section" aria-labelledby="progress-title">
      <h1 id="progress-title">{t('portal.progress.title')}</h1>
      <div className="portal-notice" role="status" data-testid="progress-placeholder">
        <p>{t('portal.progress.coming')}</p>
        <p>{t('portal.progress.meanwhile')}</p>
      </div>
      <p><Link to="/portal/centers">{t('portal.progress.toCenters')}</Link></p>
    </section>
  );
}
