import type { Queryable } from '../../db/index.ts';
import type { TiktokOrderStatus } from '../../integrations/tiktok/index.ts';
import { appendOrderEvent, SLA_MS, type OrderState } from '../../orders/index.ts';
import { enqueueJobs } from '../../queue/index.ts';
import type { MappedOrder } from './tiktok-order-mapping.ts';

export type SyncResult =
  | { kind: 'created'; state: 'received' }
  | { kind: 'stale'; state: OrderState }
  | {
      kind: 'updated';
      state: OrderState;
      previousStatus: TiktokOrderStatus | null;
      statusChanged: boolean;
      addressChanged: boolean;
    };

interface StoredOrder {
  state: OrderState;
  tiktok_status: TiktokOrderStatus | null;
  tiktok_update_time: number;
  recipient: unknown;
}

/** States in which the order's lines may still be replaced by TikTok's (nothing reserved yet). */
const LINES_OPEN: ReadonlySet<OrderState> = new Set(['received', 'validated']);

/**
 * Stores TikTok's current detail of an order, in the caller's transaction. A new order is inserted
 * with its lines, a `received` timeline entry and a job in the standard lane (the rules may move
 * it). Detail no newer than what is stored changes nothing, so events arriving out of order never
 * move an order backwards.
 */
export async function syncOrderFromTiktok(
  tx: Queryable,
  input: { shopId: string; order: MappedOrder; now: Date; source: string },
): Promise<SyncResult> {
  const { shopId, order, now } = input;
  const { rows } = await tx.query<StoredOrder>(
    `SELECT state, tiktok_status, tiktok_update_time, recipient FROM orders
      WHERE shop_id = $1 AND order_id = $2 FOR UPDATE`,
    [shopId, order.orderId],
  );
  const stored = rows[0];
  if (!stored) {
    await insertOrder(tx, input);
    return { kind: 'created', state: 'received' };
  }
  if (order.updateTime <= stored.tiktok_update_time) return { kind: 'stale', state: stored.state };

  const addressChanged = canonical(stored.recipient) !== canonical(order.recipient);
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
  if (LINES_OPEN.has(stored.state)) await replaceLines(tx, shopId, order);
  const statusChanged = stored.tiktok_status !== order.tiktokStatus;
  if (statusChanged || addressChanged) {
    await appendOrderEvent(tx, {
      shopId,
      orderId: order.orderId,
      kind: 'tiktok_updated',
      from: stored.state,
      to: stored.state,
      detail: {
        source: input.source,
        ...(statusChanged ? { tiktok_status: { from: stored.tiktok_status, to: order.tiktokStatus } } : {}),
        ...(addressChanged ? { address_changed: true } : {}),
      },
      at: now,
    });
  }
  return {
    kind: 'updated',
    state: stored.state,
    previousStatus: stored.tiktok_status,
    statusChanged,
    addressChanged,
  };
}

async function insertOrder(
  tx: Queryable,
  input: { shopId: string; order: MappedOrder; now: Date; source: string },
): Promise<void> {
  const { shopId, order, now } = input;
  const deadline = new Date(now.getTime() + SLA_MS.standard);
  await tx.query(
    `INSERT INTO orders (shop_id, order_id, state, priority, tiktok_status, tiktok_update_time, received_at,
            sla_deadline, shipping_type, delivery_option_id, buyer_user_id, currency, total_amount, recipient,
            ship_by, deliver_by, detail, buyer_email, created_at, updated_at)
     VALUES ($1, $2, 'received', 'standard', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $5, $5)`,
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
    ],
  );
  await replaceLines(tx, shopId, order);
  await learnTiktokSkus(tx, shopId, order);
  await appendOrderEvent(tx, {
    shopId,
    orderId: order.orderId,
    kind: 'received',
    from: null,
    to: 'received',
    detail: {
      source: input.source,
      tiktok_status: order.tiktokStatus,
      shipping_type: order.shippingType,
      units: order.lines.reduce((sum, l) => sum + l.quantity, 0),
      total: `${order.totalAmount} ${order.currency}`,
    },
    at: now,
  });
  await enqueueJobs(tx, [{ shopId, orderId: order.orderId, lane: 'standard', deadline }], now);
}

/** Remembers which TikTok product, SKU and warehouse each seller SKU is, for pushing stock back. */
async function learnTiktokSkus(tx: Queryable, shopId: string, order: MappedOrder): Promise<void> {
  await tx.query(
    `UPDATE inventory i SET tiktok_product_id = l.product_id, tiktok_sku_id = l.sku_id,
            tiktok_warehouse_id = coalesce($3, i.tiktok_warehouse_id)
       FROM order_lines l
      WHERE l.shop_id = $1 AND l.order_id = $2 AND i.shop_id = l.shop_id AND i.seller_sku = l.seller_sku
        AND (i.tiktok_sku_id IS DISTINCT FROM l.sku_id OR i.tiktok_warehouse_id IS NULL)`,
    [shopId, order.orderId, order.raw.warehouse_id ?? null],
  );
}

async function replaceLines(tx: Queryable, shopId: string, order: MappedOrder): Promise<void> {
  await tx.query(`DELETE FROM order_lines WHERE shop_id = $1 AND order_id = $2`, [shopId, order.orderId]);
  await tx.query(
    `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, product_id, product_name, quantity, unit_price, received_at)
     SELECT $1, $2, l.*, (SELECT received_at FROM orders WHERE shop_id = $1 AND order_id = $2)
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::numeric[]) AS l`,
    [
      shopId,
      order.orderId,
      order.lines.map((l) => l.skuId),
      order.lines.map((l) => l.sellerSku),
      order.lines.map((l) => l.productId),
      order.lines.map((l) => l.productName),
      order.lines.map((l) => l.quantity),
      order.lines.map((l) => l.unitPrice),
    ],
  );
}

/** JSON with keys sorted: jsonb does not keep key order, so stored and fresh objects compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
