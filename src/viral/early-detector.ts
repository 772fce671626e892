// Early warning: how unlikely is the recent count given the learned rate? (Poisson tail test.)
import { baselinePerHour, countInWindow } from './arrival-tracker.ts';
import { createDetector, type SpikeDetector } from './detector.ts';
import { poissonTail } from './poisson.ts';

export type EarlyOptions = {
  /** Short windows tested together; the shortest reacts first to a sharp step. */
  readonly windowsMs: readonly number[];
  /** Tail probability below which a window counts as surprising (small: many windows are tested). */
  readonly pThreshold: number;
  /** Minimum orders (beyond the largest single bucket) before anything fires. */
  readonly minCount: number;
  /** The count must also be this many times what the baseline expects (effect size, not just significance). */
  readonly minRatio: number;
  /** Floor on the baseline, so a near-silent product needs a real number of orders to spike. */
  readonly floorPerHour: number;
  /** The episode ends once the 10-minute rate stays under calmRatio x baseline for quietMs. */
  readonly calmRatio: number;
  readonly quietMs: number;
  /** After this long in one episode the baseline learns again, so a new steady level ends it. */
  readonly maxFrozenMs: number;
};

export const DEFAULT_EARLY_OPTIONS: EarlyOptions = {
  windowsMs: [60_000, 180_000, 600_000],
  pThreshold: 1e-5,
  minCount: 5,
  minRatio: 4,
  floorPerHour: 2,
  calmRatio: 2,
  quietMs: 15 * 60_000,
  maxFrozenMs: 4 * 3_600_000,
};

export type EarlyScore = {
  readonly pValue: number;
  readonly windowMs: number;
  readonly count: number;
  readonly expected: number;
};

// Smallest tail probability over the windows; a single bucket (one buyer's burst) is left out.
export function earlyScore(
  tracker: Parameters<typeof baselinePerHour>[0],
  o: EarlyOptions,
): EarlyScore & { firing: boolean } {
  const rate = Math.max(baselinePerHour(tracker), o.floorPerHour) / 3_600_000;
  let best: EarlyScore & { firing: boolean } = {
    pValue: 1,
    windowMs: 0,
    count: 0,
    expected: 0,
    firing: false,
  };
  for (const w of o.windowsMs) {
    const { count, maxBucket } = countInWindow(tracker, w);
    const n = count - maxBucket;
    const expected = rate * w;
    const pValue = poissonTail(n, expected);
    const firing = pValue < o.pThreshold && n >= o.minCount && n >= o.minRatio * expected;
    if (firing || (!best.firing && pValue < best.pValue))
      best = { pValue, windowMs: w, count: n, expected, firing };
    if (firing) break;
  }
  return best;
}

// Creates the early-warning detector with hysteresis (one episode, one alert per spike).
export function createEarlyDetector(
  startMs: number,
  options: EarlyOptions = DEFAULT_EARLY_OPTIONS,
): SpikeDetector {
  return createDetector({
    name: 'early',
    startMs,
    quietMs: options.quietMs,
    maxFrozenMs: options.maxFrozenMs,
    read: (tracker) => {
      const tenMin = countInWindow(tracker, 600_000).count * 6;
      return {
        firing: earlyScore(tracker, options).firing,
        calm: tenMin <= options.calmRatio * Math.max(baselinePerHour(tracker), options.floorPerHour),
        rate: tenMin,
      };
    },
  });
}
