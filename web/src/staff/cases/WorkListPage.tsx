// Work lists (工作台): the person's queues with counts, and a search across their scope by case
// number, applicant ID number (sent in a POST body; results masked), item, state, channel and dates.
// The queue, filters and page live in the URL, so Back returns to the same list.
import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { problemDetail } from '../../api/client.ts';
import { useCaseList, useQueueCounts, type CaseFilters } from '../../cases/api.ts';
import { channelLabel, codeLabel, DEADLINE_COLOURS, formatDate, formatDateTime, idNumberProblem, stateLabel } from '../../cases/format.ts';
import { CASE_STATES, CHANNELS, QUEUES, type CaseListItem, type Queue } from '../../cases/types.ts';
import { useT } from '../../i18n/index.ts';
import { get } from '../../api/client.ts';
import type { CatalogPage } from '../../portal/api.ts';
import { usePrefs } from '../../prefs/prefs.ts';
import { showProblemOnForm } from '../forms.ts';
import { STATE_COLOURS } from './labels.ts';
import { useMyOrg } from './useMyOrg.ts';

const PAGE_SIZE = 20;

interface FilterForm {
  number?: string;
  idNumber?: string;
  itemId?: string;
  state?: string;
  channel?: string;
  dates?: [Dayjs | null, Dayjs | null] | null;
}

const isQueue = (q: string | null): q is Queue => !!q && (QUEUES as readonly string[]).includes(q);

export default function WorkListPage() {
  const t = useT();
  const { lang } = usePrefs();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<FilterForm>();
  const queue: Queue = isQueue(params.get('queue')) ? (params.get('queue') as Queue) : 'all';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  // The ID number stays in memory only: never in the URL (history, logs).
  const [idNumber, setIdNumber] = useState<string | undefined>();
  const filters: CaseFilters = {
    queue, page, pageSize: PAGE_SIZE,
    number: params.get('number') ?? undefined, itemId: params.get('itemId') ?? undefined, state: params.get('state') ?? undefined,
    channel: params.get('channel') ?? undefined, from: params.get('from') ?? undefined, to: params.get('to') ?? undefined, idNumber,
  };
  const list = useCaseList(filters);
  const counts = useQueueCounts();
  const org = useMyOrg();
  const [itemQ, setItemQ] = useState('');
  const items = useQuery({
    queryKey: ['portal', 'catalog', 'pick', org.data?.code, itemQ],
    queryFn: () => get<CatalogPage>(`/api/public/catalog?${new URLSearchParams({ orgCode: org.data!.code, q: itemQ, pageSize: '20' })}`),
    enabled: !!org.data,
  });

  useEffect(() => {
    form.setFieldsValue({
      number: filters.number, itemId: filters.itemId, state: filters.state, channel: filters.channel,
      dates: filters.from || filters.to ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null] : null,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params.toString()]);

  useEffect(() => {
    if (list.error) showProblemOnForm(form, list.error, ['from', 'to', 'number', 'idNumber'], { from: 'dates', to: 'dates' });
  }, [list.error, form]);

  const setQuery = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };

  function search(v: FilterForm) {
    setIdNumber(v.idNumber?.trim() || undefined);
    setQuery({
      number: v.number?.trim(), itemId: v.itemId, state: v.state, channel: v.channel, page: undefined,
      from: v.dates?.[0]?.format('YYYY-MM-DD'), to: v.dates?.[1]?.format('YYYY-MM-DD'),
    });
  }

  function reset() {
    form.resetFields();
    setIdNumber(undefined);
    setParams(queue === 'all' ? {} : { queue });
  }

  const tabLabel = (q: Queue) => (
    <span data-queue={q}>
      {codeLabel(t, 'queue', q)}{' '}
      {q !== 'all' && q !== 'done' && <Badge count={counts.data?.[q] ?? 0} showZero={false} overflowCount={999}
        color={q === 'overdue' ? 'red' : q === 'due_soon' ? 'gold' : 'blue'} />}
    </span>
  );

  return (
    <div className="page">
      <Typography.Title level={2}>{t('cases.title')}</Typography.Title>
      <Tabs activeKey={queue} onChange={(k) => setQuery({ queue: k === 'all' ? undefined : k, page: undefined })}
        items={QUEUES.map((q) => ({ key: q, label: tabLabel(q) }))} data-testid="queue-tabs" />
      <Card size="small">
        <Form<FilterForm> form={form} layout="inline" onFinish={search} className="case-filters" data-testid="case-filters">
          <Form.Item name="number" label={t('cases.number')}>
            <Input allowClear placeholder="341125-20261125-0001" style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="idNumber" label={t('cases.idNumber')}
            rules={[{ validator: (_, v: string | undefined) => { const p = idNumberProblem(t, v ?? ''); return p ? Promise.reject(new Error(p)) : Promise.resolve(); } }]}>
            <Input allowClear autoComplete="off" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="itemId" label={t('cases.item')}>
            <Select allowClear showSearch filterOption={false} onSearch={setItemQ} style={{ width: 240 }} placeholder={t('counter.searchPlaceholder')}
              options={(items.data?.items ?? []).map((i) => ({ value: i.id, label: i.name }))} />
          </Form.Item>
          <Form.Item name="state" label={t('cases.state')}>
            <Select allowClear style={{ width: 170 }} options={CASE_STATES.filter((s) => s !== 'draft').map((s) => ({ value: s, label: stateLabel(t, s) }))} />
          </Form.Item>
          <Form.Item name="channel" label={t('cases.channel')}>
            <Select allowClear style={{ width: 130 }} options={CHANNELS.map((c) => ({ value: c, label: channelLabel(t, c) }))} />
          </Form.Item>
          <Form.Item name="dates" label={t('cases.dates')}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>{t('common.search')}</Button>
              <Button onClick={reset}>{t('cases.reset')}</Button>
            </Space>
          </Form.Item>
        </Form>
        {list.error && <Alert className="form-alert" type="error" showIcon role="alert" title={problemDetail(list.error)} />}
        <Table<CaseListItem>
          rowKey="id"
          size="middle"
          loading={list.isFetching}
          dataSource={list.data?.items}
          scroll={{ x: 980 }}
          data-testid="case-table"
          locale={{ emptyText: t('cases.empty') }}
          pagination={{
            current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, showSizeChanger: false,
            onChange: (p) => setQuery({ page: p === 1 ? undefined : String(p) }), showTotal: (n) => t('cases.total', { n }),
          }}
          columns={[
            { title: t('cases.number'), render: (_, r) => <Link to={`/cases/${r.id}`} className="case-number">{r.number}</Link> },
            { title: t('cases.item'), render: (_, r) => r.item.name },
            { title: t('cases.applicant'), render: (_, r) => <span>{r.applicant.name}<br /><Typography.Text type="secondary">{r.applicant.idNumber}</Typography.Text></span> },
            { title: t('cases.state'), render: (_, r) => <Tag color={STATE_COLOURS[r.state]}>{stateLabel(t, r.state, r.stateLabel)}</Tag> },
            {
              title: t('cases.where'),
              render: (_, r) => <>{r.currentUnit.name}{r.pendingUnit && <><br /><Typography.Text type="secondary">→ {r.pendingUnit.name}</Typography.Text></>}</>,
            },
            {
              title: t('cases.due'),
              render: (_, r) => (r.dueAt
                ? <span>{formatDate(r.dueAt, lang)}{r.deadlineStatus && <><br /><Tag color={DEADLINE_COLOURS[r.deadlineStatus]}>{codeLabel(t, 'deadline', r.deadlineStatus)}</Tag></>}</span>
                : '—'),
            },
            { title: t('cases.submitted'), render: (_, r) => formatDateTime(r.submittedAt, lang) },
            { title: t('cases.holder'), render: (_, r) => r.holderName ?? '—' },
          ]}
        />
      </Card>
    </div>
  );
}
