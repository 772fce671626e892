import {
  openPostgres,
  type Database,
  type Queryable,
  type QueryOptions,
  type QueryResult,
} from '../../src/db/index.ts';

/**
 * Asynchronous commit for the batch worker pool (docs/engine.md, "Commits that do not wait for the
 * disk"). The service commits every statement as the server is set (src/db has one way to commit);
 * only this experimental pool asks for commits that return before the write-ahead log reaches the
 * disk, so the capability lives here with it.
 */
export interface AsyncCommitOption {
  /**
   * Commit without waiting for the write-ahead log to reach the disk (PostgreSQL's asynchronous
   * commit, `synchronous_commit = off`): for a statement run on its own, outside a transaction
   * (inside one, the transaction's own mode applies), or for a whole transaction. Only for work a
   * worker simply redoes when it is lost: a server crash can lose the last moments of such commits
   * (never part of one, never out of order), and nothing outside the database may act on them
   * before a synchronous commit, which makes every earlier commit durable too.
   * See docs/ARCHITECTURE.md. PGlite never waits for a disk: there it changes nothing.
   */
  readonly asyncCommit?: boolean;
}

/** A statement's options: src/db's, and whether it may commit asynchronously. */
export type AsyncCommitQueryOptions = QueryOptions & AsyncCommitOption;

/**
 * What the batch pool's query functions take. Any src/db `Queryable` is one: a transaction's
 * connection runs a statement that asks for an asynchronous commit as its transaction commits.
 */
export interface AsyncCommitQueryable extends Queryable {
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: AsyncCommitQueryOptions,
  ): Promise<QueryResult<R>>;
}

/** A database whose statements and transactions may ask for an asynchronous commit. */
export interface AsyncCommitDatabase extends Database {
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: AsyncCommitQueryOptions,
  ): Promise<QueryResult<R>>;
  transaction<T>(fn: (tx: AsyncCommitQueryable) => Promise<T>, options?: AsyncCommitOption): Promise<T>;
  /**
   * Where what asks for an asynchronous commit runs: connections to the same database started with
   * `synchronous_commit = off` (PostgreSQL), or the database itself (PGlite).
   */
  readonly asyncCommits: Database;
}

/**
 * `db` with asynchronous commits on request, for the batch pool: what asks for one runs on a second
 * pool of connections to the same database (`url`, the connection string `db` was opened with),
 * each started with `synchronous_commit = off` (up to `max` more connections; the server's own
 * setting is untouched); everything else runs on `db`, as the server is set. On PGlite `db` serves
 * both. `close()` closes only the connections opened here: `db` stays its caller's to close.
 *
 * @example
 * const db = await openAsyncCommits(plain, url);
 * await settleAndClaimJobs(db, round); // commits asynchronously
 * await db.close(); // then plain.close()
 */
export async function openAsyncCommits(
  db: Database,
  url: string | undefined,
  options: { max?: number } = {},
): Promise<AsyncCommitDatabase> {
  if (db.kind === 'pglite') return routeCommits(db, db, () => Promise.resolve());
  if (url === undefined)
    throw new Error('openAsyncCommits: a PostgreSQL database needs its connection string');
  const asyncCommits = await openPostgres(asyncCommitUrl(url), options);
  return routeCommits(db, asyncCommits, () => asyncCommits.close());
}

/**
 * `url` with the startup option `-c synchronous_commit=off` added to any it names: pg (as libpq)
 * reads the `options` parameter of a connection string and the server applies it to the session.
 */
function asyncCommitUrl(url: string): string {
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options');
  parsed.searchParams.set('options', `${given === null ? '' : `${given} `}-c synchronous_commit=off`);
  return parsed.toString();
}

/** Runs what asks for an asynchronous commit on `asyncCommits`, everything else on `db`. */
function routeCommits(db: Database, asyncCommits: Database, close: () => Promise<void>): AsyncCommitDatabase {
  return {
    kind: db.kind,
    asyncCommits,
    query: (text, params, options) =>
      options?.asyncCommit ? asyncCommits.query(text, params, options) : db.query(text, params, options),
    exec: (script) => db.exec(script),
    transaction: (fn, options) => (options?.asyncCommit ? asyncCommits : db).transaction(fn),
    listen: (channel, handler) => db.listen(channel, handler),
    close,
  };
}
