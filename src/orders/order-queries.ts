import type { Queryable } from '../db/index.ts';
import type { OrderState, Priority } from './states.ts';

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

/** Orders newest first, filtered, one page at a time by keyset (stable under inserts). */
export async function listOrders(
  db: Queryable,
  filter: { state?: OrderState; priority?: Priority; shopId?: string; limit: number; after?: OrderCursor },
): Promise<{ orders: OrderView[]; next: OrderCursor | undefined }> {
  const { rows } = await db.query<OrderView>(
    `SELECT ${VIEW} FROM orders
      WHERE ($1::text IS NULL OR (state_group = order_state_group($1) AND state = $1))
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
  const orders = rows.slice(0, filter.limit);
  const last = orders.at(-1);
  const next =
    rows.length > filter.limit && last ? { receivedAt: last.received_at, orderId: last.id } : undefined;
  return { orders, next };
}
