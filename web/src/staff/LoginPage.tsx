// Sign-in. Every refusal shows the server's own words: wrong password (with the lockout warning),
// locked account (until when), session ended (idle, expired, disabled).
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { post, ProblemError, problemDetail } from '../api/client.ts';
import { useT } from '../i18n/index.ts';
import { PrefsBar } from '../shell/PrefsBar.tsx';
import { ME_KEY, PASSWORD_PATH, peekSignOutNotice, setSignOutNotice, useMe, type SessionActor } from './session.ts';

interface LoginForm {
  username: string;
  password: string;
}

export default function LoginPage() {
  const t = useT();
  const [form] = Form.useForm<LoginForm>();
  const [error, setError] = useState<{ text: string; locked: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const me = useMe();
  const notice = peekSignOutNotice();
  const next = params.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  // An expired password (等保 periodic change) signs in, but only to change it.
  if (me.data) return <Navigate to={me.data.passwordExpired ? PASSWORD_PATH : target} replace />;

  async function submit(values: LoginForm) {
    setBusy(true);
    setError(null);
    try {
      const actor = await post<SessionActor>('/api/auth/login', values, { quiet401: true });
      setSignOutNotice(null);
      queryClient.setQueryData(ME_KEY, actor);
      navigate(actor.passwordExpired ? PASSWORD_PATH : target, { replace: true });
    } catch (err) {
      const locked = err instanceof ProblemError && err.status === 423;
      setError({ text: problemDetail(err), locked });
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <header className="login-top">
        <span className="login-brand">{t('app.name')}</span>
        <PrefsBar />
      </header>
      <main id="main" className="login-main">
        <Card className="login-card">
          <Typography.Title level={1} className="login-title">{t('login.title')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
          {notice && !error && <Alert className="login-alert" type={notice.kind} showIcon title={notice.text} data-testid="login-notice" />}
          {error && (
            <Alert
              className="login-alert"
              type="error"
              showIcon
              role="alert"
              data-testid="login-error"
              title={error.locked ? t('login.lockedTitle') : t('login.failedTitle')}
              description={error.text}
            />
          )}
          <Form form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
            <Form.Item label={t('login.username')} name="username" rules={[{ required: true, message: t('login.usernameRequired') }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
            </Form.Item>
            <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block size="large" loading={busy}>{t('login.submit')}</Button>
          </Form>
          <Typography.Paragraph className="login-portal-link">
            {t('login.citizen')} <a href="/portal">{t('login.toPortal')}</a>
          </Typography.Paragraph>
        </Card>
      </main>
    </div>
  );
}
