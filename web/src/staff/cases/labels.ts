// Colours of case states in antd tags (always with the state's words beside them).
import type { CaseState } from '../../cases/types.ts';

export const STATE_COLOURS: Record<CaseState, string> = {
  draft: 'default',
  submitted: 'cyan',
  awaiting_materials: 'orange',
  accepted: 'blue',
  in_transfer: 'geekblue',
  handling: 'processing',
  suspended: 'purple',
  decided: 'lime',
  ready_for_delivery: 'gold',
  finished: 'success',
  refused: 'error',
  withdrawn: 'default',
};
