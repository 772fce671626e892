import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { registerBreakerMetrics } from './breaker-metrics.ts';
import { CarrierTransientError } from './carrier-errors.ts';
import { createIntegrationPolicy } from './resilience.ts';

describe('registerBreakerMetrics', () => {
  it('shows each integration breaker state in Prometheus text, read at scrape time', async () => {
    const registry = new Registry();
    const shippo = createIntegrationPolicy('shippo', { maxAttempts: 1, breakerThreshold: 1 });
    const easypost = createIntegrationPolicy('easypost');
    registerBreakerMetrics(registry, () => [shippo, easypost]);
    expect(await registry.metrics()).toContain(
      'creatorflow_integration_breaker_state{integration="shippo",state="closed"} 1',
    );
    await shippo.execute(() => Promise.reject(new CarrierTransientError('503', 503))).catch(() => undefined);
    const text = await registry.metrics();
    expect(text).toContain('creatorflow_integration_breaker_state{integration="shippo",state="open"} 1');
    expect(text).toContain('creatorflow_integration_breaker_state{integration="shippo",state="closed"} 0');
    expect(text).toContain('creatorflow_integration_breaker_state{integration="easypost",state="closed"} 1');
  });
});
