// Public API of viral detection: arrival tracking, both detectors, episodes, the spike service.
export {
  DEFAULT_TRACKER_OPTIONS,
  advance,
  baselinePerHour,
  countInWindow,
  createTracker,
  recordArrival,
  type ArrivalTracker,
  type TrackerOptions,
} from './arrival-tracker.ts';
export type { SpikeDetector } from './detector.ts';
export {
  DEFAULT_EARLY_OPTIONS,
  createEarlyDetector,
  earlyScore,
  type EarlyOptions,
  type EarlyScore,
} from './early-detector.ts';
export {
  createEpisodeState,
  observe,
  type Episode,
  type EpisodeEvent,
  type EpisodeState,
} from './episodes.ts';
export { poissonTail } from './poisson.ts';
export {
  THRESHOLD_INCREASE_PERCENT,
  THRESHOLD_ORDERS_PER_HOUR,
  createThresholdDetector,
  thresholdRuleHolds,
  velocityIncrease,
} from './threshold-detector.ts';
export {
  DEFAULT_SPIKE_OPTIONS,
  createSpikeState,
  type SpikeOptions,
  type SpikeState,
} from './spike-state.ts';
export {
  recordArrivals,
  tickSpikes,
  type ProductArrival,
  type SpikeActions,
  type SpikeChange,
  type SpikeDeps,
  type SpikeStart,
} from './spike-service.ts';
export { startSpikeTicker } from './spike-ticker.ts';
export { registerSpikeRoutes } from './spike-routes.ts';
// For the response to a spike (workflows/spike-response.ts): the episode and the orders it escalates.
export {
  findOpenEpisode,
  openEpisode,
  queuedOrdersOf,
  recordEpisodeActions,
  unitsBySku,
} from './spike-queries.ts';
