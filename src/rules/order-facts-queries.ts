// Loads order snapshots for the rules, many orders per statement (classification and dry runs).
import type { Queryable } from '../db/index.ts';
import type { OrderSnapshot } from './order-facts.ts';

export type SnapshotKey = { readonly shopId: string; readonly orderId: string };

/** The order columns a snapshot reads (the rules see no other). */
interface OrderSnapshotRow {
  shop_id: string;
  order_id: string;
  received_at: Date;
  total_amount: number | null;
  shipping_type: string | null;
  recipient: unknown;
  ship_by: Date | null;
  deliver_by: Date | null;
  detail: unknown;
  buyer_user_id: string | null;
}
interface LineRow {
  shop_id: string;
  order_id: string;
  sku_id: string;
  seller_sku: string;
  product_id: string | null;
  quantity: number;
  available: number | null;
  weight_oz: number | null;
  category: string | null;
}
interface CustomerRow {
  shop_id: string;
  order_id: string;
  repeat_orders: number;
  lifetime_value: number;
  tags: string[];
  fraud_orders: number;
}
interface DemandRow {
  shop_id: string;
  order_id: string;
  product_id: string;
  last_hour: number;
  previous_day: number;
  previous_hours: number;
  active_spike: boolean;
}
interface SignalRow {
  shop_id: string;
  order_id: string;
  count: number;
  hashtags: string[] | null;
  creators: string[] | null;
  latest_hashtag: string | null;
  latest_creator: string | null;
  max_views: number | null;
}

const KEYS = `unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(shop_id, order_id, as_of)`;

// The distinct products of each keyed order, with the moment its facts are taken at.
const ORDER_PRODUCTS = `
  SELECT DISTINCT k.shop_id, k.order_id, k.as_of, l.product_id
    FROM ${KEYS}
    JOIN order_lines l ON l.shop_id = k.shop_id AND l.order_id = k.order_id
   WHERE l.product_id IS NOT NULL`;

const keyOf = (shopId: string, orderId: string): string => `${shopId}\u0000${orderId}`;

function group<R extends { shop_id: string; order_id: string }>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const k = keyOf(r.shop_id, r.order_id);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * Loads the snapshots of the given orders (missing orders are left out), as of `now` or, with
 * `asOf: 'received'`, as of each order's receipt (how a replay sees the order as it arrived).
 */
export async function loadOrderSnapshots(
  db: Queryable,
  keys: readonly SnapshotKey[],
  options: { now: Date; asOf: 'now' | 'received' },
): Promise<OrderSnapshot[]> {
  if (keys.length === 0) return [];
  const { rows: orders } = await db.query<OrderSnapshotRow>(
    `SELECT o.shop_id, o.order_id, o.received_at, o.total_amount::float8 AS total_amount, o.shipping_type,
            o.recipient, o.ship_by, o.deliver_by, o.detail, o.buyer_user_id
       FROM unnest($1::text[], $2::text[]) AS k(shop_id, order_id)
       JOIN orders o ON o.shop_id = k.shop_id AND o.order_id = k.order_id`,
    [keys.map((k) => k.shopId), keys.map((k) => k.orderId)],
  );
  if (orders.length === 0) return [];
  const asOf = orders.map((o) => (options.asOf === 'now' ? options.now : o.received_at));
  const params = [orders.map((o) => o.shop_id), orders.map((o) => o.order_id), asOf];

  const [lines, customers, demand, signals] = await Promise.all([
    db.query<LineRow>(
      `SELECT l.shop_id, l.order_id, l.sku_id, l.seller_sku, l.product_id, l.quantity,
              i.on_hand - i.reserved AS available, i.weight_oz::float8 AS weight_oz, p.category
         FROM ${KEYS}
         JOIN order_lines l ON l.shop_id = k.shop_id AND l.order_id = k.order_id
         LEFT JOIN inventory i ON i.shop_id = l.shop_id AND i.seller_sku = l.seller_sku
         LEFT JOIN product_profiles p ON p.shop_id = l.shop_id AND p.product_id = l.product_id
        ORDER BY l.sku_id`,
      params,
    ),
    // Earlier, not cancelled orders of the same buyer in the same shop; tags and fraud as recorded.
    db.query<CustomerRow>(
      `SELECT k.shop_id, k.order_id, h.repeat_orders, h.lifetime_value,
              coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM customer_tags t
                         WHERE t.shop_id = k.shop_id AND t.buyer_user_id = k.buyer), '{}') AS tags,
              coalesce((SELECT c.fraud_orders FROM customers c
                         WHERE c.shop_id = k.shop_id AND c.buyer_user_id = k.buyer), 0) AS fraud_orders
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS k(shop_id, order_id, as_of, buyer)
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS repeat_orders, coalesce(sum(p.total_amount), 0)::float8 AS lifetime_value
             FROM orders p
            WHERE p.shop_id = k.shop_id AND p.buyer_user_id = k.buyer AND p.order_id <> k.order_id
              AND p.received_at < k.as_of AND p.state <> 'cancelled') AS h
        WHERE k.buyer IS NOT NULL`,
      [...params, orders.map((o) => o.buyer_user_id)],
    ),
    // Orders of each product in the hour before as_of and in the 24 hours before that hour, and how
    // many of those 24 hours came after the shop's first order.
    db.query<DemandRow>(
      `WITH k AS (${ORDER_PRODUCTS})
       SELECT k.shop_id, k.order_id, k.product_id, d.last_hour, d.previous_day,
              least(24, greatest(0, extract(epoch FROM (k.as_of - interval '1 hour') - f.first_at) / 3600))::float8
                AS previous_hours,
              EXISTS (SELECT 1 FROM spike_episodes e
                       WHERE e.shop_id = k.shop_id AND e.product_id = k.product_id
                         AND e.started_at <= k.as_of AND (e.ended_at IS NULL OR e.ended_at > k.as_of)) AS active_spike
         FROM k CROSS JOIN LATERAL (
           SELECT count(DISTINCT pl.order_id) FILTER (WHERE pl.received_at > k.as_of - interval '1 hour')::int AS last_hour,
                  count(DISTINCT pl.order_id) FILTER (WHERE pl.received_at <= k.as_of - interval '1 hour')::int AS previous_day
             FROM order_lines pl
            WHERE pl.shop_id = k.shop_id AND pl.product_id = k.product_id
              AND pl.received_at > k.as_of - interval '25 hours' AND pl.received_at <= k.as_of) AS d
         CROSS JOIN LATERAL (SELECT min(o.received_at) AS first_at FROM orders o WHERE o.shop_id = k.shop_id) AS f`,
      params,
    ),
    // Content signals about the order's products over the last day.
    db.query<SignalRow>(
      `WITH k AS (${ORDER_PRODUCTS})
       SELECT k.shop_id, k.order_id, count(*)::int AS count,
              array_agg(DISTINCT s.text_value) FILTER (WHERE s.kind = 'hashtag') AS hashtags,
              array_agg(DISTINCT s.text_value) FILTER (WHERE s.kind = 'creator') AS creators,
              (array_agg(s.text_value ORDER BY s.observed_at DESC, s.id DESC) FILTER (WHERE s.kind = 'hashtag'))[1] AS latest_hashtag,
              (array_agg(s.text_value ORDER BY s.observed_at DESC, s.id DESC) FILTER (WHERE s.kind = 'creator'))[1] AS latest_creator,
              max(s.number_value) FILTER (WHERE s.kind = 'views') AS max_views
         FROM k JOIN content_signals s ON s.shop_id = k.shop_id AND s.product_id = k.product_id
              AND s.observed_at > k.as_of - interval '24 hours' AND s.observed_at <= k.as_of
        GROUP BY k.shop_id, k.order_id`,
      params,
    ),
  ]);

  const linesBy = group(lines.rows);
  const customerBy = group(customers.rows);
  const demandBy = group(demand.rows);
  const signalsBy = group(signals.rows);
  return orders.map((o, i): OrderSnapshot => {
    const k = keyOf(o.shop_id, o.order_id);
    const c = customerBy.get(k)?.[0];
    const s = signalsBy.get(k)?.[0];
    return {
      shopId: o.shop_id,
      orderId: o.order_id,
      receivedAt: o.received_at,
      asOf: asOf[i] ?? options.now,
      totalAmount: o.total_amount,
      shippingType: o.shipping_type,
      recipient: o.recipient,
      shipBy: o.ship_by,
      deliverBy: o.deliver_by,
      detail: o.detail,
      buyerUserId: o.buyer_user_id,
      lines: (linesBy.get(k) ?? []).map((l) => ({
        sellerSku: l.seller_sku,
        skuId: l.sku_id,
        productId: l.product_id,
        quantity: l.quantity,
        available: l.available,
        weightOz: l.weight_oz,
        category: l.category,
      })),
      customer: c
        ? {
            repeatOrders: c.repeat_orders,
            lifetimeValue: c.lifetime_value,
            tags: c.tags,
            fraudOrders: c.fraud_orders,
          }
        : null,
      demand: (demandBy.get(k) ?? []).map((d) => ({
        productId: d.product_id,
        lastHour: d.last_hour,
        previousDay: d.previous_day,
        previousHours: d.previous_hours ?? 0,
        activeSpike: d.active_spike,
      })),
      signals: s
        ? {
            count: s.count,
            hashtags: s.hashtags ?? [],
            creators: s.creators ?? [],
            latestHashtag: s.latest_hashtag,
            latestCreator: s.latest_creator,
            maxViews: s.max_views,
          }
        : null,
    };
  });
}
