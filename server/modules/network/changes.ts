// Who works where changes here (orgs, units, windows and their posts); modules that keep a few seconds'
// copy of it (the cases module's memberships, the role grants of signed-in people) listen, so a change
// in this process is seen at once.
import type { AppContext } from '../../context.ts';

const listeners: ((ctx: AppContext) => void)[] = [];

export function onNetworkChange(listener: (ctx: AppContext) => void): void {
  listeners.push(listener);
}

export function networkChanged(ctx: AppContext): void {
  for (const l of listeners) l(ctx);
}
