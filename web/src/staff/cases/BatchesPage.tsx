// The township desk's side of 定期报送: sign for the villages' batches case by case and check them
// (a missing case is flagged at once), and send results back to each village in a return batch.
// The batch screens are the village room's own (plain React), so both sides see the same manifest.
import { Badge, Select, Tabs, Typography } from 'antd';
import { useMemo } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useCaseList } from '../../cases/api.ts';
import { BatchDetailView, BatchList, NewBatch } from '../../cases/BatchViews.tsx';
import { useBatches, type BatchState } from '../../cases/batches.ts';
import { codeLabel } from '../../cases/format.ts';
import { useT } from '../../i18n/index.ts';

const BASE = '/batches';
const caseHref = (id: string) => `/cases/${id}`;

/** Villages with results waiting at this desk: the village rooms that accepted the decided cases. */
function useVillagesWaiting() {
  const list = useCaseList({ queue: 'to_reply', page: 1, pageSize: 100 });
  return useMemo(() => {
    const byOrg = new Map<string, { id: string; name: string; n: number }>();
    for (const c of list.data?.items ?? []) {
      if (c.acceptingUnit.kind !== 'village_room') continue;
      const v = byOrg.get(c.acceptingUnit.orgId) ?? { id: c.acceptingUnit.orgId, name: c.acceptingUnit.orgName, n: 0 };
      v.n += 1;
      byOrg.set(v.id, v);
    }
    return [...byOrg.values()];
  }, [list.data]);
}

const STATE_TABS: BatchState[] = ['sent', 'draft', 'checked', 'cancelled'];

/** Tabs by batch state, each with its count from GET /api/batches (the same numbers whichever tab is open). */
function StateTabs({ state, onChange }: { state: BatchState | undefined; onChange: (s: BatchState | undefined) => void }) {
  const t = useT();
  const all = useBatches({});
  const counts = all.data?.counts;
  const label = (text: string, n: number | undefined, attention = false) => (
    <span className="menu-with-badge">
      {text} <Badge count={n ?? 0} showZero overflowCount={999} color={attention && n ? 'blue' : '#bfbfbf'} />
    </span>
  );
  return (
    <Tabs
      activeKey={state ?? 'all'}
      onChange={(k) => onChange(k === 'all' ? undefined : (k as BatchState))}
      data-testid="batch-tabs"
      items={[
        { key: 'all', label: label(t('batch.tabAll'), counts?.all) },
        ...STATE_TABS.map((s) => ({ key: s, label: label(codeLabel(t, 'batchState', s), counts?.byState[s], s === 'sent') })),
      ]}
    />
  );
}

export default function BatchesPage() {
  const t = useT();
  const { id } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const villages = useVillagesWaiting();
  const villageId = params.get('villageId') ?? undefined;
  const stateParam = params.get('state');
  const state = STATE_TABS.includes(stateParam as BatchState) ? (stateParam as BatchState) : undefined;

  let body: React.ReactNode;
  if (!id) {
    body = (
      <>
        <BatchList
          base={BASE} caseHref={caseHref} kinds={['outgoing', 'return']} newKind={null} state={state}
          tabs={<StateTabs state={state} onChange={(s) => navigate(s ? `${BASE}?state=${s}` : BASE, { replace: true })} />}
        />
        <section className="pl-section" aria-labelledby="return-title">
          <h2 id="return-title" className="pl-h2">{t('batch.newReturn')}</h2>
          <Typography.Paragraph type="secondary">{villages.length ? t('batch.returnPick') : t('batch.noReturns')}</Typography.Paragraph>
          {villages.length > 0 && (
            <Select style={{ width: 320 }} placeholder={t('batch.village')} aria-label={t('batch.village')} data-testid="return-village"
              options={villages.map((v) => ({ value: v.id, label: t('batch.villageWaiting', { name: v.name, n: v.n }) }))}
              onChange={(v: string) => navigate(`${BASE}/new?kind=return&villageId=${encodeURIComponent(v)}`)} />
          )}
        </section>
      </>
    );
  } else if (id === 'new') {
    body = <NewBatch base={BASE} caseHref={caseHref} kind={params.get('kind') === 'outgoing' ? 'outgoing' : 'return'} villageId={villageId} />;
  } else {
    body = <BatchDetailView base={BASE} caseHref={caseHref} id={id} />;
  }
  return <div className="page staff-plain">{body}</div>;
}
