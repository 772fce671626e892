import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { Backoff } from '../../shared/backoff.ts';
import { createRetryPolicy, onRetry, type RetryEvent } from '../retry-policy.ts';
import { isRetryableCarrierFailure } from './carrier-errors.ts';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

export interface IntegrationPolicyOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts in total, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures that open the breaker. */
  breakerThreshold: number;
  halfOpenAfterMs: number;
  /** Calls in flight at once, and calls allowed to wait for a slot. */
  concurrency: number;
  queue: number;
  /** Replaceable for deterministic tests; returns [0, 1). */
  random?: () => number;
}

export const DEFAULT_POLICY_OPTIONS: Readonly<IntegrationPolicyOptions> = {
  timeoutMs: 10_000,
  maxAttempts: 4,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
  concurrency: 8,
  queue: 100,
};

/** One integration's policy: bulkhead → retry → breaker → timeout, each attempt timed separately. */
export interface IntegrationPolicy {
  readonly name: string;
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  breakerState(): BreakerState;
  /**
   * Whether a call would be let through now: closed or half-open, or open long enough that the
   * next call is the breaker's trial (cockatiel moves to half-open only when a call is made).
   */
  isAvailable(): boolean;
  /** Subscribes to breaker changes (for metrics and logs); returns the unsubscribe function. */
  onBreakerStateChange(listener: (state: BreakerState) => void): () => void;
  /** Subscribes to retries; returns the unsubscribe function. */
  onRetry(listener: (event: RetryEvent) => void): () => void;
}

/** A failure the breaker counts: the integration looks unhealthy (not a 4xx about our request). */
export function countsAgainstBreaker(error: unknown): boolean {
  return (
    isRetryableCarrierFailure(error) ||
    error instanceof TaskCancelledError ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
  );
}

/**
 * An integration's backoff: equal jitter, the delay before retry n in [ceiling/2, ceiling] with the
 * ceiling min(max, initial·2^(n-1)), and never sooner than a Retry-After (failureRetryDelayMs).
 */
export function policyBackoff(
  options: Pick<IntegrationPolicyOptions, 'initialDelayMs' | 'maxDelayMs'>,
): Backoff {
  return { baseDelayMs: options.initialDelayMs, maxDelayMs: options.maxDelayMs, jitter: 'equal' };
}

/** Builds the policy for one integration (one per carrier, one for TikTok...). */
export function createIntegrationPolicy(
  name: string,
  overrides: Partial<IntegrationPolicyOptions> = {},
): IntegrationPolicy {
  const options = { ...DEFAULT_POLICY_OPTIONS, ...overrides };
  const timeoutPolicy = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const breaker = circuitBreaker(handleWhen(countsAgainstBreaker), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  const retryPolicy = createRetryPolicy(countsAgainstBreaker, {
    maxAttempts: options.maxAttempts,
    backoff: policyBackoff(options),
    random: options.random ?? Math.random,
  });
  const limiter = bulkhead(options.concurrency, options.queue);
  let openedAt = 0;
  breaker.onBreak(() => (openedAt = Date.now()));
  const policy: IPolicy = wrap(limiter, retryPolicy, breaker, timeoutPolicy);

  return {
    name,
    execute: (fn) => policy.execute(({ signal }) => fn(signal)),
    breakerState: () => toBreakerState(breaker.state),
    isAvailable() {
      const state = toBreakerState(breaker.state);
      if (state === 'closed' || state === 'half-open') return true;
      return state === 'open' && Date.now() - openedAt >= options.halfOpenAfterMs;
    },
    onBreakerStateChange(listener) {
      const subscription = breaker.onStateChange((state) => listener(toBreakerState(state)));
      return () => subscription.dispose();
    },
    onRetry: (listener) => onRetry(retryPolicy, listener),
  };
}

/** True when a call was refused without reaching the integration (breaker open, bulkhead full). */
export function isRefusedByPolicy(error: unknown): boolean {
  return error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError;
}

function toBreakerState(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    case CircuitState.Isolated:
      return 'isolated';
  }
}
