// The work calendar as a year: 12 month grids, holidays, make-up working days and local changes
// coloured; a manager clicks a day to close the center locally (or open it) or to undo that.
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Space, Spin, TreeSelect, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { api, get, post, problemDetail } from '../../api/client.ts';
import type { CalendarDay, CalendarYearView } from '../../api/types.ts';
import { useT, type MessageKey } from '../../i18n/index.ts';
import { usePrefs } from '../../prefs/prefs.ts';
import { showProblemOnForm } from '../forms.ts';
import { orgTree, useOrgs } from '../orgs.ts';
import { can, useMe } from '../session.ts';
import { dayKind, monthWeeks, type DayKind } from './calendar-days.ts';

const WorkdaysChart = lazy(() => import('./WorkdaysChart.tsx'));
const KINDS: DayKind[] = ['workday', 'weekend', 'holiday', 'makeup', 'localClosed', 'localOpen'];

export default function CalendarPage() {
  const t = useT();
  const { lang } = usePrefs();
  const { data: me } = useMe();
  const orgs = useOrgs();
  const [year, setYear] = useState(() => new Date().getFullYear());
  const [orgId, setOrgId] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<CalendarDay | null>(null);
  const effectiveOrg = orgId ?? me?.orgId;
  const tree = useMemo(() => orgTree(orgs.data ?? []), [orgs.data]);

  const cal = useQuery({
    queryKey: ['calendar', year, effectiveOrg],
    queryFn: () => get<CalendarYearView>(`/api/calendar/${year}${effectiveOrg ? `?orgId=${encodeURIComponent(effectiveOrg)}` : ''}`),
    enabled: !!effectiveOrg,
  });
  const manage = can(me, 'calendar.manage');
  const monthName = (m: number) => (lang === 'zh' ? `${m}月` : new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en', { month: 'short', timeZone: 'UTC' }));
  const weekdays = t('calendar.weekdays').split(',');
  const workingPerMonth = Array.from({ length: 12 }, (_, i) => cal.data?.days.filter((d) => d.working && Number(d.date.slice(5, 7)) === i + 1).length ?? 0);

  return (
    <div className="page">
      <Typography.Title level={2}>{t('calendar.title')}</Typography.Title>
      <Card size="small">
        <Space wrap className="toolbar">
          <Space.Compact>
            <Button icon={<LeftOutlined />} aria-label={t('calendar.prevYear')} onClick={() => setYear(year - 1)} />
            <span className="calendar-year" aria-live="polite" data-testid="calendar-year">{t('calendar.year', { year })}</span>
            <Button icon={<RightOutlined />} aria-label={t('calendar.nextYear')} onClick={() => setYear(year + 1)} />
          </Space.Compact>
          <TreeSelect
            aria-label={t('calendar.org')}
            treeData={tree}
            treeDefaultExpandAll
            value={effectiveOrg}
            onChange={(v) => setOrgId(v)}
            style={{ width: 260 }}
            showSearch
            treeNodeFilterProp="title"
          />
        </Space>
        <ul className="calendar-legend" aria-label={t('calendar.legend')}>
          {KINDS.map((k) => <li key={k}><span className={`cal-swatch cal-${k}`} aria-hidden="true" />{t(`calendar.kind.${k}` as MessageKey)}</li>)}
        </ul>
        {cal.data?.warning && <Alert type="warning" showIcon title={cal.data.warning} className="form-alert" />}
        {cal.error && <Alert type="error" showIcon title={problemDetail(cal.error)} />}
        <Typography.Paragraph type="secondary">{manage ? t('calendar.hintManage') : t('calendar.hintView')}</Typography.Paragraph>
        {cal.isPending ? <Spin /> : cal.data && (
          <div className="calendar-grid" data-testid="calendar-grid">
            {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
              <section key={m} className="cal-month" aria-label={monthName(m)}>
                <h3>{monthName(m)}</h3>
                <table>
                  <thead><tr>{weekdays.map((w) => <th key={w} scope="col">{w}</th>)}</tr></thead>
                  <tbody>
                    {monthWeeks(cal.data.days, m).map((week, wi) => (
                      <tr key={wi}>
                        {week.map((d, di) => (
                          <td key={di}>
                            {d && (
                              <button
                                type="button"
                                className={`cal-day cal-${dayKind(d)}`}
                                data-date={d.date}
                                data-kind={dayKind(d)}
                                title={`${d.date} ${d.reason}`}
                                aria-label={`${d.date} ${d.reason} ${t(`calendar.kind.${dayKind(d)}` as MessageKey)}`}
                                onClick={() => setOpen(d)}
                              >
                                {Number(d.date.slice(8))}
                              </button>
                            )}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            ))}
          </div>
        )}
      </Card>
      {cal.data && (
        <Card size="small" title={t('calendar.chartTitle', { year })} className="calendar-chart">
          <Suspense fallback={<Spin />}>
            <WorkdaysChart months={Array.from({ length: 12 }, (_, i) => monthName(i + 1))} values={workingPerMonth} label={t('calendar.workingDays')} />
          </Suspense>
        </Card>
      )}
      {open && effectiveOrg && (
        <DayDialog day={open} orgId={effectiveOrg} orgName={orgs.data?.find((o) => o.id === effectiveOrg)?.name ?? ''} manage={manage} onClose={() => setOpen(null)} />
      )}
    </div>
  );
}

function DayDialog({ day, orgId, orgName, manage, onClose }: { day: CalendarDay; orgId: string; orgName: string; manage: boolean; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const kind = dayKind(day);
  const done = async (text: string) => {
    await queryClient.invalidateQueries({ queryKey: ['calendar'] });
    message.success(text);
    onClose();
  };
  const add = useMutation({
    mutationFn: (v: { reason: string }) => post('/api/calendar/local-changes', { orgId, date: day.date, kind: day.working ? 'closed' : 'open', reason: v.reason }),
    onSuccess: () => done(t('calendar.saved')),
    onError: (err) => setError(showProblemOnForm(form, err, ['reason', 'date'])),
  });
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/api/calendar/local-changes/${encodeURIComponent(orgId)}/${day.date}`),
    onSuccess: () => done(t('calendar.removed')),
    onError: (err) => setError(problemDetail(err)),
  });
  const footer = !manage ? [<Button key="close" onClick={onClose}>{t('common.close')}</Button>]
    : day.local ? [
      <Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>,
      <Button key="remove" danger loading={remove.isPending} onClick={() => remove.mutate()}>{t('calendar.removeLocal')}</Button>,
    ] : [
      <Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>,
      <Button key="add" type="primary" loading={add.isPending} onClick={() => form.submit()}>{day.working ? t('calendar.closeDay') : t('calendar.openDay')}</Button>,
    ];
  return (
    <Modal open title={`${day.date}（${orgName}）`} onCancel={onClose} footer={footer} destroyOnHidden>
      <p data-testid="day-status"><span className={`cal-swatch cal-${kind}`} aria-hidden="true" /> {t(`calendar.kind.${kind}` as MessageKey)} · {day.reason}</p>
      {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
      {manage && !day.local && (
        <Form form={form} layout="vertical" onFinish={(v) => add.mutate(v)}>
          <Form.Item label={t('calendar.reason')} name="reason" rules={[{ required: true, message: t('common.required') }]} extra={day.working ? t('calendar.closeHint') : t('calendar.openHint')}>
            <Input maxLength={100} autoFocus />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
