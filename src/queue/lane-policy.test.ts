import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LANE_POLICIES, retryDelayMs } from './lane-policy.ts';

describe('the retry decision', () => {
  it('backs off exponentially with jitter, up to the cap, then gives up', () => {
    const viral = DEFAULT_LANE_POLICIES.viral;
    expect(retryDelayMs(viral, 1, () => 1)).toBe(250);
    expect(retryDelayMs(viral, 2, () => 1)).toBe(500);
    expect(retryDelayMs(viral, 3, () => 0)).toBe(500);
    expect(retryDelayMs(viral, 7, () => 1)).toBe(5_000);
    expect(retryDelayMs(viral, 8)).toBeNull();
  });

  it('the automated lane retries once; viral retries most', () => {
    expect(retryDelayMs(DEFAULT_LANE_POLICIES.automated, 1)).not.toBeNull();
    expect(retryDelayMs(DEFAULT_LANE_POLICIES.automated, 2)).toBeNull();
    const attempts = Object.values(DEFAULT_LANE_POLICIES).map((p) => p.maxAttempts);
    expect(Math.max(...attempts)).toBe(DEFAULT_LANE_POLICIES.viral.maxAttempts);
  });

  it('every delay lies between half the ceiling and the ceiling, never above the cap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(DEFAULT_LANE_POLICIES)),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (policy, attempts, r) => {
          const delay = retryDelayMs(policy, attempts, () => r);
          if (attempts >= policy.maxAttempts) {
            expect(delay).toBeNull();
            return;
          }
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempts - 1));
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });
});
