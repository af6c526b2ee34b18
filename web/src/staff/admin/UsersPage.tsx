// Staff accounts in the user's scope: search, create with roles, change roles, disable/enable,
// unlock after failed sign-ins, reset a password. Every change sends the version it read.
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { ROLES, type Role } from '../../../../server/domain/roles.ts';
import { get, post, api, problemDetail } from '../../api/client.ts';
import type { Actor, Org, User } from '../../api/types.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { showProblemOnForm } from '../forms.ts';
import { orgTree, useOrgs } from '../orgs.ts';
import { can, hasRole, useMe } from '../session.ts';

const PAGE_SIZE = 20;

/** What each manager may hand out (server/domain/roles.ts GRANTABLE decides; this only trims the choices). */
function grantableRoles(me: Actor | null | undefined): Role[] {
  if (hasRole(me, 'system_admin')) return ROLES.filter((r) => r !== 'auditor');
  if (hasRole(me, 'center_manager')) return ['acceptance_clerk', 'window_clerk', 'handling_officer', 'village_cadre'];
  return [];
}

interface RoleRow {
  role: Role;
  orgId: string;
}

export default function UsersPage() {
  const t = useT();
  const { data: me } = useMe();
  const orgs = useOrgs();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [orgId, setOrgId] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'roles' | 'password'; user: User } | null>(null);
  const manage = can(me, 'users.manage');

  const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  if (q.trim()) params.set('q', q.trim());
  if (orgId) params.set('orgId', orgId);
  const users = useQuery({
    queryKey: ['users', params.toString()],
    queryFn: () => get<{ total: number; items: User[] }>(`/api/users?${params}`),
    placeholderData: keepPreviousData,
  });
  const orgName = (id: string) => orgs.data?.find((o) => o.id === id)?.name ?? '';
  const tree = useMemo(() => orgTree(orgs.data ?? []), [orgs.data]);

  const action = useMutation({
    mutationFn: ({ user, kind }: { user: User; kind: 'disable' | 'enable' | 'unlock' }) =>
      post<User>(`/api/users/${user.id}/${kind}`, kind === 'unlock' ? {} : { version: user.version }),
    onSuccess: async (user, { kind }) => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      message.success(t(`users.done.${kind}` as MessageKey, { name: user.displayName }));
    },
    onError: (err) => message.error(problemDetail(err)),
  });

  const columns: ColumnsType<User> = [
    { title: t('users.field.username'), dataIndex: 'username', key: 'username' },
    { title: t('users.field.displayName'), dataIndex: 'displayName', key: 'displayName' },
    { title: t('users.field.org'), key: 'org', render: (_, u) => orgName(u.orgId) },
    {
      title: t('users.field.roles'), key: 'roles',
      render: (_, u) => <Space size={[4, 4]} wrap>{u.roles.map((g) => <Tag key={`${g.role}:${g.orgId}`}>{t(`role.${g.role}` as MessageKey)}{g.orgId !== u.orgId ? ` · ${orgName(g.orgId)}` : ''}</Tag>)}</Space>,
    },
    {
      title: t('users.field.status'), key: 'status',
      render: (_, u) => u.disabled ? <Tag color="default">{t('users.status.disabled')}</Tag>
        : u.lockedUntil ? <Tag color="red">{t('users.status.locked', { until: new Date(u.lockedUntil).toLocaleString(undefined, { timeZone: 'Asia/Shanghai', hour12: false }) })}</Tag>
          : <Tag color="green">{t('users.status.active')}</Tag>,
    },
  ];
  if (manage) {
    columns.push({
      title: t('common.actions'), key: 'actions',
      render: (_, u) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => setDialog({ kind: 'roles', user: u })}>{t('users.roles')}</Button>
          <Button size="small" onClick={() => setDialog({ kind: 'password', user: u })}>{t('users.resetPassword')}</Button>
          {u.lockedUntil && <Button size="small" onClick={() => action.mutate({ user: u, kind: 'unlock' })}>{t('users.unlock')}</Button>}
          {u.disabled
            ? <Button size="small" onClick={() => action.mutate({ user: u, kind: 'enable' })}>{t('users.enable')}</Button>
            : u.id !== me?.userId && (
              <Popconfirm title={t('users.disableConfirm', { name: u.displayName })} onConfirm={() => action.mutate({ user: u, kind: 'disable' })} okText={t('users.disable')} cancelText={t('common.cancel')}>
                <Button size="small" danger>{t('users.disable')}</Button>
              </Popconfirm>
            )}
        </Space>
      ),
    });
  }

  return (
    <div className="page">
      <Typography.Title level={2}>{t('users.title')}</Typography.Title>
      <Card size="small">
        <Space wrap className="toolbar">
          <Input.Search
            aria-label={t('users.search')}
            placeholder={t('users.search')}
            allowClear
            enterButton={<SearchOutlined aria-label={t('common.search')} />}
            onSearch={(v) => { setQ(v); setPage(1); }}
            style={{ width: 260 }}
          />
          <TreeSelect
            aria-label={t('users.filterOrg')}
            placeholder={t('users.filterOrg')}
            treeData={tree}
            allowClear
            treeDefaultExpandAll
            value={orgId}
            onChange={(v) => { setOrgId(v); setPage(1); }}
            style={{ width: 240 }}
          />
          {manage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'create' })}>{t('users.create')}</Button>}
        </Space>
        {users.error && <Alert type="error" showIcon title={problemDetail(users.error)} />}
        <Table<User>
          rowKey="id"
          columns={columns}
          dataSource={users.data?.items}
          loading={users.isFetching}
          scroll={{ x: true }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: users.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        />
      </Card>
      {dialog?.kind === 'create' && <CreateUserDialog orgs={orgs.data ?? []} me={me} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'roles' && <RolesDialog user={dialog.user} orgs={orgs.data ?? []} me={me} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'password' && <ResetPasswordDialog user={dialog.user} onClose={() => setDialog(null)} />}
    </div>
  );
}

function RoleRows({ orgs, me }: { orgs: Org[]; me: Actor | null | undefined }) {
  const t = useT();
  const tree = orgTree(orgs);
  const options = grantableRoles(me).map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }));
  return (
    <Form.List name="roles">
      {(fields, { add, remove }) => (
        <fieldset className="role-rows">
          <legend>{t('users.field.roles')}</legend>
          {fields.map((field) => (
            <Space key={field.key} align="start" wrap className="role-row">
              <Form.Item name={[field.name, 'role']} rules={[{ required: true, message: t('common.required') }]} label={t('users.role')}>
                <Select options={options} style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name={[field.name, 'orgId']} rules={[{ required: true, message: t('common.required') }]} label={t('users.roleOrg')}>
                <TreeSelect treeData={tree} treeDefaultExpandAll style={{ width: 220 }} />
              </Form.Item>
              <Button onClick={() => remove(field.name)} className="role-remove">{t('common.remove')}</Button>
            </Space>
          ))}
          <Button onClick={() => add({ role: options[0]?.value })} icon={<PlusOutlined />}>{t('users.addRole')}</Button>
        </fieldset>
      )}
    </Form.List>
  );
}

interface NewUser {
  username: string;
  displayName: string;
  orgId: string;
  password: string;
  roles: RoleRow[];
}

function CreateUserDialog({ orgs, me, onClose }: { orgs: Org[]; me: Actor | null | undefined; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<NewUser>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const create = useMutation({
    mutationFn: (v: NewUser) => post<User>('/api/users', { ...v, roles: v.roles ?? [] }),
    onSuccess: async (user) => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      message.success(t('users.created', { name: user.displayName }));
      onClose();
    },
    onError: (err) => setError(showProblemOnForm(form, err, ['username', 'displayName', 'orgId', 'password', 'roles'])),
  });
  return (
    <Modal open width={640} title={t('users.create')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={create.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ orgId: me?.orgId, roles: [] }}
        onValuesChange={(changed: Partial<NewUser>, all) => {
          // A new person usually works where they belong: new role rows default to that org.
          if (changed.orgId) form.setFieldValue('roles', (all.roles ?? []).map((r) => ({ ...r, orgId: r.orgId ?? changed.orgId })));
        }}>
        <Form.Item label={t('users.field.username')} name="username" rules={[{ required: true, message: t('common.required') }]} extra={t('users.usernameHint')}>
          <Input autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item label={t('users.field.displayName')} name="displayName" rules={[{ required: true, message: t('common.required') }]}><Input maxLength={50} /></Form.Item>
        <Form.Item label={t('users.field.org')} name="orgId" rules={[{ required: true, message: t('common.required') }]}>
          <TreeSelect treeData={orgTree(orgs)} treeDefaultExpandAll showSearch treeNodeFilterProp="title" />
        </Form.Item>
        <Form.Item label={t('users.field.password')} name="password" rules={[{ required: true, message: t('common.required') }]} extra={t('password.rules')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <RoleRows orgs={orgs} me={me} />
      </Form>
    </Modal>
  );
}

function RolesDialog({ user, orgs, me, onClose }: { user: User; orgs: Org[]; me: Actor | null | undefined; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ roles: RoleRow[] }>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (v: { roles: RoleRow[] }) => api<User>('PUT', `/api/users/${user.id}/roles`, { roles: v.roles ?? [], version: user.version }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
    onError: (err) => setError(showProblemOnForm(form, err, ['roles'])),
  });
  return (
    <Modal open width={640} title={t('users.rolesOf', { name: user.displayName })} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={save.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} initialValues={{ roles: user.roles.map((g) => ({ role: g.role, orgId: g.orgId })) }}>
        <RoleRows orgs={orgs} me={me} />
      </Form>
    </Modal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ password: string }>();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const reset = useMutation({
    mutationFn: (v: { password: string }) => post<User>(`/api/users/${user.id}/password`, { password: v.password, version: user.version }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      message.success(t('users.passwordReset', { name: user.displayName }));
      onClose();
    },
    onError: (err) => setError(showProblemOnForm(form, err, ['password'])),
  });
  return (
    <Modal open title={t('users.resetPasswordOf', { name: user.displayName })} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={reset.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Typography.Paragraph type="secondary">{t('users.resetPasswordNote')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => reset.mutate(v)}>
        <Form.Item label={t('password.new')} name="password" rules={[{ required: true, message: t('common.required') }]} extra={t('password.rules')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
