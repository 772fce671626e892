import { columnsOf, type Queryable } from '../db/index.ts';
import type { Address } from '../integrations/carriers/index.ts';
import type { TiktokOrder, TiktokOrderStatus } from '../integrations/tiktok/index.ts';
import { appendOrderEvent } from './transition.ts';
import { SLA_MS, type OrderState, type Priority } from './states.ts';

/** One line of an order: a SKU and how many of it. */
export interface OrderLineFields {
  skuId: string;
  sellerSku: string;
  productId: string;
  productName: string;
  quantity: number;
  unitPrice: string;
}

/** The columns of an order that come from TikTok's detail. */
export interface OrderFields {
  orderId: string;
  tiktokStatus: TiktokOrderStatus;
  updateTime: number;
  shippingType: 'SELLER' | 'TIKTOK';
  deliveryOptionId: string | null;
  buyerUserId: string;
  buyerEmail: string | null;
  currency: string;
  totalAmount: string;
  recipient: Address;
  shipBy: Date | null;
  deliverBy: Date | null;
  lines: OrderLineFields[];
  /** The detail as TikTok sent it, kept for the order page. */
  raw: TiktokOrder;
}

/**
 * Stores a new order as `received` in the standard lane, with its lines and its first timeline
 * entry (`received`, with `detail`), in the caller's transaction. Returns its SLA deadline, which
 * the caller's job for it is due by.
 */
export async function insertOrder(
  tx: Queryable,
  input: { shopId: string; order: OrderFields; now: Date; detail: Record<string, unknown> },
): Promise<Date> {
  const { shopId, order, now } = input;
  const priority: Priority = 'standard';
  const deadline = new Date(now.getTime() + SLA_MS[priority]);
  await tx.query(
    `INSERT INTO orders (shop_id, order_id, state, priority, tiktok_status, tiktok_update_time, received_at,
            sla_deadline, shipping_type, delivery_option_id, buyer_user_id, currency, total_amount, recipient,
            ship_by, deliver_by, detail, buyer_email, created_at, updated_at)
     VALUES ($1, $2, 'received', $17, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $5, $5)`,
    [
      shopId,
      order.orderId,
      order.tiktokStatus,
      order.updateTime,
      now,
      deadline,
      order.shippingType,
      order.deliveryOptionId,
      order.buyerUserId,
      order.currency,
      order.totalAmount,
      JSON.stringify(order.recipient),
      order.shipBy,
      order.deliverBy,
      JSON.stringify(order.raw),
      order.buyerEmail,
      priority,
    ],
  );
  await replaceOrderLines(tx, shopId, order);
  await appendOrderEvent(tx, {
    shopId,
    orderId: order.orderId,
    kind: 'received',
    from: null,
    to: 'received',
    detail: input.detail,
    at: now,
  });
  return deadline;
}

/**
 * Replaces a stored order's TikTok columns with newer detail, in the caller's transaction (its lines
 * too, when `withLines`: only while nothing has been reserved for them). The caller checks that the
 * detail is newer and writes the timeline entry that says what changed.
 */
export async function updateOrderDetail(
  tx: Queryable,
  input: { shopId: string; order: OrderFields; now: Date; withLines: boolean },
): Promise<void> {
  const { shopId, order, now } = input;
  await tx.query(
    `UPDATE orders SET tiktok_status = $3, tiktok_update_time = $4, shipping_type = $5, delivery_option_id = $6,
            recipient = $7, ship_by = $8, deliver_by = $9, total_amount = $10, currency = $11, updated_at = $12,
            detail = $13, buyer_email = coalesce($14, buyer_email)
      WHERE shop_id = $1 AND order_id = $2`,
    [
      shopId,
      order.orderId,
      order.tiktokStatus,
      order.updateTime,
      order.shippingType,
      order.deliveryOptionId,
      JSON.stringify(order.recipient),
      order.shipBy,
      order.deliverBy,
      order.totalAmount,
      order.currency,
      now,
      JSON.stringify(order.raw),
      order.buyerEmail,
    ],
  );
  if (input.withLines) await replaceOrderLines(tx, shopId, order);
}

async function replaceOrderLines(tx: Queryable, shopId: string, order: OrderFields): Promise<void> {
  await tx.query(`DELETE FROM order_lines WHERE shop_id = $1 AND order_id = $2`, [shopId, order.orderId]);
  await tx.query(
    `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, product_id, product_name, quantity, unit_price, received_at)
     SELECT $1, $2, l.*, (SELECT received_at FROM orders WHERE shop_id = $1 AND order_id = $2)
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::numeric[]) AS l`,
    [
      shopId,
      order.orderId,
      ...columnsOf(order.lines, ['skuId', 'sellerSku', 'productId', 'productName', 'quantity', 'unitPrice']),
    ],
  );
}

/** A past order, stored as history: it has ended, so it gets no job, label or notification. */
export interface HistoricalOrder {
  orderId: string;
  state: Extract<OrderState, 'delivered' | 'cancelled'>;
  tiktokStatus: TiktokOrderStatus;
  receivedAt: Date;
  currency: string;
  totalAmount: string;
  carrier: string | null;
  service: string | null;
  processedAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  /** One line per order here: its SKU, bought once for the order's total. */
  line: Omit<OrderLineFields, 'quantity' | 'unitPrice'>;
}

/**
 * Stores past orders of a shop with their lines, in one statement for any number, as the standard
 * lane's, shipped by the seller. Orders already stored are left as they are. Returns how many were new.
 */
export async function insertHistoricalOrders(
  tx: Queryable,
  shopId: string,
  orders: readonly HistoricalOrder[],
): Promise<number> {
  if (orders.length === 0) return 0;
  const { rows } = await tx.query<{ n: number }>(
    `WITH h AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::numeric[],
                            $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[],
                            $13::text[], $14::text[], $15::text[], $16::text[])
           AS t(order_id, state, tiktok_status, received_at, currency, total_amount, carrier, service,
                processed_at, shipped_at, delivered_at, sku_id, seller_sku, product_id, product_name)),
     inserted AS (
       INSERT INTO orders (shop_id, order_id, state, priority, tiktok_status, received_at, sla_deadline, shipping_type,
                           currency, total_amount, carrier, service, processed_at, shipped_at, delivered_at, created_at, updated_at)
       SELECT $1, order_id, state, 'standard', tiktok_status, received_at, received_at + $17 * interval '1 millisecond',
              'SELLER', currency, total_amount, carrier, service, processed_at, shipped_at, delivered_at,
              received_at, received_at
         FROM h
       ON CONFLICT DO NOTHING
       RETURNING order_id),
     lines AS (
       INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, product_id, product_name, quantity, unit_price, received_at)
       SELECT $1, h.order_id, h.sku_id, h.seller_sku, h.product_id, h.product_name, 1, h.total_amount, h.received_at
         FROM h JOIN inserted USING (order_id))
     SELECT count(*)::int AS n FROM inserted`,
    [
      shopId,
      ...columnsOf(orders, [
        'orderId',
        'state',
        'tiktokStatus',
        'receivedAt',
        'currency',
        'totalAmount',
        'carrier',
        'service',
        'processedAt',
        'shippedAt',
        'deliveredAt',
      ]),
      ...columnsOf(
        orders.map((o) => o.line),
        ['skuId', 'sellerSku', 'productId', 'productName'],
      ),
      SLA_MS.standard,
    ],
  );
  return rows[0]?.n ?? 0;
}
