// One signal: its case (linked), rule and basis, the responsible unit, person and head, the timeline
// of follow-up steps, and only the steps the server says this person may take now, each with a
// reason field. A 409 (someone acted first) is explained in words and the page reloads the signal.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Row, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ProblemError, problemDetail } from '../../api/client.ts';
import { SIGNALS_KEY, SUPERVISOR_STEPS, TEXT_REQUIRED, stepSignal, useSignal, type SignalDetail, type SignalStep } from '../../api/supervision.ts';
import { formatDateTime, stateLabel } from '../../cases/format.ts';
import type { CaseState } from '../../cases/types.ts';
import { useT } from '../../i18n/index.ts';
import { usePrefs } from '../../prefs/prefs.ts';
import { showProblemOnForm } from '../forms.ts';
import { LevelTag, statusLabel, stepLabel } from './labels.tsx';

function StepForm({ signal, step, onDone, onConflict, onCancel }: {
  signal: SignalDetail; step: SignalStep; onDone: (s: SignalDetail) => void; onConflict: () => void; onCancel: () => void;
}) {
  const t = useT();
  const [form] = Form.useForm<{ text?: string }>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const required = TEXT_REQUIRED.includes(step);
  const label = stepLabel(t, step);

  async function submit(values: { text?: string }) {
    setBusy(true);
    setProblem(null);
    try {
      const text = values.text?.trim();
      onDone(await stepSignal(signal.id, step, { version: signal.version, ...(text ? { text } : {}) }));
    } catch (err) {
      if (err instanceof ProblemError && err.status === 409) onConflict();
      else setProblem(showProblemOnForm(form, err, ['text']));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form form={form} layout="vertical" onFinish={submit} data-testid="signal-step-form" data-step={step} className="signal-step-form">
      {problem && <Alert type="error" showIcon title={problem} className="form-alert" role="alert" />}
      <Form.Item name="text" label={t('sig.text')} extra={t('sig.textHelp')}
        rules={required ? [{ required: true, whitespace: true, message: t('sig.textRequired', { step: label }) }] : []}>
        <Input.TextArea rows={3} maxLength={2000} showCount autoFocus data-testid="signal-step-text" />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} danger={step === 'revoke'} data-testid="signal-step-submit">{t('sig.submit', { step: label })}</Button>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}

export default function SignalPage() {
  const t = useT();
  const { lang } = usePrefs();
  const { id } = useParams();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const signal = useSignal(id);
  const [step, setStep] = useState<SignalStep | null>(null);
  const [conflict, setConflict] = useState(false);

  if (signal.isPending) return <div className="page-loading"><Spin /></div>;
  if (signal.error || !signal.data) {
    return (
      <div className="page">
        <Alert type="error" showIcon title={problemDetail(signal.error)} />
        <Link to="/supervision/signals">{t('sig.back')}</Link>
      </div>
    );
  }
  const s = signal.data;
  const done = (next: SignalDetail) => {
    qc.setQueryData([...SIGNALS_KEY, 'one', id], next);
    void qc.invalidateQueries({ queryKey: [...SIGNALS_KEY, 'list'] });
    void qc.invalidateQueries({ queryKey: ['notifications'] });
    message.success(t('sig.done', { step: stepLabel(t, step ?? '') }));
    setStep(null);
    setConflict(false);
  };
  const reload = async () => {
    setStep(null);
    await signal.refetch();
  };

  return (
    <div className="page signal-page">
      <Link to="/supervision/signals" className="back-link"><ArrowLeftOutlined /> {t('sig.back')}</Link>
      <Typography.Title level={2} className="signal-title">
        <LevelTag t={t} level={s.level} fallback={s.levelLabel} /> {s.ruleLabel}
      </Typography.Title>
      {conflict && (
        <Alert type="warning" showIcon className="form-alert" data-testid="signal-conflict" title={t('sig.conflict')}
          action={<Button size="small" onClick={() => void reload()}>{t('sig.refresh')}</Button>} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card size="small">
            <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
              <Descriptions.Item label={t('sig.status')}>
                <Tag data-testid="signal-status" data-status={s.status}>{statusLabel(t, s.status, s.statusLabel)}</Tag>
                {s.appealed && <Tag>{t('sig.appealed')}</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={t('sig.case')}>
                <Link to={`/cases/${s.case.id}`} data-testid="signal-case-link">{s.case.number}</Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('sig.col.item')}>{s.case.itemName}</Descriptions.Item>
              <Descriptions.Item label={t('sig.caseState')}>{stateLabel(t, s.case.state as CaseState, s.case.state)}</Descriptions.Item>
              <Descriptions.Item label={t('sig.stage')}>{s.stageIndex < 0 ? t('sig.wholeCase') : s.stageName ?? `#${s.stageIndex + 1}`}</Descriptions.Item>
              <Descriptions.Item label={t('sig.caseDue')}>{formatDateTime(s.case.dueAt, lang)}</Descriptions.Item>
              <Descriptions.Item label={t('sig.basis')} span={2}>{s.basis}</Descriptions.Item>
              {s.deadlineAt && <Descriptions.Item label={t('sig.deadline')}>{formatDateTime(s.deadlineAt, lang)}</Descriptions.Item>}
              <Descriptions.Item label={t('sig.unit')}><span data-testid="signal-unit">{s.unitName}</span></Descriptions.Item>
              <Descriptions.Item label={t('sig.responsible')}><span data-testid="signal-responsible">{s.responsibleName ?? '—'}</span></Descriptions.Item>
              <Descriptions.Item label={t('sig.head')}>{s.headName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('sig.raisedAt')}>{formatDateTime(s.raisedAt, lang)}</Descriptions.Item>
              <Descriptions.Item label={t('sig.feedbackDue')}>{formatDateTime(s.feedbackDueAt, lang)}</Descriptions.Item>
              {s.closedAt && <Descriptions.Item label={t('sig.closedAt')}>{formatDateTime(s.closedAt, lang)}</Descriptions.Item>}
            </Descriptions>
          </Card>
          <Card size="small" title={t('sig.timeline')} className="signal-timeline">
            <Timeline data-testid="signal-timeline"
              items={s.steps.map((st) => ({
                key: st.seq,
                color: st.step === 'raise' ? 'red' : st.step === 'close' ? 'green' : 'blue',
                content: (
                  <div data-step={st.step}>
                    <strong>{stepLabel(t, st.step, st.stepLabel)}</strong> · {st.userName} · <Typography.Text type="secondary">{formatDateTime(st.at, lang)}</Typography.Text>
                    {st.text && <div className="signal-step-text">{st.text}</div>}
                    <div><Typography.Text type="secondary">→ {statusLabel(t, st.toStatus)}</Typography.Text></div>
                  </div>
                ),
              }))} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('sig.actions')} data-testid="signal-actions">
            {s.allowedSteps.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sig.noActions')} />
            ) : (
              <Space wrap>
                {s.allowedSteps.map((a) => (
                  <Button key={a} data-step={a} type={step === a ? 'primary' : 'default'} danger={a === 'revoke' || a === 'escalate'}
                    ghost={false} onClick={() => setStep(a)} className={SUPERVISOR_STEPS.includes(a) ? 'step-supervisor' : 'step-unit'}>
                    {stepLabel(t, a)}
                  </Button>
                ))}
              </Space>
            )}
            {step && s.allowedSteps.includes(step) && (
              <div className="signal-step">
                <StepForm key={step} signal={s} step={step} onDone={done} onCancel={() => setStep(null)}
                  onConflict={() => { setConflict(true); void reload(); }} />
              </div>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
