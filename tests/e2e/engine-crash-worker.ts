/**
 * A worker process for the engine crash test: drains the order queue of ENGINE_DATABASE_URL with the
 * single-step or the batch worker pool (ENGINE_MODE), recording a side-effect ledger row in each
 * step's own transaction. Prints "ready" once claiming; SIGTERM stops it cleanly. The test kills it
 * with SIGKILL at random moments.
 */
import { PRIORITIES, type Priority } from '../../src/orders/index.ts';
import { openPostgres, type Queryable } from '../../src/db/index.ts';
import {
  DEFAULT_LANE_POLICIES,
  startWorkerPool,
  type LanePolicy,
  type WorkerPool,
} from '../../src/queue/index.ts';
import {
  lifecycleStep,
  lifecycleStepBatch,
  openAsyncCommits,
  startBatchWorkerPool,
} from '../../bench/engine/index.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';

const url = process.env.ENGINE_DATABASE_URL;
const mode = process.env.ENGINE_MODE;
if (!url || (mode !== 'single' && mode !== 'batch')) {
  process.stderr.write('set ENGINE_DATABASE_URL and ENGINE_MODE=single|batch\n');
  process.exit(2);
}

const db = await openPostgres(url, { max: 6 });
// The batch pool's rounds and batches commit without waiting for the disk, on connections of their own.
const batchDb = mode === 'batch' ? await openAsyncCommits(db, url, { max: 6 }) : undefined;
const log = createLogger('warn');
// Short step timeouts and lease margin: a killed worker's orders are claimable again within 1.5 s.
// Every claim counts as an attempt, and a step that outlasts its 1 s timeout on a busy machine is a
// failure, so retries are quick and plentiful here: this test is about crashes, not retry policy.
const policies = Object.fromEntries(
  PRIORITIES.map((lane) => [
    lane,
    { ...DEFAULT_LANE_POLICIES[lane], timeoutMs: 1_000, maxAttempts: 50, baseDelayMs: 50, maxDelayMs: 500 },
  ]),
) as Record<Priority, LanePolicy>;
const options = { workerId: `crash-worker-${process.pid}`, policies, pollMs: 100, leaseMarginMs: 500 };
const giveUp = (job: { order_id: string }, error: string): Promise<void> => {
  log.error({ order: job.order_id, error }, 'gave up');
  return Promise.resolve();
};

async function ledger(tx: Queryable, steps: readonly { shopId: string; orderId: string; event: string }[]) {
  await tx.query(
    `INSERT INTO engine_effects (shop_id, order_id, event, worker)
     SELECT s, o, e, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(s, o, e)`,
    [steps.map((s) => s.shopId), steps.map((s) => s.orderId), steps.map((s) => s.event), options.workerId],
  );
}

const pool: WorkerPool =
  batchDb === undefined
    ? await startWorkerPool(
        {
          db,
          clock: systemClock,
          log,
          step: lifecycleStep({ db, clock: systemClock, effect: (tx, step) => ledger(tx, [step]) }),
          giveUp,
        },
        options,
      )
    : await startBatchWorkerPool(
        {
          db: batchDb,
          clock: systemClock,
          log,
          stepBatch: lifecycleStepBatch({ db: batchDb, clock: systemClock, effect: ledger }),
          giveUp,
        },
        { ...options, batchSize: 50 },
      );
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  pool
    .stop()
    .then(() => batchDb?.close())
    .then(() => db.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        // The database is out of reach (a test removed it, say): say so and end all the same.
        process.stderr.write(`stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
});
