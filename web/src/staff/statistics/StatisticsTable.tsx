// A statistics table with its totals row and the Excel download (the server's official layout).
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { download, problemDetail } from '../../api/client.ts';
import { rateText, statisticsUrl, type Figures, type StatisticsQuery, type StatisticsRow, type StatisticsView } from '../../api/statistics.ts';
import { formatDateTime } from '../../cases/format.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { usePrefs } from '../../prefs/prefs.ts';
import { rowLabel } from './common.tsx';

type Col = keyof Figures | 'avg';
/** `seed`: the seed's half-year table (受理 / 办结 / 办结率); `full`: every figure. */
const SETS: Record<'seed' | 'full', Col[]> = {
  seed: ['accepted', 'finished', 'finishRate'],
  full: ['accepted', 'acceptedByProxy', 'finished', 'finishRate', 'onTimeRate', 'avg', 'refused', 'denied', 'withdrawn', 'overdueNow'],
};
const TITLES: Record<Col, MessageKey> = {
  accepted: 'stat.col.accepted', acceptedByProxy: 'stat.col.byProxy', finished: 'stat.col.finished', finishRate: 'stat.col.finishRate',
  onTimeRate: 'stat.col.onTimeRate', avg: 'stat.col.avgDays', refused: 'stat.col.refused', denied: 'stat.col.denied',
  withdrawn: 'stat.col.withdrawn', overdueNow: 'stat.col.overdue',
  finishedByProxy: 'stat.col.finished', finishedOnTime: 'stat.col.finished', workingDays: 'stat.col.avgDays', avgWorkingDays: 'stat.col.avgDays', signals: 'stat.col.overdue',
};

function cell(f: Figures, c: Col): string | number {
  if (c === 'finishRate' || c === 'onTimeRate') return rateText(f[c]);
  if (c === 'avg') return f.avgWorkingDays === null ? '—' : f.avgWorkingDays.toFixed(1);
  const v = f[c];
  return typeof v === 'number' ? v : '—';
}

export function StatisticsTable({ view, query, set, loading }: { view: StatisticsView | undefined; query: StatisticsQuery | null; set: 'seed' | 'full'; loading: boolean }) {
  const t = useT();
  const { lang } = usePrefs();
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const cols = SETS[set];
  const groupBy = view?.groupBy ?? query?.groupBy ?? 'channel';
  // By month the server gives "overdue now" only in the totals.
  const shown = groupBy === 'month' ? cols.filter((c) => c !== 'overdueNow') : cols;

  async function excel() {
    if (!query) return;
    setDownloading(true);
    setProblem(null);
    try {
      const name = await download(statisticsUrl(query, 'xlsx'), `statistics-${query.from}-${query.to}.xlsx`);
      message.success(t('stat.downloaded', { name }));
    } catch (err) {
      setProblem(problemDetail(err));
    } finally {
      setDownloading(false);
    }
  }

  const columns: ColumnsType<StatisticsRow> = [
    { title: t('stat.col.no'), key: 'no', width: 60, render: (_v, _r, i) => i + 1 },
    { title: t(`stat.col.${groupBy}` as MessageKey), key: 'label', render: (_v, r) => (
      <span>{rowLabel(t, groupBy, r)}{r.code && groupBy === 'item' ? <Typography.Text type="secondary"> {r.code}</Typography.Text> : null}</span>
    ) },
    ...shown.map((c) => ({ title: t(TITLES[c]), key: c, align: 'right' as const, render: (_v: unknown, r: StatisticsRow) => cell(r, c) })),
  ];

  return (
    <div className="stat-table">
      <Space wrap className="toolbar" align="center">
        {view && <Typography.Title level={4} className="stat-heading" data-testid="stat-heading">{view.org.name} {view.period.label} · {view.groupLabel}</Typography.Title>}
        <Button icon={<DownloadOutlined />} onClick={excel} loading={downloading} disabled={!query || !view} data-testid="stat-excel" aria-busy={downloading}>
          {downloading ? t('stat.downloading') : t('stat.excel')}
        </Button>
      </Space>
      {problem && <Alert type="error" showIcon title={problem} className="form-alert" />}
      <Table<StatisticsRow> size="small" bordered rowKey="key" loading={loading} pagination={false} dataSource={view?.rows ?? []} columns={columns}
        data-testid="stat-table" scroll={{ x: 'max-content' }} locale={{ emptyText: t('stat.empty') }}
        summary={() => view && (
          <Table.Summary fixed>
            <Table.Summary.Row className="stat-total" data-testid="stat-total">
              <Table.Summary.Cell index={0} colSpan={2}><strong>{t('stat.total')}</strong></Table.Summary.Cell>
              {shown.map((c, i) => <Table.Summary.Cell key={c} index={i + 2} align="right"><strong>{cell(view.total, c)}</strong></Table.Summary.Cell>)}
            </Table.Summary.Row>
          </Table.Summary>
        )} />
      {view && (
        <Typography.Paragraph type="secondary" className="page-note">
          {view.ownOnly && <>{t('dash.ownOnly')} · </>}
          {t('stat.generated', { at: formatDateTime(view.generatedAt, lang) })}
          {view.source.live.length > 0 && <> · {t('stat.live', { days: view.source.live.map((l) => (l.from === l.to ? l.from : `${l.from}–${l.to}`)).join('，') })}</>}
        </Typography.Paragraph>
      )}
    </div>
  );
}
