// The org tree (county → township → village …): view an org, create a child, edit or move it where
// the server allows. Field errors from the server appear at their fields.
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Row, Select, Space, Tree, TreeSelect, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { ORG_LEVELS, canBeChildOf } from '../../../../server/domain/org-tree.ts';
import { api, post } from '../../api/client.ts';
import type { Org, OrgLevel } from '../../api/types.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { showProblemOnForm } from '../forms.ts';
import { ORGS_KEY, orgTree, useOrgs } from '../orgs.ts';
import { can, hasRole, useMe } from '../session.ts';

type OrgForm = Pick<Org, 'code' | 'name' | 'level'> & { address?: string; phone?: string; openingHours?: string };
const ORG_FIELDS = ['code', 'name', 'level', 'address', 'phone', 'openingHours', 'parentId'] as const;

export default function OrgsPage() {
  const t = useT();
  const { data: me } = useMe();
  const orgs = useOrgs();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'create' | 'edit' | 'move' | null>(null);
  const levelName = (l: OrgLevel) => t(`level.${l}` as MessageKey);

  const tree = useMemo(() => orgTree(orgs.data ?? [], (o) => `${o.name}`), [orgs.data]);
  const selected = orgs.data?.find((o) => o.id === (selectedId ?? tree[0]?.key)) ?? null;
  const manage = can(me, 'orgs.manage');
  // A center manager may correct an org's address, phone and hours (the name is the system admin's).
  const editContacts = manage || hasRole(me, 'center_manager');

  return (
    <div className="page">
      <Typography.Title level={2}>{t('orgs.title')}</Typography.Title>
      {orgs.error && <Alert type="error" showIcon title={(orgs.error as Error).message} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={10} lg={8}>
          <Card title={t('orgs.tree')} size="small" loading={orgs.isPending}>
            {tree.length > 0 && (
              <Tree
                data-testid="org-tree"
                treeData={tree}
                defaultExpandedKeys={tree.flatMap((n) => [n.key, ...n.children.map((c) => c.key)])}
                selectedKeys={selected ? [selected.id] : []}
                onSelect={(keys) => keys[0] && setSelectedId(String(keys[0]))}
                blockNode
              />
            )}
          </Card>
        </Col>
        <Col xs={24} md={14} lg={16}>
          <Card
            title={selected ? selected.name : t('orgs.none')}
            size="small"
          >
            {selected && editContacts && (
              <Space wrap className="toolbar">
                {manage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('create')} disabled={selected.level === 'village'}>{t('orgs.createChild')}</Button>}
                <Button onClick={() => setDialog('edit')}>{t('common.edit')}</Button>
                {manage && selected.parentId && <Button onClick={() => setDialog('move')}>{t('orgs.move')}</Button>}
              </Space>
            )}
            {selected ? (
              <Descriptions column={1} bordered size="small" data-testid="org-detail">
                <Descriptions.Item label={t('orgs.field.name')}>{selected.name}</Descriptions.Item>
                <Descriptions.Item label={t('orgs.field.code')}>{selected.code}</Descriptions.Item>
                <Descriptions.Item label={t('orgs.field.level')}>{levelName(selected.level)}</Descriptions.Item>
                <Descriptions.Item label={t('orgs.field.parent')}>{orgs.data?.find((o) => o.id === selected.parentId)?.name ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('orgs.field.address')}>{selected.address ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('orgs.field.phone')}>{selected.phone ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('orgs.field.openingHours')}>{selected.openingHours ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('orgs.field.children')}>
                  {orgs.data?.filter((o) => o.parentId === selected.id).map((o) => o.name).join('、') || '—'}
                </Descriptions.Item>
              </Descriptions>
            ) : <Empty />}
          </Card>
        </Col>
      </Row>
      {selected && dialog === 'create' && <CreateOrgDialog parent={selected} onClose={(id) => { setDialog(null); if (id) setSelectedId(id); }} />}
      {selected && dialog === 'edit' && <EditOrgDialog org={selected} nameEditable={hasRole(me, 'system_admin')} onClose={() => setDialog(null)} />}
      {selected && dialog === 'move' && <MoveOrgDialog org={selected} orgs={orgs.data ?? []} onClose={() => setDialog(null)} />}
    </div>
  );
}

function useLevelOptions(parentLevel: OrgLevel) {
  const t = useT();
  return ORG_LEVELS.filter((l) => canBeChildOf(l, parentLevel)).map((l) => ({ value: l, label: t(`level.${l}` as MessageKey) }));
}

function OrgFields({ withCode, levels, nameEditable = true }: { withCode: boolean; levels?: { value: OrgLevel; label: string }[]; nameEditable?: boolean }) {
  const t = useT();
  const req = [{ required: true, message: t('common.required') }];
  return (
    <>
      <Form.Item label={t('orgs.field.name')} name="name" rules={req}><Input maxLength={100} disabled={!nameEditable} /></Form.Item>
      {withCode && <Form.Item label={t('orgs.field.code')} name="code" rules={req} extra={t('orgs.codeHint')}><Input maxLength={32} /></Form.Item>}
      {levels && <Form.Item label={t('orgs.field.level')} name="level" rules={req}><Select options={levels} /></Form.Item>}
      <Form.Item label={t('orgs.field.address')} name="address"><Input maxLength={200} /></Form.Item>
      <Form.Item label={t('orgs.field.phone')} name="phone"><Input maxLength={40} /></Form.Item>
      <Form.Item label={t('orgs.field.openingHours')} name="openingHours" extra={t('orgs.hoursHint')}><Input maxLength={200} /></Form.Item>
    </>
  );
}

function CreateOrgDialog({ parent, onClose }: { parent: Org; onClose: (createdId?: string) => void }) {
  const t = useT();
  const [form] = Form.useForm<OrgForm>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const levels = useLevelOptions(parent.level);
  const create = useMutation({
    mutationFn: (v: OrgForm) => post<Org>('/api/orgs', { ...compact(v), parentId: parent.id }),
    onSuccess: async (org) => {
      await queryClient.invalidateQueries({ queryKey: ORGS_KEY });
      message.success(t('orgs.created', { name: org.name }));
      onClose(org.id);
    },
    onError: (err) => setError(showProblemOnForm(form, err, ORG_FIELDS)),
  });
  return (
    <Modal open title={t('orgs.createUnder', { name: parent.name })} onCancel={() => onClose()} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={create.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ level: levels[0]?.value }}>
        <OrgFields withCode levels={levels} />
      </Form>
    </Modal>
  );
}

function EditOrgDialog({ org, nameEditable, onClose }: { org: Org; nameEditable: boolean; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<OrgForm>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const save = useMutation({
    // A cleared contact field is removed (null), not saved as an empty string.
    mutationFn: (v: OrgForm) => api<Org>('PATCH', `/api/orgs/${org.id}`, {
      ...(v.name !== org.name ? { name: v.name } : {}),
      address: v.address || null, phone: v.phone || null, openingHours: v.openingHours || null, version: org.version,
    }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ORGS_KEY });
      onClose();
    },
    onError: (err) => setError(showProblemOnForm(form, err, ORG_FIELDS)),
  });
  return (
    <Modal open title={t('orgs.editTitle', { name: org.name })} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={save.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}
        initialValues={{ name: org.name, address: org.address ?? '', phone: org.phone ?? '', openingHours: org.openingHours ?? '' }}>
        <OrgFields withCode={false} nameEditable={nameEditable} />
      </Form>
    </Modal>
  );
}

function MoveOrgDialog({ org, orgs, onClose }: { org: Org; orgs: Org[]; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ parentId: string }>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  // Not into itself or below itself, and only under a higher level.
  const below = (o: Org): boolean => o.id === org.id || (!!o.parentId && below(orgs.find((p) => p.id === o.parentId) ?? o));
  const candidates = orgs.filter((o) => !below(o) && canBeChildOf(org.level, o.level));
  const tree = orgTree(orgs).map(function mark(n): object {
    return { ...n, disabled: !candidates.includes(n.org), children: n.children.map(mark) };
  });
  const move = useMutation({
    mutationFn: (v: { parentId: string }) => post<Org>(`/api/orgs/${org.id}/move`, { parentId: v.parentId, version: org.version }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ORGS_KEY });
      onClose();
    },
    onError: (err) => setError(showProblemOnForm(form, err, ['parentId'])),
  });
  return (
    <Modal open title={t('orgs.moveTitle', { name: org.name })} onCancel={onClose} onOk={() => form.submit()} okText={t('orgs.move')} confirmLoading={move.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => move.mutate(v)} initialValues={{ parentId: org.parentId ?? undefined }}>
        <Form.Item label={t('orgs.newParent')} name="parentId" rules={[{ required: true, message: t('common.required') }]}>
          <TreeSelect treeData={tree} treeDefaultExpandAll showSearch treeNodeFilterProp="title" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Empty optional fields are left out rather than sent as "". */
function compact<T extends object>(v: T): Partial<T> {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== '')) as Partial<T>;
}
