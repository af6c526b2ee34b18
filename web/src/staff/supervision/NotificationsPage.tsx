// The in-app inbox: newest first, unread in bold, mark one or all as read; a signal's notice links to its page.
import { Alert, App, Button, Checkbox, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { problemDetail } from '../../api/client.ts';
import { useNotificationActions, useNotifications, type Notification } from '../../api/notifications.ts';
import { formatDateTime } from '../../cases/format.ts';
import { useT } from '../../i18n/index.ts';
import { usePrefs } from '../../prefs/prefs.ts';

/** Links inside the staff app stay in it; anything else is not followed. */
const internal = (n: Notification) => (n.link?.startsWith('/') && !n.link.startsWith('//') ? n.link : n.signalId ? `/supervision/signals/${n.signalId}` : null);

export default function NotificationsPage() {
  const t = useT();
  const { lang } = usePrefs();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useNotifications(page, unreadOnly);
  const { markRead, markAllRead } = useNotificationActions();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function run(key: string, fn: () => Promise<unknown>) {
    setBusy(key);
    setProblem(null);
    try {
      await fn();
    } catch (err) {
      setProblem(problemDetail(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="page notifications-page">
      <Typography.Title level={2}>{t('notif.title')}</Typography.Title>
      <Space wrap className="toolbar">
        <Checkbox checked={unreadOnly} onChange={(e) => { setUnreadOnly(e.target.checked); setPage(1); }}>{t('notif.unreadOnly')}</Checkbox>
        <Button onClick={() => void run('all', async () => message.success(t('notif.markedAll', { n: await markAllRead() })))} loading={busy === 'all'}
          disabled={!list.data?.unread} data-testid="notif-read-all">
          {t('notif.markAllRead')}
        </Button>
      </Space>
      {problem && <Alert type="error" showIcon title={problem} className="form-alert" />}
      {list.error && <Alert type="error" showIcon title={problemDetail(list.error)} className="form-alert" />}
      <List<Notification> bordered loading={list.isFetching} dataSource={list.data?.items ?? []} locale={{ emptyText: t('notif.empty') }} data-testid="notif-list"
        pagination={list.data && list.data.total > list.data.pageSize ? { current: page, pageSize: list.data.pageSize, total: list.data.total, onChange: setPage } : false}
        renderItem={(n) => {
          const link = internal(n);
          return (
            <List.Item className={n.readAt ? 'notif-read' : 'notif-unread'} data-testid="notif-item" data-read={n.readAt ? 'true' : 'false'}
              actions={[
                link && <Link key="open" to={link} onClick={() => { if (!n.readAt) void markRead(n.id).catch(() => undefined); }}>{t('notif.open')}</Link>,
                !n.readAt && <Button key="read" size="small" loading={busy === n.id} onClick={() => void run(n.id, () => markRead(n.id))} data-testid="notif-read">{t('notif.markRead')}</Button>,
              ].filter(Boolean)}>
              <List.Item.Meta
                title={<>{!n.readAt && <Tag color="red">{t('notif.unread')}</Tag>}<span className="notif-title">{n.title}</span></>}
                description={<><div>{n.body}</div><Typography.Text type="secondary">{formatDateTime(n.createdAt, lang)}</Typography.Text></>} />
            </List.Item>
          );
        }} />
    </div>
  );
}
