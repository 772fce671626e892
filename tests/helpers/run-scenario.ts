// Replays a scenario through a detector and scores detectors over a suite.
import type { SpikeDetector } from '../../src/viral/index.ts';
import type { Scenario } from './viral-scenarios.ts';

export type Detection = {
  readonly kind: 'start' | 'end';
  readonly atMs: number;
  readonly peakPerHour: number;
};

// Feeds every arrival (and a tick per `tickMs`) to a detector; returns its episode starts and ends after warm-up.
export function runScenario(
  scenario: Scenario,
  makeDetector: (startMs: number) => SpikeDetector,
  tickMs = 10_000,
): Detection[] {
  const detector = makeDetector(0);
  const out: Detection[] = [];
  const push = (e: ReturnType<SpikeDetector['update']>): void => {
    if (e !== null && e.atMs >= scenario.warmupEndMs)
      out.push({ kind: e.kind, atMs: e.atMs, peakPerHour: e.episode.peakPerHour });
  };
  let i = 0;
  for (let tick = tickMs; tick <= scenario.endMs; tick += tickMs) {
    while (i < scenario.arrivals.length && (scenario.arrivals[i] ?? Infinity) < tick) {
      const at = scenario.arrivals[i] ?? 0;
      let n = 0;
      while (scenario.arrivals[i] === at) {
        n++;
        i++;
      }
      push(detector.update(at, n));
    }
    push(detector.update(tick, 0));
  }
  return out;
}

export type SuiteScore = {
  precision: number;
  recall: number;
  medianDelayMs: number | null;
  truePositives: number;
  falsePositives: number;
  missed: number;
};

// Precision, recall and median delay (true start to first alert) of one detector over a suite.
export function scoreSuite(
  scenarios: readonly Scenario[],
  makeDetector: (startMs: number) => SpikeDetector,
): SuiteScore {
  let tp = 0;
  let fp = 0;
  let missed = 0;
  const delays: number[] = [];
  for (const s of scenarios) {
    const starts = runScenario(s, makeDetector).filter((d) => d.kind === 'start');
    for (const d of starts) {
      const hit =
        s.spikeStartMs !== null &&
        s.spikeEndMs !== null &&
        d.atMs >= s.spikeStartMs &&
        d.atMs <= s.spikeEndMs;
      if (!hit) fp++;
    }
    if (s.spikeStartMs === null) continue;
    const first = starts.find((d) => d.atMs >= (s.spikeStartMs ?? 0) && d.atMs <= (s.spikeEndMs ?? 0));
    if (first === undefined) missed++;
    else {
      tp++;
      delays.push(first.atMs - s.spikeStartMs);
    }
  }
  delays.sort((a, b) => a - b);
  const mid =
    delays.length === 0
      ? null
      : delays.length % 2
        ? (delays[(delays.length - 1) / 2] ?? 0)
        : ((delays[delays.length / 2 - 1] ?? 0) + (delays[delays.length / 2] ?? 0)) / 2;
  return {
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + missed === 0 ? 1 : tp / (tp + missed),
    medianDelayMs: mid,
    truePositives: tp,
    falsePositives: fp,
    missed,
  };
}
