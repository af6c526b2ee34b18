// This village's monthly proxy report (代办月报表), with the Excel workbook that goes up every month.
import { ProxyReport } from '../cases/ProxyReport.tsx';
import { useT } from '../i18n/index.ts';
import { useMe } from '../staff/session.ts';

export default function VillageReport() {
  const t = useT();
  const { data: me } = useMe();
  const village = me?.roles.find((g) => g.role === 'village_cadre')?.orgId;
  return (
    <section className="pl-section" aria-labelledby="vl-report-title">
      <h1 id="vl-report-title">{t('report.title')}</h1>
      {village && <ProxyReport orgId={village} />}
    </section>
  );
}
