// The audit trail for the auditor (三员分立: only the auditor reads it): newest first, 100 at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { get, problemDetail } from '../../api/client.ts';
import { useT } from '../../i18n/index.ts';

interface AuditRow {
  seq: number;
  at: string;
  username: string | null;
  ip: string;
  action: string;
  objectType: string;
  objectId: string | null;
  outcome: string;
  detail: string;
}

const PAGE = 100;

export default function AuditPage() {
  const t = useT();
  const [action, setAction] = useState('');
  const rows = useInfiniteQuery({
    queryKey: ['audit', action],
    initialPageParam: 0,
    queryFn: ({ pageParam }) => {
      const p = new URLSearchParams({ limit: String(PAGE) });
      if (action) p.set('action', action);
      if (pageParam) p.set('beforeSeq', String(pageParam));
      return get<{ items: AuditRow[] }>(`/api/audit?${p}`);
    },
    getNextPageParam: (last) => (last.items.length === PAGE ? last.items[last.items.length - 1]!.seq : undefined),
  });
  const items = rows.data?.pages.flatMap((p) => p.items) ?? [];
  const color = (o: string) => (o === 'ok' ? 'green' : o === 'denied' ? 'orange' : 'red');
  return (
    <div className="page">
      <Typography.Title level={2}>{t('audit.title')}</Typography.Title>
      <Card size="small">
        <Space wrap className="toolbar">
          <Input.Search aria-label={t('audit.action')} placeholder={t('audit.actionHint')} allowClear onSearch={setAction} style={{ width: 260 }} />
        </Space>
        {rows.error && <Alert type="error" showIcon title={problemDetail(rows.error)} />}
        <Table<AuditRow>
          rowKey="seq"
          size="small"
          loading={rows.isFetching}
          dataSource={items}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: '#', dataIndex: 'seq' },
            { title: t('audit.at'), dataIndex: 'at', render: (v: string) => new Date(v).toLocaleString(undefined, { timeZone: 'Asia/Shanghai', hour12: false }) },
            { title: t('audit.user'), dataIndex: 'username' },
            { title: t('audit.action'), dataIndex: 'action' },
            { title: t('audit.object'), render: (_, r) => `${r.objectType}${r.objectId ? ` ${r.objectId.slice(0, 8)}` : ''}` },
            { title: t('audit.outcome'), dataIndex: 'outcome', render: (v: string) => <Tag color={color(v)}>{v}</Tag> },
            { title: 'IP', dataIndex: 'ip' },
            { title: t('audit.detail'), dataIndex: 'detail', render: (v: string) => <code className="audit-detail">{v}</code> },
          ]}
        />
        {rows.hasNextPage && <Button onClick={() => rows.fetchNextPage()} loading={rows.isFetchingNextPage} className="load-more">{t('common.loadMore')}</Button>}
      </Card>
    </div>
  );
}
