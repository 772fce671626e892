// Labelled, seeded arrival streams: true spikes of several shapes and look-alikes that are not spikes.
// The detectors' tests and the viral benchmark (bench/viral.ts) replay them.
import { mulberry32 } from '../../src/shared/random.ts';

export const SPIKE_SHAPES = ['step', 'fast_ramp', 'exponential'] as const;
export const LOOKALIKE_SHAPES = ['steady_high', 'slow_ramp', 'single_burst', 'noisy'] as const;
export type ScenarioShape = (typeof SPIKE_SHAPES)[number] | (typeof LOOKALIKE_SHAPES)[number];

export type Scenario = {
  readonly shape: ScenarioShape;
  readonly seed: number;
  readonly isSpike: boolean;
  /** Arrival times (ms, ascending); several orders can share a timestamp. */
  readonly arrivals: readonly number[];
  /** Detections before this are warm-up and ignored. */
  readonly warmupEndMs: number;
  readonly endMs: number;
  /** True spike only: when the rate starts rising, and when it is back to normal. */
  readonly spikeStartMs: number | null;
  readonly spikeEndMs: number | null;
};

const HOUR = 3_600_000;
const MIN = 60_000;

// Non-homogeneous Poisson arrivals by thinning; rate in orders per hour, maxRate an upper bound.
function poissonArrivals(
  rand: () => number,
  fromMs: number,
  toMs: number,
  rate: (t: number) => number,
  maxRate: number,
): number[] {
  const out: number[] = [];
  let t = fromMs;
  for (;;) {
    t += (-Math.log(1 - rand()) / maxRate) * HOUR;
    if (t >= toMs) return out;
    if (rand() * maxRate < rate(t)) out.push(Math.floor(t));
  }
}

const between = (rand: () => number, lo: number, hi: number): number => lo + (hi - lo) * rand();

// Builds one labelled scenario; same shape and seed give the same stream.
export function generateScenario(shape: ScenarioShape, seed: number): Scenario {
  const rand = mulberry32(seed * 7919 + shape.length);
  const warmupEndMs = 24 * HOUR;
  const endMs = warmupEndMs + 6 * HOUR;
  const base = between(rand, 2, 15);
  const start = warmupEndMs + Math.floor(between(rand, 1, 3) * HOUR);
  const peak = Math.max(between(rand, 12, 30) * base, between(rand, 120, 300));
  const duration = Math.floor(between(rand, 0.75, 1.5) * HOUR);
  let rate: (t: number) => number = () => base;
  let maxRate = base;
  const extra: number[] = [];
  switch (shape) {
    case 'step':
      rate = (t) => (t >= start && t < start + duration ? peak : base);
      maxRate = peak;
      break;
    case 'fast_ramp': {
      const ramp = between(rand, 5, 15) * MIN;
      rate = (t) =>
        t < start || t >= start + duration ? base : base + (peak - base) * Math.min(1, (t - start) / ramp);
      maxRate = peak;
      break;
    }
    case 'exponential': {
      const tau = between(rand, 3, 8) * MIN;
      rate = (t) =>
        t < start || t >= start + duration ? base : Math.min(peak, base * Math.exp((t - start) / tau));
      maxRate = peak;
      break;
    }
    case 'steady_high': {
      const high = between(rand, 100, 300);
      rate = () => high;
      maxRate = high;
      break;
    }
    case 'slow_ramp': {
      // The rate quadruples over eight hours: growth, not a spike.
      const rampStart = warmupEndMs - 2 * HOUR;
      rate = (t) => base * (1 + 3 * Math.min(1, Math.max(0, (t - rampStart) / (8 * HOUR))));
      maxRate = base * 4;
      break;
    }
    case 'single_burst': {
      const n = 4 + Math.floor(rand() * 5);
      for (let i = 0; i < n; i++) extra.push(start + Math.floor(rand() * 5_000));
      break;
    }
    case 'noisy': {
      // Over-dispersed demand: the rate wanders between 0.5x and 2x every ten minutes.
      const factors = Array.from({ length: Math.ceil(endMs / (10 * MIN)) }, () => between(rand, 0.5, 2));
      rate = (t) => base * (factors[Math.floor(t / (10 * MIN))] ?? 1);
      maxRate = base * 2;
      break;
    }
  }
  const arrivals = [...poissonArrivals(rand, 0, endMs, rate, maxRate), ...extra].sort((a, b) => a - b);
  const isSpike = (SPIKE_SHAPES as readonly string[]).includes(shape);
  return {
    shape,
    seed,
    isSpike,
    arrivals,
    warmupEndMs,
    endMs,
    spikeStartMs: isSpike ? start : null,
    spikeEndMs: isSpike ? start + duration : null,
  };
}

// The standard benchmark set: every shape over `seeds` seeds.
export function scenarioSuite(seeds: number): Scenario[] {
  const out: Scenario[] = [];
  for (const shape of [...SPIKE_SHAPES, ...LOOKALIKE_SHAPES])
    for (let s = 1; s <= seeds; s++) out.push(generateScenario(shape, s));
  return out;
}
