// One case: who applied (masked), the item, the owner (首问负责人), where it is now and for how long,
// its stages (a parallel stage shows which departments finished), every event, its notices — and only
// the actions the API says this person may take now, each with its own form.
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Steps, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { problemDetail, ProblemError } from '../../api/client.ts';
import { isBackward, sortActions, useCase } from '../../cases/api.ts';
import {
  actionLabel, channelLabel, codeLabel, DEADLINE_COLOURS, formatDate, formatDateTime, handlerName, remainingText, stateLabel,
} from '../../cases/format.ts';
import type { CaseActionOnCase, CaseDetail, CaseEvent, Deadline } from '../../cases/types.ts';
import { useT, type T } from '../../i18n/index.ts';
import { usePrefs } from '../../prefs/prefs.ts';
import { ActionDialog } from './ActionDialog.tsx';
import { STATE_COLOURS } from './labels.ts';

export default function CaseDetailPage() {
  const t = useT();
  const { id } = useParams();
  const detail = useCase(id);
  const [acting, setActing] = useState<CaseActionOnCase | null>(null);
  const [stale, setStale] = useState<string | null>(null);

  if (detail.isPending) return <div className="page-loading"><Spin /></div>;
  if (detail.error) {
    return (
      <div className="page">
        <Alert type="error" showIcon role="alert" title={problemDetail(detail.error)}
          description={detail.error instanceof ProblemError && detail.error.status === 404 ? t('case.notFoundHint') : undefined} />
        <p className="page-note"><Link to="/cases">{t('case.backToList')}</Link></p>
      </div>
    );
  }
  const c = detail.data;
  const refresh = async () => {
    setStale(null);
    await detail.refetch();
  };

  return (
    <div className="page case-page" data-testid="case-page">
      <Space wrap align="center" className="case-head">
        <Link to="/cases">← {t('case.backToList')}</Link>
        <Typography.Title level={2} className="case-title">{t('case.title', { number: c.number })}</Typography.Title>
        <Tag color={STATE_COLOURS[c.state]} className="case-state" data-testid="case-state">{stateLabel(t, c.state, c.stateLabel)}</Tag>
        {c.deadline && <DeadlineTag deadline={c.deadline} />}
        <Button icon={<ReloadOutlined />} onClick={refresh} loading={detail.isFetching}>{t('case.refresh')}</Button>
      </Space>

      {stale && (
        <Alert className="form-alert" type="warning" showIcon role="alert" data-testid="case-stale" title={stale}
          description={t('case.staleHint')}
          action={<Button type="primary" onClick={refresh}>{t('case.refreshNow')}</Button>} />
      )}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card size="small" title={t('case.facts')}>
            <Facts c={c} />
          </Card>
          {c.stages.length > 0 && (
            <Card size="small" title={t('case.stages')} className="case-card">
              <Stages c={c} />
            </Card>
          )}
          <Card size="small" title={t('case.timeline')} className="case-card">
            <CaseTimeline events={c.events} stages={c.stages} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('case.actions')} data-testid="case-actions">
            {c.allowedActions.length === 0
              ? <Typography.Text type="secondary">{t('case.noActions')}</Typography.Text>
              : (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {sortActions(c.allowedActions).map((a, i) => (
                    <Button key={a.action} block type={i === 0 && !isBackward(a.action) ? 'primary' : 'default'} danger={a.action === 'withdraw' || a.action === 'refuse'}
                      onClick={() => setActing(a.action)} data-action={a.action}>
                      {actionLabel(t, a.action, a.label)}
                    </Button>
                  ))}
                </Space>
              )}
          </Card>
          <Card size="small" title={t('case.notices')} className="case-card" data-testid="case-notices">
            {c.notices.length === 0
              ? <Typography.Text type="secondary">{t('case.noNotices')}</Typography.Text>
              : (
                <ul className="plain-list">
                  {c.notices.map((n) => (
                    <li key={n.kind}>
                      <a href={n.url} target="_blank" rel="noopener" data-notice={n.kind}>{codeLabel(t, 'notice', n.kind, n.title)}</a>
                    </li>
                  ))}
                </ul>
              )}
            <Typography.Paragraph type="secondary" className="case-lookup">
              {t('case.lookupCode')}：<strong data-testid="case-lookup-code">{c.lookupCode}</strong>
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
      {acting && (
        <ActionDialog
          c={c}
          action={acting}
          onClose={() => setActing(null)}
          onStale={(text) => { setActing(null); setStale(text); }}
        />
      )}
    </div>
  );
}

export function DeadlineTag({ deadline }: { deadline: Deadline }) {
  const t = useT();
  return (
    <Tag color={DEADLINE_COLOURS[deadline.status]} data-testid="case-deadline" data-status={deadline.status}>
      {deadline.stopped || deadline.paused
        ? remainingText(t, deadline.status, deadline.remainingWorkingDays)
        : `${codeLabel(t, 'deadline', deadline.status)} · ${remainingText(t, deadline.status, deadline.remainingWorkingDays)}`}
    </Tag>
  );
}

function Facts({ c }: { c: CaseDetail }) {
  const t = useT();
  const { lang } = usePrefs();
  const items = [
    { key: 'item', label: t('case.item'), children: <>{c.item.name}<Typography.Text type="secondary">（{c.item.code} · {codeLabel(t, 'caseType', c.item.caseType)}）</Typography.Text></> },
    { key: 'applicant', label: t('case.applicant'), children: <span data-testid="case-applicant">{c.applicant.name} · {c.applicant.idNumber}{c.applicant.phone ? ` · ${c.applicant.phone}` : ''}</span> },
    { key: 'channel', label: t('case.channel'), children: channelLabel(t, c.channel, c.channelLabel) },
    { key: 'owner', label: t('case.owner'), children: <span data-testid="case-owner">{c.owner?.name ?? t('case.ownerNone')}</span> },
    { key: 'holder', label: t('case.holder'), children: c.holder?.name ?? '—' },
    { key: 'accepting', label: t('case.acceptingUnit'), children: c.acceptingUnit.name },
    {
      key: 'current', label: t('case.currentUnit'),
      children: (
        <span data-testid="case-current-unit">
          {c.currentUnit.name}
          {c.pendingUnit && <Tag color="blue" className="case-inline-tag">{t('case.sentTo', { unit: c.pendingUnit.name })}</Tag>}
        </span>
      ),
    },
    { key: 'submitted', label: t('case.submittedAt'), children: formatDateTime(c.submittedAt, lang) },
    { key: 'accepted', label: t('case.acceptedAt'), children: formatDateTime(c.acceptedAt, lang) },
    {
      key: 'due', label: t('case.dueAt'),
      children: c.deadline
        ? <>{formatDate(c.deadline.dueAt, lang)} {c.deadline.provisional && <Typography.Text type="secondary">{t('case.provisional')}</Typography.Text>} <Typography.Text type="secondary">（{t('case.limitDays', { n: c.deadline.limitDays })}）</Typography.Text></>
        : c.item.committedLimitDays === 0 ? t('case.immediate') : t('case.limitDays', { n: c.item.committedLimitDays }),
    },
  ];
  if (c.proxy) {
    items.push({
      key: 'proxy', label: t('case.proxy'),
      children: <>{t('case.proxyAgent', { name: c.proxy.agent?.name ?? '—' })}；{t('case.proxyReason', { reason: c.proxy.reason })}；{c.proxy.consent ? t('case.proxyConsent') : t('case.proxyNoConsent')}</>,
    });
  }
  if (c.materialsNotice) {
    items.push({
      key: 'missing', label: t('case.missing'),
      children: <>{c.materialsNotice.missing.join('；')} <Typography.Text type="secondary">（{formatDateTime(c.materialsNotice.at, lang)}{c.materialsNotice.late ? `，${t('case.noticeLate')}` : ''}）</Typography.Text></>,
    });
  }
  if (c.suspension) {
    items.push({
      key: 'suspension', label: t('case.suspension'),
      children: <>{codeLabel(t, 'procedure', c.suspension.procedure, c.suspension.procedureLabel)}：{c.suspension.reason}（{t('case.expectedDays', { n: c.suspension.expectedDays })}，{t('case.since', { at: formatDateTime(c.suspension.since, lang) })}）</>,
    });
  }
  if (c.decision) {
    items.push({
      key: 'decision', label: t('case.decision'),
      children: <span data-testid="case-decision">{t(c.decision.outcome === 'approved' ? 'case.approved' : 'case.denied')}{c.decision.reason ? `：${c.decision.reason}` : ''}（{formatDateTime(c.decision.at, lang)}）</span>,
    });
  }
  if (c.delivery) {
    items.push({
      key: 'delivery', label: t('case.delivery'),
      children: <>{codeLabel(t, 'delivery', c.delivery.method, c.delivery.methodLabel)}{c.delivery.trackingNo ? `（${t('case.trackingNo')} ${c.delivery.trackingNo}）` : ''} · {formatDateTime(c.delivery.at, lang)}</>,
    });
  }
  if (c.ending) {
    items.push({
      key: 'ending', label: t(c.ending.kind === 'refused' ? 'case.refused' : 'case.withdrawn'),
      children: <>{c.ending.ground ? `${codeLabel(t, 'refusalGround', c.ending.ground)}：` : ''}{c.ending.reason ?? '—'}{c.ending.referTo ? `（${t('case.referTo')}：${c.ending.referTo}）` : ''}</>,
    });
  }
  return <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2 }} bordered items={items} styles={{ label: { whiteSpace: 'nowrap', width: 104 } }} />;
}

function stageDeadline(t: T, d: Deadline | null): string {
  if (!d) return '';
  return remainingText(t, d.status, d.remainingWorkingDays);
}

function Stages({ c }: { c: CaseDetail }) {
  const t = useT();
  const { lang } = usePrefs();
  return (
    <Steps
      orientation="vertical"
      size="small"
      data-testid="case-stages"
      items={c.stages.map((s) => ({
        status: s.status === 'done' ? 'finish' : s.status === 'current' ? 'process' : 'wait',
        title: <span>{s.name} <Typography.Text type="secondary">（{t('case.limitDays', { n: s.limitDays })}）</Typography.Text></span>,
        content: (
          <div>
            <div className="case-handlers">
              {s.handlers.map((h, i) => (
                <Tag key={i} color={h.done ? 'green' : s.status === 'current' ? 'blue' : 'default'}>
                  {h.done ? '✓ ' : ''}{handlerName(t, h.department, h.level)}
                </Tag>
              ))}
              {s.handlers.length > 1 && (
                <Typography.Text type="secondary">{t('case.parallel', { done: s.handlers.filter((h) => h.done).length, all: s.handlers.length })}</Typography.Text>
              )}
            </div>
            {s.status === 'done' && s.finishedAt && <div>{t('case.stageFinished', { at: formatDateTime(s.finishedAt, lang) })}</div>}
            {s.status === 'current' && s.deadline && <div>{stageDeadline(t, s.deadline)}</div>}
          </div>
        ),
      }))}
    />
  );
}

/** The words an event's data adds to its line: the reason, the missing list, the decision … */
export function eventDetails(t: T, e: CaseEvent, stages: CaseDetail['stages'] = []): string[] {
  const d = e.data;
  const out: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  if (Array.isArray(d.missing)) out.push(t('case.ev.missing', { list: (d.missing as string[]).join('；') }));
  if (str(d.ground)) out.push(codeLabel(t, 'refusalGround', str(d.ground)));
  if (str(d.reason)) out.push(t('case.ev.reason', { reason: str(d.reason)! }));
  if (str(d.referTo)) out.push(t('case.ev.referTo', { to: str(d.referTo)! }));
  if (str(d.procedure)) out.push(`${codeLabel(t, 'procedure', str(d.procedure))}${typeof d.expectedDays === 'number' ? `，${t('case.expectedDays', { n: d.expectedDays })}` : ''}`);
  if (typeof d.days === 'number') out.push(t('case.ev.days', { n: d.days }));
  if (str(d.outcome)) out.push(t(d.outcome === 'approved' ? 'case.approved' : 'case.denied'));
  if (str(d.method)) out.push(codeLabel(t, 'delivery', str(d.method)));
  if (str(d.trackingNo)) out.push(`${t('case.trackingNo')} ${str(d.trackingNo)}`);
  if (str(d.department)) {
    const h = typeof d.stage === 'number' && typeof d.handler === 'number' ? stages[d.stage]?.handlers[d.handler] : undefined;
    out.push(t('case.ev.stageDoneBy', { who: h ? handlerName(t, h.department, h.level) : str(d.department)! }));
  }
  if (d.stageComplete === false) out.push(t('case.ev.waitingOthers'));
  if (e.opinion) out.push(t('case.ev.opinion', { text: e.opinion }));
  if (e.attachments.length) out.push(t('case.ev.attachments', { list: e.attachments.join('、') }));
  return out;
}

function CaseTimeline({ events, stages }: { events: CaseEvent[]; stages: CaseDetail['stages'] }) {
  const t = useT();
  const { lang } = usePrefs();
  if (events.length === 0) return <Empty />;
  return (
    <Timeline
      data-testid="case-timeline"
      items={events.map((e) => ({
        key: e.seq,
        color: e.action === 'refuse' || e.action === 'return' || e.action === 'withdraw' ? 'red' : e.action === 'deliver' || e.action === 'finish_immediately' ? 'green' : 'blue',
        content: (
          <div className="case-event" data-action={e.action}>
            <div>
              <strong>{actionLabel(t, e.action, e.actionLabel)}</strong>
              <span className="case-event-who">{e.userName}{e.unitName ? ` · ${e.unitName}` : ''}</span>
            </div>
            <div className="case-event-at">{formatDateTime(e.at, lang)} · {stateLabel(t, e.toState)}</div>
            {eventDetails(t, e, stages).map((line, i) => <div key={i} className="case-event-detail">{line}</div>)}
          </div>
        ),
      }))}
    />
  );
}
