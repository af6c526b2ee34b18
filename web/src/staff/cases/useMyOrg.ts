// The org the signed-in person belongs to (its code picks the catalog; its level decides what it accepts).
import { useOrgs } from '../orgs.ts';
import { useMe } from '../session.ts';

export function useMyOrg() {
  const { data: me } = useMe();
  const orgs = useOrgs();
  return { ...orgs, data: orgs.data?.find((o) => o.id === me?.orgId) };
}
