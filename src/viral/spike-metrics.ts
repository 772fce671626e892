// Prometheus metrics of spike detection: episodes started and ended, and how long acting took.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface SpikeMetrics {
  readonly episodes: Counter<'event'>;
  readonly handling: Histogram;
}

/** Registers the spike metrics on a registry (once per registry). */
export function createSpikeMetrics(registry: Registry): SpikeMetrics {
  return {
    episodes: new Counter({
      name: 'creatorflow_viral_spike_episodes_total',
      help: 'Viral spike episodes this process opened or closed',
      labelNames: ['event'],
      registers: [registry],
    }),
    handling: new Histogram({
      name: 'creatorflow_viral_spike_handling_seconds',
      help: 'From recordArrivals being called to the spike episode, escalation, re-order and alert being committed',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
