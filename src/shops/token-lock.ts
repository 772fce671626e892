import type { Database, Queryable } from '../db/index.ts';

/** What runs under the lock: `q` reads and writes; `atomically` groups writes into one transaction. */
export type LockedWork<T> = (
  q: Queryable,
  atomically: <R>(fn: (tx: Queryable) => Promise<R>) => Promise<R>,
) => Promise<T>;

const pgliteLocks = new WeakMap<Database, Map<string, Promise<unknown>>>();

/**
 * Runs `work` holding the token lock of one seller, so no two refreshes of the same tokens overlap,
 * in this process or any other. On PostgreSQL: a transaction-scoped advisory lock, held while TikTok
 * answers (a few hundred ms, once a week per seller). On PGlite, where only one process can open the
 * data folder, an in-process lock per database: holding a transaction open there would stall every
 * other query of the process while TikTok answers.
 */
export async function withTokenLock<T>(db: Database, key: string, work: LockedWork<T>): Promise<T> {
  if (db.kind === 'postgres') {
    return db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('creatorflow:tiktok-token:' || $1))`, [key]);
      return work(tx, (fn) => fn(tx));
    });
  }
  let locks = pgliteLocks.get(db);
  if (!locks) {
    locks = new Map<string, Promise<unknown>>();
    pgliteLocks.set(db, locks);
  }
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(
    () => work(db, (fn) => db.transaction(fn)),
    () => work(db, (fn) => db.transaction(fn)),
  );
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}
