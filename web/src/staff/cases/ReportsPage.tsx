// The monthly proxy report for townships and villages in the person's scope (a township's report
// lists its villages; a line opens that village's own report), with the Excel download.
import { Alert, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { ProxyReport } from '../../cases/ProxyReport.tsx';
import { useT } from '../../i18n/index.ts';
import { useOrgs } from '../orgs.ts';

export default function ReportsPage() {
  const t = useT();
  const orgs = useOrgs();
  const options = (orgs.data ?? []).filter((o) => o.level === 'township' || o.level === 'village')
    .sort((a, b) => a.code.localeCompare(b.code));
  const [picked, setPicked] = useState<string | undefined>();
  // A village opened from its township's table, which the person's org list may not hold (a township clerk sees only the township).
  const [extra, setExtra] = useState<{ id: string; name: string } | null>(null);
  const orgId = picked ?? options.find((o) => o.level === 'township')?.id ?? options[0]?.id;
  return (
    <div className="page staff-plain">
      <Typography.Title level={2}>{t('report.title')}</Typography.Title>
      <Space wrap className="toolbar">
        <Select style={{ width: 300 }} aria-label={t('report.org')} value={orgId} onChange={setPicked} showSearch optionFilterProp="label"
          options={[
            ...options.map((o) => ({ value: o.id, label: `${o.name}（${t(`level.${o.level}`)}）` })),
            ...(extra && !options.some((o) => o.id === extra.id) ? [{ value: extra.id, label: extra.name }] : []),
          ]} data-testid="report-org" />
      </Space>
      {orgs.data && options.length === 0 && <Alert type="info" showIcon title={t('report.noOrgs')} />}
      {orgId && <ProxyReport key={orgId} orgId={orgId} onOrg={(id, name) => { setExtra({ id, name }); setPicked(id); }} />}
    </div>
  );
}
