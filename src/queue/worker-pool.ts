import type { Database } from '../db/index.ts';
import type { Priority } from '../orders/index.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { yieldToEventLoop } from '../shared/sleep.ts';
import {
  claimJobs,
  completeJob,
  continueJob,
  JOBS_CHANNEL,
  LeaseLostError,
  retryJobLater,
  type OrderJob,
} from './job-queries.ts';
import { DEFAULT_LANE_POLICIES, retryDelayMs, type LanePolicy } from './lane-policy.ts';
import { laneRotation } from './lane-rotation.ts';

/**
 * What a step reports: more work now, no more work for this order, or wait until a time. A step
 * after which the order has met its SLA (its label is bought) gives the `deadline` of the order's
 * next piece of work: the job then sorts by that in its lane, and counts as overdue only past it.
 */
export type StepOutcome =
  { next: 'continue' } | { next: 'done' } | { next: 'wait'; until: Date; deadline?: Date };

export interface WorkerPoolDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  /** Does one step of the order; throwing means the step failed (retried by the lane's policy). */
  readonly step: (job: OrderJob, signal: AbortSignal) => Promise<StepOutcome>;
  /** Called once a job's attempts are spent, to fail the order for manual review. */
  readonly giveUp: (job: OrderJob, error: string) => Promise<void>;
}

export interface WorkerPoolOptions {
  readonly workerId: string;
  readonly policies?: Readonly<Record<Priority, LanePolicy>>;
  readonly batchSize?: number;
  readonly pollMs?: number;
  /** A claim's lease is the lane's step timeout plus this (default 30 s): how long a dead worker's orders wait. */
  readonly leaseMarginMs?: number;
}

/** A running pool; stop() claims nothing more and waits for the steps in flight. */
export interface WorkerPool {
  stop(): Promise<void>;
  readonly inFlight: () => number;
}

/**
 * Starts workers that walk the lane rotation, claiming batches within each lane's free
 * concurrency, running each step under the lane's timeout, and recording its outcome. Idle, they
 * sleep until a NOTIFY of new work or the poll interval.
 */
export async function startWorkerPool(deps: WorkerPoolDeps, options: WorkerPoolOptions): Promise<WorkerPool> {
  const policies = options.policies ?? DEFAULT_LANE_POLICIES;
  const rotation = laneRotation();
  const busy = new Map<Priority, number>(rotation.map((lane) => [lane, 0]));
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();
  let wake: (() => void) | undefined;
  const unlisten = await deps.db.listen(JOBS_CHANNEL, () => wake?.());

  /**
   * Runs the job's steps. After `continue` the next step runs at once under the same lease (no
   * release and re-claim) while the lease outlasts another full step timeout; then it is released.
   */
  async function runJob(job: OrderJob, leaseEnds: number): Promise<void> {
    const policy = policies[job.lane];
    // This claim's: a later claim of the job, even by this worker, is not touched by this run.
    const key = {
      shopId: job.shop_id,
      orderId: job.order_id,
      workerId: options.workerId,
      lockedUntil: job.locked_until,
    };
    try {
      for (;;) {
        const outcome = await deps.step(job, AbortSignal.timeout(policy.timeoutMs));
        if (outcome.next === 'done') return void (await completeJob(deps.db, key));
        if (outcome.next === 'wait')
          return void (await continueJob(deps.db, {
            ...key,
            runAt: outcome.until,
            deadline: outcome.deadline,
          }));
        const now = deps.clock.now();
        if (stopping.signal.aborted || now + policy.timeoutMs >= leaseEnds)
          return void (await continueJob(deps.db, { ...key, runAt: new Date(now) }));
      }
    } catch (error) {
      // Another worker holds the order now and resumes it; this one records nothing more.
      if (error instanceof LeaseLostError) return;
      const reason = describeError(error);
      const delay = retryDelayMs(policy, job.attempts);
      if (delay === null) {
        try {
          await deps.giveUp(job, reason);
        } catch (lost) {
          if (lost instanceof LeaseLostError) return;
          throw lost;
        }
        await completeJob(deps.db, key);
      } else {
        await retryJobLater(deps.db, { ...key, retryAt: new Date(deps.clock.now() + delay), error: reason });
      }
    }
  }

  async function claimRound(): Promise<number> {
    let claimed = 0;
    for (const lane of rotation) {
      const free = policies[lane].concurrency - (busy.get(lane) ?? 0);
      if (free <= 0 || stopping.signal.aborted) continue;
      const leaseMs = policies[lane].timeoutMs + (options.leaseMarginMs ?? 30_000);
      const now = deps.clock.now();
      const jobs = await claimJobs(deps.db, {
        lane,
        limit: Math.min(free, options.batchSize ?? 50),
        workerId: options.workerId,
        leaseMs,
        now: new Date(now),
      });
      claimed += jobs.length;
      for (const job of jobs) {
        busy.set(lane, (busy.get(lane) ?? 0) + 1);
        const task = runJob(job, now + leaseMs)
          .catch((error: unknown) =>
            deps.log.error({ err: error, order: job.order_id }, 'recording a step failed'),
          )
          .finally(() => {
            busy.set(lane, (busy.get(lane) ?? 1) - 1);
            running.delete(task);
            wake?.();
          });
        running.add(task);
      }
    }
    return claimed;
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
      if (claimed === 0) {
        // A NOTIFY of new work, a finished step, stop() or the poll interval ends the nap.
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, options.pollMs ?? 1_000);
        });
        clearTimeout(timer);
        wake = undefined;
      }
    }
  })();

  return {
    inFlight: () => running.size,
    async stop() {
      stopping.abort();
      wake?.();
      await loop;
      await Promise.allSettled([...running]);
      await unlisten();
    },
  };
}
