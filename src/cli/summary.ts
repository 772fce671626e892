/** What a `creatorflow simulate` run did, computed from the simulator's delivery attempts. */
export interface SimulateSummary {
  /** Distinct webhooks handed to the network (duplicates and redeliveries not counted). */
  readonly sent: number;
  readonly attempts: number;
  readonly acknowledged: number;
  /** Failed attempts by HTTP status, "network" for errors and timeouts. */
  readonly failedByStatus: Readonly<Record<string, number>>;
  readonly dropped: number;
  readonly duplicated: number;
  readonly reordered: number;
  readonly redelivered: number;
  readonly gaveUp: number;
  /** Acknowledged per second of the run. */
  readonly achievedRate: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly elapsedMs: number;
}

/** The value at quantile q (0..1) of already sorted numbers, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

/** Builds the summary from attempts and the simulator's counters. */
export function summarise(input: {
  attempts: readonly {
    ok: boolean;
    status: number;
    latencyMs: number;
    attempt: number;
    duplicate: boolean;
  }[];
  counters: {
    webhooksDropped: number;
    webhooksDuplicated: number;
    webhooksReordered: number;
    webhooksGaveUp: number;
  };
  elapsedMs: number;
}): SimulateSummary {
  const failedByStatus: Record<string, number> = {};
  const latencies: number[] = [];
  let acknowledged = 0;
  let sent = 0;
  let redelivered = 0;
  for (const a of input.attempts) {
    if (a.attempt === 1 && !a.duplicate) sent += 1;
    if (a.attempt > 1) redelivered += 1;
    if (a.ok) {
      acknowledged += 1;
      latencies.push(a.latencyMs);
    } else {
      const key = a.status === 0 ? 'network' : String(a.status);
      failedByStatus[key] = (failedByStatus[key] ?? 0) + 1;
    }
  }
  latencies.sort((x, y) => x - y);
  return {
    sent,
    attempts: input.attempts.length,
    acknowledged,
    failedByStatus,
    dropped: input.counters.webhooksDropped,
    duplicated: input.counters.webhooksDuplicated,
    reordered: input.counters.webhooksReordered,
    redelivered,
    gaveUp: input.counters.webhooksGaveUp,
    achievedRate: input.elapsedMs > 0 ? (acknowledged * 1000) / input.elapsedMs : 0,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    elapsedMs: input.elapsedMs,
  };
}

/** The summary as printed lines. */
export function formatSummary(s: SimulateSummary): string {
  const ms = (v: number | undefined): string => (v === undefined ? 'n/a' : `${v.toFixed(1)} ms`);
  const failed = Object.entries(s.failedByStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  return [
    'Summary',
    `  sent          ${s.sent} webhooks (${s.attempts} delivery attempts)`,
    `  acknowledged  ${s.acknowledged}`,
    `  failed        ${failed === '' ? 'none' : failed}`,
    `  dropped       ${s.dropped}   duplicated ${s.duplicated}   reordered ${s.reordered}`,
    `  redelivered   ${s.redelivered}   gave up ${s.gaveUp}`,
    `  rate          ${s.achievedRate.toFixed(1)}/s acknowledged over ${(s.elapsedMs / 1000).toFixed(1)} s`,
    `  ack latency   p50 ${ms(s.p50Ms)}   p99 ${ms(s.p99Ms)}`,
  ].join('\n');
}
