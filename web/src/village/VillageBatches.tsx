// The village room's batches: send accepted cases up to the township (报送), sign the results that
// come back (回送) and hand each over to the villager.
import { useSearchParams } from 'react-router';
import { BatchDetailView, BatchList, NewBatch } from '../cases/BatchViews.tsx';

const BASE = '/village/batches';
const caseHref = (id: string) => `/village/cases/${id}`;

export default function VillageBatches({ id }: { id: string | undefined }) {
  const [params] = useSearchParams();
  if (!id) return <BatchList base={BASE} caseHref={caseHref} kinds={['outgoing', 'return']} newKind="outgoing" />;
  if (id === 'new') return <NewBatch base={BASE} caseHref={caseHref} kind={params.get('kind') === 'return' ? 'return' : 'outgoing'} />;
  return <BatchDetailView base={BASE} caseHref={caseHref} id={id} />;
}
