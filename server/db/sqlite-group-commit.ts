// SQLite with group commit and a statement cache, as a Kysely driver.
//
// With synchronous=FULL every COMMIT waits for an fsync, and better-sqlite3 waits on the event loop's
// thread: one fsync per request was a third of the server's time under load. Here a transaction runs
// as a SAVEPOINT inside one outer write transaction that stays open while other requests' transactions
// are queued; the outer COMMIT (one fsync) happens once the queue is empty (setImmediate, i.e. after
// every request that was ready has had its turn). `inTransaction` waits for that commit before it
// answers, so nothing is acknowledged before it is durable, and a failed group commit fails every
// transaction in the group (none is half-applied: SQLite rolls the whole group back).
//
// Transactions still run one at a time on the one connection; statements outside a transaction run
// inside the open group (they see the group's writes, which are committed or rolled back together).
import type Sqlite from 'better-sqlite3';
import {
  CompiledQuery, SelectQueryNode, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from 'kysely';

/** Prepared statements kept per connection; a server has a few hundred distinct queries. */
const STATEMENT_CACHE_SIZE = 1000;
const SAVEPOINT = 'bianmin_tx';

class Group {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;
  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A group nobody waits for (only reads and plain writes) must not surface as an unhandled rejection.
    this.promise.catch(() => {});
  }
}

/** First come, first served: a group commit queued behind waiting transactions lets them join the group. */
class Mutex {
  #locked = false;
  #waiters: (() => void)[] = [];
  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

class CachedConnection implements DatabaseConnection {
  readonly #statements = new Map<string, Sqlite.Statement>();
  constructor(readonly sqlite: Sqlite.Database) {}

  #prepare(sql: string): Sqlite.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.clear();
      stmt = this.sqlite.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  run(sql: string): void {
    this.#prepare(sql).run();
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#prepare(compiled.sql);
    const parameters = compiled.parameters as unknown[];
    if (stmt.reader) return Promise.resolve({ rows: stmt.all(parameters) as R[] });
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    // Not from the cache: an iterating statement is busy until it is exhausted.
    for (const row of this.sqlite.prepare(compiled.sql).iterate(compiled.parameters as unknown[])) yield { rows: [row as R] };
  }
}

export class GroupCommitSqliteDriver implements Driver {
  readonly #connection: CachedConnection;
  readonly #mutex = new Mutex();
  #group: Group | null = null;
  #flushQueued = false;
  /** Outer commits done and transactions committed through them (their ratio is the mean group size). */
  readonly stats = { commits: 0, transactions: 0 };

  constructor(readonly sqlite: Sqlite.Database) {
    this.#connection = new CachedConnection(sqlite);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection;
  }

  async beginTransaction(): Promise<void> {
    if (!this.sqlite.inTransaction) {
      // A group still open here lost its outer transaction (SQLite rolled it back on an error outside
      // any of our transactions): its members must hear so, not wait forever or be told it committed.
      this.#endGroup(this.#group ? new Error('SQLite rolled back the open group commit') : null);
      // Writers take the lock when they begin, so a read-then-write transaction never hits SQLITE_BUSY_SNAPSHOT.
      this.#connection.run('begin immediate');
      this.#group = new Group();
    }
    this.#connection.run(`savepoint ${SAVEPOINT}`);
  }

  async commitTransaction(): Promise<void> {
    this.#connection.run(`release ${SAVEPOINT}`);
    this.stats.transactions++;
  }

  async rollbackTransaction(): Promise<void> {
    if (this.sqlite.inTransaction) {
      this.#connection.run(`rollback to ${SAVEPOINT}`);
      this.#connection.run(`release ${SAVEPOINT}`);
    } else {
      // SQLite rolled the whole outer transaction back itself (I/O error, disk full): the group is lost.
      this.#endGroup(new Error('SQLite rolled back the open group commit'));
    }
  }

  async savepoint(): Promise<void> {
    throw new Error('nested savepoints are not used with group commit');
  }

  async rollbackToSavepoint(): Promise<void> {
    throw new Error('nested savepoints are not used with group commit');
  }

  async releaseSavepoint(): Promise<void> {
    throw new Error('nested savepoints are not used with group commit');
  }

  async releaseConnection(): Promise<void> {
    if (this.sqlite.inTransaction && !this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => void this.flush());
    }
    this.#mutex.unlock();
  }

  /** The group the running transaction belongs to: resolves once it is durable. Call inside the transaction. */
  currentGroup(): Promise<void> {
    return this.#group?.promise ?? Promise.resolve();
  }

  /** Commits the open group (after every transaction already waiting for the connection). */
  async flush(): Promise<void> {
    await this.#mutex.lock();
    this.#flushQueued = false;
    try {
      // Nothing open: either no group, or one SQLite rolled back by itself (never a committed one, which ends at once).
      if (!this.sqlite.inTransaction) return this.#endGroup(this.#group ? new Error('SQLite rolled back the open group commit') : null);
      try {
        this.#connection.run('commit');
        this.stats.commits++;
        this.#endGroup(null);
      } catch (err) {
        if (this.sqlite.inTransaction) {
          try {
            this.#connection.run('rollback');
          } catch {
            // The rollback's own failure changes nothing for the group: it is not committed either way.
          }
        }
        this.#endGroup(err);
      }
    } finally {
      this.#mutex.unlock();
    }
  }

  #endGroup(err: unknown): void {
    const group = this.#group;
    this.#group = null;
    if (!group) return;
    if (err) group.reject(err);
    else group.resolve();
  }

  async destroy(): Promise<void> {
    await this.flush();
    this.sqlite.close();
  }
}

export class GroupCommitSqliteDialect implements Dialect {
  constructor(readonly driver: GroupCommitSqliteDriver) {}
  createDriver(): Driver {
    return this.driver;
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}

const drivers = new WeakMap<object, GroupCommitSqliteDriver>();

export function registerGroupCommit(db: object, driver: GroupCommitSqliteDriver): void {
  drivers.set(db, driver);
}

/** The group-commit driver behind a database handle, if it has one. */
export function groupCommitOf(db: object): GroupCommitSqliteDriver | undefined {
  return drivers.get(db);
}
