import { Gauge, type Registry } from 'prom-client';
import type { BreakerState, IntegrationPolicy } from './resilience.ts';

const STATES: readonly BreakerState[] = ['closed', 'open', 'half-open', 'isolated'];

/**
 * Registers `creatorflow_integration_breaker_state{integration, state}`: 1 for each policy's
 * current state, 0 for the others, read at scrape time so it is never stale.
 */
export function registerBreakerMetrics(
  registry: Registry,
  policies: () => readonly IntegrationPolicy[],
): Gauge {
  return new Gauge({
    name: 'creatorflow_integration_breaker_state',
    help: 'Circuit breaker state per integration (1 = current state)',
    labelNames: ['integration', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const policy of policies()) {
        const current = policy.breakerState();
        for (const state of STATES) this.set({ integration: policy.name, state }, state === current ? 1 : 0);
      }
    },
  });
}
