import { useT } from '../i18n/index.ts';

export function PageLoading() {
  const t = useT();
  return <div className="page-loading" role="status">{t('common.loading')}</div>;
}
