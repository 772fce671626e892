import type { Queryable } from '../db/index.ts';
import { CLOSED_STATES, type OrderState, type Priority } from './states.ts';

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
  /** For an open state: how many open orders a page looks through (tests lower it). */
  scanLimit?: number;
}

/** A page of the order list; `next` is where the following page starts, undefined at the end. */
export interface OrderPage {
  orders: OrderView[];
  next: OrderCursor | undefined;
}

/**
 * How many open orders (received up to shipped) one page of a list filtered by an open state looks
 * through. Such a state is not indexed (so that an order's steps are HOT updates; see migrations
 * 0009 and 0010): the page walks the open orders newest first and keeps that state's, so this bounds
 * the work of one request (about 10 ms) however large a backlog is.
 */
export const OPEN_SCAN_LIMIT = 5_000;

/**
 * Orders newest first, filtered, one page at a time by keyset (stable under inserts). `next` is
 * where the following page starts, or undefined at the end. A page filtered by an open state looks
 * through at most `scanLimit` open orders, so in a large backlog it can hold fewer
 * orders than `limit` (even none) and still have a `next`.
 */
export async function listOrders(db: Queryable, filter: OrderListFilter): Promise<OrderPage> {
  if (filter.state !== undefined && !CLOSED_STATES.has(filter.state)) {
    return listOpenOrders(db, { ...filter, state: filter.state });
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
 * A page of orders in one open state. It walks the open orders after the cursor newest first and
 * keeps that state's, stopping as soon as the page is full or `scanLimit` orders have been looked
 * at; the last order looked at comes back too (`looked_at` = `scanLimit`), so a page cut short
 * continues after it. One statement, so the page and where it stopped come from one snapshot.
 */
async function listOpenOrders(
  db: Queryable,
  filter: OrderListFilter & { state: OrderState },
): Promise<OrderPage> {
  const scanLimit = filter.scanLimit ?? OPEN_SCAN_LIMIT;
  // Matching orders and the walk's last order, in walk order; the LIMIT stops the walk once the
  // page is full (limit + 1 matches), and otherwise reaches its last order.
  const { rows } = await db.query<OrderView & { looked_at: number; matches: boolean }>(
    `SELECT ${VIEW}, looked_at, state = $1 AS matches
       FROM (SELECT *, row_number() OVER (ORDER BY received_at DESC, order_id DESC)::int AS looked_at
               FROM orders
              WHERE state_group = 'open'
                AND ($2::text IS NULL OR priority = $2)
                AND ($3::text IS NULL OR shop_id = $3)
                AND ($4::timestamptz IS NULL OR (received_at, order_id) < ($4, $5))
              ORDER BY received_at DESC, order_id DESC
              LIMIT $6) AS orders
      WHERE state = $1 OR looked_at = $6
      ORDER BY received_at DESC, order_id DESC
      LIMIT $7`,
    [
      filter.state,
      filter.priority ?? null,
      filter.shopId ?? null,
      filter.after?.receivedAt ?? null,
      filter.after?.orderId ?? null,
      scanLimit,
      filter.limit + 2,
    ],
  );
  const page = pageOf(
    rows.flatMap(({ looked_at: _n, matches, ...order }) => (matches ? [order] : [])),
    filter.limit,
  );
  const last = rows.at(-1);
  if (page.next || last?.looked_at !== scanLimit) return page;
  return { orders: page.orders, next: { receivedAt: last.received_at, orderId: last.id } };
}

/** The first `limit` rows, and where the next page starts when there were more. */
function pageOf(rows: OrderView[], limit: number): OrderPage {
  const orders = rows.slice(0, limit);
  const last = orders.at(-1);
  const next = rows.length > limit && last ? { receivedAt: last.received_at, orderId: last.id } : undefined;
  return { orders, next };
}
