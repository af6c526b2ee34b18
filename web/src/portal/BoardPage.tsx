// A center's public board (挂牌上岗): address, hours, phone, who is on duty at each window right now
// with their badge, handling rooms, and for a village room today's cadre on duty and the week's rota.
import { Link, useParams } from 'react-router';
import { problemDetail } from '../api/client.ts';
import { useT } from '../i18n/index.ts';
import { usePrefs } from '../prefs/prefs.ts';
import { notFound, useBoard, type PublicStaff } from './api.ts';

export default function BoardPage() {
  const t = useT();
  const { lang } = usePrefs();
  const { code = '' } = useParams();
  const board = useBoard(code);

  if (board.isPending) return <p className="portal-hint">{t('common.loading')}</p>;
  if (board.error) {
    return (
      <section className="portal-section">
        <p className="portal-error" role="alert">{notFound(board.error) ? t('portal.board.notFound') : problemDetail(board.error)}</p>
        <p><Link to="/portal/centers">{t('portal.nav.centers')}</Link></p>
      </section>
    );
  }
  const b = board.data;
  const asOf = new Date(b.asOf).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en', { timeZone: 'Asia/Shanghai', hour12: false, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const weekday = (n: number) => t('calendar.weekdays').split(',')[n - 1] ?? String(n);

  return (
    <section className="portal-section" aria-labelledby="board-title">
      <h1 id="board-title">{b.org.name}</h1>
      <dl className="portal-facts" data-testid="board-facts">
        {b.org.address && <div><dt>{t('portal.board.address')}</dt><dd>{b.org.address}</dd></div>}
        {b.org.openingHours && <div><dt>{t('portal.board.hours')}</dt><dd>{b.org.openingHours}</dd></div>}
        {b.org.phone && <div><dt>{t('portal.board.phone')}</dt><dd><a href={`tel:${b.org.phone}`}>{b.org.phone}</a></dd></div>}
      </dl>

      {b.windows.length > 0 && (
        <>
          <h2>{t('portal.board.windows')}</h2>
          <p className="portal-hint">{t('portal.board.asOf', { time: asOf })}</p>
          <ul className="portal-list board-grid" data-testid="board-windows">
            {b.windows.map((w) => (
              <li key={w.number} className="portal-card">
                <div className="board-window-head">
                  <strong>{t('portal.board.window', { n: w.number })} · {w.sign}</strong>
                  {w.status === 'closed'
                    ? <span className="post-tag away">{t('portal.board.closed')}</span>
                    : <span className={`post-tag ${w.post === 'B' ? 'b' : ''}`}>{w.post === 'B' ? t('portal.board.postB') : t('portal.board.postA')}</span>}
                </div>
                {w.units.length > 0 && <div className="badge-line">{w.units.join('、')}</div>}
                {w.staff ? <Badge staff={w.staff} /> : <p className="portal-hint">{t('portal.board.closedNote')}</p>}
              </li>
            ))}
          </ul>
        </>
      )}

      {b.villageRoom && (
        <>
          <h2>{b.villageRoom.name ?? t('portal.board.villageRoom')}</h2>
          <div className="portal-card">
            <strong>{t('portal.board.onDutyToday')}</strong>
            {b.villageRoom.onDutyToday ? <Badge staff={b.villageRoom.onDutyToday} /> : <p className="portal-hint">{t('portal.board.noDutyToday')}</p>}
          </div>
          {b.villageRoom.rota.length > 0 && (
            <>
              <h3>{t('portal.board.rota')}</h3>
              <ul className="board-rota">
                {b.villageRoom.rota.map((r) => <li key={r.weekday}>{weekday(r.weekday)}：{r.staff?.name ?? '—'}</li>)}
              </ul>
            </>
          )}
        </>
      )}

      {b.handlingRooms.length > 0 && (
        <>
          <h2>{t('portal.board.rooms')}</h2>
          <p className="portal-hint">{t('portal.board.roomsNote')}</p>
          <ul>{b.handlingRooms.map((r) => <li key={r.name}>{r.name}{r.department ? `（${r.department}）` : ''}</li>)}</ul>
        </>
      )}
      <p><Link to={`/portal?`}>{t('portal.board.toGuides')}</Link></p>
    </section>
  );
}

function Badge({ staff }: { staff: PublicStaff }) {
  const t = useT();
  return (
    <div className="badge" data-testid="staff-badge">
      {staff.photoUrl
        ? <img className="badge-photo" src={staff.photoUrl} alt={t('portal.board.photoOf', { name: staff.name })} width={64} height={80} loading="lazy" />
        : <span className="badge-photo badge-photo-empty" aria-hidden="true">{staff.name.slice(0, 1)}</span>}
      <div>
        <div className="badge-name">{staff.name}</div>
        <div className="badge-line">{t('portal.board.staffNo', { no: staff.staffNo })}</div>
        {staff.title && <div className="badge-line">{staff.title}</div>}
        {staff.duties && <div className="badge-line">{staff.duties}</div>}
      </div>
    </div>
  );
}
