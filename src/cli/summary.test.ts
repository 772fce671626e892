import { describe, expect, it } from 'vitest';
import { formatSummary, quantile, summarise } from './summary.ts';

describe('simulate summary', () => {
  it('takes nearest-rank quantiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeUndefined();
  });

  it('counts distinct sends, acknowledgements, failures by status and redeliveries', () => {
    const summary = summarise({
      attempts: [
        { ok: true, status: 200, latencyMs: 2, attempt: 1, duplicate: false },
        { ok: true, status: 200, latencyMs: 4, attempt: 1, duplicate: true },
        { ok: false, status: 503, latencyMs: 1, attempt: 1, duplicate: false },
        { ok: true, status: 200, latencyMs: 6, attempt: 2, duplicate: false },
        { ok: false, status: 0, latencyMs: 3000, attempt: 1, duplicate: false },
      ],
      counters: { webhooksDropped: 1, webhooksDuplicated: 1, webhooksReordered: 0, webhooksGaveUp: 1 },
      elapsedMs: 2000,
    });
    expect(summary).toMatchObject({
      sent: 3,
      attempts: 5,
      acknowledged: 3,
      failedByStatus: { '503': 1, network: 1 },
      redelivered: 1,
      achievedRate: 1.5,
      p50Ms: 4,
      p99Ms: 6,
    });
    expect(formatSummary(summary)).toContain('failed        503: 1, network: 1');
  });
});
