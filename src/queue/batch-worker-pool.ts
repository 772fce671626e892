import type { Database } from '../db/index.ts';
import { PRIORITIES, type Priority } from '../orders/index.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { yieldToEventLoop } from '../shared/sleep.ts';
import {
  claimJobs,
  completeJobs,
  continueJobs,
  JOBS_CHANNEL,
  retryJobLater,
  type OrderJob,
} from './job-queries.ts';
import { DEFAULT_LANE_POLICIES, retryDelayMs, type LanePolicy } from './lane-policy.ts';
import { laneRotation } from './lane-rotation.ts';
import type { StepOutcome, WorkerPool } from './worker-pool.ts';

/**
 * What a batch step reports for each job: as a single step does, or `lost` (the job's lease had
 * passed to another worker, so nothing was recorded), or `failed` (this job's step failed; the
 * others in the batch stand).
 */
export type BatchStepOutcome = StepOutcome | { next: 'lost' } | { next: 'failed'; error: string };

export interface BatchWorkerPoolDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Does the next step of every job given, typically in one transaction, and returns one outcome
   * per job in the same order. Throwing fails every job of the batch (each retried by its lane).
   */
  readonly stepBatch: (jobs: readonly OrderJob[], signal: AbortSignal) => Promise<BatchStepOutcome[]>;
  /** Called once a job's attempts are spent, to fail the order for manual review. */
  readonly giveUp: (job: OrderJob, error: string) => Promise<void>;
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
 * whose outside work is itself batched). It claims as the single-step pool does (lane rotation,
 * per-lane concurrency, SKIP LOCKED under a lease) and then keeps each claimed order: an order
 * whose step says `continue` joins the next batch at once, still under its lease, as long as the
 * lease outlasts another full step timeout; only then is it released to the queue. Outcomes are
 * recorded a batch at a time (one DELETE for the finished orders, one UPDATE for released ones).
 */
export async function startBatchWorkerPool(
  deps: BatchWorkerPoolDeps,
  options: BatchWorkerPoolOptions,
): Promise<WorkerPool> {
  const policies = options.policies ?? DEFAULT_LANE_POLICIES;
  const batchSize = options.batchSize ?? 100;
  const batchesInFlight = options.batchesInFlight ?? 3;
  const workerId = options.workerId;
  const rotation = laneRotation();
  const held = new Map<Priority, number>(rotation.map((lane) => [lane, 0]));
  const leaseEnds = new WeakMap<OrderJob, number>();
  let ready: OrderJob[] = [];
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();
  let wake: (() => void) | undefined;
  const unlisten = await deps.db.listen(JOBS_CHANNEL, () => wake?.());

  const letGo = (job: OrderJob) => held.set(job.lane, (held.get(job.lane) ?? 1) - 1);
  const key = (job: OrderJob) => ({ shopId: job.shop_id, orderId: job.order_id });

  async function runBatch(jobs: OrderJob[]): Promise<void> {
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
    const finished: OrderJob[] = [];
    const released: { shopId: string; orderId: string; runAt: Date }[] = [];
    const failed: { job: OrderJob; error: string }[] = [];
    jobs.forEach((job, n) => {
      const outcome = outcomes[n]!;
      if (outcome.next === 'done') finished.push(job);
      else if (outcome.next === 'failed') failed.push({ job, error: outcome.error });
      else if (outcome.next === 'lost') letGo(job);
      else if (outcome.next === 'wait') {
        released.push({ ...key(job), runAt: outcome.until });
        letGo(job);
      } else if (!stopping.signal.aborted && now + policies[job.lane].timeoutMs < (leaseEnds.get(job) ?? 0)) {
        ready.push(job);
      } else {
        released.push({ ...key(job), runAt: new Date(now) });
        letGo(job);
      }
    });
    try {
      await completeJobs(deps.db, { workerId, orders: finished.map(key) });
      await continueJobs(deps.db, { workerId, orders: released });
      for (const { job, error } of failed) await recordFailure(job, error);
    } finally {
      finished.forEach(letGo);
      failed.forEach(({ job }) => letGo(job));
    }
  }

  async function recordFailure(job: OrderJob, error: string): Promise<void> {
    const delay = retryDelayMs(policies[job.lane], job.attempts);
    if (delay === null) {
      await deps.giveUp(job, error);
      await completeJobs(deps.db, { workerId, orders: [key(job)] });
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

  async function claimRound(): Promise<number> {
    let claimed = 0;
    for (const lane of rotation) {
      const free = policies[lane].concurrency - (held.get(lane) ?? 0);
      if (free <= 0 || stopping.signal.aborted) continue;
      const leaseMs = policies[lane].timeoutMs + (options.leaseMarginMs ?? 30_000);
      const now = deps.clock.now();
      const jobs = await claimJobs(deps.db, {
        lane,
        limit: Math.min(free, batchSize),
        workerId,
        leaseMs,
        now: new Date(now),
      });
      claimed += jobs.length;
      held.set(lane, (held.get(lane) ?? 0) + jobs.length);
      for (const job of jobs) leaseEnds.set(job, now + leaseMs);
      ready.push(...jobs);
      dispatch();
    }
    return claimed;
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
        claimed = await claimRound();
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
      const waiting = ready;
      ready = [];
      await continueJobs(deps.db, {
        workerId,
        orders: waiting.map((job) => ({ ...key(job), runAt: new Date(deps.clock.now()) })),
      });
      waiting.forEach(letGo);
      await unlisten();
    },
  };
}
