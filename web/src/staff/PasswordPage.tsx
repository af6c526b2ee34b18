// Change one's own password; the server ends every session afterwards, so sign in again.
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { post } from '../api/client.ts';
import { useT } from '../i18n/index.ts';
import { showProblemOnForm } from './forms.ts';
import { ME_KEY, setSignOutNotice, useMe } from './session.ts';

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export default function PasswordPage() {
  const t = useT();
  const [form] = Form.useForm<PasswordForm>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();

  async function submit(values: PasswordForm) {
    setBusy(true);
    setError(null);
    try {
      await post('/api/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword });
      setSignOutNotice({ kind: 'success', text: t('password.changed') });
      queryClient.setQueryData(ME_KEY, null);
      navigate('/login', { replace: true });
    } catch (err) {
      setError(showProblemOnForm(form, err, ['currentPassword', 'newPassword']));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page page-narrow">
      <Typography.Title level={2}>{t('password.title')}</Typography.Title>
      {me?.passwordExpired && (
        <Alert
          type="error" showIcon role="alert" className="form-alert" data-testid="password-expired"
          title={t('password.expiredTitle')}
          description={t('password.expiredText', { days: me.passwordChangedDaysAgo, max: me.passwordMaxAgeDays })}
        />
      )}
      {me && !me.passwordExpired && me.passwordExpiresInDays !== null && (
        <Alert type="warning" showIcon className="form-alert" data-testid="password-expiring" title={t('password.expiresSoon', { days: me.passwordExpiresInDays })} />
      )}
      <Card>
        <Typography.Paragraph type="secondary">{t('password.rules')}</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} className="form-alert" role="alert" />}
        <Form form={form} layout="vertical" onFinish={submit} disabled={busy}>
          <Form.Item label={t('password.current')} name="currentPassword" rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item label={t('password.new')} name="newPassword" rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label={t('password.confirm')}
            name="confirm"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('common.required') },
              ({ getFieldValue }) => ({
                validator: (_, value) => (value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>{t('password.submit')}</Button>
        </Form>
      </Card>
    </div>
  );
}
