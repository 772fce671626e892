import type { Queryable } from '../db/index.ts';
import { PRIORITIES, type Priority } from '../orders/index.ts';

/**
 * Glossary of the overview's figures, all over the last `windowMinutes` (15 by default):
 * - processed: an order whose label was bought (its first transition to `label_generated`);
 * - failed: an order that moved to `failed` (its attempts spent, or a permanent error);
 * - automation success rate: processed / (processed + failed), null while neither happened;
 * - processing time: from receipt (`orders.received_at`) to processed;
 * - SLA compliance of a lane: the share of its processed orders processed by their `sla_deadline`.
 */
export interface LaneFigures {
  lane: Priority;
  /** Orders waiting in the lane (queued, running or held). */
  depth: number;
  held: number;
  /** Queued orders already past their deadline. */
  overdue: number;
  processed: number;
  within_sla: number;
  /** within_sla / processed, null when nothing was processed. */
  sla_compliance: number | null;
}

export interface OrderFigures {
  window_minutes: number;
  processed: number;
  failed: number;
  automation_success_rate: number | null;
  processing_seconds_avg: number | null;
  processing_seconds_p95: number | null;
  lanes: LaneFigures[];
  errors_by_class: { class: string; count: number; per_minute: number }[];
  revenue: { currency: string; amount: number; orders: number }[];
  /** Orders received and processed per minute, oldest first, the last `chartMinutes` minutes. */
  per_minute: { minute: Date; received: number; processed: number }[];
}

/** Outcomes of the window: counts, the success rate and processing times, in one index range scan. */
async function outcomeFigures(db: Queryable, since: Date) {
  const { rows } = await db.query<{
    processed: number;
    failed: number;
    avg_s: number | null;
    p95_s: number | null;
  }>(
    `WITH outcomes AS (
       SELECT e.to_state, extract(epoch FROM e.at - o.received_at)::float8 AS seconds
         FROM order_events e
         JOIN orders o ON o.shop_id = e.shop_id AND o.order_id = e.order_id
        WHERE e.at >= $1 AND e.to_state IN ('label_generated', 'failed'))
     SELECT count(*) FILTER (WHERE to_state = 'label_generated')::int AS processed,
            count(*) FILTER (WHERE to_state = 'failed')::int AS failed,
            avg(seconds) FILTER (WHERE to_state = 'label_generated') AS avg_s,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds)
              FILTER (WHERE to_state = 'label_generated') AS p95_s
       FROM outcomes`,
    [since],
  );
  return rows[0] ?? { processed: 0, failed: 0, avg_s: null, p95_s: null };
}

/** Per lane: what waits now (order_jobs holds only unfinished work) and SLA compliance of the window. */
async function laneFigures(db: Queryable, since: Date, now: Date): Promise<LaneFigures[]> {
  const [queue, sla] = await Promise.all([
    db.query<{ lane: Priority; depth: number; held: number; overdue: number }>(
      `SELECT lane,
              count(*)::int AS depth,
              count(*) FILTER (WHERE run_at = 'infinity')::int AS held,
              count(*) FILTER (WHERE deadline < $1 AND run_at <> 'infinity')::int AS overdue
         FROM order_jobs
        GROUP BY lane`,
      [now],
    ),
    db.query<{ lane: Priority; processed: number; within_sla: number }>(
      `SELECT o.priority AS lane,
              count(*)::int AS processed,
              count(*) FILTER (WHERE e.at <= o.sla_deadline)::int AS within_sla
         FROM order_events e
         JOIN orders o ON o.shop_id = e.shop_id AND o.order_id = e.order_id
        WHERE e.at >= $1 AND e.to_state = 'label_generated'
        GROUP BY o.priority`,
      [since],
    ),
  ]);
  return PRIORITIES.map((lane) => {
    const q = queue.rows.find((r) => r.lane === lane);
    const s = sla.rows.find((r) => r.lane === lane);
    const processed = s?.processed ?? 0;
    const withinSla = s?.within_sla ?? 0;
    return {
      lane,
      depth: q?.depth ?? 0,
      held: q?.held ?? 0,
      overdue: q?.overdue ?? 0,
      processed,
      within_sla: withinSla,
      sla_compliance: processed > 0 ? withinSla / processed : null,
    };
  });
}

/**
 * Failures of the window by class: the failure's `class` in the event's detail (the workflow writes
 * `validation`, `attempts_spent`, ...; `error_class` is read first where a step records one);
 * events without one count as `unclassified`.
 */
async function errorsByClass(db: Queryable, since: Date) {
  const { rows } = await db.query<{ class: string; count: number }>(
    `SELECT coalesce(detail->>'error_class', detail->>'class', 'unclassified') AS class, count(*)::int AS count
       FROM order_events
      WHERE at >= $1 AND to_state = 'failed'
      GROUP BY 1
      ORDER BY count DESC, class`,
    [since],
  );
  return rows;
}

/** Order value of the window's processed orders, per currency. */
async function revenue(db: Queryable, since: Date) {
  const { rows } = await db.query<{ currency: string; amount: string; orders: number }>(
    `SELECT coalesce(o.currency, '') AS currency, coalesce(sum(o.total_amount), 0)::text AS amount,
            count(*)::int AS orders
       FROM order_events e
       JOIN orders o ON o.shop_id = e.shop_id AND o.order_id = e.order_id
      WHERE e.at >= $1 AND e.to_state = 'label_generated'
      GROUP BY 1
      ORDER BY 2 DESC`,
    [since],
  );
  return rows.map((r) => ({ currency: r.currency, amount: Number(r.amount), orders: r.orders }));
}

/** Orders received and processed in each of the last minutes (zeros included), oldest first. */
async function perMinute(db: Queryable, now: Date, minutes: number) {
  const last = Math.floor(now.getTime() / 60_000) * 60_000;
  // The first minute is a parameter, not a subquery, so the planner sees the short range and uses
  // the received_at and outcome indexes instead of scanning every order.
  const first = new Date(last - (minutes - 1) * 60_000);
  const { rows } = await db.query<{ minute: Date; received: number; processed: number }>(
    `WITH minutes AS (
       SELECT generate_series($1::timestamptz, $2::timestamptz, interval '1 minute') AS minute),
     received AS (
       SELECT date_trunc('minute', received_at) AS minute, count(*)::int AS n
         FROM orders
        WHERE received_at >= $1
        GROUP BY 1),
     processed AS (
       SELECT date_trunc('minute', at) AS minute, count(*)::int AS n
         FROM order_events
        WHERE at >= $1 AND to_state = 'label_generated'
        GROUP BY 1)
     SELECT m.minute, coalesce(r.n, 0) AS received, coalesce(p.n, 0) AS processed
       FROM minutes m
       LEFT JOIN received r USING (minute)
       LEFT JOIN processed p USING (minute)
      ORDER BY m.minute`,
    [first, new Date(last)],
  );
  return rows;
}

/** Every order figure of the overview, computed from the database at `now`. */
export async function orderFigures(
  db: Queryable,
  input: { now: Date; windowMinutes?: number; chartMinutes?: number },
): Promise<OrderFigures> {
  const windowMinutes = input.windowMinutes ?? 15;
  const since = new Date(input.now.getTime() - windowMinutes * 60_000);
  // Sequential on purpose: PGlite has one connection, and a pool should not be hogged by one page.
  const outcome = await outcomeFigures(db, since);
  const lanes = await laneFigures(db, since, input.now);
  const errors = await errorsByClass(db, since);
  const money = await revenue(db, since);
  const series = await perMinute(db, input.now, input.chartMinutes ?? 60);
  const decided = outcome.processed + outcome.failed;
  return {
    window_minutes: windowMinutes,
    processed: outcome.processed,
    failed: outcome.failed,
    automation_success_rate: decided > 0 ? outcome.processed / decided : null,
    processing_seconds_avg: outcome.avg_s,
    processing_seconds_p95: outcome.p95_s,
    lanes,
    errors_by_class: errors.map((e) => ({ ...e, per_minute: e.count / windowMinutes })),
    revenue: money,
    per_minute: series,
  };
}

/** Viral spikes still open (the viral detection's `spike_episodes`), newest first. */
export async function openSpikeEpisodes(
  db: Queryable,
): Promise<
  { id: string; shop_id: string; product_id: string | null; started_at: Date; peak_per_hour: number | null }[]
> {
  const { rows } = await db.query<{
    id: string;
    shop_id: string;
    product_id: string | null;
    started_at: Date;
    peak_per_hour: number | null;
  }>(
    `SELECT id::text AS id, shop_id, product_id, started_at, peak_per_hour
       FROM spike_episodes
      WHERE ended_at IS NULL
      ORDER BY started_at DESC
      LIMIT 50`,
  );
  return rows;
}
