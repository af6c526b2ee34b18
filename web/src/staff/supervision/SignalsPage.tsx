// 电子监察: the signals in the person's scope — level (预警 / 黄牌 / 红牌, in their colours), status,
// org and date filters kept in the address, paginated by the server.
import { Alert, DatePicker, Form, Select, Table, TreeSelect, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { problemDetail } from '../../api/client.ts';
import { SIGNAL_LEVELS, SIGNAL_STATUSES, useSignals, type Signal } from '../../api/supervision.ts';
import { formatDateTime } from '../../cases/format.ts';
import { useT } from '../../i18n/index.ts';
import { usePrefs } from '../../prefs/prefs.ts';
import { orgTree, useOrgs } from '../orgs.ts';
import { LevelTag, levelLabel, statusLabel } from './labels.tsx';

export default function SignalsPage() {
  const t = useT();
  const { lang } = usePrefs();
  const [params, setParams] = useSearchParams();
  const orgs = useOrgs();
  const tree = useMemo(() => orgTree(orgs.data ?? []), [orgs.data]);
  const f = {
    level: params.get('level') ?? undefined,
    status: params.get('status') ?? 'active',
    orgId: params.get('orgId') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    page: Number(params.get('page') ?? 1) || 1,
    pageSize: Number(params.get('pageSize') ?? 20) || 20,
  };
  const list = useSignals({ ...f, status: f.status === 'all' ? undefined : f.status });
  const set = (changes: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  return (
    <div className="page signals-page">
      <Typography.Title level={2}>{t('sig.title')}</Typography.Title>
      <Form layout="inline" className="toolbar">
        <Form.Item label={t('sig.level')}>
          <Select style={{ width: 140 }} allowClear placeholder={t('stat.all')} value={f.level} onChange={(v) => set({ level: v })} aria-label={t('sig.level')} data-testid="sig-filter-level"
            options={SIGNAL_LEVELS.map((l) => ({ value: l, label: <LevelTag t={t} level={l} />, title: levelLabel(t, l) }))} />
        </Form.Item>
        <Form.Item label={t('sig.status')}>
          <Select style={{ width: 250 }} value={f.status} onChange={(v) => set({ status: v === 'active' ? undefined : v })} aria-label={t('sig.status')} data-testid="sig-filter-status"
            options={[
              { value: 'active', label: statusLabel(t, 'active') },
              { value: 'all', label: t('stat.all') },
              ...SIGNAL_STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) })),
            ]} />
        </Form.Item>
        <Form.Item label={t('sig.org')}>
          <TreeSelect style={{ width: 240 }} allowClear placeholder={t('stat.all')} value={f.orgId} onChange={(v) => set({ orgId: v })} treeData={tree}
            treeDefaultExpandAll showSearch treeNodeFilterProp="title" aria-label={t('sig.org')} popupMatchSelectWidth={false} />
        </Form.Item>
        <Form.Item label={t('sig.dates')}>
          <DatePicker.RangePicker value={f.from && f.to ? [dayjs(f.from), dayjs(f.to)] : null} aria-label={t('sig.dates')}
            onChange={(v) => set({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })} />
        </Form.Item>
      </Form>
      {list.error && <Alert type="error" showIcon title={problemDetail(list.error)} className="form-alert" />}
      <Table<Signal> rowKey="id" size="middle" loading={list.isFetching} dataSource={list.data?.items ?? []} data-testid="signals-table"
        scroll={{ x: 'max-content' }} locale={{ emptyText: t('sig.empty') }}
        rowClassName={(r) => `signal-row signal-row-${r.level}`}
        pagination={{
          current: f.page, pageSize: f.pageSize, total: list.data?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100],
          showTotal: (n) => t('sig.total', { n }), onChange: (page, pageSize) => set({ page, pageSize }),
        }}
        columns={[
          { title: t('sig.level'), key: 'level', width: 90, render: (_v, r) => <LevelTag t={t} level={r.level} fallback={r.levelLabel} /> },
          { title: t('sig.col.case'), key: 'case', render: (_v, r) => <Link to={`/supervision/signals/${r.id}`} data-testid="signal-link">{r.caseNumber}</Link> },
          { title: t('sig.col.item'), dataIndex: 'itemName' },
          { title: t('sig.col.rule'), key: 'rule', render: (_v, r) => <>{r.ruleLabel}{r.stageName ? <Typography.Text type="secondary">（{r.stageName}）</Typography.Text> : null}</> },
          { title: t('sig.col.unit'), dataIndex: 'unitName' },
          { title: t('sig.status'), key: 'status', render: (_v, r) => statusLabel(t, r.status, r.statusLabel) },
          { title: t('sig.col.raisedAt'), key: 'raisedAt', render: (_v, r) => formatDateTime(r.raisedAt, lang) },
          { title: t('sig.col.feedbackDue'), key: 'feedbackDueAt', render: (_v, r) => formatDateTime(r.feedbackDueAt, lang) },
        ]} />
    </div>
  );
}
