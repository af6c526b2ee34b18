// The monthly proxy report (代办月报表) of this village: filled in when the report API is there.
import { useT } from '../i18n/index.ts';

export default function VillageReport() {
  const t = useT();
  return (
    <section className="pl-section" aria-labelledby="vl-report-title">
      <h1 id="vl-report-title">{t('report.title')}</h1>
      <p className="vl-notice" role="status" data-testid="report-coming">{t('report.coming')}</p>
    </section>
  );
}
