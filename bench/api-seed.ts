/**
 * Bulk data for the API benchmark, generated inside PostgreSQL with generate_series: shops, orders
 * spread over a month (mostly delivered, some in flight, failed or cancelled), one or two lines
 * each, a realistic timeline per order (a delivered order has seven entries), and the queue rows
 * of the orders still in flight.
 */
import type { Database } from '../src/db/index.ts';

export const SHOPS = 20;

/** Where each state's order went, in order: its timeline is these states, one entry each. */
const PATHS = {
  delivered: [
    'received',
    'validated',
    'processing',
    'inventory_reserved',
    'label_generated',
    'shipped',
    'delivered',
  ],
  shipped: ['received', 'validated', 'processing', 'inventory_reserved', 'label_generated', 'shipped'],
  label_generated: ['received', 'validated', 'processing', 'inventory_reserved', 'label_generated'],
  cancelled: ['received', 'validated', 'cancelled'],
  failed: ['received', 'validated', 'processing', 'failed'],
  processing: ['received', 'validated', 'processing'],
  received: ['received'],
} as const;

const sqlArray = (states: readonly string[]): string => `ARRAY[${states.map((s) => `'${s}'`).join(', ')}]`;

/** Stores `orders` orders (ids `57` + 16 digits, newest last) with their lines, timelines and jobs. */
export async function seedApiData(db: Database, orders: number): Promise<void> {
  await db.query(
    `INSERT INTO shops (shop_id, shop_cipher, name)
     SELECT 'shop-' || s, 'cipher-' || s, 'Bench shop ' || s FROM generate_series(0, $1 - 1) AS s`,
    [SHOPS],
  );
  // One order every 2.5 s back from now: a million orders span about 29 days.
  await db.query(
    `INSERT INTO orders (shop_id, order_id, state, priority, tiktok_status, received_at, sla_deadline,
                         shipping_type, currency, total_amount, carrier, service, tracking_number, label_url)
     SELECT o.shop_id, o.order_id, o.state, o.priority, 'AWAITING_SHIPMENT', o.received_at,
            o.received_at + CASE o.priority WHEN 'viral' THEN interval '30 s' WHEN 'vip' THEN interval '60 s'
                                            WHEN 'automated' THEN interval '15 s' ELSE interval '3 min' END,
            'SELLER', 'USD', 5 + (o.g % 9000) / 100.0,
            CASE WHEN o.state IN ('label_generated', 'shipped', 'delivered') THEN 'usps' END,
            CASE WHEN o.state IN ('label_generated', 'shipped', 'delivered') THEN 'usps_ground_advantage' END,
            CASE WHEN o.state IN ('label_generated', 'shipped', 'delivered') THEN '9400' || lpad(o.g::text, 18, '0') END,
            CASE WHEN o.state IN ('label_generated', 'shipped', 'delivered') THEN 'https://labels.example/' || o.g || '.pdf' END
       FROM (SELECT g,
                    'shop-' || (g % $2) AS shop_id,
                    '57' || lpad(g::text, 16, '0') AS order_id,
                    now() - ($1 - g) * interval '2.5 s' AS received_at,
                    CASE WHEN g % 100 < 60 THEN 'delivered' WHEN g % 100 < 80 THEN 'shipped'
                         WHEN g % 100 < 85 THEN 'label_generated' WHEN g % 100 < 90 THEN 'cancelled'
                         WHEN g % 100 < 94 THEN 'failed' WHEN g % 100 < 97 THEN 'processing'
                         ELSE 'received' END AS state,
                    CASE WHEN g % 17 = 0 THEN 'viral' WHEN g % 7 = 0 THEN 'vip' WHEN g % 3 = 0 THEN 'automated'
                         ELSE 'standard' END AS priority
               FROM generate_series(1, $1) AS g) AS o`,
    [orders, SHOPS],
  );
  await db.query(
    `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, product_id, product_name, quantity, unit_price, received_at)
     SELECT o.shop_id, o.order_id, 'sku-' || ((n * 7919 + length(o.order_id)) % 500),
            'SKU-' || ((n * 7919 + length(o.order_id)) % 500), 'prod-' || n, 'Product ' || n, n, 19.90, o.received_at
       FROM orders o
       CROSS JOIN LATERAL generate_series(1, 1 + (right(o.order_id, 1)::int % 2)) AS n`,
  );
  const paths = Object.entries(PATHS)
    .map(([state, path]) => `WHEN '${state}' THEN ${sqlArray(path)}`)
    .join(' ');
  await db.query(
    `INSERT INTO order_events (shop_id, order_id, at, kind, from_state, to_state, detail)
     SELECT o.shop_id, o.order_id, o.received_at + s.k * interval '2 s',
            CASE WHEN s.k = 0 THEN 'received' ELSE 'transition' END,
            p.path[s.k], p.path[s.k + 1],
            CASE WHEN p.path[s.k + 1] = 'failed'
                 THEN '{"error": "carrier timed out", "error_class": "transient"}'::jsonb
                 ELSE '{}'::jsonb END
       FROM orders o
       CROSS JOIN LATERAL (SELECT (CASE o.state ${paths} END)::text[] AS path) AS p
       CROSS JOIN LATERAL generate_series(0, array_length(p.path, 1) - 1) AS s(k)`,
  );
  await db.query(
    `INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at)
     SELECT shop_id, order_id, priority, sla_deadline, received_at FROM orders
      WHERE state IN ('received', 'processing')`,
  );
  await db.exec(`ANALYZE`);
}
