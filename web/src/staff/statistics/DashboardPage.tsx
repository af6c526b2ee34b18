// 领导驾驶舱: the year's volume by month (accepted and finished), finish and on-time rates by org, the
// items with most cases overdue now, and the key figures — all from GET /api/statistics.
import { Alert, Card, Col, Empty, Row, Select, Space, Spin, Statistic, Table, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router';
import { problemDetail } from '../../api/client.ts';
import { rateText, shanghaiDay, useStatistics, type StatisticsQuery } from '../../api/statistics.ts';
import { useT } from '../../i18n/index.ts';
import { OrgPicker, thisYear, useScopeOrgs } from './common.tsx';

const EChart = lazy(() => import('../../charts/EChart.tsx'));

const ACCEPTED_COLOUR = '#1d4ed8';
const FINISHED_COLOUR = '#16a34a';
const ONTIME_COLOUR = '#f59e0b';
const countLabel = { show: true, position: 'top', formatter: (p: { value: number }) => (p.value ? String(p.value) : '') };
/** A rate beside its bar ("—" when there is nothing to divide by), so a 0% bar is still read. */
const rateLabel = { show: true, position: 'right', formatter: (p: { value: number | null }) => (p.value === null || p.value === undefined ? '—' : `${p.value}%`) };

export default function DashboardPage() {
  const t = useT();
  const scope = useScopeOrgs();
  const [picked, setPicked] = useState<string | undefined>();
  const orgId = picked ?? scope.initial;
  const current = thisYear();
  const [year, setYear] = useState(current);
  const today = shanghaiDay();
  const period = { from: `${year}-01-01`, to: year === current ? today : `${year}-12-31` };
  const base: StatisticsQuery | null = orgId ? { orgId, ...period } : null;
  const byMonth = useStatistics(base && { ...base, groupBy: 'month' });
  const byOrg = useStatistics(base && { ...base, groupBy: 'org' });
  const byItem = useStatistics(base && { ...base, groupBy: 'item' });

  const error = byMonth.error ?? byOrg.error ?? byItem.error;
  const total = byMonth.data?.total;
  const months = byMonth.data?.rows ?? [];
  const orgRows = byOrg.data?.rows ?? [];
  const overdueItems = (byItem.data?.rows ?? []).filter((r) => r.overdueNow > 0).sort((a, b) => b.overdueNow - a.overdueNow).slice(0, 10);
  const chartFallback = <div className="dash-chart-loading"><Spin /></div>;

  return (
    <div className="page dashboard">
      <Typography.Title level={2}>{t('dash.title')}</Typography.Title>
      <Space wrap className="toolbar">
        <OrgPicker value={orgId} onChange={setPicked} label={t('dash.org')} testId="dash-org" />
        <Select aria-label={t('dash.year')} value={year} onChange={setYear} style={{ width: 110 }}
          options={[current, current - 1, current - 2].map((y) => ({ value: y, label: String(y) }))} data-testid="dash-year" />
        <Link to="/reports/statistics">{t('dash.toReports')}</Link>
      </Space>
      {scope.data && !orgId && <Alert type="info" showIcon title={t('dash.noOrgs')} />}
      {error && <Alert type="error" showIcon title={problemDetail(error)} className="form-alert" />}
      <Typography.Paragraph type="secondary">
        {t('dash.period', { from: period.from, to: period.to })}
        {byMonth.data?.ownOnly && <> · {t('dash.ownOnly')}</>}
      </Typography.Paragraph>

      <section aria-label={t('dash.summary')} data-testid="dash-summary">
        <Row gutter={[12, 12]} className="dash-figures">
          {([
            ['accepted', t('dash.accepted'), total?.accepted],
            ['finished', t('dash.finished'), total?.finished],
            ['finishRate', t('dash.finishRate'), total && rateText(total.finishRate)],
            ['onTimeRate', t('dash.onTimeRate'), total && rateText(total.onTimeRate)],
            ['avgDays', t('dash.avgDays'), total && (total.avgWorkingDays === null ? '—' : total.avgWorkingDays.toFixed(1))],
            ['overdueNow', t('dash.overdueNow'), total?.overdueNow],
          ] as const).map(([key, title, value]) => (
            <Col key={key} xs={12} md={8} xl={4}>
              <Card size="small" className={key === 'overdueNow' && (total?.overdueNow ?? 0) > 0 ? 'dash-figure dash-figure-alert' : 'dash-figure'}>
                <Statistic title={title} value={value ?? '—'} loading={byMonth.isPending && !!orgId} data-testid={`dash-${key}`} />
              </Card>
            </Col>
          ))}
        </Row>
      </section>

      <Row gutter={[12, 12]} className="dash-charts">
        <Col xs={24} xl={14}>
          <Card size="small" title={t('dash.byMonth')}>
            <Suspense fallback={chartFallback}>
              <EChart testId="chart-by-month" label={t('dash.byMonth')} option={{
                tooltip: { trigger: 'axis' },
                legend: { data: [t('dash.accepted'), t('dash.finished')], top: 0 },
                grid: { left: 48, right: 16, top: 36, bottom: 28 },
                xAxis: { type: 'category', data: months.map((m) => m.label), axisLabel: { interval: 0, formatter: (v: string) => v.replace(/^\d{4}年/, '') } },
                yAxis: { type: 'value', minInterval: 1 },
                series: [
                  { type: 'bar', name: t('dash.accepted'), data: months.map((m) => m.accepted), itemStyle: { color: ACCEPTED_COLOUR }, label: countLabel },
                  { type: 'bar', name: t('dash.finished'), data: months.map((m) => m.finished), itemStyle: { color: FINISHED_COLOUR }, label: countLabel },
                ],
              }} />
            </Suspense>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('dash.byOrg')}>
            <Suspense fallback={chartFallback}>
              <EChart testId="chart-by-org" label={t('dash.byOrg')} option={{
                tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : `${v}%`) },
                legend: { data: [t('dash.finishRate'), t('dash.onTimeRate')], top: 0 },
                grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
                xAxis: { type: 'value', min: 0, max: (v: { max: number }) => Math.max(100, Math.ceil(v.max / 10) * 10), axisLabel: { formatter: '{value}%' } },
                yAxis: { type: 'category', inverse: true, data: orgRows.map((r) => r.label), axisLabel: { width: 150, overflow: 'truncate' } },
                series: [
                  { type: 'bar', name: t('dash.finishRate'), data: orgRows.map((r) => r.finishRate), itemStyle: { color: FINISHED_COLOUR }, label: rateLabel },
                  { type: 'bar', name: t('dash.onTimeRate'), data: orgRows.map((r) => r.onTimeRate), itemStyle: { color: ONTIME_COLOUR }, label: rateLabel },
                ],
              }} style={{ height: Math.max(300, orgRows.length * 44 + 60) }} />
            </Suspense>
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('dash.topOverdue')}>
            {overdueItems.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.noOverdue')} />
            ) : (
              <Table size="small" rowKey="key" pagination={false} dataSource={overdueItems} data-testid="dash-top-overdue"
                columns={[
                  { title: t('stat.col.no'), key: 'no', width: 64, render: (_v, _r, i) => i + 1 },
                  { title: t('stat.col.item'), dataIndex: 'label' },
                  { title: t('stat.col.overdue'), dataIndex: 'overdueNow', width: 120, align: 'right' },
                  { title: t('stat.col.accepted'), dataIndex: 'accepted', width: 120, align: 'right' },
                  { title: t('stat.col.finishRate'), key: 'rate', width: 120, align: 'right', render: (_v, r) => rateText(r.finishRate) },
                ]} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
