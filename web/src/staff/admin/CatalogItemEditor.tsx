// The catalog editor (目录管理): every element of a service item in one keyboard-friendly antd Form —
// the basic elements, legal basis, conditions, the materials list (add, remove, reorder), fee,
// procedure, limits, special steps, and the process stages (each stage one or more handlers
// {department, level}: several handlers make a parallel stage, 并联). Field names follow ItemElements,
// so a 422's JSON pointer (`#/process/1/handlers/0/department`) names the form field it belongs to;
// a pointer naming a whole list (`#/process`) or a row shows under that list.
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert, Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Typography,
} from 'antd';
import type { FormInstance } from 'antd';
import { useMemo, useState } from 'react';
import {
  CASE_TYPES, HANDLING_MODES, ITEM_TYPES, LEVEL_LABELS, LIFE_EVENTS, MATERIAL_FORMS, MATERIAL_MEDIA, PROXY_CATEGORIES,
  type ItemElements,
} from '../../../../server/domain/catalog.ts';
import { STANDARD_DEPARTMENTS } from '../../../../server/domain/departments.ts';
import { ProblemError, problemDetail } from '../../api/client.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { namePathOf } from '../forms.ts';
import './catalog-editor.css';

type Values = Omit<ItemElements, 'fee' | 'keywords'> & {
  fee: { charged: boolean; standard?: string; basis?: string; amountYuan?: number | null };
  keywords?: string[];
};

/** Lists whose rows are objects: a pointer naming the row itself goes to this field of the row. */
const ROW_FIELD: Record<string, string> = { legalBasis: 'law', materials: 'name', specialSteps: 'name', process: 'name', handlers: 'department' };
/** Fields edited as one control although the API holds a list (a pointer into them names the control). */
const WHOLE = new Set(['acceptLevels', 'lifeEvents', 'keywords']);
/** Lists rendered as Form.List: errors naming the list itself show under it. */
const LISTS = ['legalBasis', 'preconditions', 'materials', 'procedure', 'specialSteps', 'process'];

export const EMPTY_ITEM: ItemElements = {
  code: '', name: '', itemType: 'public_service', department: '', overview: '', legalBasis: [{ law: '' }], preconditions: [],
  materials: [], fee: { charged: false }, procedure: [''], legalLimitDays: 20, committedLimitDays: 15, caseType: 'pledged',
  specialSteps: [], maxVisits: 1, handlingMode: 'direct', acceptLevels: ['county'],
  process: [{ name: '', handlers: [{ department: '', level: 'county' }], limitDays: 10 }], lifeEvents: [],
};

function toValues(e: ItemElements): Values {
  return { ...e, fee: e.fee.charged ? { ...e.fee } : { charged: false }, keywords: e.keywords ?? [] };
}

const blank = (s: string | undefined | null) => s === undefined || s === null || s.trim() === '';

/** The form's values as ItemElements: optional texts left empty are left out; rows stay where they are, so pointers match. */
export function toElements(v: Values): ItemElements {
  const opt = <K extends string>(key: K, s: string | undefined | null) => (blank(s) ? {} : { [key]: s }) as { [P in K]?: string };
  const fee: ItemElements['fee'] = v.fee?.charged
    ? {
      charged: true, standard: v.fee.standard ?? '', basis: v.fee.basis ?? '',
      ...(typeof v.fee.amountYuan === 'number' ? { amountYuan: v.fee.amountYuan } : {}),
    }
    : { charged: false };
  return {
    code: v.code ?? '', name: v.name ?? '', ...opt('shortName', v.shortName), itemType: v.itemType, department: v.department ?? '',
    overview: v.overview ?? '',
    legalBasis: (v.legalBasis ?? []).map((b) => ({ law: b?.law ?? '', ...opt('articles', b?.articles) })),
    preconditions: (v.preconditions ?? []).map((p) => p ?? ''),
    materials: (v.materials ?? []).map((m) => ({
      name: m?.name ?? '', requirement: m?.requirement, ...(m?.requirement === 'conditional' ? opt('condition', m.condition) : {}),
      form: m?.form, copies: m?.copies, medium: m?.medium, ...opt('sample', m?.sample), ...opt('note', m?.note),
    })),
    fee,
    procedure: (v.procedure ?? []).map((p) => p ?? ''),
    legalLimitDays: v.legalLimitDays, committedLimitDays: v.committedLimitDays, caseType: v.caseType,
    specialSteps: (v.specialSteps ?? []).map((s) => ({ name: s?.name ?? '', countsInLimit: !!s?.countsInLimit, maxDays: s?.maxDays })),
    maxVisits: v.maxVisits, handlingMode: v.handlingMode,
    ...(v.proxyCategory ? { proxyCategory: v.proxyCategory } : {}),
    acceptLevels: v.acceptLevels ?? [],
    process: (v.process ?? []).map((s) => ({
      name: s?.name ?? '', limitDays: s?.limitDays,
      handlers: (s?.handlers ?? []).map((h) => ({ department: h?.department ?? '', level: h?.level })),
    })),
    lifeEvents: v.lifeEvents ?? [],
    ...((v.keywords ?? []).length ? { keywords: v.keywords } : {}),
    ...opt('contact', v.contact),
  } as ItemElements;
}

/**
 * Puts each field error of a problem at its field; errors naming a list (or a row of one) are returned
 * by list pointer, to show under that list. Returns the problem's detail for the alert above the form.
 */
export function placeProblem(form: FormInstance, err: unknown): { detail: string; lists: Record<string, string[]> } {
  if (!(err instanceof ProblemError)) return { detail: problemDetail(err), lists: {} };
  const fields = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const lists: Record<string, string[]> = {};
  for (const e of err.errors) {
    let name = namePathOf(e.pointer);
    if (name.length === 0) continue;
    if (WHOLE.has(String(name[0]))) name = [name[0]!];
    const last = name[name.length - 1];
    if (typeof last === 'number') {
      const list = String(name[name.length - 2]);
      if (ROW_FIELD[list]) name = [...name, ROW_FIELD[list]!]; // a row: its first field
    } else if (LISTS.includes(String(last)) || last === 'handlers') {
      const key = name.join('/');
      (lists[key] ??= []).push(e.detail);
      continue;
    }
    if (name[0] === 'fee' && name.length === 1) name = ['fee', 'charged'];
    const key = JSON.stringify(name);
    const entry = fields.get(key) ?? { name, errors: [] };
    entry.errors.push(e.detail);
    fields.set(key, entry);
  }
  form.setFields([...fields.values()]);
  return { detail: err.detail, lists };
}

interface Props {
  initial: ItemElements;
  /** Code is fixed once the item exists. */
  codeLocked: boolean;
  busy: boolean;
  /** Saves (and with `publish`, publishes); throws the API's problem on refusal. */
  onSubmit: (elements: ItemElements, publish: boolean) => Promise<void>;
  onCancel: () => void;
}

export function CatalogItemEditor({ initial, codeLocked, busy, onSubmit, onCancel }: Props) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string | null>(null);
  const [lists, setLists] = useState<Record<string, string[]>>({});
  const initialValues = useMemo(() => toValues(initial), [initial]);
  const charged = Form.useWatch(['fee', 'charged'], form);
  const requirements = Form.useWatch('materials', form);

  const options = <K extends string>(labels: Record<K, string>, group: string) =>
    (Object.keys(labels) as K[]).map((k) => ({ value: k, label: tr(t, `${group}.${k}`, labels[k]) }));
  const levelOptions = options(LEVEL_LABELS, 'level');
  const departmentOptions = STANDARD_DEPARTMENTS.map((d) => ({ value: d.code, label: `${d.name}（${d.stationName}）` }));

  async function submit(publish: boolean) {
    setProblem(null);
    setLists({});
    // Clear earlier server errors; the client checks only what it must (the server checks everything).
    (form as FormInstance).setFields(form.getFieldsError().filter((f) => f.errors.length).map((f) => ({ name: f.name, errors: [] })));
    const values = form.getFieldsValue(true) as Values;
    try {
      await onSubmit(toElements(values), publish);
    } catch (err) {
      const placed = placeProblem(form, err);
      setProblem(placed.detail);
      setLists(placed.lists);
    }
  }

  const listErrors = (pointer: string) =>
    lists[pointer]?.length ? <Alert type="error" showIcon role="alert" className="form-alert" data-testid={`list-error-${pointer}`} title={lists[pointer]!.join('；')} /> : null;

  return (
    <Form
      form={form} layout="vertical" initialValues={initialValues} disabled={busy} data-testid="item-editor"
      onFinish={() => submit(false)} scrollToFirstError
    >
      {problem && <Alert type="error" showIcon role="alert" className="form-alert" title={problem} data-testid="editor-problem" />}

      <Card size="small" title={t('catalogEdit.basic')} className="form-alert">
        <Row gutter={12}>
          <Col xs={24} md={8}><Form.Item name="code" label={t('portal.guide.code')}><Input disabled={codeLocked} autoComplete="off" /></Form.Item></Col>
          <Col xs={24} md={10}><Form.Item name="name" label={t('catalog.name')}><Input autoFocus autoComplete="off" /></Form.Item></Col>
          <Col xs={24} md={6}><Form.Item name="shortName" label={t('catalog.shortName')}><Input autoComplete="off" /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="itemType" label={t('portal.guide.itemType')}><Select options={options(ITEM_TYPES, 'itemType')} /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="caseType" label={t('portal.guide.caseType')}><Select options={options(CASE_TYPES, 'caseType')} /></Form.Item></Col>
          <Col xs={24} md={8}>
            <Form.Item name="department" label={t('catalogEdit.department')}>
              <Select showSearch optionFilterProp="label" options={departmentOptions} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}><Form.Item name="handlingMode" label={t('portal.guide.handlingMode')}><Select options={options(HANDLING_MODES, 'handlingMode')} /></Form.Item></Col>
          <Col xs={24} md={8}>
            <Form.Item name="proxyCategory" label={t('catalogEdit.proxyCategory')}>
              <Select allowClear placeholder={t('catalogEdit.notProxied')} options={options(PROXY_CATEGORIES, 'proxyCategory')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}><Form.Item name="maxVisits" label={t('portal.guide.visits')}><InputNumber min={0} max={20} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="legalLimitDays" label={t('catalogEdit.legalLimitDays')}><InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="committedLimitDays" label={t('catalogEdit.committedLimitDays')}><InputNumber min={0} max={365} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={24} md={8}>
            <Form.Item name="acceptLevels" label={t('portal.guide.acceptLevels')}>
              <Checkbox.Group options={levelOptions} />
            </Form.Item>
          </Col>
          <Col xs={24}><Form.Item name="overview" label={t('portal.guide.overview')}><Input.TextArea rows={3} /></Form.Item></Col>
          <Col xs={24} md={12}>
            <Form.Item name="lifeEvents" label={t('catalog.lifeEvent')}>
              <Select mode="multiple" allowClear options={options(LIFE_EVENTS, 'lifeEvent')} optionFilterProp="label" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="keywords" label={t('catalog.keywords')} extra={t('catalogEdit.keywordsHint')}>
              <Select mode="tags" tokenSeparators={['、', ',', '，']} open={false} suffixIcon={null} />
            </Form.Item>
          </Col>
          <Col xs={24}><Form.Item name="contact" label={t('portal.guide.contact')}><Input.TextArea rows={2} /></Form.Item></Col>
        </Row>
      </Card>

      <Card size="small" title={t('portal.guide.legalBasis')} className="form-alert">
        <Form.List name="legalBasis">
          {(rows, { add, remove }) => (
            <>
              {listErrors('legalBasis')}
              {rows.map((row, i) => (
                <Space key={row.key} align="start" wrap className="editor-row">
                  <Form.Item name={[row.name, 'law']} label={t('catalogEdit.law', { n: i + 1 })}><Input style={{ width: 320 }} /></Form.Item>
                  <Form.Item name={[row.name, 'articles']} label={t('catalogEdit.articles')}><Input style={{ width: 200 }} /></Form.Item>
                  <Button aria-label={t('catalogEdit.removeRow', { n: i + 1 })} icon={<DeleteOutlined />} onClick={() => remove(row.name)} className="editor-row-btn" />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ law: '' })}>{t('catalogEdit.addLaw')}</Button>
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title={t('portal.guide.preconditions')} className="form-alert">
        <TextList name="preconditions" label={(n) => t('catalogEdit.precondition', { n })} addLabel={t('catalogEdit.addPrecondition')} errors={listErrors('preconditions')} />
      </Card>

      <Card size="small" title={t('portal.guide.materials')} className="form-alert" data-testid="materials-editor">
        <Form.List name="materials">
          {(rows, { add, remove, move }) => (
            <>
              {listErrors('materials')}
              {rows.map((row, i) => {
                const conditional = requirements?.[row.name]?.requirement === 'conditional';
                return (
                  <div key={row.key} className="editor-block" data-testid={`material-${i}`}>
                    <Space align="start" wrap>
                      <Typography.Text strong>{i + 1}.</Typography.Text>
                      <Form.Item name={[row.name, 'name']} label={t('catalog.material')}><Input style={{ width: 240 }} /></Form.Item>
                      <Form.Item name={[row.name, 'requirement']} label={t('catalog.requirement')}>
                        <Select style={{ width: 110 }} options={[{ value: 'required', label: t('portal.guide.required') }, { value: 'conditional', label: t('portal.guide.conditional') }]} />
                      </Form.Item>
                      {conditional && <Form.Item name={[row.name, 'condition']} label={t('catalogEdit.condition')}><Input style={{ width: 220 }} /></Form.Item>}
                      <Form.Item name={[row.name, 'form']} label={t('catalog.form')}><Select style={{ width: 130 }} options={options(MATERIAL_FORMS, 'materialForm')} /></Form.Item>
                      <Form.Item name={[row.name, 'copies']} label={t('catalog.copies')}><InputNumber min={1} max={20} precision={0} style={{ width: 80 }} /></Form.Item>
                      <Form.Item name={[row.name, 'medium']} label={t('catalog.medium')}><Select style={{ width: 130 }} options={options(MATERIAL_MEDIA, 'materialMedium')} /></Form.Item>
                      <Form.Item name={[row.name, 'sample']} label={t('catalog.sample')}><Input style={{ width: 160 }} /></Form.Item>
                      <Form.Item name={[row.name, 'note']} label={t('catalogEdit.note')}><Input style={{ width: 160 }} /></Form.Item>
                      <Space className="editor-row-btn">
                        <Button aria-label={t('catalogEdit.moveUp', { n: i + 1 })} icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, i - 1)} />
                        <Button aria-label={t('catalogEdit.moveDown', { n: i + 1 })} icon={<ArrowDownOutlined />} disabled={i === rows.length - 1} onClick={() => move(i, i + 1)} />
                        <Button aria-label={t('catalogEdit.removeRow', { n: i + 1 })} icon={<DeleteOutlined />} onClick={() => remove(row.name)} />
                      </Space>
                    </Space>
                  </div>
                );
              })}
              <Button icon={<PlusOutlined />} onClick={() => add({ name: '', requirement: 'required', form: 'original', copies: 1, medium: 'paper' })} data-testid="add-material">
                {t('catalogEdit.addMaterial')}
              </Button>
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title={t('catalogEdit.fee')} className="form-alert">
        <Space align="start" wrap>
          <Form.Item name={['fee', 'charged']} label={t('catalogEdit.charged')} valuePropName="checked"><Switch /></Form.Item>
          {charged && (
            <>
              <Form.Item name={['fee', 'standard']} label={t('portal.guide.feeStandard')}><Input style={{ width: 240 }} /></Form.Item>
              <Form.Item name={['fee', 'basis']} label={t('portal.guide.feeBasis')}><Input style={{ width: 240 }} /></Form.Item>
              <Form.Item name={['fee', 'amountYuan']} label={t('catalogEdit.amountYuan')}><InputNumber min={0} precision={2} style={{ width: 140 }} /></Form.Item>
            </>
          )}
        </Space>
      </Card>

      <Card size="small" title={t('portal.guide.procedure')} className="form-alert">
        <TextList name="procedure" label={(n) => t('catalogEdit.step', { n })} addLabel={t('catalogEdit.addStep')} errors={listErrors('procedure')} />
      </Card>

      <Card size="small" title={t('portal.guide.specialSteps')} className="form-alert">
        <Form.List name="specialSteps">
          {(rows, { add, remove }) => (
            <>
              {listErrors('specialSteps')}
              {rows.map((row, i) => (
                <Space key={row.key} align="start" wrap className="editor-row">
                  <Form.Item name={[row.name, 'name']} label={t('catalogEdit.specialStep', { n: i + 1 })}><Input style={{ width: 200 }} /></Form.Item>
                  <Form.Item name={[row.name, 'maxDays']} label={t('catalogEdit.maxDays')}><InputNumber min={0} max={365} precision={0} /></Form.Item>
                  <Form.Item name={[row.name, 'countsInLimit']} label={t('portal.guide.countsIn')} valuePropName="checked"><Checkbox /></Form.Item>
                  <Button aria-label={t('catalogEdit.removeRow', { n: i + 1 })} icon={<DeleteOutlined />} onClick={() => remove(row.name)} className="editor-row-btn" />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ name: '', countsInLimit: false, maxDays: 10 })}>{t('catalogEdit.addSpecialStep')}</Button>
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title={t('catalog.process')} className="form-alert" data-testid="process-editor">
        <Typography.Paragraph type="secondary">{t('catalogEdit.processHint')}</Typography.Paragraph>
        <Form.List name="process">
          {(stages, { add, remove, move }) => (
            <>
              {listErrors('process')}
              {stages.map((stage, i) => (
                <div key={stage.key} className="editor-block" data-testid={`stage-${i}`} role="group" aria-label={t('catalogEdit.stage', { n: i + 1 })}>
                  <Space align="start" wrap>
                    <Typography.Text strong>{t('catalogEdit.stage', { n: i + 1 })}</Typography.Text>
                    <Form.Item name={[stage.name, 'name']} label={t('catalogEdit.stageName')}><Input style={{ width: 200 }} /></Form.Item>
                    <Form.Item name={[stage.name, 'limitDays']} label={t('catalogEdit.stageDays')}><InputNumber min={0} max={365} precision={0} /></Form.Item>
                    <Space className="editor-row-btn">
                      <Button aria-label={t('catalogEdit.moveUp', { n: i + 1 })} icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, i - 1)} />
                      <Button aria-label={t('catalogEdit.moveDown', { n: i + 1 })} icon={<ArrowDownOutlined />} disabled={i === stages.length - 1} onClick={() => move(i, i + 1)} />
                      <Button aria-label={t('catalogEdit.removeStage', { n: i + 1 })} icon={<DeleteOutlined />} onClick={() => remove(stage.name)} />
                    </Space>
                  </Space>
                  <Form.List name={[stage.name, 'handlers']}>
                    {(handlers, h) => (
                      <div className="editor-handlers">
                        {listErrors(`process/${i}/handlers`)}
                        {handlers.length > 1 && <Typography.Text type="secondary">{t('catalogEdit.parallel')}</Typography.Text>}
                        {handlers.map((handler, j) => (
                          <div key={handler.key}><Space align="start" wrap data-testid={`stage-${i}-handler-${j}`}>
                            <Form.Item name={[handler.name, 'department']} label={t('catalogEdit.handlerDepartment', { n: j + 1 })}>
                              <Select showSearch optionFilterProp="label" options={departmentOptions} style={{ width: 260 }} />
                            </Form.Item>
                            <Form.Item name={[handler.name, 'level']} label={t('catalogEdit.handlerLevel', { n: j + 1 })}>
                              <Select options={levelOptions} style={{ width: 140 }} />
                            </Form.Item>
                            <Button aria-label={t('catalogEdit.removeHandler', { n: j + 1 })} icon={<DeleteOutlined />} onClick={() => h.remove(handler.name)} className="editor-row-btn" />
                          </Space></div>
                        ))}
                        <Button size="small" icon={<PlusOutlined />} onClick={() => h.add({ department: '', level: 'county' })} data-testid={`stage-${i}-add-handler`}>
                          {t('catalogEdit.addHandler')}
                        </Button>
                      </div>
                    )}
                  </Form.List>
                </div>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ name: '', limitDays: 5, handlers: [{ department: '', level: 'county' }] })} data-testid="add-stage">
                {t('catalogEdit.addStage')}
              </Button>
            </>
          )}
        </Form.List>
      </Card>

      <Space wrap className="form-alert">
        <Button type="primary" htmlType="submit" loading={busy} data-testid="save-draft">{t('catalogEdit.saveDraft')}</Button>
        <Button onClick={() => submit(true)} loading={busy} data-testid="save-publish">{t('catalogEdit.saveAndPublish')}</Button>
        <Button onClick={onCancel} disabled={busy}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}

/** A list of one-line texts (conditions, procedure steps). */
function TextList({ name, label, addLabel, errors }: { name: string; label: (n: number) => string; addLabel: string; errors: React.ReactNode }) {
  const t = useT();
  return (
    <Form.List name={name}>
      {(rows, { add, remove }) => (
        <>
          {errors}
          {rows.map((row, i) => (
            <Space key={row.key} align="start" className="editor-row">
              <Form.Item name={[row.name]} label={label(i + 1)}><Input style={{ width: 420 }} /></Form.Item>
              <Button aria-label={t('catalogEdit.removeRow', { n: i + 1 })} icon={<DeleteOutlined />} onClick={() => remove(row.name)} className="editor-row-btn" />
            </Space>
          ))}
          <Button icon={<PlusOutlined />} onClick={() => add('')}>{addLabel}</Button>
        </>
      )}
    </Form.List>
  );
}

/** A dictionary label, or the domain's Chinese one when the dictionary has none. */
function tr(t: ReturnType<typeof useT>, key: string, fallback: string): string {
  const text = t(key as MessageKey);
  return text === key ? fallback : text;
}
