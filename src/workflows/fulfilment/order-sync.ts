import type { Queryable } from '../../db/index.ts';
import type { TiktokOrderStatus } from '../../integrations/tiktok/index.ts';
import { appendOrderEvent, insertOrder, updateOrderDetail, type OrderState } from '../../orders/index.ts';
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
    await storeNewOrder(tx, input);
    return { kind: 'created', state: 'received' };
  }
  if (order.updateTime <= stored.tiktok_update_time) return { kind: 'stale', state: stored.state };

  const addressChanged = canonical(stored.recipient) !== canonical(order.recipient);
  await updateOrderDetail(tx, { shopId, order, now, withLines: LINES_OPEN.has(stored.state) });
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

async function storeNewOrder(
  tx: Queryable,
  input: { shopId: string; order: MappedOrder; now: Date; source: string },
): Promise<void> {
  const { shopId, order, now } = input;
  const deadline = await insertOrder(tx, {
    shopId,
    order,
    now,
    detail: {
      source: input.source,
      tiktok_status: order.tiktokStatus,
      shipping_type: order.shippingType,
      units: order.lines.reduce((sum, l) => sum + l.quantity, 0),
      total: `${order.totalAmount} ${order.currency}`,
    },
  });
  await learnTiktokSkus(tx, shopId, order);
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
