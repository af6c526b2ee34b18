// The units the case's holder may send it to now (转办 / 报送 / 代转): every active unit of the holder's
// org and of its parent that the lifecycle's transfer rule accepts for the current stage, the
// suggested one first. The case page offers exactly these, so a transfer form cannot pick a unit the
// server would refuse.
import type { AppContext } from '../../context.ts';
import { currentStage, holder, transferRefusal, type CaseSnapshot } from '../../domain/case-lifecycle.ts';
import { unitRefOf } from './actors.ts';
import * as repo from './repo.ts';

export async function transferTargets(ctx: AppContext, s: CaseSnapshot, suggested: repo.UnitInfo | null): Promise<repo.UnitInfo[]> {
  const from = holder(s);
  const stage = currentStage(s);
  if (!from || !stage || s.state !== 'accepted') return [];
  const fromInfo = await repo.unitInfo(ctx.db, from.unitId);
  if (!fromInfo) return [];
  const orgIds = [fromInfo.org_id, fromInfo.org_parent_id].filter((x): x is string => !!x);
  const units = await repo.activeUnitsOfOrgs(ctx.db, orgIds, ['acceptance_desk', 'handling_window', 'handling_room']);
  const allowed = units.filter((u) => transferRefusal(s, from, unitRefOf(u)) === null);
  const first = suggested ? allowed.filter((u) => u.id === suggested.id) : [];
  return [...first, ...allowed.filter((u) => u.id !== suggested?.id)];
}
