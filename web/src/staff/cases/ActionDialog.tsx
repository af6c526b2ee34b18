// The form of one case action: only the fields that action takes (routes.ts ACTION_FIELDS), sent with
// the version the page read and an Idempotency-Key, so a double click or a retry does it once. A 409
// (someone acted first) closes the form and asks the page to reload; field errors sit at their fields.
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Form, Input, InputNumber, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { get } from '../../api/client.ts';
import { actOnCase, isConflict, newIdempotencyKey, useRefreshCases, useUnitsOfOrg } from '../../cases/api.ts';
import { actionLabel, codeLabel, handlerName } from '../../cases/format.ts';
import {
  DELIVERY_METHODS, REFUSAL_GROUNDS, SPECIAL_PROCEDURES, type ActionBody, type CaseActionOnCase, type CaseDetail, type UnitRow,
} from '../../cases/types.ts';
import { useT } from '../../i18n/index.ts';
import type { Guide } from '../../portal/api.ts';
import { showProblemOnForm } from '../forms.ts';

interface Values {
  opinion?: string;
  to?: string;
  ground?: ActionBody['ground'];
  reason?: string;
  referTo?: string;
  missingPicked?: string[];
  missingOther?: string;
  handler?: number;
  procedure?: ActionBody['procedure'];
  expectedDays?: number;
  days?: number;
  outcome?: 'approve' | 'deny';
  method?: ActionBody['method'];
  trackingNo?: string;
  feeCharged?: number | null;
}

const FIELDS = ['opinion', 'to', 'ground', 'reason', 'referTo', 'missing', 'handler', 'procedure', 'expectedDays', 'days', 'outcome', 'method', 'trackingNo', 'feeCharged'];

/** Lines typed into a textarea, each one thing. */
export const linesOf = (text: string | undefined) => (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

export function bodyOf(action: CaseActionOnCase, v: Values, c: Pick<CaseDetail, 'version' | 'materialsNotice'>): ActionBody {
  const body: ActionBody = { version: c.version };
  if (v.opinion?.trim()) body.opinion = v.opinion.trim();
  switch (action) {
    case 'transfer': if (v.to) body.to = v.to; break;
    case 'refuse':
      body.ground = v.ground;
      body.reason = v.reason ?? '';
      if (v.ground === 'not_competent') body.referTo = v.referTo ?? '';
      break;
    case 'request_materials': body.missing = [...(v.missingPicked ?? []), ...linesOf(v.missingOther)]; break;
    case 'complete_stage': if (v.handler !== undefined) body.handler = v.handler; break;
    case 'return': body.reason = v.reason ?? ''; break;
    case 'suspend': body.procedure = v.procedure; body.reason = v.reason ?? ''; body.expectedDays = v.expectedDays; break;
    case 'extend': body.days = v.days; body.reason = v.reason ?? ''; break;
    case 'decide':
      body.outcome = v.outcome;
      if (v.outcome === 'deny') body.reason = v.reason ?? '';
      break;
    case 'deliver':
      body.method = v.method;
      if (v.method === 'post' && v.trackingNo?.trim()) body.trackingNo = v.trackingNo.trim();
      if (typeof v.feeCharged === 'number') body.feeCharged = v.feeCharged;
      break;
    case 'withdraw': if (v.reason?.trim()) body.reason = v.reason.trim(); break;
    // What the notice asked for arrived: it goes on the case's record of materials (and batch manifests).
    case 'supplement': if (c.materialsNotice?.missing.length) body.attachments = c.materialsNotice.missing; break;
    default: break;
  }
  return body;
}

/** The item's materials as published (the case keeps its own version; the names rarely change). */
export function useItemMaterials(itemId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['portal', 'guide', itemId],
    queryFn: () => get<Guide>(`/api/public/catalog/${encodeURIComponent(itemId)}`),
    enabled,
    select: (g) => g.materials,
    retry: false,
  });
}

interface Props {
  c: CaseDetail;
  action: CaseActionOnCase;
  onClose: () => void;
  onStale: (detail: string) => void;
  onDone?: () => void;
}

export function ActionDialog({ c, action, onClose, onStale, onDone }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = useRefreshCases();
  const label = actionLabel(t, action, c.allowedActions.find((a) => a.action === action)?.label);
  const ground = Form.useWatch('ground', form);
  const outcome = Form.useWatch('outcome', form);
  const method = Form.useWatch('method', form);

  async function submit(values: Values) {
    setBusy(true);
    setError(null);
    try {
      await actOnCase(c.id, action, bodyOf(action, values, c), key);
      message.success(t('case.actionDone', { action: label }));
      await refresh();
      onDone?.();
      onClose();
    } catch (err) {
      if (isConflict(err)) {
        onStale(showProblemOnForm(form, err, []));
        await refresh();
        return;
      }
      const aliases: Record<string, string> = { missing: 'missingOther' };
      setError(showProblemOnForm(form, err, [...FIELDS, 'missingOther'], aliases));
    } finally {
      setBusy(false);
    }
  }

  const initial: Values = {
    ...(action === 'transfer' && c.suggestedTransfer ? { to: c.suggestedTransfer.id } : {}),
    ...(action === 'decide' ? { outcome: 'approve' } : {}),
    ...(action === 'deliver' ? { method: c.currentUnit.kind === 'village_room' ? 'village_cadre' : 'counter' } : {}),
    ...(action === 'suspend' ? { procedure: 'site_survey', expectedDays: 5 } : {}),
    ...(action === 'refuse' ? { ground: 'ineligible' } : {}),
  };

  return (
    <Modal open title={t('case.actionTitle', { action: label, number: c.number })} onCancel={onClose} footer={null} destroyOnHidden width={560}>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={submit}
        disabled={busy}
        data-testid="action-form"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            form.submit();
          }
        }}
      >
        <Typography.Paragraph type="secondary">{t(`case.help.${action}`)}</Typography.Paragraph>
        {error && <Alert className="form-alert" type="error" showIcon role="alert" title={error} />}
        <Fields c={c} action={action} ground={ground} outcome={outcome} method={method} />
        <Form.Item name="opinion" label={t('case.field.opinion')}>
          <Input.TextArea rows={2} maxLength={2000} autoFocus={!['transfer', 'refuse', 'request_materials', 'return', 'suspend', 'extend', 'decide', 'deliver', 'withdraw', 'complete_stage'].includes(action)} />
        </Form.Item>
        <Space className="dialog-buttons">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={busy} danger={action === 'refuse' || action === 'withdraw'} data-testid="action-submit">
            {label}
          </Button>
          <Typography.Text type="secondary" className="shortcut-hint">{t('case.ctrlEnter')}</Typography.Text>
        </Space>
      </Form>
    </Modal>
  );
}

function Fields({ c, action, ground, outcome, method }: { c: CaseDetail; action: CaseActionOnCase; ground?: string; outcome?: string; method?: string }) {
  const t = useT();
  const required = [{ required: true, whitespace: true, message: t('common.required') }];
  switch (action) {
    case 'transfer':
      return <TransferField c={c} />;
    case 'refuse':
      return (
        <>
          <Form.Item name="ground" label={t('case.field.ground')} rules={[{ required: true, message: t('common.required') }]}>
            <Select autoFocus options={REFUSAL_GROUNDS.filter((g) => g !== 'not_supplemented' || c.state === 'awaiting_materials')
              .map((g) => ({ value: g, label: codeLabel(t, 'refusalGround', g) }))} />
          </Form.Item>
          <Form.Item name="reason" label={t('case.field.refuseReason')} rules={required} extra={t('case.rightsNote')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          {ground === 'not_competent' && (
            <Form.Item name="referTo" label={t('case.field.referTo')} rules={required}>
              <Input maxLength={200} />
            </Form.Item>
          )}
        </>
      );
    case 'request_materials':
      return <MissingFields c={c} />;
    case 'complete_stage': {
      const stage = c.stages[c.stageIndex];
      if (!stage || stage.handlers.length < 2) return null;
      return (
        <Form.Item name="handler" label={t('case.field.handler')} extra={t('case.handlerHint')}>
          <Radio.Group>
            <Space orientation="vertical">
              {stage.handlers.map((h, i) => (
                <Radio key={i} value={i} disabled={h.done}>{handlerName(t, h.department, h.level)} {h.done && <Tag color="green">{t('case.done')}</Tag>}</Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
      );
    }
    case 'return':
      return (
        <Form.Item name="reason" label={t('case.field.returnReason')} rules={required}>
          <Input.TextArea rows={3} maxLength={2000} autoFocus />
        </Form.Item>
      );
    case 'suspend':
      return (
        <>
          <Form.Item name="procedure" label={t('case.field.procedure')} rules={[{ required: true, message: t('common.required') }]}>
            <Select autoFocus options={SPECIAL_PROCEDURES.map((p) => ({ value: p, label: codeLabel(t, 'procedure', p) }))} />
          </Form.Item>
          <Form.Item name="reason" label={t('case.field.suspendReason')} rules={required}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Form.Item name="expectedDays" label={t('case.field.expectedDays')} rules={[{ required: true, message: t('common.required') }]} extra={t('case.suspendHint')}>
            <InputNumber min={1} max={365} precision={0} />
          </Form.Item>
        </>
      );
    case 'extend':
      return (
        <>
          <Form.Item name="days" label={t('case.field.days')} rules={[{ required: true, message: t('common.required') }]} extra={t('case.extendHint')}>
            <InputNumber min={1} max={c.item.caseType === 'joint' ? 15 : 10} precision={0} autoFocus />
          </Form.Item>
          <Form.Item name="reason" label={t('case.field.extendReason')} rules={required}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </>
      );
    case 'decide':
      return (
        <>
          <Form.Item name="outcome" label={t('case.field.outcome')} rules={[{ required: true, message: t('common.required') }]}>
            <Radio.Group>
              <Radio value="approve" autoFocus>{t('case.approve')}</Radio>
              <Radio value="deny">{t('case.deny')}</Radio>
            </Radio.Group>
          </Form.Item>
          {outcome === 'deny' && (
            <Form.Item name="reason" label={t('case.field.denyReason')} rules={required} extra={t('case.rightsNote')}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          )}
        </>
      );
    case 'deliver':
      return (
        <>
          <Form.Item name="method" label={t('case.field.method')} rules={[{ required: true, message: t('common.required') }]}>
            <Radio.Group>
              {DELIVERY_METHODS.filter((m) => m !== 'village_cadre' || c.currentUnit.kind === 'village_room').map((m, i) => (
                <Radio key={m} value={m} autoFocus={i === 0}>{codeLabel(t, 'delivery', m)}</Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          {method === 'post' && (
            <Form.Item name="trackingNo" label={t('case.trackingNo')}>
              <Input maxLength={64} />
            </Form.Item>
          )}
          <Form.Item name="feeCharged" label={t('case.field.feeCharged')} extra={t('case.field.feeChargedHint')}>
            <InputNumber min={0} max={10_000_000} precision={2} step={1} addonAfter={t('case.yuan')} style={{ width: 200 }} />
          </Form.Item>
        </>
      );
    case 'withdraw':
      return (
        <Form.Item name="reason" label={t('case.field.withdrawReason')}>
          <Input.TextArea rows={2} maxLength={2000} autoFocus />
        </Form.Item>
      );
    default:
      return null;
  }
}

/**
 * The units the server says the holder may transfer to now (transferTargets, suggested first); an older
 * server without them: the suggested receiver, then the units of the holder's org that handle the stage.
 */
function TransferField({ c }: { c: CaseDetail }) {
  const t = useT();
  const fromServer = c.transferTargets !== undefined;
  const units = useUnitsOfOrg(fromServer ? undefined : c.currentUnit.orgId || undefined);
  const stage = c.stages[c.stageIndex];
  const options = useMemo(() => (fromServer ? serverTransferOptions(c) : transferOptions(c, units.data ?? [])), [c, fromServer, units.data]);
  return (
    <Form.Item name="to" label={t('case.field.to')} rules={[{ required: true, message: t('common.required') }]}
      extra={stage ? t('case.transferHint', { stage: stage.name, who: stage.handlers.filter((h) => !h.done).map((h) => handlerName(t, h.department, h.level)).join('、') }) : undefined}>
      <Select autoFocus showSearch optionFilterProp="label" loading={!fromServer && units.isPending} data-testid="transfer-target"
        options={options.map((o) => ({ value: o.id, label: o.suggested ? `${o.name}（${t('case.suggested')}）` : o.handles ? `${o.name}（${t('case.handlesStage')}）` : o.name }))} />
    </Form.Item>
  );
}

/** transferTargets as options: the suggested one marked, and the windows and rooms that handle the current stage. */
export function serverTransferOptions(c: CaseDetail) {
  // The server lists a window or room only when it handles the current stage.
  const handling = new Set(['handling_window', 'handling_room']);
  return (c.transferTargets ?? []).map((u) => ({
    id: u.id, name: u.name, suggested: u.id === c.suggestedTransfer?.id,
    handles: handling.has(u.kind) && u.id !== c.suggestedTransfer?.id,
  }));
}

export function transferOptions(c: CaseDetail, units: UnitRow[]) {
  const stage = c.stages[c.stageIndex];
  const wanted = new Set((stage?.handlers ?? []).filter((h) => !h.done).map((h) => h.department));
  const out: { id: string; name: string; suggested: boolean; handles: boolean }[] = [];
  if (c.suggestedTransfer) out.push({ id: c.suggestedTransfer.id, name: c.suggestedTransfer.name, suggested: true, handles: false });
  const rest = units
    .filter((u) => u.id !== c.currentUnit.id && u.id !== c.suggestedTransfer?.id && u.kind !== 'village_room' && u.active)
    .map((u) => ({ id: u.id, name: `${c.currentUnit.orgName}${u.name}`, suggested: false, handles: !!u.departmentCode && wanted.has(u.departmentCode) }))
    .sort((a, b) => Number(b.handles) - Number(a.handles));
  return [...out, ...rest];
}

/** 一次性告知: tick every material that is missing or wrong, add anything else, in one notice. */
function MissingFields({ c }: { c: CaseDetail }) {
  const t = useT();
  const materials = useItemMaterials(c.item.id, true);
  return (
    <>
      <Form.Item name="missingPicked" label={t('case.field.missing')}>
        <Checkbox.Group className="missing-list">
          <Space orientation="vertical">
            {(materials.data ?? []).map((m) => (
              <Checkbox key={m.name} value={m.name}>
                {m.name}
                {m.condition && <Typography.Text type="secondary">（{t('portal.guide.when', { condition: m.condition })}）</Typography.Text>}
              </Checkbox>
            ))}
          </Space>
        </Checkbox.Group>
      </Form.Item>
      <Form.Item name="missingOther" label={t('case.field.missingOther')} extra={t('case.missingOtherHint')}>
        <Input.TextArea rows={3} />
      </Form.Item>
    </>
  );
}
