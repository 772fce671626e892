import type { Queryable } from '../db/index.ts';
import { RESTING_STATES, type OrderState, type Priority } from './states.ts';

/** An order as the operator API shows it (CONTRACT.md). */
export interface OrderView {
  id: string;
  shop_id: string;
  state: OrderState;
  priority: Priority;
  tiktok_status: string | null;
  received_at: Date;
  sla_deadline: Date;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  label_url: string | null;
  hold_reason: string | null;
  failure_reason: string | null;
}

export interface OrderDetailView extends OrderView {
  lines: { seller_sku: string; sku_id: string; quantity: number }[];
  events: {
    at: Date;
    kind: string;
    from: string | null;
    to: string | null;
    detail: Record<string, unknown>;
  }[];
}

const VIEW = `order_id AS id, shop_id, state, priority, tiktok_status, received_at, sla_deadline, carrier,
  service, tracking_number, label_url, hold_reason, failure_reason`;

/** One order with its lines and whole timeline, by TikTok's order id. */
export async function getOrderDetail(db: Queryable, orderId: string): Promise<OrderDetailView | undefined> {
  const { rows } = await db.query<OrderView>(`SELECT ${VIEW} FROM orders WHERE order_id = $1 LIMIT 1`, [
    orderId,
  ]);
  const order = rows[0];
  if (!order) return undefined;
  const [lines, events] = await Promise.all([
    db.query<OrderDetailView['lines'][number]>(
      `SELECT seller_sku, sku_id, quantity FROM order_lines WHERE shop_id = $1 AND order_id = $2 ORDER BY sku_id`,
      [order.shop_id, orderId],
    ),
    db.query<OrderDetailView['events'][number]>(
      `SELECT at, kind, from_state AS "from", to_state AS "to", detail FROM order_events
        WHERE shop_id = $1 AND order_id = $2 ORDER BY id`,
      [order.shop_id, orderId],
    ),
  ]);
  return { ...order, lines: lines.rows, events: events.rows };
}

/** Where a page of the order list starts: after this (received_at, order_id). */
export interface OrderCursor {
  receivedAt: Date;
  orderId: string;
}

/** What the order list can be filtered by, and where a page starts. */
export interface OrderListFilter {
  state?: OrderState;
  priority?: Priority;
  shopId?: string;
  limit: number;
  after?: OrderCursor;
  /** For an in-progress state: how many in-progress orders a page looks through (tests lower it). */
  scanLimit?: number;
}

/** A page of the order list; `next` is where the following page starts, undefined at the end. */
export interface OrderPage {
  orders: OrderView[];
  next: OrderCursor | undefined;
}

/**
 * How many in-progress orders one page of a list filtered by an in-progress state looks through.
 * Such a state is not indexed (so that an order's steps are HOT updates; see migration 0009): the
 * page walks the in-progress orders newest first and keeps that state's, so this bounds the work
 * of one request (about 10 ms) however large a backlog is.
 */
export const IN_PROGRESS_SCAN_LIMIT = 5_000;

/**
 * Orders newest first, filtered, one page at a time by keyset (stable under inserts). `next` is
 * where the following page starts, or undefined at the end. A page filtered by an in-progress state
 * looks through at most `scanLimit` in-progress orders, so in a large backlog it can hold fewer
 * orders than `limit` (even none) and still have a `next`.
 */
export async function listOrders(db: Queryable, filter: OrderListFilter): Promise<OrderPage> {
  if (filter.state !== undefined && !RESTING_STATES.has(filter.state)) {
    return listInProgressOrders(db, { ...filter, state: filter.state });
  }
  const { rows } = await db.query<OrderView>(
    `SELECT ${VIEW} FROM orders
      WHERE ($1::text IS NULL OR (state_group = $1 AND state = $1))
        AND ($2::text IS NULL OR priority = $2)
        AND ($3::text IS NULL OR shop_id = $3)
        AND ($4::timestamptz IS NULL OR (received_at, order_id) < ($4, $5))
      ORDER BY received_at DESC, order_id DESC
      LIMIT $6`,
    [
      filter.state ?? null,
      filter.priority ?? null,
      filter.shopId ?? null,
      filter.after?.receivedAt ?? null,
      filter.after?.orderId ?? null,
      filter.limit + 1,
    ],
  );
  return pageOf(rows, filter.limit);
}

/**
 * A page of orders in one in-progress state: the newest `scanLimit` in-progress orders after the
 * cursor (`scanned`), the page's orders among them, and the last order looked at, where the next
 * page resumes when the look-through stopped before the page was full.
 */
async function listInProgressOrders(
  db: Queryable,
  filter: OrderListFilter & { state: OrderState },
): Promise<OrderPage> {
  const { rows } = await db.query<
    { looked_at: number; last_at: Date | null; last_id: string | null } & (
      OrderView | Record<keyof OrderView, null>
    )
  >(
    `WITH scanned AS MATERIALIZED (
       SELECT shop_id AS s_shop, order_id AS s_order, received_at AS s_at, state AS s_state FROM orders
        WHERE state_group = 'in_progress'
          AND ($2::text IS NULL OR priority = $2)
          AND ($3::text IS NULL OR shop_id = $3)
          AND ($4::timestamptz IS NULL OR (received_at, order_id) < ($4, $5))
        ORDER BY received_at DESC, order_id DESC
        LIMIT $7),
     matched AS (
       SELECT s_shop, s_order FROM scanned WHERE s_state = $1 ORDER BY s_at DESC, s_order DESC LIMIT $6),
     summary AS (
       SELECT (SELECT count(*) FROM scanned)::int AS looked_at, last.s_at AS last_at, last.s_order AS last_id
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (SELECT s_at, s_order FROM scanned ORDER BY s_at, s_order LIMIT 1) AS last ON true)
     SELECT summary.*, ${VIEW}
       FROM summary
       LEFT JOIN (matched JOIN orders ON orders.shop_id = matched.s_shop AND orders.order_id = matched.s_order) ON true
      ORDER BY received_at DESC, order_id DESC`,
    [
      filter.state,
      filter.priority ?? null,
      filter.shopId ?? null,
      filter.after?.receivedAt ?? null,
      filter.after?.orderId ?? null,
      filter.limit + 1,
      filter.scanLimit ?? IN_PROGRESS_SCAN_LIMIT,
    ],
  );
  const summary = rows[0]!;
  // The summary's columns ride on every row; the orders are the rest of each row (none matched: one
  // row with the order's columns all null).
  const found = rows.flatMap(({ looked_at: _looked, last_at: _at, last_id: _id, ...order }) =>
    order.id === null ? [] : [order],
  );
  const page = pageOf(found, filter.limit);
  const stoppedEarly = summary.looked_at === (filter.scanLimit ?? IN_PROGRESS_SCAN_LIMIT);
  if (page.next || !stoppedEarly || summary.last_at === null || summary.last_id === null) return page;
  return { orders: page.orders, next: { receivedAt: summary.last_at, orderId: summary.last_id } };
}

/** The first `limit` rows, and where the next page starts when there were more. */
function pageOf(rows: OrderView[], limit: number): OrderPage {
  const orders = rows.slice(0, limit);
  const last = orders.at(-1);
  const next = rows.length > limit && last ? { receivedAt: last.received_at, orderId: last.id } : undefined;
  return { orders, next };
}
