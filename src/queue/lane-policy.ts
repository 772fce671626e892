import type { Priority } from '../orders/index.ts';

/** How a lane is worked: how many orders at once, how long a step may take, how failures retry. */
export interface LanePolicy {
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The design's lane settings: viral retries aggressively, automated barely (it has a human fallback). */
export const DEFAULT_LANE_POLICIES: Readonly<Record<Priority, LanePolicy>> = {
  viral: { concurrency: 50, timeoutMs: 30_000, maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 5_000 },
  vip: { concurrency: 100, timeoutMs: 60_000, maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 30_000 },
  standard: { concurrency: 100, timeoutMs: 180_000, maxAttempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 },
  automated: { concurrency: 200, timeoutMs: 15_000, maxAttempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000 },
};

/**
 * The one retry decision for a failed step: when to try again (exponential backoff with full
 * jitter, capped), or null when the lane's attempts are spent and the order goes to review.
 */
export function retryDelayMs(
  policy: LanePolicy,
  attempts: number,
  random: () => number = Math.random,
): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
