import { DelegateBackoff, handleWhen, retry, type RetryPolicy as CockatielRetryPolicy } from 'cockatiel';
import { backoffDelayMs, type Backoff } from '../shared/backoff.ts';
import { isIntegrationError } from './integration-error.ts';

/**
 * The delay before retry `attempt` (1-based) of an outside call that failed with `error`: the
 * backoff, but never sooner than the Retry-After of a throttled failure, and at most `maxDelayMs`.
 */
export function failureRetryDelayMs(
  attempt: number,
  error: unknown,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  const delay = backoffDelayMs(attempt, backoff, random);
  if (isIntegrationError(error, 'throttled') && error.retryAfterMs !== undefined) {
    return Math.min(backoff.maxDelayMs, Math.max(error.retryAfterMs, delay));
  }
  return delay;
}

/** A retry as listeners (metrics, logs) see it. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/**
 * A cockatiel retry policy for an outside call: retries what `shouldRetry` accepts, `maxAttempts`
 * attempts in all (the first included), waiting failureRetryDelayMs between them.
 */
export function createRetryPolicy(
  shouldRetry: (error: unknown) => boolean,
  options: { maxAttempts: number; backoff: Backoff; random: () => number },
): CockatielRetryPolicy {
  return retry(handleWhen(shouldRetry), {
    maxAttempts: Math.max(0, options.maxAttempts - 1),
    backoff: new DelegateBackoff<{ attempt: number; result: { error?: Error } | { value: unknown } }>(
      (context) =>
        failureRetryDelayMs(
          context.attempt,
          'error' in context.result ? context.result.error : undefined,
          options.backoff,
          options.random,
        ),
    ),
  });
}

/** Subscribes `listener` to a retry policy's retries; returns the unsubscribe function. */
export function onRetry(policy: CockatielRetryPolicy, listener: (event: RetryEvent) => void): () => void {
  const subscription = policy.onRetry((event) =>
    listener({
      attempt: event.attempt,
      delayMs: event.delay,
      error: 'error' in event ? event.error : undefined,
    }),
  );
  return () => subscription.dispose();
}
