// The two switches on every page: language and elder-friendly mode. Plain buttons, no antd, so the
// portal stays light; aria-pressed tells screen readers the state.
import { switchLanguage, useT } from '../i18n/index.ts';
import { setPrefs, usePrefs } from '../prefs/prefs.ts';

export function PrefsBar({ className }: { className?: string }) {
  const t = useT();
  const { lang, elder } = usePrefs();
  return (
    <div className={`prefs-bar ${className ?? ''}`} role="group" aria-label={t('prefs.label')}>
      <button
        type="button"
        className="prefs-btn"
        data-testid="lang-switch"
        lang={lang === 'zh' ? 'en' : 'zh-CN'}
        onClick={() => void switchLanguage(lang === 'zh' ? 'en' : 'zh')}
      >
        {t('prefs.switchLang')}
      </button>
      <button
        type="button"
        className="prefs-btn"
        data-testid="elder-switch"
        aria-pressed={elder}
        onClick={() => setPrefs({ elder: !elder })}
      >
        <span aria-hidden="true">{elder ? '◉ ' : '○ '}</span>
        {t('prefs.elder')}
      </button>
    </div>
  );
}
