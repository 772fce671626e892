/**
 * How a delay is spread below its ceiling:
 * - `equal` (the default): uniform in [ceiling/2, ceiling]. Always waits at least half the ceiling,
 *   so "not before" still holds, and a burst of failures does not come back all at once.
 * - `full`: uniform in [0, ceiling). Spreads a burst the most; a retry may come at once.
 * - `none`: the ceiling itself, for work whose attempts are counted against a time to give up in
 *   (the webhook inbox, the notification outbox, compensations: their attempts were set for it).
 */
export type Jitter = 'full' | 'equal' | 'none';

/** Exponential backoff: the ceiling doubles per attempt from `baseDelayMs` up to `maxDelayMs`. */
export interface Backoff {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** `equal` when not given. */
  readonly jitter?: Jitter;
}

/** A backoff with a limit: after `maxAttempts` failed attempts there is no retry. */
export interface RetryPolicy extends Backoff {
  readonly maxAttempts: number;
}

/**
 * The one backoff: the delay before retrying after failed attempt `attempt` (1-based), drawn below
 * the ceiling min(maxDelayMs, baseDelayMs · 2^(attempt-1)). `random` returns [0, 1); tests inject it.
 *
 * @example
 * backoffDelayMs(3, { baseDelayMs: 1_000, maxDelayMs: 60_000 }); // 2000..4000 (equal jitter)
 */
export function backoffDelayMs(
  attempt: number,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  switch (backoff.jitter ?? 'equal') {
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
    case 'none':
      return ceiling;
  }
}

/**
 * The one retry decision after `attempts` failed attempts: the delay before the next one, or null
 * when the policy's attempts are spent (the work goes to a person, or is left failed).
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempts: number,
  random: () => number = Math.random,
): number | null {
  if (attempts >= policy.maxAttempts) return null;
  return backoffDelayMs(attempts, policy, random);
}
