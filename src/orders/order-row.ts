import type { Queryable } from '../db/index.ts';
import type { Address } from '../integrations/carriers/index.ts';
import type { TiktokOrder, TiktokOrderStatus } from '../integrations/tiktok/index.ts';
import type { OrderState, Priority } from './states.ts';
import type { ShipFrom } from '../shops/index.ts';

/** Everything a step reads about an order and its shop, in one query. */
export interface OrderRow {
  shop_id: string;
  order_id: string;
  state: OrderState;
  priority: Priority;
  tiktok_status: TiktokOrderStatus | null;
  shipping_type: 'SELLER' | 'TIKTOK' | null;
  delivery_option_id: string | null;
  recipient: Address | null;
  deliver_by: Date | null;
  sla_deadline: Date;
  received_at: Date;
  hold_reason: string | null;
  hold_until: Date | null;
  rules_decision: Record<string, unknown> | null;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  tracking_rank: number;
  detail: TiktokOrder | null;
  shop_status: 'active' | 'deauthorized';
  ship_from: ShipFrom | null;
}

export async function loadOrder(
  db: Queryable,
  key: { shopId: string; orderId: string },
  options: { forUpdate?: boolean } = {},
): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(
    `SELECT o.shop_id, o.order_id, o.state, o.priority, o.tiktok_status, o.shipping_type, o.delivery_option_id,
            o.recipient, o.deliver_by, o.sla_deadline, o.received_at, o.hold_reason, o.hold_until,
            o.rules_decision, o.carrier, o.service, o.tracking_number, o.tracking_rank, o.detail,
            s.status AS shop_status, s.ship_from
       FROM orders o JOIN shops s USING (shop_id)
      WHERE o.shop_id = $1 AND o.order_id = $2${options.forUpdate ? ' FOR UPDATE OF o' : ''}`,
    [key.shopId, key.orderId],
    { prepared: options.forUpdate ? 'creatorflow_load_order_for_update' : 'creatorflow_load_order' },
  );
  return rows[0];
}

/** The stored lines of an order, with each SKU's catalogue weight when known. */
export async function loadLines(
  db: Queryable,
  key: { shopId: string; orderId: string },
): Promise<{ seller_sku: string; product_id: string | null; quantity: number; weight_oz: number | null }[]> {
  const { rows } = await db.query<{
    seller_sku: string;
    product_id: string | null;
    quantity: number;
    weight_oz: string | null;
  }>(
    `SELECT l.seller_sku, l.product_id, l.quantity, i.weight_oz
       FROM order_lines l LEFT JOIN inventory i ON i.shop_id = l.shop_id AND i.seller_sku = l.seller_sku
      WHERE l.shop_id = $1 AND l.order_id = $2 ORDER BY l.seller_sku`,
    [key.shopId, key.orderId],
  );
  return rows.map((r) => ({ ...r, weight_oz: r.weight_oz === null ? null : Number(r.weight_oz) }));
}
