import type { Queryable } from '../../src/db/index.ts';
import { sleep } from '../../src/shared/sleep.ts';

/**
 * Resolves once some transaction of this database waits for a row lock (PostgreSQL only), for
 * tests that start a transaction and must know it is blocked before they go on.
 */
export async function someoneWaitsForALock(db: Queryable, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { rows } = await db.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0]!.waiting > 0) return;
    await sleep(20);
  }
  throw new Error(`no transaction waited for a lock within ${timeoutMs} ms`);
}

/** Whether the rows a `SELECT ... FOR UPDATE` names can be locked right now (NOWAIT), in a transaction of its own. */
export async function canLockNow(
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  selectForUpdate: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    try {
      await tx.query(`${selectForUpdate} NOWAIT`);
      return true;
    } catch {
      return false;
    }
  });
}
