import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from 'cockatiel';
import { CarrierPermanentError, CarrierRateLimitedError, CarrierTransientError } from './carrier-errors.ts';
import { failureRetryDelayMs } from '../retry-policy.ts';
import { createIntegrationPolicy, policyBackoff } from './resilience.ts';

const fast = { initialDelayMs: 1, maxDelayMs: 5, timeoutMs: 1000, halfOpenAfterMs: 20, random: () => 0.5 };

const delayOf = (
  attempt: number,
  error: unknown,
  options: { initialDelayMs: number; maxDelayMs: number },
  random: () => number,
) => failureRetryDelayMs(attempt, error, policyBackoff(options), random);

describe("an integration policy's retry delay", () => {
  it('grows exponentially with jitter inside [ceiling/2, ceiling]', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 10_000 };
    expect(delayOf(1, undefined, options, () => 0)).toBe(50);
    expect(delayOf(3, undefined, options, () => 0.999)).toBeLessThanOrEqual(400);
    expect(delayOf(3, undefined, options, () => 0)).toBe(200);
    expect(delayOf(20, undefined, options, () => 1)).toBe(10_000);
  });

  it('follows Retry-After when a rate limit names it, capped at the maximum delay', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 10_000 };
    expect(delayOf(1, new CarrierRateLimitedError('429', 2500), options, () => 0)).toBe(2500);
    expect(delayOf(1, new CarrierRateLimitedError('429', 60_000), options, () => 0)).toBe(10_000);
  });
});

describe('createIntegrationPolicy', () => {
  it('retries transient and rate-limited failures until the call succeeds', async () => {
    const policy = createIntegrationPolicy('test', { ...fast, maxAttempts: 4 });
    const failures = [new CarrierTransientError('503', 503), new CarrierRateLimitedError('429', 1)];
    let calls = 0;
    const result = await policy.execute(() => {
      calls += 1;
      const failure = failures.shift();
      return failure ? Promise.reject(failure) : Promise.resolve('ok');
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry a permanent failure', async () => {
    const policy = createIntegrationPolicy('test', fast);
    let calls = 0;
    await expect(
      policy.execute(() => {
        calls += 1;
        return Promise.reject(new CarrierPermanentError('400', 400));
      }),
    ).rejects.toBeInstanceOf(CarrierPermanentError);
    expect(calls).toBe(1);
  });

  it('opens the breaker after consecutive failures, refuses calls, then closes after a good half-open call', async () => {
    const policy = createIntegrationPolicy('test', { ...fast, maxAttempts: 1, breakerThreshold: 2 });
    const states: string[] = [];
    policy.onBreakerStateChange((s) => states.push(s));
    const down = (): Promise<never> => Promise.reject(new CarrierTransientError('503', 503));
    await expect(policy.execute(down)).rejects.toBeInstanceOf(CarrierTransientError);
    await expect(policy.execute(down)).rejects.toBeInstanceOf(CarrierTransientError);
    expect(policy.breakerState()).toBe('open');
    await expect(policy.execute(() => Promise.resolve('x'))).rejects.toBeInstanceOf(BrokenCircuitError);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await expect(policy.execute(() => Promise.resolve('back'))).resolves.toBe('back');
    expect(policy.breakerState()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('a call aborted through its signal counts as transient', async () => {
    const policy = createIntegrationPolicy('test', { ...fast, maxAttempts: 2 });
    let calls = 0;
    const result = await policy.execute(() => {
      calls += 1;
      return calls > 1 ? Promise.resolve('ok') : Promise.reject(new DOMException('aborted', 'AbortError'));
    });
    expect(result).toBe('ok');
  });

  it('a permanent failure does not count towards opening the breaker', async () => {
    const policy = createIntegrationPolicy('test', { ...fast, maxAttempts: 1, breakerThreshold: 1 });
    await expect(
      policy.execute(() => Promise.reject(new CarrierPermanentError('422', 422))),
    ).rejects.toThrow();
    expect(policy.breakerState()).toBe('closed');
  });

  it('a call that outlives its timeout is abandoned and retried', async () => {
    const policy = createIntegrationPolicy('test', { ...fast, timeoutMs: 20, maxAttempts: 2 });
    let calls = 0;
    const result = await policy.execute(() => {
      calls += 1;
      if (calls > 1) return Promise.resolve('second');
      return new Promise<string>((resolve) => setTimeout(() => resolve('too late'), 200));
    });
    expect(result).toBe('second');
  });
});
