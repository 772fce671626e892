import { PRIORITIES, type Priority } from '../../src/orders/index.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { describeError } from '../../src/shared/errors.ts';
import type { Logger } from '../../src/shared/log.ts';
import { yieldToEventLoop } from '../../src/shared/sleep.ts';
import {
  completeJob,
  DEFAULT_LANE_POLICIES,
  JOBS_CHANNEL,
  retryDelayMs,
  retryJobLater,
  type LanePolicy,
  type StepOutcome,
  type WorkerPool,
} from '../../src/queue/index.ts';
import type { AsyncCommitDatabase } from './async-commit.ts';
import { settleAndClaimJobs, type BatchJob } from './batch-job-queries.ts';

/**
 * What a batch step reports for each job: as a single step does, or `lost` (the job's lease had
 * passed to another worker, so nothing was recorded), or `failed` (this job's step failed; the
 * others in the batch stand), or `finished` (done, and the step removed the job itself, in its own
 * commit: the pool has nothing left to record).
 *
 * A step may commit asynchronously (`asyncCommit`) when all it reports can be acted on even if a
 * server crash then loses the commit: `continue`, `wait`, `failed` and `finished` can (the next
 * step, or the next claim, finds the order one state back, with its job, and does the step again).
 * `done` cannot rest on one: the pool deletes the job on its word, in a later statement, and an
 * order whose last step a crash took back would be left with no job. Nor can it rest on a state
 * read outside a synchronous commit: an asynchronous commit is visible to every reader before it is
 * on disk, and the pool's removal, retried after a crash, would outlive it. So a step that finds or
 * makes an order's work ended removes the job itself, in a statement that reads the order's state
 * (removeEndedJobs) or makes it, and reports `finished`; `done` is only for what a synchronous
 * commit has put on disk.
 */
export type BatchStepOutcome =
  StepOutcome | { next: 'lost' } | { next: 'failed'; error: string } | { next: 'finished' };

export interface BatchWorkerPoolDeps {
  /** Its rounds commit asynchronously (openAsyncCommits); what it records of failures, synchronously. */
  readonly db: AsyncCommitDatabase;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Does the next step of every job given, typically in one transaction, and returns one outcome
   * per job in the same order. Throwing fails every job of the batch (each retried by its lane).
   */
  readonly stepBatch: (jobs: readonly BatchJob[], signal: AbortSignal) => Promise<BatchStepOutcome[]>;
  /** Called once a job's attempts are spent, to fail the order for manual review. */
  readonly giveUp: (job: BatchJob, error: string) => Promise<void>;
}

export interface BatchWorkerPoolOptions {
  readonly workerId: string;
  readonly policies?: Readonly<Record<Priority, LanePolicy>>;
  /** Most jobs claimed at once from a lane, and most jobs in one step batch. */
  readonly batchSize?: number;
  /** How many step batches run at once (each holds one database connection). */
  readonly batchesInFlight?: number;
  readonly pollMs?: number;
  /** A claim's lease is the lane's step timeout plus this (default 30 s): how long a dead worker's orders wait. */
  readonly leaseMarginMs?: number;
}

const LANE_RANK = new Map<Priority, number>(PRIORITIES.map((lane, rank) => [lane, rank]));

/**
 * A worker pool for steps that can be done many orders at a time (steps with no outside call, or
 * whose outside work is itself batched). Each round is one statement, so one commit: it deletes
 * the jobs finished since the last round, releases those handed back, and claims each lane's free
 * concurrency (SKIP LOCKED, earliest deadline first, under a lease). Claimed orders are stepped in
 * batches, most urgent lane first; an order whose step says `continue` joins the next batch at once,
 * still under its lease, as long as the lease outlasts another full step timeout; then it is
 * released to the queue for any worker.
 */
export async function startBatchWorkerPool(
  deps: BatchWorkerPoolDeps,
  options: BatchWorkerPoolOptions,
): Promise<WorkerPool> {
  const policies = options.policies ?? DEFAULT_LANE_POLICIES;
  const batchSize = options.batchSize ?? 100;
  const batchesInFlight = options.batchesInFlight ?? 4;
  const workerId = options.workerId;
  const held = new Map<Priority, number>(PRIORITIES.map((lane) => [lane, 0]));
  const leaseEnds = new WeakMap<BatchJob, number>();
  let ready: BatchJob[] = [];
  // Outcomes waiting for the next round's statement.
  // Each names its claim (its lease end): a later claim of the same job, even this worker's, is not touched.
  let finished: { shopId: string; orderId: string; lockedUntil: Date | null }[] = [];
  let released: {
    shopId: string;
    orderId: string;
    lockedUntil: Date | null;
    runAt: Date;
    deadline?: Date | undefined;
  }[] = [];
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();
  let wake: (() => void) | undefined;
  const unlisten = await deps.db.listen(JOBS_CHANNEL, () => wake?.());

  const letGo = (job: BatchJob) => held.set(job.lane, (held.get(job.lane) ?? 1) - 1);
  const key = (job: BatchJob) => ({
    shopId: job.shop_id,
    orderId: job.order_id,
    lockedUntil: job.locked_until,
  });

  async function runBatch(jobs: BatchJob[]): Promise<void> {
    const timeoutMs = Math.min(...jobs.map((j) => policies[j.lane].timeoutMs));
    let outcomes: BatchStepOutcome[];
    try {
      outcomes = await deps.stepBatch(jobs, AbortSignal.timeout(timeoutMs));
      if (outcomes.length !== jobs.length)
        throw new Error('stepBatch returned a different number of outcomes');
    } catch (error) {
      const reason = describeError(error);
      outcomes = jobs.map(() => ({ next: 'failed', error: reason }));
    }
    const now = deps.clock.now();
    const failed: { job: BatchJob; error: string }[] = [];
    jobs.forEach((job, n) => {
      const outcome = outcomes[n]!;
      if (outcome.next === 'failed') return void failed.push({ job, error: outcome.error });
      if (outcome.next === 'continue' && !stopping.signal.aborted) {
        if (now + policies[job.lane].timeoutMs < (leaseEnds.get(job) ?? 0)) return void ready.push(job);
      }
      if (outcome.next === 'done') finished.push(key(job));
      else if (outcome.next === 'wait')
        released.push({ ...key(job), runAt: outcome.until, deadline: outcome.deadline });
      else if (outcome.next === 'continue') released.push({ ...key(job), runAt: new Date(now) });
      // 'finished' and 'lost' leave nothing to record.
      letGo(job);
    });
    for (const { job, error } of failed) {
      try {
        await recordFailure(job, error);
      } catch (recording) {
        // The database is out of reach (a restart, say): the job stays leased in the table, and is
        // claimed again once its lease passes. Every job of the batch is let go all the same.
        deps.log.error({ err: recording, order: job.order_id }, 'recording a failed step failed');
      } finally {
        letGo(job);
      }
    }
  }

  async function recordFailure(job: BatchJob, error: string): Promise<void> {
    const delay = retryDelayMs(policies[job.lane], job.attempts);
    if (delay === null) {
      await deps.giveUp(job, error);
      // This claim's job only: a later claim of the same job, even by this worker, stays.
      await completeJob(deps.db, { ...key(job), workerId });
    } else {
      await retryJobLater(deps.db, {
        ...key(job),
        workerId,
        retryAt: new Date(deps.clock.now() + delay),
        error,
      });
    }
  }

  /** Starts step batches from the ready orders, most urgent lane first, then earliest deadline. */
  function dispatch(): void {
    while (running.size < batchesInFlight && ready.length > 0) {
      ready.sort(
        (a, b) =>
          (LANE_RANK.get(a.lane) ?? 0) - (LANE_RANK.get(b.lane) ?? 0) ||
          a.deadline.getTime() - b.deadline.getTime(),
      );
      const batch = ready.slice(0, batchSize);
      ready = ready.slice(batchSize);
      const task = runBatch(batch)
        .catch((error: unknown) => deps.log.error({ err: error }, 'recording a step batch failed'))
        .finally(() => {
          running.delete(task);
          wake?.();
        });
      running.add(task);
    }
  }

  /** Records the outcomes gathered since the last round and claims work, in one statement. */
  async function round(claim: boolean): Promise<number> {
    const busy = ready.length > 0 || running.size > 0;
    const claims = !claim
      ? []
      : PRIORITIES.flatMap((lane) => {
          const free = policies[lane].concurrency - (held.get(lane) ?? 0);
          // While batches have work, wait for room for a worthwhile claim: each round is a commit.
          const worthwhile = busy ? Math.min(batchSize, policies[lane].concurrency) / 2 : 1;
          const leaseMs = policies[lane].timeoutMs + (options.leaseMarginMs ?? 30_000);
          return free < worthwhile ? [] : [{ lane, limit: Math.min(free, batchSize), leaseMs }];
        });
    if (claims.length === 0 && finished.length === 0 && released.length === 0) return 0;
    const settling = { finished, released };
    finished = [];
    released = [];
    const now = deps.clock.now();
    let jobs: BatchJob[];
    try {
      jobs = await settleAndClaimJobs(deps.db, { workerId, now: new Date(now), ...settling, claims });
    } catch (error) {
      finished.push(...settling.finished);
      released.push(...settling.released);
      throw error;
    }
    for (const job of jobs) {
      held.set(job.lane, (held.get(job.lane) ?? 0) + 1);
      leaseEnds.set(job, now + policies[job.lane].timeoutMs + (options.leaseMarginMs ?? 30_000));
    }
    ready.push(...jobs);
    return jobs.length;
  }

  /** Sleeps until a NOTIFY of new work, a finished batch, stop(), or the poll interval. */
  async function idle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, options.pollMs ?? 1_000);
    });
    clearTimeout(timer);
    wake = undefined;
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      // PGlite answers on this thread without yielding: let timers and HTTP requests in each round.
      await yieldToEventLoop();
      let claimed = 0;
      try {
        claimed = await round(true);
      } catch (error) {
        deps.log.error({ err: error }, 'claiming work failed; retrying');
      }
      dispatch();
      if (claimed === 0) await idle();
    }
  })();

  return {
    inFlight: () => [...held.values()].reduce((sum, n) => sum + n, 0),
    async stop() {
      stopping.abort();
      wake?.();
      await loop;
      while (running.size > 0) await Promise.allSettled([...running]);
      // Orders waiting for their next batch go back to the queue for any worker, due now.
      const now = new Date(deps.clock.now());
      released.push(...ready.map((job) => ({ ...key(job), runAt: now })));
      ready.forEach(letGo);
      ready = [];
      await round(false);
      await unlisten();
    },
  };
}
