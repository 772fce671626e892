import { Gauge, type Registry } from 'prom-client';
import type { Overview, OverviewSource } from './overview.ts';

type Labels = Record<string, string>;

/**
 * The overview's figures as Prometheus gauges, read from the (cached) overview at scrape time, so
 * /metrics, the dashboard and the alert rules show the same numbers. Gauges without data are absent.
 */
export function registerOverviewGauges(registry: Registry, overview: OverviewSource): void {
  const gauge = (
    name: string,
    help: string,
    labelNames: string[],
    values: (o: Overview) => { labels: Labels; value: number | null }[],
  ): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const o = await overview.get();
        this.reset();
        for (const { labels, value } of values(o)) if (value !== null) this.set(labels, value);
      },
    });
  };
  const one = (value: number | null) => [{ labels: {}, value }];

  gauge(
    'creatorflow_automation_success_rate',
    'Processed / (processed + failed) orders over the overview window (0..1)',
    [],
    (o) => one(o.automation_success_rate),
  );
  gauge(
    'creatorflow_processing_time_seconds',
    'Receipt-to-label time over the overview window, by statistic (avg, p95)',
    ['stat'],
    (o) => [
      { labels: { stat: 'avg' }, value: o.processing_seconds_avg },
      { labels: { stat: 'p95' }, value: o.processing_seconds_p95 },
    ],
  );
  gauge(
    'creatorflow_lane_queue_depth',
    'Orders waiting in each lane (queued, running, held)',
    ['lane'],
    (o) => o.lanes.map((l) => ({ labels: { lane: l.lane }, value: l.depth })),
  );
  gauge('creatorflow_lane_overdue_orders', 'Queued orders past their SLA deadline, per lane', ['lane'], (o) =>
    o.lanes.map((l) => ({ labels: { lane: l.lane }, value: l.overdue })),
  );
  gauge(
    'creatorflow_lane_sla_compliance',
    "Share of a lane's processed orders done by their deadline over the overview window (0..1)",
    ['lane'],
    (o) => o.lanes.map((l) => ({ labels: { lane: l.lane }, value: l.sla_compliance })),
  );
  gauge(
    'creatorflow_orders_window',
    'Orders processed and failed over the overview window',
    ['outcome'],
    (o) => [
      { labels: { outcome: 'processed' }, value: o.processed },
      { labels: { outcome: 'failed' }, value: o.failed },
    ],
  );
  gauge(
    'creatorflow_order_failures_per_minute',
    'Order failures per minute over the overview window, by error class',
    ['class'],
    (o) => o.errors_by_class.map((e) => ({ labels: { class: e.class }, value: e.per_minute })),
  );
  gauge('creatorflow_viral_spikes_active', 'Viral spikes in progress', [], (o) => one(o.spikes.length));
  gauge(
    'creatorflow_revenue_processed',
    'Order value of orders processed over the overview window, by currency',
    ['currency'],
    (o) => o.revenue.map((r) => ({ labels: { currency: r.currency || 'unknown' }, value: r.amount })),
  );
}
