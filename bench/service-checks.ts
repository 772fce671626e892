/**
 * What the service benchmark reads back after a run: the checks (every order labelled and shipped,
 * one label per order, one tracking push per order, nothing failed) and the figures that come from
 * the orders' own records (per-lane latency, time per step, the last label and shipment).
 */
import type { Database } from '../src/db/index.ts';
import { PRIORITIES, SLA_MS, type Priority } from '../src/orders/index.ts';
import type { Sandbox } from '../src/sandbox/index.ts';

export const LABELLED = `('label_generated', 'shipped', 'delivered')`;
export const SHIPPED = `('shipped', 'delivered')`;

/** Webhook acknowledged → label bought, per lane (seconds). */
export interface LaneLatency {
  readonly lane: Priority;
  readonly orders: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Orders labelled within the lane's SLA, counted from the webhook's acknowledgement. */
  readonly withinSla: number;
}

/** The stretches of an order's way to its label, in order, with their median (seconds). */
export const STEPS = [
  'ack → stored (detail fetched)',
  'stored → validated',
  'validated → processing (rules)',
  'processing → stock reserved',
  'reserved → label bought',
] as const;
export type StepMedians = Readonly<Record<(typeof STEPS)[number], number>>;

/** The checks' findings: problems fail the run; notes are worth reading but lose no order. */
export interface CheckOutcome {
  readonly problems: readonly string[];
  readonly notes: readonly string[];
  /** What was counted, in one line. */
  readonly summary: string;
}

/**
 * Every order stored, labelled and shipped; exactly one label per order in our table and at the
 * carrier; tracking pushed to TikTok once per order; no failed or cancelled order, no failed inbox
 * event. Webhook deliveries TikTok had to repeat (refused or too slow) are notes: redelivery is
 * TikTok's normal behaviour and the orders still arrive once.
 */
export async function checkRun(db: Database, sandbox: Sandbox, count: number): Promise<CheckOutcome> {
  const problems: string[] = [];
  const notes: string[] = [];
  const { rows: orderRows } = await db.query<{ stored: number; labelled: number; shipped: number }>(
    `SELECT count(*)::int AS stored, count(*) FILTER (WHERE state IN ${LABELLED})::int AS labelled,
            count(*) FILTER (WHERE state IN ${SHIPPED})::int AS shipped FROM orders`,
  );
  const { stored, labelled, shipped } = orderRows[0]!;
  if (stored !== count) problems.push(`${stored} orders stored, ${count} created`);
  if (labelled !== count) problems.push(`${labelled} of ${count} orders labelled`);
  if (shipped !== count) problems.push(`${shipped} of ${count} orders shipped`);

  const { rows: failed } = await db.query<{ order_id: string; state: string; failure_reason: string | null }>(
    `SELECT order_id, state, failure_reason FROM orders WHERE state IN ('failed', 'cancelled') ORDER BY order_id`,
  );
  for (const f of failed)
    problems.push(`order ${f.order_id} ${f.state}: ${f.failure_reason ?? '(no reason)'}`);

  const { rows: labelRows } = await db.query<{ labels: number; orders: number; live: number }>(
    `SELECT count(*)::int AS labels, count(DISTINCT order_id)::int AS orders,
            count(*) FILTER (WHERE status = 'bought')::int AS live FROM labels`,
  );
  const { labels, orders: labelledOrders, live } = labelRows[0]!;
  if (labels !== labelledOrders) problems.push(`${labels} labels for ${labelledOrders} orders`);
  if (live !== labels) problems.push(`${labels - live} labels not live (voided or voiding)`);

  const purchases = sandbox.carrier.purchases;
  const charged = new Set(purchases.map((p) => p.metadata ?? p.transactionId));
  if (purchases.length !== labels) {
    problems.push(`the carrier charged ${purchases.length} labels, we hold ${labels}`);
  }
  if (charged.size !== purchases.length) {
    problems.push(`the carrier charged ${purchases.length - charged.size} labels twice for one order`);
  }
  const shipments = sandbox.tiktok.shipments;
  const pushed = new Set(shipments.map((s) => s.orderId));
  if (pushed.size !== count) problems.push(`tracking pushed to TikTok for ${pushed.size} of ${count} orders`);
  if (shipments.length !== pushed.size) {
    problems.push(`${shipments.length - pushed.size} tracking pushes repeated at TikTok`);
  }

  const { rows: inbox } = await db.query<{ failed: number }>(
    `SELECT count(*)::int AS failed FROM webhook_inbox WHERE status = 'failed'`,
  );
  if (inbox[0]!.failed > 0) problems.push(`${inbox[0]!.failed} inbox events failed`);
  const counters = sandbox.tiktok.counters;
  if (counters.webhooksFailed > 0) {
    const slow = sandbox.tiktok.webhookAttempts.filter((a) => !a.ok && a.status === 0).length;
    notes.push(
      `${counters.webhooksFailed} TikTok webhook deliveries failed (${slow} unanswered within TikTok's ` +
        `${sandbox.tiktok.knobs.webhookTimeoutMs / 1000} s) and were redelivered`,
    );
  }

  return {
    problems,
    notes,
    summary:
      `${stored} stored, ${labelled} labelled, ${shipped} shipped, ${failed.length} failed or cancelled; ` +
      `${labels} labels for ${labelledOrders} orders (carrier charged ${purchases.length}); ` +
      `tracking pushed ${shipments.length} times for ${pushed.size} orders; ` +
      `${counters.webhooksAcknowledged} of ${counters.webhooksSent} TikTok webhook deliveries acknowledged`,
  };
}

/** When the last label was bought and the last parcel shipped (ms since the epoch). */
export async function lastTimes(db: Database): Promise<{ lastLabel?: number; lastShipped?: number }> {
  const { rows } = await db.query<{ last_label: Date | null; last_shipped: Date | null }>(
    `SELECT max(processed_at) AS last_label, max(shipped_at) AS last_shipped FROM orders`,
  );
  const row = rows[0]!;
  return {
    ...(row.last_label ? { lastLabel: new Date(row.last_label).getTime() } : {}),
    ...(row.last_shipped ? { lastShipped: new Date(row.last_shipped).getTime() } : {}),
  };
}

// Each order's first type 1 webhook as stored (the service acknowledges it right after storing it).
const ACKED = `acked AS (
  SELECT payload->'data'->>'order_id' AS order_id, min(received_at) AS acked_at
    FROM webhook_inbox WHERE source = 'tiktok' AND event_type = 1 GROUP BY 1)`;

/** Per lane, from the order's webhook acknowledged to its label bought (`processed_at`). */
export async function laneLatencies(db: Database): Promise<LaneLatency[]> {
  const { rows } = await db.query<{ lane: Priority; seconds: number }>(
    `WITH ${ACKED}
     SELECT o.priority AS lane, extract(epoch FROM o.processed_at - a.acked_at)::float8 AS seconds
       FROM orders o JOIN acked a ON a.order_id = o.order_id
      WHERE o.processed_at IS NOT NULL`,
  );
  return PRIORITIES.flatMap((lane) => {
    const seconds = rows.filter((r) => r.lane === lane).map((r) => Number(r.seconds));
    if (seconds.length === 0) return [];
    return [
      {
        lane,
        orders: seconds.length,
        p50: percentile(seconds, 0.5),
        p95: percentile(seconds, 0.95),
        p99: percentile(seconds, 0.99),
        withinSla: seconds.filter((s) => s * 1000 <= SLA_MS[lane]).length,
      },
    ];
  });
}

/** The median of each stretch of the way to the label, from the orders' timelines. */
export async function stepMedians(db: Database): Promise<StepMedians> {
  const { rows } = await db.query<Record<'s0' | 's1' | 's2' | 's3' | 's4', number>>(
    `WITH ${ACKED},
     steps AS (
       SELECT order_id,
              min(at) FILTER (WHERE to_state = 'validated') AS validated,
              min(at) FILTER (WHERE to_state = 'processing') AS processing,
              min(at) FILTER (WHERE to_state = 'inventory_reserved') AS reserved
         FROM order_events WHERE kind = 'transition' GROUP BY order_id)
     SELECT extract(epoch FROM o.received_at - a.acked_at)::float8 AS s0,
            extract(epoch FROM s.validated - o.received_at)::float8 AS s1,
            extract(epoch FROM s.processing - s.validated)::float8 AS s2,
            extract(epoch FROM s.reserved - s.processing)::float8 AS s3,
            extract(epoch FROM o.processed_at - s.reserved)::float8 AS s4
       FROM orders o JOIN acked a ON a.order_id = o.order_id JOIN steps s ON s.order_id = o.order_id
      WHERE o.processed_at IS NOT NULL`,
  );
  const keys = ['s0', 's1', 's2', 's3', 's4'] as const;
  return Object.fromEntries(
    STEPS.map((step, i) => [
      step,
      percentile(
        rows.map((r) => Number(r[keys[i]!])),
        0.5,
      ),
    ]),
  ) as StepMedians;
}

/** Nearest-rank percentile of `values` (NaN when empty). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
