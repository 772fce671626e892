import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureRetryDelayMs } from '../retry-policy.ts';
import { tiktokBackoff } from './tiktok-client.ts';
import { TiktokThrottledError, TiktokTransientError } from './tiktok-errors.ts';

const options = { initialDelayMs: 250, maxDelayMs: 10_000 };
const delayOf = (attempt: number, error: unknown, o: typeof options, random: () => number) =>
  failureRetryDelayMs(attempt, error, tiktokBackoff(o), random);

describe("TikTok's retry delay (exponential backoff, full jitter)", () => {
  it('stays within [0, min(max, initial * 2^(attempt-1))] for any attempt and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (attempt, r) => {
          const delay = delayOf(attempt, new TiktokTransientError('x'), options, () => r);
          const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });

  it('doubles the ceiling per attempt', () => {
    const top = (attempt: number) => delayOf(attempt, undefined, options, () => 0.9999);
    expect([1, 2, 3, 4].map(top)).toEqual([249, 499, 999, 1999]);
    expect(top(20)).toBe(9999);
  });

  it('waits at least the Retry-After TikTok gave, capped at the maximum', () => {
    const throttled = (ms: number) => new TiktokThrottledError('x', { code: 36009002, retryAfterMs: ms });
    expect(delayOf(1, throttled(3000), options, () => 0)).toBe(3000);
    expect(delayOf(1, throttled(60_000), options, () => 0)).toBe(10_000);
  });
});
