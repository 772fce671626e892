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
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Calls `handler` for each NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
