import type { Config } from './config.ts';
import type { Db, Engine } from './db/index.ts';
import type { Role } from './domain/roles.ts';

/** What every use case receives: the database, settings, and a clock tests can move. */
export interface AppContext {
  db: Db;
  engine: Engine;
  config: Config;
  now: () => Date;
}

export interface RoleGrant {
  role: Role;
  orgId: string;
  /** The org's path (`/id/…/`), so scope checks need no query. */
  orgPath: string;
}

export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  orgId: string;
  roles: RoleGrant[];
}

/** Who did it, from where, in which request: the fields every audit row carries. */
export interface RequestMeta {
  actor: Actor | null;
  ip: string;
  requestId: string;
}
