// The service catalog of one owner org (usually the county): search by name, code, pinyin or its
// initials (db → 低保); filters; Excel export; Excel import with upload progress and every row error
// in a table (nothing is imported when any row is wrong).
import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Input, Modal, Progress, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { HANDLING_MODES, LIFE_EVENTS } from '../../../../server/domain/catalog.ts';
import { download, get, ProblemError, problemDetail, upload, type FieldProblem } from '../../api/client.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { orgTree, useOrgs } from '../orgs.ts';
import { useMe } from '../session.ts';
import type { ImportResult, ItemSummary } from './catalog-types.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PAGE_SIZE = 20;

export default function CatalogPage() {
  const t = useT();
  const { data: me } = useMe();
  const orgs = useOrgs();
  const { message } = App.useApp();
  const [ownerOrgId, setOwnerOrgId] = useState<string | undefined>();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [lifeEvent, setLifeEvent] = useState<string | undefined>();
  const [handlingMode, setHandlingMode] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [importing, setImporting] = useState(false);
  const owner = ownerOrgId ?? me?.orgId;
  const tree = useMemo(() => orgTree(orgs.data ?? []), [orgs.data]);

  const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  if (owner) params.set('ownerOrgId', owner);
  if (q.trim()) params.set('q', q.trim());
  if (lifeEvent) params.set('lifeEvent', lifeEvent);
  if (handlingMode) params.set('handlingMode', handlingMode);
  if (status) params.set('status', status);
  const items = useQuery({
    queryKey: ['catalog', params.toString()],
    queryFn: () => get<{ total: number; items: ItemSummary[] }>(`/api/catalog/items?${params}`),
    placeholderData: keepPreviousData,
    enabled: !!owner,
  });
  const reset = () => setPage(1);

  async function exportExcel() {
    try {
      await download(`/api/catalog/export?ownerOrgId=${encodeURIComponent(owner ?? '')}`, 'catalog.xlsx');
    } catch (err) {
      message.error(problemDetail(err));
    }
  }

  return (
    <div className="page">
      <Typography.Title level={2}>{t('catalog.title')}</Typography.Title>
      <Card size="small">
        <Space wrap className="toolbar">
          <TreeSelect aria-label={t('catalog.owner')} treeData={tree} treeDefaultExpandAll value={owner} onChange={(v) => { setOwnerOrgId(v); reset(); }} style={{ width: 220 }} />
          <Input.Search
            aria-label={t('catalog.search')}
            placeholder={t('catalog.search')}
            allowClear
            onChange={(e) => { setQ(e.target.value); reset(); }}
            style={{ width: 260 }}
            data-testid="catalog-search"
          />
          <Select aria-label={t('catalog.lifeEvent')} placeholder={t('catalog.lifeEvent')} allowClear value={lifeEvent} onChange={(v) => { setLifeEvent(v); reset(); }} style={{ width: 150 }}
            options={Object.keys(LIFE_EVENTS).map((k) => ({ value: k, label: t(`lifeEvent.${k}` as MessageKey) }))} />
          <Select aria-label={t('catalog.handlingMode')} placeholder={t('catalog.handlingMode')} allowClear value={handlingMode} onChange={(v) => { setHandlingMode(v); reset(); }} style={{ width: 170 }}
            options={Object.keys(HANDLING_MODES).map((k) => ({ value: k, label: t(`handlingMode.${k}` as MessageKey) }))} />
          <Select aria-label={t('catalog.status')} placeholder={t('catalog.status')} allowClear value={status} onChange={(v) => { setStatus(v); reset(); }} style={{ width: 150 }}
            options={(['published', 'draft', 'unpublished', 'retired'] as const).map((k) => ({ value: k, label: t(`catalog.status.${k}` as MessageKey) }))} />
          <Button type="primary" icon={<PlusOutlined />} data-testid="new-item"
            onClick={() => navigate(`/admin/catalog/new${owner ? `?ownerOrgId=${encodeURIComponent(owner)}` : ''}`)}>
            {t('catalogEdit.new')}
          </Button>
          <Button icon={<DownloadOutlined />} onClick={exportExcel}>{t('catalog.export')}</Button>
          <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>{t('catalog.import')}</Button>
        </Space>
        {items.error && <Alert type="error" showIcon title={problemDetail(items.error)} />}
        <Table<ItemSummary>
          rowKey="id"
          loading={items.isFetching}
          dataSource={items.data?.items}
          scroll={{ x: true }}
          data-testid="catalog-table"
          pagination={{ current: page, pageSize: PAGE_SIZE, total: items.data?.total ?? 0, onChange: setPage, showSizeChanger: false, showTotal: (n) => t('catalog.total', { n }) }}
          columns={[
            { title: t('portal.guide.code'), dataIndex: 'code', width: 140 },
            { title: t('catalog.name'), render: (_, i) => <Link to={`/admin/catalog/${i.id}`}>{i.name}</Link> },
            { title: t('portal.guide.department'), dataIndex: 'departmentName' },
            { title: t('portal.guide.handlingMode'), render: (_, i) => t(`handlingMode.${i.handlingMode}` as MessageKey) },
            { title: t('portal.guide.caseType'), render: (_, i) => t(`caseType.${i.caseType}` as MessageKey) },
            {
              title: t('catalog.status'),
              render: (_, i) => (
                <Space size={4} wrap>
                  {i.publishedVersion !== null ? <Tag color="green">{t('catalog.publishedV', { v: i.publishedVersion })}</Tag>
                    : i.retired ? <Tag color="red">{t('catalog.status.retired')}</Tag> : <Tag>{t('catalog.status.unpublished')}</Tag>}
                  {i.hasDraft && <Tag color="gold">{t('catalog.draftV', { v: i.latestVersion })}</Tag>}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {importing && owner && <ImportDialog ownerOrgId={owner} onClose={() => setImporting(false)} />}
    </div>
  );
}

/** Row number from `#/rows/7/materials/2/name`; the detail already names the column in Chinese. */
function rowOf(e: FieldProblem): number | null {
  const m = /^#\/rows\/(\d+)/.exec(e.pointer);
  return m ? Number(m[1]) : null;
}

function ImportDialog({ ownerOrgId, onClose }: { ownerOrgId: string; onClose: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [publish, setPublish] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState<ProblemError | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  async function start() {
    if (!file) return;
    setProblem(null);
    setResult(null);
    setProgress(0);
    try {
      const r = await upload<ImportResult>(`/api/catalog/import?ownerOrgId=${encodeURIComponent(ownerOrgId)}&publish=${publish}`, file, XLSX_TYPE, setProgress);
      setResult(r);
      await queryClient.invalidateQueries({ queryKey: ['catalog'] });
    } catch (err) {
      setProblem(err instanceof ProblemError ? err : new ProblemError(0, problemDetail(err)));
    } finally {
      setProgress(null);
    }
  }

  return (
    <Modal open width={760} title={t('catalog.import')} onCancel={onClose} destroyOnHidden
      footer={[
        <Button key="close" onClick={onClose}>{t('common.close')}</Button>,
        <Button key="go" type="primary" disabled={!file || progress !== null} loading={progress !== null} onClick={start}>{t('catalog.importStart')}</Button>,
      ]}>
      <Typography.Paragraph type="secondary">{t('catalog.importNote')}</Typography.Paragraph>
      <Space direction="vertical" style={{ width: '100%' }}>
        <label className="file-pick">
          <span>{t('catalog.file')}</span>
          <input ref={fileInput} type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
        </label>
        <Checkbox checked={publish} onChange={(e) => setPublish(e.target.checked)}>{t('catalog.importPublish')}</Checkbox>
        {progress !== null && <Progress percent={progress} status="active" aria-label={t('catalog.uploading')} />}
        {progress === 100 && <Typography.Text type="secondary">{t('catalog.checking')}</Typography.Text>}
        {result && (
          <Alert type="success" showIcon title={t('catalog.imported', { ...result })} data-testid="import-result" />
        )}
        {problem && (
          <>
            <Alert type="error" showIcon title={problem.detail} role="alert" />
            {problem.errors.length > 0 && (
              <Table<FieldProblem>
                size="small"
                rowKey={(e, i) => `${e.pointer}:${i}`}
                dataSource={problem.errors}
                pagination={problem.errors.length > 10 ? { pageSize: 10 } : false}
                data-testid="import-errors"
                columns={[
                  { title: t('catalog.row'), width: 70, render: (_, e) => rowOf(e) ?? '—' },
                  { title: t('catalog.problem'), dataIndex: 'detail' },
                ]}
              />
            )}
          </>
        )}
      </Space>
    </Modal>
  );
}
