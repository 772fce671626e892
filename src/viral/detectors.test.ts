import { describe, expect, it } from 'vitest';
import { createEarlyDetector } from './early-detector.ts';
import { runScenario, scoreSuite } from '../../tests/helpers/run-scenario.ts';
import {
  generateScenario,
  LOOKALIKE_SHAPES,
  scenarioSuite,
  SPIKE_SHAPES,
} from '../../tests/helpers/viral-scenarios.ts';
import { createThresholdDetector, thresholdRuleHolds, velocityIncrease } from './threshold-detector.ts';

const SEEDS = [1, 2, 3, 4, 5];
const early = (t: number) => createEarlyDetector(t);
const threshold = (t: number) => createThresholdDetector(t);

describe('the design threshold rule', () => {
  it.each([
    [47, 10, true],
    [40, 5, false],
    [60, 15, false],
    [61, 15, true],
  ])('%d orders in the hour over a baseline of %d/h -> %s', (hour, base, result) => {
    expect(thresholdRuleHolds(hour, base)).toBe(result);
  });
  it('velocity increase is a percentage over the baseline', () => {
    expect(velocityIncrease(40, 10)).toBe(300);
  });
});

describe('scenarios', () => {
  it('the same shape and seed give the same stream', () => {
    expect(generateScenario('step', 7)).toEqual(generateScenario('step', 7));
    expect(generateScenario('step', 7).arrivals).not.toEqual(generateScenario('step', 8).arrivals);
  });
});

describe('early-warning detector', () => {
  describe.each(SPIKE_SHAPES)('on a %s spike', (shape) => {
    it.each(SEEDS)('fires exactly once, during the spike (seed %d)', (seed) => {
      const s = generateScenario(shape, seed);
      const starts = runScenario(s, early).filter((d) => d.kind === 'start');
      expect(starts).toHaveLength(1);
      expect(starts[0]?.atMs).toBeGreaterThanOrEqual(s.spikeStartMs ?? 0);
      expect(starts[0]?.atMs).toBeLessThanOrEqual(s.spikeEndMs ?? 0);
    });
  });

  describe.each(LOOKALIKE_SHAPES)('on a %s look-alike', (shape) => {
    it.each(SEEDS)('stays quiet (seed %d)', (seed) => {
      expect(runScenario(generateScenario(shape, seed), early)).toEqual([]);
    });
  });

  it('one spike gives one episode with a start, a peak rate and an end', () => {
    const s = generateScenario('step', 3);
    const d = runScenario(s, early);
    expect(d.map((x) => x.kind)).toEqual(['start', 'end']);
    expect(d[1]?.atMs).toBeGreaterThan(s.spikeEndMs ?? 0);
    expect(d[1]?.peakPerHour).toBeGreaterThan(60);
  });

  it.each(SEEDS)('detects a step spike earlier than the threshold rule (seed %d)', (seed) => {
    const s = generateScenario('step', seed);
    const e = runScenario(s, early).find((d) => d.kind === 'start');
    const t = runScenario(s, threshold).find((d) => d.kind === 'start');
    expect(e).toBeDefined();
    expect(e?.atMs ?? Infinity).toBeLessThan(t?.atMs ?? Infinity);
  });

  it('over the suite: precision and recall at least 0.95, median delay at most half the threshold rule', () => {
    const suite = scenarioSuite(4);
    const e = scoreSuite(suite, early);
    const t = scoreSuite(suite, threshold);
    expect(e.precision).toBeGreaterThanOrEqual(0.95);
    expect(e.recall).toBeGreaterThanOrEqual(0.95);
    expect(e.medianDelayMs ?? Infinity).toBeLessThanOrEqual((t.medianDelayMs ?? Infinity) / 2);
  });
});

describe('a demand level that stays up', () => {
  it('opens one episode and ends it once the baseline has learned the new level', () => {
    const arrivals: number[] = [];
    for (let ms = 0; ms < 24 * 3_600_000; ms += 360_000) arrivals.push(ms); // 10/h
    for (let ms = 24 * 3_600_000; ms < 40 * 3_600_000; ms += 30_000) arrivals.push(ms); // 120/h for good
    const s = {
      shape: 'step' as const,
      seed: 0,
      isSpike: true,
      arrivals,
      warmupEndMs: 24 * 3_600_000,
      endMs: 40 * 3_600_000,
      spikeStartMs: 24 * 3_600_000,
      spikeEndMs: 40 * 3_600_000,
    };
    expect(runScenario(s, early).map((d) => d.kind)).toEqual(['start', 'end']);
  });
});
