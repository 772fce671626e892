/**
 * What every query function takes: the pool or an open transaction, on PostgreSQL or PGlite alike.
 * Query functions are plain `(db: Queryable, input) => Promise<...>` so a caller decides the
 * transaction boundary.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Names a statement the hot path runs many times: PostgreSQL parses and plans it once per
   * connection and reuses that. Give each distinct text its own name. PGlite ignores it.
   */
  readonly prepared?: string;
  /**
   * Commit without waiting for the write-ahead log to reach the disk (PostgreSQL's asynchronous
   * commit, `synchronous_commit = off`), for a statement run on its own, outside a transaction
   * (inside one, the transaction's own mode applies). Only for work a worker simply redoes when it
   * is lost: a server crash can lose the last moments of such commits (never part of one, never out
   * of order), and nothing outside the database may act on them before a synchronous commit, which
   * makes every earlier commit durable too. See docs/ARCHITECTURE.md. PGlite ignores it.
   */
  readonly asyncCommit?: boolean;
}

export interface TransactionOptions {
  /** As `QueryOptions.asyncCommit`, for the whole transaction. */
  readonly asyncCommit?: boolean;
}

export interface Queryable {
  /** One statement with $1..$n parameters. */
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type DatabaseKind = 'postgres' | 'pglite';

/** A connection pool (PostgreSQL) or the single embedded connection (PGlite). */
export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Calls `handler` for each NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
