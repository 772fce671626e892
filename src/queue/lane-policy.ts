import type { Priority } from '../orders/index.ts';
import type { RetryPolicy } from '../shared/backoff.ts';

/** How a lane is worked: how many orders at once, how long a step may take, how failures retry. */
export interface LanePolicy extends RetryPolicy {
  readonly concurrency: number;
  readonly timeoutMs: number;
}

/** The design's lane settings: viral retries aggressively, automated barely (it has a human fallback). */
export const DEFAULT_LANE_POLICIES: Readonly<Record<Priority, LanePolicy>> = {
  viral: { concurrency: 50, timeoutMs: 30_000, maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 5_000 },
  vip: { concurrency: 100, timeoutMs: 60_000, maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 30_000 },
  standard: { concurrency: 100, timeoutMs: 180_000, maxAttempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 },
  automated: { concurrency: 200, timeoutMs: 15_000, maxAttempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000 },
};

/** A failed step's retry decision: the shared backoff (equal jitter), null once the lane's attempts are spent. */
export { retryDelayMs } from '../shared/backoff.ts';
