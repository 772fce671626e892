import { describe, expect, it } from 'vitest';
import { advance, baselinePerHour, countInWindow, createTracker, recordArrival } from './arrival-tracker.ts';
import { poissonTail } from './poisson.ts';

describe('arrival tracker', () => {
  it('counts arrivals inside a window and forgets those older than the hour', () => {
    const t = createTracker(0);
    recordArrival(t, 5_000, 3);
    recordArrival(t, 65_000);
    expect(countInWindow(t, 60_000).count).toBe(1);
    expect(countInWindow(t, 3_600_000)).toEqual({ count: 4, maxBucket: 3 });
    advance(t, 3_700_000);
    expect(countInWindow(t, 3_600_000).count).toBe(0);
  });

  it('learns a steady rate as its baseline and decays it through a long silence', () => {
    const t = createTracker(0);
    for (let ms = 0; ms < 48 * 3_600_000; ms += 180_000) recordArrival(t, ms); // 20 per hour
    expect(baselinePerHour(t)).toBeGreaterThan(18);
    expect(baselinePerHour(t)).toBeLessThan(22);
    advance(t, 96 * 3_600_000);
    expect(baselinePerHour(t)).toBeLessThan(1);
  });

  it('keeps fixed memory however long it runs', () => {
    const t = createTracker(0);
    const size = t.buckets.length;
    for (let ms = 0; ms < 10 * 3_600_000; ms += 1_000) recordArrival(t, ms);
    expect(t.buckets.length).toBe(size);
  });

  it('a frozen baseline ignores what happens during a spike', () => {
    const t = createTracker(0);
    for (let ms = 0; ms < 24 * 3_600_000; ms += 360_000) recordArrival(t, ms);
    const before = baselinePerHour(t);
    t.frozen = true;
    for (let ms = 24 * 3_600_000; ms < 25 * 3_600_000; ms += 5_000) recordArrival(t, ms);
    expect(baselinePerHour(t)).toBe(before);
  });
});

describe('poisson tail', () => {
  it.each([
    [0, 3, 1],
    [1, 2, 1 - Math.exp(-2)],
    [3, 1, 1 - Math.exp(-1) * (1 + 1 + 0.5)],
  ])('P(X >= %d | %d) = %f', (n, lambda, p) => {
    expect(poissonTail(n, lambda)).toBeCloseTo(p, 10);
  });
  it('stays accurate for tiny probabilities', () => {
    expect(poissonTail(30, 1)).toBeGreaterThan(0);
    expect(poissonTail(30, 1)).toBeLessThan(1e-30);
  });
});
