// Sign-in for the village room: the same account and the same server answers as the staff sign-in
// (wrong password with the lockout warning, locked until when), without loading the staff app.
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { post, ProblemError, problemDetail } from '../api/client.ts';
import type { Actor } from '../api/types.ts';
import { useT } from '../i18n/index.ts';
import { ME_KEY, peekSignOutNotice, setSignOutNotice, useMe } from '../staff/session.ts';

export default function VillageLogin() {
  const t = useT();
  const id = useId();
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; locked: boolean } | null>(null);
  const notice = peekSignOutNotice();
  const next = params.get('next');
  const target = next && next.startsWith('/village') ? next : '/village';
  if (me.data) return <Navigate to={target} replace />;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError({ text: !username.trim() ? t('login.usernameRequired') : t('login.passwordRequired'), locked: false });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const actor = await post<Actor>('/api/auth/login', { username: username.trim(), password }, { quiet401: true });
      setSignOutNotice(null);
      queryClient.setQueryData(ME_KEY, actor);
      navigate(target, { replace: true });
    } catch (err) {
      setError({ text: problemDetail(err), locked: err instanceof ProblemError && err.status === 423 });
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="pl-section vl-login" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{t('village.loginTitle')}</h1>
      {notice && !error && <p className="vl-notice" role="status">{notice.text}</p>}
      {error && (
        <div className="wb-problem" role="alert" data-testid="login-error">
          <strong>{error.locked ? t('login.lockedTitle') : t('login.failedTitle')}</strong>
          <p>{error.text}</p>
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <fieldset className="wb-fieldset" disabled={busy}>
          <div className="wb-field">
            <label htmlFor={`${id}-u`} className="wb-label">{t('login.username')}</label>
            <input id={`${id}-u`} className="wb-input" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoCapitalize="none" />
          </div>
          <div className="wb-field">
            <label htmlFor={`${id}-p`} className="wb-label">{t('login.password')}</label>
            <input id={`${id}-p`} className="wb-input" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          <button type="submit" className="wb-btn wb-btn-primary vl-wide">{busy ? t('common.loading') : t('login.submit')}</button>
        </fieldset>
      </form>
    </section>
  );
}
