import { describe, expect, it } from 'vitest';
import { CarrierRateLimitedError, CarrierTransientError } from './carriers/carrier-errors.ts';
import { createRetryPolicy, failureRetryDelayMs, onRetry, type RetryEvent } from './retry-policy.ts';

const backoff = { baseDelayMs: 100, maxDelayMs: 10_000, jitter: 'equal' } as const;

describe('failureRetryDelayMs', () => {
  it('backs off when the failure names no Retry-After', () => {
    expect(failureRetryDelayMs(3, new CarrierTransientError('503', 503), backoff, () => 0)).toBe(200);
  });

  it('never retries sooner than a throttled failure asked, nor later than the maximum', () => {
    expect(failureRetryDelayMs(1, new CarrierRateLimitedError('429', 2500), backoff, () => 0)).toBe(2500);
    expect(failureRetryDelayMs(5, new CarrierRateLimitedError('429', 0), backoff, () => 0)).toBe(800);
    expect(failureRetryDelayMs(1, new CarrierRateLimitedError('429', 60_000), backoff, () => 0)).toBe(10_000);
  });
});

describe('createRetryPolicy', () => {
  it('makes maxAttempts attempts in all, and tells listeners of each retry', async () => {
    const policy = createRetryPolicy(() => true, {
      maxAttempts: 3,
      backoff: { baseDelayMs: 1, maxDelayMs: 2 },
      random: () => 0,
    });
    const retries: RetryEvent[] = [];
    const unsubscribe = onRetry(policy, (event) => retries.push(event));
    let calls = 0;
    await expect(
      policy.execute(() => {
        calls += 1;
        return Promise.reject(new CarrierTransientError('503', 503));
      }),
    ).rejects.toBeInstanceOf(CarrierTransientError);
    expect(calls).toBe(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries.every((r) => r.error instanceof CarrierTransientError)).toBe(true);
    unsubscribe();
  });
});
