// The village room's first screen: whose room, what waits (to accept, to send up, results to hand
// over, due soon), and the big buttons a cadre needs most.
import { Link } from 'react-router';
import { useQueueCounts } from '../cases/api.ts';
import { useBatches } from '../cases/batches.ts';
import { codeLabel } from '../cases/format.ts';
import type { Queue } from '../cases/types.ts';
import { useT } from '../i18n/index.ts';
import { useMyOrg } from '../staff/cases/useMyOrg.ts';

const QUEUES: Queue[] = ['to_accept', 'to_handle', 'to_deliver', 'due_soon', 'overdue'];

export default function VillageHome() {
  const t = useT();
  const org = useMyOrg();
  const counts = useQueueCounts();
  const incoming = useBatches({ kind: 'return', state: 'sent' });
  return (
    <section className="pl-section" aria-labelledby="vl-home-title">
      <h1 id="vl-home-title">{org.data ? t('village.roomOf', { name: org.data.name }) : t('village.brand')}</h1>
      <div className="vl-big">
        <Link to="/village/register" className="wb-btn wb-btn-primary vl-wide" data-testid="vl-register">{t('village.registerBtn')}</Link>
        <Link to="/village/batches" className="wb-btn vl-wide">{t('village.batchesBtn')}</Link>
      </div>
      {(incoming.data?.total ?? 0) > 0 && (
        <p className="vl-notice" role="status"><Link to="/village/batches">{t('village.returnsWaiting', { n: incoming.data!.total })}</Link></p>
      )}
      <h2 className="pl-h2">{t('home.queues')}</h2>
      <ul className="vl-queues" data-testid="vl-queues">
        {QUEUES.map((q) => (
          <li key={q}>
            <Link to={`/village/cases?queue=${q}`} className={`vl-queue q-${q}`} data-queue={q}>
              <span className="vl-queue-n">{counts.data?.[q] ?? '…'}</span>
              <span>{codeLabel(t, 'villageQueue', q, codeLabel(t, 'queue', q))}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
