// The monthly proxy report (代办服务月报表) of a village or a township: accepted (of them by proxy),
// finished and in progress by proxy category, a line per village for a township, and the official
// Excel workbook to send up. Plain React: the village phone and the staff app both show it.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { download, get, problemDetail } from '../api/client.ts';
import { useT } from '../i18n/index.ts';
import { usePrefs } from '../prefs/prefs.ts';
import { codeLabel, formatDateTime } from './format.ts';
import './workbench.css';

interface Counts {
  accepted: number;
  acceptedByProxy: number;
  finished: number;
  inProgress: number;
  finishRate: number | null;
}

export interface ProxyMonthlyReport {
  org: { id: string; code: string; name: string; level: string };
  parentName: string | null;
  month: string;
  period: { from: string; to: string };
  title: string;
  categories: (Counts & { category: string; label: string })[];
  total: Counts;
  units: (Counts & { orgId: string; code: string; name: string; own: boolean })[];
  generatedAt: string;
}

/** This month in China's time, as 2026-11. */
export function currentMonth(): string {
  return new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }).slice(0, 7);
}

const url = (orgId: string, month: string, format?: 'xlsx') =>
  `/api/reports/proxy-monthly?${new URLSearchParams({ orgId, month, ...(format ? { format } : {}) })}`;

export function ProxyReport({ orgId, onOrg }: { orgId: string; onOrg?: (orgId: string, name: string) => void }) {
  const t = useT();
  const { lang } = usePrefs();
  const uid = useId();
  const [month, setMonth] = useState(currentMonth);
  const [downloading, setDownloading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const report = useQuery({
    queryKey: ['reports', 'proxy-monthly', orgId, month],
    queryFn: ({ signal }) => get<ProxyMonthlyReport>(url(orgId, month), { signal }),
    enabled: /^\d{4}-\d{2}$/.test(month),
    placeholderData: keepPreviousData,
    retry: false,
  });

  async function excel() {
    setDownloading(true);
    setProblem(null);
    try {
      await download(url(orgId, month, 'xlsx'), `proxy-monthly-${month}.xlsx`);
    } catch (err) {
      setProblem(problemDetail(err));
    } finally {
      setDownloading(false);
    }
  }

  const r = report.data;
  const rate = (c: Counts) => (c.finishRate === null ? '—' : `${c.finishRate.toFixed(1)}%`);
  const cells = (c: Counts) => (
    <>
      <td>{c.accepted}</td><td>{c.acceptedByProxy}</td><td>{c.finished}</td><td>{c.inProgress}</td><td>{rate(c)}</td>
    </>
  );
  const head = (first: string) => (
    <thead>
      <tr>
        <th scope="col">{first}</th><th scope="col">{t('report.accepted')}</th><th scope="col">{t('report.byProxy')}</th>
        <th scope="col">{t('report.finished')}</th><th scope="col">{t('report.inProgress')}</th><th scope="col">{t('report.rate')}</th>
      </tr>
    </thead>
  );

  return (
    <div className="pl-report" data-testid="proxy-report">
      <div className="wb-actions pl-report-tools">
        <label htmlFor={`${uid}-month`} className="wb-label">{t('report.month')}</label>
        <input id={`${uid}-month`} type="month" className="wb-input pl-month" value={month} max={currentMonth()} onChange={(e) => setMonth(e.target.value)} data-testid="report-month" />
        <button type="button" className="wb-btn wb-btn-primary" onClick={excel} disabled={downloading || !r} data-testid="report-excel">
          {downloading ? t('common.loading') : t('report.excel')}
        </button>
      </div>
      {(report.error || problem) && <p className="wb-problem" role="alert">{problem ?? problemDetail(report.error)}</p>}
      {report.isPending && <p className="wb-hint">{t('common.loading')}</p>}
      {r && (
        <>
          <h2 className="pl-h2" data-testid="report-title">{r.title}</h2>
          <p className="wb-hint">{t('report.period', { from: r.period.from, to: r.period.to })}{r.parentName ? ` · ${r.parentName}` : ''}</p>
          <div className="pl-table-wrap">
            <table className="pl-table" data-testid="report-categories">
              <caption className="visually-hidden">{t('report.byCategory')}</caption>
              {head(t('report.category'))}
              <tbody>
                {r.categories.map((c) => (
                  <tr key={c.category}><th scope="row">{codeLabel(t, c.category === 'other' ? 'reportCategory' : 'proxyCategory', c.category, c.label)}</th>{cells(c)}</tr>
                ))}
              </tbody>
              <tfoot><tr><th scope="row">{t('report.total')}</th>{cells(r.total)}</tr></tfoot>
            </table>
          </div>
          {r.units.length > 1 && (
            <>
              <h3 className="pl-h2">{t('report.byVillage')}</h3>
              <div className="pl-table-wrap">
                <table className="pl-table" data-testid="report-units">
                  {head(t('report.unit'))}
                  <tbody>
                    {r.units.map((u) => (
                      <tr key={u.orgId}>
                        <th scope="row">{onOrg && !u.own ? <button type="button" className="wb-link" onClick={() => onOrg(u.orgId, u.name)}>{u.name}</button> : u.name}</th>
                        {cells(u)}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          <p className="wb-hint">{t('report.generated', { at: formatDateTime(r.generatedAt, lang) })}</p>
        </>
      )}
    </div>
  );
}
