import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryDelayMs, type Jitter } from './backoff.ts';

const backoff = (jitter: Jitter) => ({ baseDelayMs: 100, maxDelayMs: 10_000, jitter });

describe('backoffDelayMs', () => {
  it('doubles the ceiling per attempt up to the cap (equal jitter at its top)', () => {
    const top = (attempt: number) => backoffDelayMs(attempt, backoff('equal'), () => 1);
    expect([1, 2, 3, 4, 5].map(top)).toEqual([100, 200, 400, 800, 1_600]);
    expect(top(8)).toBe(10_000);
    expect(top(10_000)).toBe(10_000);
  });

  it('equal jitter never waits less than half the ceiling; full jitter may retry at once', () => {
    expect(backoffDelayMs(3, backoff('equal'), () => 0)).toBe(200);
    expect(backoffDelayMs(3, backoff('full'), () => 0)).toBe(0);
    expect(backoffDelayMs(3, backoff('full'), () => 0.9999)).toBe(399);
  });

  it('no jitter waits the ceiling itself, whatever the draw', () => {
    expect([0, 0.5, 0.9999].map((r) => backoffDelayMs(3, backoff('none'), () => r))).toEqual([400, 400, 400]);
  });

  it('equal jitter is the default', () => {
    expect(backoffDelayMs(3, { baseDelayMs: 100, maxDelayMs: 10_000 }, () => 0)).toBe(200);
  });

  it('an attempt below 1 is treated as the first', () => {
    expect(backoffDelayMs(0, backoff('equal'), () => 1)).toBe(100);
    expect(backoffDelayMs(-3, backoff('equal'), () => 1)).toBe(100);
  });

  it('every delay is a whole number inside its jitter band, for any attempt and draw', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Jitter>('full', 'equal'),
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (jitter, attempt, r) => {
          const delay = backoffDelayMs(attempt, backoff(jitter), () => r);
          const ceiling = Math.min(10_000, 100 * 2 ** (attempt - 1));
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(jitter === 'equal' ? ceiling / 2 : 0);
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });
});

describe('retryDelayMs', () => {
  const policy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 };

  it('gives a delay while attempts remain, then null', () => {
    expect(retryDelayMs(policy, 1, () => 1)).toBe(1_000);
    expect(retryDelayMs(policy, 2, () => 0)).toBe(1_000);
    expect(retryDelayMs(policy, 3, () => 0)).toBeNull();
    expect(retryDelayMs(policy, 4)).toBeNull();
  });
});
