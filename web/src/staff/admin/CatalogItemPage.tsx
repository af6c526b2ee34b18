// One service item: every element of the chosen version (the eight disclosures and the national item
// elements), its versions, publishing a draft, and the editor (save a new draft version, or save and
// publish), and retiring it (停用, with a reason). /admin/catalog/new?ownerOrgId=… opens the editor for a new item.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, List, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { get, post, problemDetail } from '../../api/client.ts';
import { showProblemOnForm } from '../forms.ts';
import { useMe } from '../session.ts';
import { CatalogItemEditor, EMPTY_ITEM } from './CatalogItemEditor.tsx';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { standardDepartment } from '../../../../server/domain/departments.ts';
import type { ItemDetail, ItemElements, VersionView } from './catalog-types.ts';

const departmentName = (code: string) => standardDepartment(code)?.name ?? code;

export default function CatalogItemPage() {
  const { id = '' } = useParams();
  return id === 'new' ? <NewItemPage /> : <ItemPage id={id} />;
}

/** A new item: the editor with empty elements; saved as the item's first version. */
function NewItemPage() {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const { data: me } = useMe();
  const owner = params.get('ownerOrgId') ?? me?.orgId ?? '';
  const [busy, setBusy] = useState(false);
  async function save(elements: ItemElements, publish: boolean) {
    setBusy(true);
    try {
      const d = await post<ItemDetail>(`/api/catalog/items?ownerOrgId=${encodeURIComponent(owner)}${publish ? '&publish=true' : ''}`, elements);
      await queryClient.invalidateQueries({ queryKey: ['catalog'] });
      message.success(t(publish ? 'catalog.publishedNow' : 'catalogEdit.saved', { v: 1 }));
      navigate(`/admin/catalog/${encodeURIComponent(d.id)}`, { replace: true });
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="page">
      <p><Link to="/admin/catalog">← {t('catalog.title')}</Link></p>
      <Typography.Title level={2}>{t('catalogEdit.newTitle')}</Typography.Title>
      <CatalogItemEditor initial={EMPTY_ITEM} codeLocked={false} busy={busy} onSubmit={save} onCancel={() => navigate('/admin/catalog')} />
    </div>
  );
}

function ItemPage({ id }: { id: string }) {
  const t = useT();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const item = useQuery({ queryKey: ['catalog', 'item', id], queryFn: () => get<ItemDetail>(`/api/catalog/items/${encodeURIComponent(id)}`) });
  const [chosen, setChosen] = useState<number | null>(null);
  const shownNumber = chosen ?? item.data?.latest.version;
  const version = useQuery({
    queryKey: ['catalog', 'item', id, 'version', shownNumber],
    queryFn: () => get<VersionView>(`/api/catalog/items/${encodeURIComponent(id)}/versions/${shownNumber}`),
    enabled: !!item.data && chosen !== null && chosen !== item.data.latest.version,
  });
  const shown: VersionView | undefined = chosen === null || chosen === item.data?.latest.version ? item.data?.latest : version.data;
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [retiring, setRetiring] = useState(false);

  /** A new draft version based on the latest (409 if someone saved meanwhile); with `publish`, published at once. */
  async function save(elements: ItemElements, publish: boolean) {
    const latest = item.data!.latest.version;
    setSaving(true);
    try {
      const v = await post<VersionView>(`/api/catalog/items/${encodeURIComponent(id)}/versions?basedOn=${latest}`, elements);
      await queryClient.invalidateQueries({ queryKey: ['catalog'] });
      if (publish) {
        const d = await post<ItemDetail>(`/api/catalog/items/${encodeURIComponent(id)}/versions/${v.version}/publish`);
        queryClient.setQueryData(['catalog', 'item', id], d);
      }
      await queryClient.refetchQueries({ queryKey: ['catalog', 'item', id], exact: true });
      message.success(publish ? t('catalog.publishedNow') : t('catalogEdit.saved', { v: v.version }));
      setChosen(null);
      setEditing(false);
    } finally {
      setSaving(false);
    }
  }
  const publish = useMutation({
    mutationFn: (v: number) => post<ItemDetail>(`/api/catalog/items/${encodeURIComponent(id)}/versions/${v}/publish`),
    onSuccess: async (d) => {
      queryClient.setQueryData(['catalog', 'item', id], d);
      await queryClient.invalidateQueries({ queryKey: ['catalog'] });
      message.success(t('catalog.publishedNow'));
    },
    onError: (err) => message.error(problemDetail(err)),
  });

  if (item.error) return <div className="page"><Alert type="error" showIcon title={problemDetail(item.error)} /></div>;
  if (!item.data || !shown) return <div className="page"><Card loading /></div>;
  const d = item.data;

  return (
    <div className="page">
      <p><Link to="/admin/catalog">← {t('catalog.title')}</Link></p>
      <Typography.Title level={2}>
        {d.name}{' '}
        {d.publishedVersion !== null
          ? <Tag color="green" data-testid="item-status">{t('catalog.publishedV', { v: d.publishedVersion })}</Tag>
          : d.retired ? <Tag color="red" data-testid="item-status">{t('catalog.status.retired')}</Tag>
            : <Tag data-testid="item-status">{t('catalog.status.unpublished')}</Tag>}
      </Typography.Title>
      {d.retired && <Alert type="warning" showIcon title={t('catalog.retiredNote')} className="form-alert" />}
      <Space wrap className="toolbar">
        <span>{t('catalog.version')}</span>
        <Select
          aria-label={t('catalog.version')}
          value={shown.version}
          onChange={(v) => setChosen(v)}
          style={{ width: 220 }}
          options={d.versions.map((v) => ({ value: v.version, label: `v${v.version} · ${t(`catalog.vstatus.${v.status}` as MessageKey)}` }))}
        />
        {shown.status === 'draft' && (
          <Popconfirm title={t('catalog.publishConfirm')} onConfirm={() => publish.mutate(shown.version)} okText={t('catalog.publish')} cancelText={t('common.cancel')}>
            <Button type="primary" loading={publish.isPending}>{t('catalog.publish')}</Button>
          </Popconfirm>
        )}
        {d.publishedVersion !== null && (
          <Button danger onClick={() => setRetiring(true)} data-testid="retire-item">{t('catalog.retire')}</Button>
        )}
        {!editing && (
          <Button onClick={() => setEditing(true)} data-testid="edit-item">{t('catalogEdit.edit', { v: shown.version })}</Button>
        )}
        {d.publishedVersion !== null && <a href={`/portal/guide/${d.id}`} target="_blank" rel="noreferrer">{t('catalog.viewOnPortal')}</a>}
      </Space>
      {editing
        ? <CatalogItemEditor key={`${shown.version}`} initial={shown.elements} codeLocked busy={saving} onSubmit={save} onCancel={() => setEditing(false)} />
        : <Elements e={shown.elements} />}
      {retiring && <RetireDialog item={d} onClose={() => setRetiring(false)} />}
      <Card size="small" title={t('catalog.versions')} className="catalog-versions">
        <Table
          size="small"
          rowKey="version"
          pagination={false}
          dataSource={d.versions}
          columns={[
            { title: t('catalog.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
            { title: t('catalog.status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'published' ? 'green' : s === 'draft' ? 'gold' : 'default'}>{t(`catalog.vstatus.${s}` as MessageKey)}</Tag> },
            { title: t('catalog.createdAt'), dataIndex: 'createdAt', render: (v: string) => new Date(v).toLocaleString(undefined, { timeZone: 'Asia/Shanghai', hour12: false }) },
            { title: t('catalog.publishedAt'), dataIndex: 'publishedAt', render: (v: string | null) => (v ? new Date(v).toLocaleString(undefined, { timeZone: 'Asia/Shanghai', hour12: false }) : '—') },
          ]}
        />
      </Card>
    </div>
  );
}

/** 停用 with a reason; the server's errors show at the reason field (or above the form: a stale version). */
function RetireDialog({ item, onClose }: { item: ItemDetail; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<string | null>(null);
  const retire = useMutation({
    mutationFn: (v: { reason: string }) => post<ItemDetail>(`/api/catalog/items/${encodeURIComponent(item.id)}/retire`, { version: item.version, reason: v.reason }),
    onSuccess: async (d) => {
      queryClient.setQueryData(['catalog', 'item', item.id], d);
      await queryClient.invalidateQueries({ queryKey: ['catalog'] });
      message.success(t('catalog.retiredNow'));
      onClose();
    },
    onError: (err) => setError(showProblemOnForm(form, err, ['reason'])),
  });
  return (
    <Modal open title={t('catalog.retireTitle', { name: item.name })} onCancel={onClose} onOk={() => form.submit()}
      okText={t('catalog.retire')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={retire.isPending} destroyOnHidden>
      <p>{t('catalog.retireHint')}</p>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => { setError(null); retire.mutate(v); }}>
        <Form.Item name="reason" label={t('catalog.retireReason')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('catalog.retireReasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Elements({ e }: { e: ItemElements }) {
  const t = useT();
  const label = (group: string, code?: string) => (code ? t(`${group}.${code}` as MessageKey) : '—');
  const lines = (xs: string[]) => (xs.length ? <ol className="plain-list">{xs.map((x, i) => <li key={i}>{x}</li>)}</ol> : '—');
  return (
    <Card size="small" className="catalog-elements" data-testid="item-elements">
      <Descriptions column={{ xs: 1, md: 2 }} bordered size="small">
        <Descriptions.Item label={t('portal.guide.code')}>{e.code}</Descriptions.Item>
        <Descriptions.Item label={t('catalog.shortName')}>{e.shortName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.itemType')}>{label('itemType', e.itemType)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.department')}>{departmentName(e.department)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.caseType')}>{label('caseType', e.caseType)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.handlingMode')}>{label('handlingMode', e.handlingMode)}{e.proxyCategory ? ` · ${label('proxyCategory', e.proxyCategory)}` : ''}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.acceptLevels')}>{e.acceptLevels.map((l) => label('level', l)).join('、')}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.visits')}>{t('portal.guide.visitsN', { n: e.maxVisits })}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.overview')} span={2}>{e.overview}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.legalBasis')} span={2}>{lines(e.legalBasis.map((b) => `${b.law}${b.articles ? ` ${b.articles}` : ''}`))}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.feeBasis')}>{e.fee.charged ? e.fee.basis : t('portal.guide.free')}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.feeStandard')}>{e.fee.charged ? `${e.fee.standard}${e.fee.amountYuan !== undefined ? `（${t('portal.guide.yuan', { n: e.fee.amountYuan })}）` : ''}` : t('portal.guide.free')}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.preconditions')} span={2}>{lines(e.preconditions)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.procedure')} span={2}>{lines(e.procedure)}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.limits')}>{t('portal.guide.committed', { n: e.committedLimitDays })}</Descriptions.Item>
        <Descriptions.Item label={t('catalog.legalLimit')}>{t('portal.guide.legal', { n: e.legalLimitDays })}</Descriptions.Item>
        <Descriptions.Item label={t('portal.guide.contact')} span={2}>{e.contact ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('catalog.lifeEvent')} span={2}>{e.lifeEvents.map((l) => label('lifeEvent', l)).join('、') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('catalog.keywords')} span={2}>{e.keywords?.join('、') || '—'}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={4}>{t('portal.guide.materials')}</Typography.Title>
      <Table
        size="small"
        rowKey={(_, i) => String(i)}
        pagination={false}
        scroll={{ x: true }}
        dataSource={e.materials}
        columns={[
          { title: t('catalog.material'), dataIndex: 'name' },
          { title: t('catalog.requirement'), render: (_, m) => (m.requirement === 'required' ? t('portal.guide.required') : `${t('portal.guide.conditional')}：${m.condition ?? ''}`) },
          { title: t('catalog.form'), render: (_, m) => label('materialForm', m.form) },
          { title: t('catalog.copies'), dataIndex: 'copies' },
          { title: t('catalog.medium'), render: (_, m) => label('materialMedium', m.medium) },
          { title: t('catalog.sample'), render: (_, m) => m.sample ?? '—' },
        ]}
      />
      <Typography.Title level={4}>{t('catalog.process')}</Typography.Title>
      <List
        size="small"
        dataSource={e.process}
        renderItem={(s, i) => (
          <List.Item>
            {i + 1}. {s.name}：{s.handlers.map((h) => `${departmentName(h.department)}（${label('level', h.level)}）`).join(' + ')} · {t('portal.guide.upToDays', { n: s.limitDays })}
          </List.Item>
        )}
      />
      {e.specialSteps.length > 0 && (
        <>
          <Typography.Title level={4}>{t('portal.guide.specialSteps')}</Typography.Title>
          <List size="small" dataSource={e.specialSteps} renderItem={(s) => (
            <List.Item>{s.name}：{t('portal.guide.upToDays', { n: s.maxDays })}，{s.countsInLimit ? t('portal.guide.countsIn') : t('portal.guide.countsOut')}</List.Item>
          )} />
        </>
      )}
    </Card>
  );
}
