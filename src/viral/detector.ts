// Common shape of the spike detectors: feed arrivals and clock ticks, get episode events.
import { advance, createTracker, recordArrival, type ArrivalTracker } from './arrival-tracker.ts';
import { createEpisodeState, observe, type EpisodeEvent, type EpisodeState } from './episodes.ts';

export type SpikeDetector = {
  readonly name: string;
  readonly tracker: ArrivalTracker;
  readonly episodes: EpisodeState;
  /** Records `count` orders at `nowMs` (0 for a clock tick) and returns an episode change, if any. */
  update(nowMs: number, count: number): EpisodeEvent | null;
};

/** What a detector reads off its arrivals at each update. */
export interface DetectorReading {
  /** The spike rule holds now. */
  readonly firing: boolean;
  /** The rate is back near normal (an open episode ends after `quietMs` of calm). */
  readonly calm: boolean;
  /** The rate to record on the episode. */
  readonly rate: number;
}

/**
 * A detector from its rule: each update records the arrivals (or moves the clock on), reads the
 * rule, and opens or closes the episode with hysteresis; while an episode is open the baseline is
 * frozen, so the spike does not become the new normal.
 */
export function createDetector(input: {
  name: string;
  startMs: number;
  quietMs: number;
  read: (tracker: ArrivalTracker) => DetectorReading;
  /** The longest an episode may keep the baseline frozen. */
  maxFrozenMs?: number;
}): SpikeDetector {
  const tracker = createTracker(input.startMs);
  const episodes = createEpisodeState(input.quietMs);
  return {
    name: input.name,
    tracker,
    episodes,
    update(nowMs, count) {
      if (count > 0) recordArrival(tracker, nowMs, count);
      else advance(tracker, nowMs);
      const reading = input.read(tracker);
      const event = observe(episodes, nowMs, reading.firing, reading.calm, reading.rate);
      if (event !== null) tracker.frozen = event.kind === 'start';
      const open = episodes.current;
      if (input.maxFrozenMs !== undefined && open !== null && nowMs - open.startMs > input.maxFrozenMs)
        tracker.frozen = false;
      return event;
    },
  };
}
