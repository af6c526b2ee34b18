// 统计报表: a custom query (org subtree, unit, window, item, channel, period, grouping), the seed's
// half-year report by channel, the monthly report by item and the monthly proxy report — each a table
// with its totals row and the official Excel download.
import { useQuery } from '@tanstack/react-query';
import { Alert, DatePicker, Form, Select, Space, Tabs, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { get, ProblemError } from '../../api/client.ts';
import { GROUP_BYS, halfYearOf, monthEnd, shanghaiDay, STAT_CHANNELS, useStatistics, type GroupBy, type StatisticsQuery } from '../../api/statistics.ts';
import { useUnitsOfOrg } from '../../cases/api.ts';
import { ProxyReport, currentMonth } from '../../cases/ProxyReport.tsx';
import { channelLabel } from '../../cases/format.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { useOrgs } from '../orgs.ts';
import { OrgPicker, thisYear, useScopeOrgs } from './common.tsx';
import { StatisticsTable } from './StatisticsTable.tsx';

const TABS = ['halfYear', 'monthlyItem', 'custom', 'proxy'] as const;
type Tab = (typeof TABS)[number];

/** The field a 422's pointer names, for the message above the table. */
function fieldErrors(err: unknown): string[] {
  return err instanceof ProblemError ? err.errors.map((e) => e.detail) : [];
}

function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const details = fieldErrors(error);
  return <Alert type="error" showIcon className="form-alert" title={(error as Error).message} description={details.length ? details.join('；') : undefined} />;
}

function HalfYearReport() {
  const t = useT();
  const scope = useScopeOrgs();
  const [org, setOrg] = useState<string>();
  const current = halfYearOf(shanghaiDay());
  const [year, setYear] = useState(Number(current.from.slice(0, 4)));
  const [half, setHalf] = useState<1 | 2>(current.from.endsWith('-01-01') ? 1 : 2);
  const orgId = org ?? scope.initial;
  const q: StatisticsQuery | null = orgId ? { orgId, groupBy: 'channel', from: half === 1 ? `${year}-01-01` : `${year}-07-01`, to: half === 1 ? `${year}-06-30` : `${year}-12-31` } : null;
  const view = useStatistics(q);
  const y = thisYear();
  return (
    <>
      <Space wrap className="toolbar">
        <OrgPicker value={orgId} onChange={setOrg} label={t('stat.org')} testId="half-org" />
        <Select aria-label={t('stat.year')} value={year} onChange={setYear} style={{ width: 110 }} options={[y, y - 1, y - 2].map((v) => ({ value: v, label: String(v) }))} />
        <Select aria-label={t('stat.half')} value={half} onChange={setHalf} style={{ width: 120 }} data-testid="half-half"
          options={[{ value: 1, label: t('stat.halfFirst') }, { value: 2, label: t('stat.halfSecond') }]} />
      </Space>
      <ErrorAlert error={view.error} />
      <StatisticsTable view={view.data} query={q} set="seed" loading={view.isFetching} />
    </>
  );
}

function MonthlyItemReport() {
  const t = useT();
  const scope = useScopeOrgs();
  const [org, setOrg] = useState<string>();
  const [month, setMonth] = useState(currentMonth());
  const orgId = org ?? scope.initial;
  const q: StatisticsQuery | null = orgId ? { orgId, groupBy: 'item', from: `${month}-01`, to: monthEnd(month) } : null;
  const view = useStatistics(q);
  return (
    <>
      <Space wrap className="toolbar">
        <OrgPicker value={orgId} onChange={setOrg} label={t('stat.org')} testId="item-org" />
        <DatePicker picker="month" aria-label={t('stat.month')} allowClear={false} value={dayjs(`${month}-01`)} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />
      </Space>
      <ErrorAlert error={view.error} />
      <StatisticsTable view={view.data} query={q} set="full" loading={view.isFetching} />
    </>
  );
}

interface WindowRow { id: string; number: string; sign: string }
interface ItemRow { id: string; name: string; code?: string }

function CustomReport() {
  const t = useT();
  const scope = useScopeOrgs();
  const [org, setOrg] = useState<string>();
  const orgId = org ?? scope.initial;
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs(`${currentMonth()}-01`), dayjs(shanghaiDay())]);
  const [groupBy, setGroupBy] = useState<GroupBy>('org');
  const [unitId, setUnitId] = useState<string>();
  const [windowId, setWindowId] = useState<string>();
  const [itemId, setItemId] = useState<string>();
  const [channel, setChannel] = useState<string>();
  const [itemSearch, setItemSearch] = useState('');
  const units = useUnitsOfOrg(orgId);
  const windows = useQuery({
    queryKey: ['windows', orgId],
    queryFn: () => get<{ items: WindowRow[] }>(`/api/windows?orgId=${encodeURIComponent(orgId!)}`),
    enabled: !!orgId, retry: false, select: (d) => d.items,
  });
  const items = useQuery({
    queryKey: ['catalog-items-search', itemSearch],
    queryFn: () => get<{ items: ItemRow[] }>(`/api/catalog/items?pageSize=20${itemSearch ? `&q=${encodeURIComponent(itemSearch)}` : ''}`),
    retry: false, select: (d) => d.items,
  });
  const q: StatisticsQuery | null = orgId
    ? { orgId, groupBy, from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD'), unitId, windowId, itemId, channel }
    : null;
  const view = useStatistics(q);
  const changeOrg = (id: string) => {
    setOrg(id);
    setUnitId(undefined);
    setWindowId(undefined);
  };
  return (
    <>
      <Form layout="inline" className="toolbar stat-filters">
        <Form.Item label={t('stat.org')}><OrgPicker value={orgId} onChange={changeOrg} label={t('stat.org')} testId="custom-org" /></Form.Item>
        <Form.Item label={t('stat.period')}>
          <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} aria-label={t('stat.period')} />
        </Form.Item>
        <Form.Item label={t('stat.groupBy')}>
          <Select style={{ width: 130 }} value={groupBy} onChange={setGroupBy} aria-label={t('stat.groupBy')} data-testid="custom-groupby"
            options={GROUP_BYS.map((g) => ({ value: g, label: t(`stat.groupBy.${g}` as MessageKey) }))} />
        </Form.Item>
        <Form.Item label={t('stat.unit')}>
          <Select style={{ width: 220 }} allowClear placeholder={t('stat.all')} value={unitId} aria-label={t('stat.unit')} showSearch optionFilterProp="label"
            onChange={(v) => { setUnitId(v); if (v) setWindowId(undefined); }}
            options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))} />
        </Form.Item>
        <Form.Item label={t('stat.window')}>
          <Select style={{ width: 180 }} allowClear placeholder={t('stat.all')} value={windowId} aria-label={t('stat.window')}
            onChange={(v) => { setWindowId(v); if (v) setUnitId(undefined); }}
            options={(windows.data ?? []).map((w) => ({ value: w.id, label: `${w.number} ${w.sign}` }))} />
        </Form.Item>
        <Form.Item label={t('stat.item')}>
          <Select style={{ width: 240 }} allowClear showSearch filterOption={false} placeholder={t('stat.itemSearch')} value={itemId} aria-label={t('stat.item')}
            onSearch={setItemSearch} onChange={setItemId} options={(items.data ?? []).map((i) => ({ value: i.id, label: i.name }))} />
        </Form.Item>
        <Form.Item label={t('stat.channel')}>
          <Select style={{ width: 150 }} allowClear placeholder={t('stat.all')} value={channel} onChange={setChannel} aria-label={t('stat.channel')}
            options={STAT_CHANNELS.map((c) => ({ value: c, label: channelLabel(t, c) }))} />
        </Form.Item>
      </Form>
      <ErrorAlert error={view.error} />
      <StatisticsTable view={view.data} query={q} set="full" loading={view.isFetching} />
    </>
  );
}

function ProxyMonthly() {
  const t = useT();
  const orgs = useOrgs();
  const options = (orgs.data ?? []).filter((o) => o.level === 'township' || o.level === 'village').sort((a, b) => a.code.localeCompare(b.code));
  const [picked, setPicked] = useState<string>();
  const orgId = picked ?? options.find((o) => o.level === 'township')?.id ?? options[0]?.id;
  return (
    <>
      <Space wrap className="toolbar">
        <Select style={{ width: 300 }} aria-label={t('report.org')} value={orgId} onChange={setPicked} showSearch optionFilterProp="label"
          options={options.map((o) => ({ value: o.id, label: `${o.name}（${t(`level.${o.level}` as MessageKey)}）` }))} />
      </Space>
      {orgs.data && options.length === 0 && <Alert type="info" showIcon title={t('report.noOrgs')} />}
      {orgId && <ProxyReport key={orgId} orgId={orgId} onOrg={(id) => setPicked(id)} />}
    </>
  );
}

export default function StatisticsPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'halfYear';
  return (
    <div className="page statistics-page">
      <Typography.Title level={2}>{t('stat.title')}</Typography.Title>
      <Tabs activeKey={tab} onChange={(k) => setParams({ tab: k }, { replace: true })} destroyOnHidden
        items={TABS.map((k) => ({
          key: k,
          label: t(`stat.tab.${k}` as MessageKey),
          children: k === 'halfYear' ? <HalfYearReport /> : k === 'monthlyItem' ? <MonthlyItemReport /> : k === 'custom' ? <CustomReport /> : <ProxyMonthly />,
        }))} />
    </div>
  );
}
