import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, openPostgres, type Database } from '../../src/db/index.ts';
import { type OrderJob } from '../../src/queue/index.ts';
import {
  lifecycleStepBatch,
  openAsyncCommits,
  settleAndClaimJobs,
  transitionOrders,
  type AsyncCommitDatabase,
  type BatchStepOutcome,
} from '../../bench/engine/index.ts';
import { systemClock } from '../../src/shared/clock.ts';
import {
  canRunPrivatePostgres,
  CRASH_TEST_SETTINGS,
  startPrivatePostgres,
  walWriterPid,
  whileRecovering,
  type PrivatePostgres,
} from '../helpers/private-postgres.ts';

/**
 * A batch step that finds an order's work ended (a state read again after a stale step) must not
 * let the pool remove the job on the word of that read: an asynchronous commit is visible before it
 * is on disk, and a server crash can take it back. Here the order is cancelled in an asynchronous
 * commit while the WAL writer is paused, the batch step reads `cancelled`, the server crashes, and
 * the pool records the step's outcome as it would after the crash. The cancellation is gone, so the
 * order must still have its job. (The step's own removal commits asynchronously, as the batch
 * pool's statements do; were it synchronous it would flush the cancellation to disk with it, and
 * the crash would take nothing back.)
 */
let server: PrivatePostgres;
let db: Database;
/** `db` with the batch pool's asynchronous commits. */
let batchDb: AsyncCommitDatabase;

describe.skipIf(!canRunPrivatePostgres())(
  'an ended order across a PostgreSQL server crash (needs PostgreSQL server programs for a private server)',
  () => {
    beforeAll(async () => {
      server = await startPrivatePostgres(CRASH_TEST_SETTINGS);
      db = await openPostgres(server.url, { max: 4 });
      batchDb = await openAsyncCommits(db, server.url, { max: 4 });
      await migrate(db, loadMigrations());
      await db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
      await db.query(
        `INSERT INTO orders (shop_id, order_id, priority, sla_deadline) VALUES ('s', 'o1', 'viral', now())`,
      );
      await db.query(
        `INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at)
         VALUES ('s', 'o1', 'viral', now() + interval '1 minute', now())`,
      );
    }, 120_000);
    afterAll(async () => {
      await batchDb?.close().catch(() => {});
      await db?.close().catch(() => {});
      await server?.remove();
    });

    it('keeps the job of an order whose ending a crash took back, whatever the step read before the crash', async () => {
      const orderAndJob = () =>
        whileRecovering(
          async () =>
            (
              await db.query<{ state: string; job: string | null }>(
                `SELECT o.state, j.order_id AS job FROM orders o LEFT JOIN order_jobs j USING (shop_id, order_id)`,
              )
            ).rows,
        );

      const [job] = await settleAndClaimJobs(batchDb, {
        workerId: 'w1',
        now: new Date(),
        finished: [],
        released: [],
        claims: [{ lane: 'viral', limit: 1, leaseMs: 600_000 }],
      });
      expect(job).toMatchObject({ order_id: 'o1', order_state: 'received' });
      await db.query('CHECKPOINT');

      const walWriter = await walWriterPid(db);
      process.kill(walWriter, 'SIGSTOP');
      let outcomes: BatchStepOutcome[];
      try {
        // TikTok cancels the order; that commit is visible at once but reaches no disk.
        await transitionOrders(batchDb, {
          items: [{ shopId: 's', orderId: 'o1', event: 'tiktok_cancel' }],
          at: new Date(),
          asyncCommit: true,
        });
        const step = lifecycleStepBatch({ db: batchDb, clock: systemClock });
        // The step decided from the claim's `received` is stale; the next one reads `cancelled`.
        expect(await step([job!])).toEqual([{ next: 'continue' }]);
        outcomes = await step([job!]);
      } finally {
        // A crash: PostgreSQL ends every process and recovers from the WAL on disk.
        process.kill(walWriter, 'SIGKILL');
      }
      await expect.poll(() => walWriterPid(db), { timeout: 60_000, interval: 50 }).not.toBe(walWriter);

      // What the pool does with the outcome after the crash: removes the job of a `done`, in its next
      // round (retried until the server answers); a `finished` step removed its job itself.
      const done = outcomes[0]?.next === 'done' ? [jobKey(job!)] : [];
      await whileRecovering(() =>
        settleAndClaimJobs(batchDb, {
          workerId: 'w1',
          now: new Date(),
          finished: done,
          released: [],
          claims: [],
        }),
      );
      // The crash took the cancellation back (else this test would prove nothing), and the order,
      // with work again, still has its job.
      expect(await orderAndJob()).toEqual([{ state: 'received', job: 'o1' }]);
    }, 120_000);
  },
);

function jobKey(job: OrderJob) {
  return { shopId: job.shop_id, orderId: job.order_id, lockedUntil: job.locked_until };
}
