// The service network of one org: windows with their A/B posts (who serves now), the units behind
// them, and absences (when A is away, B covers; nothing waits for an absent person).
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, TreeSelect, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { api, get, post, problemDetail } from '../../api/client.ts';
import type { User } from '../../api/types.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { showProblemOnForm } from '../forms.ts';
import { orgTree, useOrgs } from '../orgs.ts';
import { can, useMe } from '../session.ts';
import type { Absence, AbsenceKind, Department, ServiceWindow, Unit, UnitKind } from './network-types.ts';

const UNIT_KINDS: UnitKind[] = ['acceptance_desk', 'handling_window', 'handling_room', 'village_room'];
const ABSENCE_KINDS: AbsenceKind[] = ['leave', 'business_trip', 'meeting', 'training', 'other'];
const fmt = (iso: string) => new Date(iso).toLocaleString(undefined, { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

export default function NetworkPage() {
  const t = useT();
  const { data: me } = useMe();
  const orgs = useOrgs();
  const [orgId, setOrgId] = useState<string | undefined>();
  const current = orgId ?? me?.orgId;
  const org = orgs.data?.find((o) => o.id === current);
  const tree = useMemo(() => orgTree(orgs.data ?? []), [orgs.data]);
  const manage = can(me, 'network.manage');

  return (
    <div className="page">
      <Typography.Title level={2}>{t('network.title')}</Typography.Title>
      <Space wrap className="toolbar">
        <TreeSelect aria-label={t('calendar.org')} treeData={tree} treeDefaultExpandAll value={current} onChange={setOrgId} style={{ width: 280 }} showSearch treeNodeFilterProp="title" />
        {org && <a href={`/portal/centers/${encodeURIComponent(org.code)}`} target="_blank" rel="noreferrer">{t('network.publicBoard')}</a>}
      </Space>
      {current && (
        <Tabs
          items={[
            { key: 'windows', label: t('network.windows'), children: <WindowsTab orgId={current} manage={manage} /> },
            { key: 'units', label: t('network.units'), children: <UnitsTab orgId={current} manage={manage} /> },
            { key: 'absences', label: t('network.absences'), children: <AbsencesTab orgId={current} manage={manage} /> },
          ]}
        />
      )}
    </div>
  );
}

function useOrgUsers(orgId: string) {
  return useQuery({
    queryKey: ['users', 'of', orgId],
    queryFn: () => get<{ items: User[] }>(`/api/users?orgId=${encodeURIComponent(orgId)}&pageSize=100`),
    select: (d) => d.items.filter((u) => !u.disabled && u.orgId === orgId),
  });
}

function useUnits(orgId: string) {
  return useQuery({ queryKey: ['units', orgId], queryFn: () => get<{ items: Unit[] }>(`/api/units?orgId=${encodeURIComponent(orgId)}`), select: (d) => d.items });
}

function WindowsTab({ orgId, manage }: { orgId: string; manage: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<ServiceWindow | 'new' | null>(null);
  const windows = useQuery({ queryKey: ['windows', orgId], queryFn: () => get<{ items: ServiceWindow[] }>(`/api/windows?orgId=${encodeURIComponent(orgId)}`) });
  const toggle = useMutation({
    mutationFn: (w: ServiceWindow) => api<ServiceWindow>('PATCH', `/api/windows/${w.id}`, { active: !w.active, version: w.version }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['windows', orgId] }),
    onError: (err) => message.error(problemDetail(err)),
  });
  const postTag = (w: ServiceWindow) => w.serving.post === 'closed'
    ? <Tag color="default">{t('network.serving.closed')}</Tag>
    : <Tag color={w.serving.post === 'A' ? 'green' : 'gold'}>{t(`network.serving.${w.serving.post}` as MessageKey)} · {w.serving.name}</Tag>;
  return (
    <Card size="small">
      {manage && <Button type="primary" icon={<PlusOutlined />} className="toolbar" onClick={() => setEditing('new')}>{t('network.newWindow')}</Button>}
      {windows.error && <Alert type="error" showIcon title={problemDetail(windows.error)} />}
      <Table<ServiceWindow>
        rowKey="id"
        loading={windows.isFetching}
        dataSource={windows.data?.items}
        pagination={false}
        scroll={{ x: true }}
        data-testid="windows-table"
        columns={[
          { title: t('network.field.number'), dataIndex: 'number' },
          { title: t('network.field.sign'), dataIndex: 'sign' },
          { title: t('network.field.units'), render: (_, w) => w.units.map((u) => u.name).join('、') },
          { title: t('network.field.a'), dataIndex: 'aUserName' },
          { title: t('network.field.b'), dataIndex: 'bUserName' },
          { title: t('network.field.serving'), render: (_, w) => (w.active ? postTag(w) : <Tag>{t('network.inactive')}</Tag>) },
          ...(manage ? [{
            title: t('common.actions'), key: 'actions',
            render: (_: unknown, w: ServiceWindow) => (
              <Space size={4}>
                <Button size="small" onClick={() => setEditing(w)}>{t('common.edit')}</Button>
                <Button size="small" onClick={() => toggle.mutate(w)}>{w.active ? t('network.deactivate') : t('network.activate')}</Button>
              </Space>
            ),
          }] : []),
        ]}
      />
      {editing && <WindowDialog orgId={orgId} window={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

interface WindowForm {
  number: string;
  sign: string;
  aUserId: string;
  bUserId: string;
  unitIds: string[];
}

function WindowDialog({ orgId, window: w, onClose }: { orgId: string; window: ServiceWindow | null; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<WindowForm>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const users = useOrgUsers(orgId);
  const units = useUnits(orgId);
  const people = (users.data ?? []).map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }));
  const unitOptions = (units.data ?? []).filter((u) => u.kind === 'acceptance_desk' || u.kind === 'handling_window').map((u) => ({ value: u.id, label: `${u.name} · ${u.kindLabel}` }));
  const save = useMutation({
    mutationFn: (v: WindowForm) => (w ? api('PATCH', `/api/windows/${w.id}`, { ...v, version: w.version }) : post('/api/windows', { ...v, orgId })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['windows', orgId] });
      onClose();
    },
    onError: (err) => setError(showProblemOnForm(form, err, ['number', 'sign', 'aUserId', 'bUserId', 'unitIds'])),
  });
  const req = [{ required: true, message: t('common.required') }];
  return (
    <Modal open title={w ? t('network.editWindow', { n: w.number }) : t('network.newWindow')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={save.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}
        initialValues={w ? { number: w.number, sign: w.sign, aUserId: w.aUserId, bUserId: w.bUserId, unitIds: w.units.map((u) => u.id) } : { unitIds: [] }}>
        <Form.Item label={t('network.field.number')} name="number" rules={req}><Input maxLength={20} /></Form.Item>
        <Form.Item label={t('network.field.sign')} name="sign" rules={req} extra={t('network.signHint')}><Input maxLength={40} /></Form.Item>
        <Form.Item label={t('network.field.a')} name="aUserId" rules={req}><Select options={people} showSearch optionFilterProp="label" loading={users.isPending} /></Form.Item>
        <Form.Item label={t('network.field.b')} name="bUserId" rules={req} extra={t('network.bHint')}><Select options={people} showSearch optionFilterProp="label" loading={users.isPending} /></Form.Item>
        <Form.Item label={t('network.field.units')} name="unitIds" rules={req}><Select mode="multiple" options={unitOptions} loading={units.isPending} /></Form.Item>
      </Form>
    </Modal>
  );
}

function UnitsTab({ orgId, manage }: { orgId: string; manage: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const units = useUnits(orgId);
  const [creating, setCreating] = useState(false);
  const toggle = useMutation({
    mutationFn: (u: Unit) => api<Unit>('PATCH', `/api/units/${u.id}`, { active: !u.active, version: u.version }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['units', orgId] }),
    onError: (err) => message.error(problemDetail(err)),
  });
  return (
    <Card size="small">
      {manage && <Button type="primary" icon={<PlusOutlined />} className="toolbar" onClick={() => setCreating(true)}>{t('network.newUnit')}</Button>}
      {units.error && <Alert type="error" showIcon title={problemDetail(units.error)} />}
      <Table<Unit>
        rowKey="id"
        loading={units.isFetching}
        dataSource={units.data}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('network.field.unitName'), dataIndex: 'name' },
          { title: t('network.field.kind'), render: (_, u) => t(`unitKind.${u.kind}` as MessageKey) },
          { title: t('network.field.department'), render: (_, u) => u.departmentName ?? '—' },
          { title: t('network.field.rules'), render: (_, u) => <Space size={4} wrap>{u.mayAcceptDirectly && <Tag color="blue">{t('network.accepts')}</Tag>}{u.mayHandle && <Tag color="purple">{t('network.handles')}</Tag>}</Space> },
          { title: t('users.field.status'), render: (_, u) => (u.active ? <Tag color="green">{t('network.active')}</Tag> : <Tag>{t('network.inactive')}</Tag>) },
          ...(manage ? [{
            title: t('common.actions'), key: 'actions',
            render: (_: unknown, u: Unit) => <Button size="small" onClick={() => toggle.mutate(u)}>{u.active ? t('network.deactivate') : t('network.activate')}</Button>,
          }] : []),
        ]}
      />
      {creating && <UnitDialog orgId={orgId} onClose={() => setCreating(false)} />}
    </Card>
  );
}

function UnitDialog({ orgId, onClose }: { orgId: string; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ kind: UnitKind; name: string; departmentId?: string }>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const kind = Form.useWatch('kind', form);
  const departments = useQuery({ queryKey: ['departments', orgId], queryFn: () => get<{ items: Department[] }>(`/api/departments?orgId=${encodeURIComponent(orgId)}`) });
  const create = useMutation({
    mutationFn: (v: { kind: UnitKind; name: string; departmentId?: string }) => post('/api/units', { ...v, orgId }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['units', orgId] });
      onClose();
    },
    onError: (err) => setError(showProblemOnForm(form, err, ['kind', 'name', 'departmentId'])),
  });
  const needsDepartment = kind === 'handling_window' || kind === 'handling_room';
  return (
    <Modal open title={t('network.newUnit')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={create.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ kind: 'handling_window' }}>
        <Form.Item label={t('network.field.kind')} name="kind" rules={[{ required: true, message: t('common.required') }]}>
          <Select options={UNIT_KINDS.map((k) => ({ value: k, label: t(`unitKind.${k}` as MessageKey) }))} />
        </Form.Item>
        <Form.Item label={t('network.field.unitName')} name="name" rules={[{ required: true, message: t('common.required') }]}><Input maxLength={60} /></Form.Item>
        {needsDepartment && (
          <Form.Item label={t('network.field.department')} name="departmentId" rules={[{ required: true, message: t('common.required') }]}>
            <Select options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))} loading={departments.isPending} showSearch optionFilterProp="label" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function AbsencesTab({ orgId, manage }: { orgId: string; manage: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const users = useOrgUsers(orgId);
  const absences = useQuery({ queryKey: ['absences', orgId], queryFn: () => get<{ items: Absence[] }>(`/api/absences?orgId=${encodeURIComponent(orgId)}`) });
  const name = (id: string) => users.data?.find((u) => u.id === id)?.displayName ?? id.slice(0, 8);
  const cancel = useMutation({
    mutationFn: (a: Absence) => post(`/api/absences/${a.id}/cancel`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['absences', orgId] });
      await queryClient.invalidateQueries({ queryKey: ['windows', orgId] });
    },
    onError: (err) => message.error(problemDetail(err)),
  });
  return (
    <Card size="small">
      <Typography.Paragraph type="secondary">{t('network.absenceNote')}</Typography.Paragraph>
      {manage && <Button type="primary" icon={<PlusOutlined />} className="toolbar" onClick={() => setCreating(true)}>{t('network.newAbsence')}</Button>}
      {absences.error && <Alert type="error" showIcon title={problemDetail(absences.error)} />}
      <Table<Absence>
        rowKey="id"
        loading={absences.isFetching}
        dataSource={absences.data?.items}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('network.field.person'), render: (_, a) => name(a.userId) },
          { title: t('network.field.absenceKind'), render: (_, a) => t(`absenceKind.${a.kind}` as MessageKey) },
          { title: t('network.field.from'), render: (_, a) => fmt(a.startsAt) },
          { title: t('network.field.to'), render: (_, a) => fmt(a.endsAt) },
          { title: t('calendar.reason'), dataIndex: 'reason' },
          ...(manage ? [{
            title: t('common.actions'), key: 'actions',
            render: (_: unknown, a: Absence) => (
              <Popconfirm title={t('network.cancelAbsence')} onConfirm={() => cancel.mutate(a)} okText={t('network.cancelAbsence')} cancelText={t('common.close')}>
                <Button size="small">{t('network.cancelAbsence')}</Button>
              </Popconfirm>
            ),
          }] : []),
        ]}
      />
      {creating && (
        <AbsenceDialog orgId={orgId} people={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))} onClose={() => setCreating(false)} />
      )}
    </Card>
  );
}

interface AbsenceForm {
  userId: string;
  kind: AbsenceKind;
  range: [Dayjs, Dayjs];
  reason: string;
}

function AbsenceDialog({ orgId, people, onClose }: { orgId: string; people: { value: string; label: string }[]; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<AbsenceForm>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: AbsenceForm) => post('/api/absences', {
      userId: v.userId, kind: v.kind, reason: v.reason ?? '',
      // The API wants moments with an offset; the picker's local time is Beijing time for these users.
      startsAt: v.range[0].format('YYYY-MM-DDTHH:mm:ssZ'), endsAt: v.range[1].format('YYYY-MM-DDTHH:mm:ssZ'),
    }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['absences', orgId] });
      await queryClient.invalidateQueries({ queryKey: ['windows', orgId] });
      onClose();
    },
    onError: (err) => {
      setError(showProblemOnForm(form, err, ['userId', 'kind', 'reason', 'range'], { startsAt: 'range', endsAt: 'range' }));
    },
  });
  const req = [{ required: true, message: t('common.required') }];
  return (
    <Modal open title={t('network.newAbsence')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={create.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ kind: 'leave' }}>
        <Form.Item label={t('network.field.person')} name="userId" rules={req}><Select options={people} showSearch optionFilterProp="label" /></Form.Item>
        <Form.Item label={t('network.field.absenceKind')} name="kind" rules={req}>
          <Select options={ABSENCE_KINDS.map((k) => ({ value: k, label: t(`absenceKind.${k}` as MessageKey) }))} />
        </Form.Item>
        <Form.Item label={t('network.field.period')} name="range" rules={req}><DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" /></Form.Item>
        <Form.Item label={t('calendar.reason')} name="reason"><Input maxLength={200} /></Form.Item>
      </Form>
    </Modal>
  );
}
