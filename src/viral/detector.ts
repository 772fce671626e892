// Common shape of the spike detectors: feed arrivals and clock ticks, get episode events.
import type { ArrivalTracker } from './arrival-tracker.ts';
import type { EpisodeEvent, EpisodeState } from './episodes.ts';

export type SpikeDetector = {
  readonly name: string;
  readonly tracker: ArrivalTracker;
  readonly episodes: EpisodeState;
  /** Records `count` orders at `nowMs` (0 for a clock tick) and returns an episode change, if any. */
  update(nowMs: number, count: number): EpisodeEvent | null;
};
