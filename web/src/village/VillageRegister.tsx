// Register at the village room: a villager's own application (村室申请) or a proxy case (代办) the
// cadre handles for an elderly, remote or immobile villager — the shared workbench, phone layout.
import { Workbench } from '../cases/Workbench.tsx';
import { useT } from '../i18n/index.ts';
import { PageLoading } from '../shell/PageLoading.tsx';
import { useMyOrg } from '../staff/cases/useMyOrg.ts';

export default function VillageRegister() {
  const t = useT();
  const org = useMyOrg();
  if (!org.data) return <PageLoading />;
  return (
    <section className="pl-section" aria-labelledby="vl-reg-title">
      <h1 id="vl-reg-title">{t('village.registerTitle')}</h1>
      <Workbench orgCode={org.data.code} orgLevel={org.data.level} channels={['proxy', 'village_room']} canFinishImmediately={false}
        units={[]} caseHref={(id) => `/village/cases/${id}`} compact />
    </section>
  );
}
