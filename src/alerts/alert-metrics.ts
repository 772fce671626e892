/**
 * The figures alert rules can watch. The evaluator reads them from the dashboard's overview (which
 * has this shape), so alerting and the dashboard always agree. A metric yields one reading per
 * subject: '' for a single figure, a lane or a spike id where one rule watches several things.
 */
export interface AlertFigures {
  readonly window_minutes: number;
  readonly processed: number;
  readonly failed: number;
  readonly automation_success_rate: number | null;
  readonly processing_seconds_avg: number | null;
  readonly processing_seconds_p95: number | null;
  readonly lanes: readonly {
    readonly lane: string;
    readonly processed: number;
    readonly overdue: number;
    readonly sla_compliance: number | null;
  }[];
  readonly spikes: readonly {
    readonly id: string;
    readonly shop_id: string;
    readonly product_id: string | null;
    readonly peak_per_hour: number | null;
  }[];
}

/** One value of a metric: `value` null means no data; `samples` is how many orders it rests on. */
export interface Reading {
  readonly subject: string;
  readonly value: number | null;
  readonly samples: number;
  /** What the subject is, for people: `lane viral`, `spike on product 123 (shop x)`. */
  readonly label: string;
}

interface MetricDefinition {
  readonly description: string;
  readonly read: (f: AlertFigures) => Reading[];
  readonly format: (value: number) => string;
  /** Set where the value says nothing beyond the subject (a spike reads 1): summaries name the subject only. */
  readonly subjectOnly?: true;
}

const percent = (v: number): string => `${(v * 100).toFixed(1)}%`;
const seconds = (v: number): string => `${v.toFixed(1)} s`;
const count = (v: number): string => String(Math.round(v * 100) / 100);
const single = (value: number | null, samples: number): Reading[] => [
  { subject: '', value, samples, label: '' },
];

/** Every metric an alert rule may name, with how to read and show it. */
export const ALERT_METRICS = {
  automation_success_rate: {
    description: 'share of decided orders processed automatically (0..1)',
    read: (f) => single(f.automation_success_rate, f.processed + f.failed),
    format: percent,
  },
  processing_time_p95_seconds: {
    description: '95th percentile of receipt-to-label time, seconds',
    read: (f) => single(f.processing_seconds_p95, f.processed),
    format: seconds,
  },
  processing_time_avg_seconds: {
    description: 'average receipt-to-label time, seconds',
    read: (f) => single(f.processing_seconds_avg, f.processed),
    format: seconds,
  },
  failures_per_minute: {
    description: 'orders failed per minute over the window',
    read: (f) => single(f.failed / f.window_minutes, f.processed + f.failed),
    format: count,
  },
  lane_sla_compliance: {
    description: "share of a lane's processed orders done by their deadline (0..1), per lane",
    read: (f) =>
      f.lanes.map((l) => ({
        subject: l.lane,
        value: l.sla_compliance,
        samples: l.processed,
        label: `lane ${l.lane}`,
      })),
    format: percent,
  },
  lane_overdue_orders: {
    description: 'queued orders past their deadline, per lane',
    read: (f) =>
      f.lanes.map((l) => ({ subject: l.lane, value: l.overdue, samples: 1, label: `lane ${l.lane}` })),
    format: count,
  },
  viral_spike: {
    description: 'each active viral spike reads 1 (one episode per spike)',
    read: (f) =>
      f.spikes.map((s) => ({
        subject: s.id,
        value: 1,
        samples: 1,
        label: `spike on ${s.product_id ? `product ${s.product_id}` : 'a product'} of shop ${s.shop_id}${
          s.peak_per_hour === null ? '' : `, peak ${Math.round(s.peak_per_hour)} orders/h`
        }`,
      })),
    format: count,
    subjectOnly: true,
  },
} as const satisfies Record<string, MetricDefinition>;

export type AlertMetric = keyof typeof ALERT_METRICS;
export const ALERT_METRIC_NAMES = Object.keys(ALERT_METRICS) as AlertMetric[];

/** A metric's value as people read it (`83.6%`, `72.0 s`). */
export function formatMetricValue(metric: string, value: number | null): string {
  if (value === null) return 'no data';
  return isAlertMetric(metric) ? ALERT_METRICS[metric].format(value) : String(value);
}

/** True when `name` is a metric alert rules may watch. */
export function isAlertMetric(name: string): name is AlertMetric {
  return Object.hasOwn(ALERT_METRICS, name);
}
