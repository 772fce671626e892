// Re-orders to suppliers: at most one open purchase order per SKU, sent through the notification outbox.
import type { Queryable } from '../db/index.ts';
import { notify, parseTargets, type NotifyRoutes } from '../notify/index.ts';
import { restock } from './stock-queries.ts';

export type PurchaseOrderStatus = 'pending' | 'sent' | 'received' | 'cancelled';

export interface PurchaseOrder {
  id: number;
  shop_id: string;
  seller_sku: string;
  quantity: number;
  urgent: boolean;
  reason: string;
  status: PurchaseOrderStatus;
  supplier_target: string | null;
  spike_id: number | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id::int AS id, shop_id, seller_sku, quantity, urgent, reason, status, supplier_target,
  spike_id::int AS spike_id, created_at, updated_at`;

/**
 * How many units to re-order: the multiplier (2.5 for the viral rule) times the units sold in the
 * last day, at least one.
 * @example reorderQuantity(2.5, 40) // 100
 */
export function reorderQuantity(multiplier: number, unitsLastDay: number): number {
  return Math.max(1, Math.ceil(multiplier * Math.max(unitsLastDay, 1)));
}

/** The supplier a SKU's re-orders go to: the SKU's own, else the shop's default ('' SKU). */
export async function supplierFor(db: Queryable, shopId: string, sellerSku: string): Promise<string | null> {
  const { rows } = await db.query<{ target: string }>(
    `SELECT target FROM suppliers WHERE shop_id = $1 AND seller_sku IN ($2, '') ORDER BY seller_sku DESC LIMIT 1`,
    [shopId, sellerSku],
  );
  return rows[0]?.target ?? null;
}

/** Sets where a shop's re-orders go (one SKU, or every SKU with sellerSku ''). */
export async function setSupplier(
  db: Queryable,
  input: { shopId: string; sellerSku: string; target: string },
): Promise<void> {
  await db.query(
    `INSERT INTO suppliers (shop_id, seller_sku, target) VALUES ($1, $2, $3)
     ON CONFLICT (shop_id, seller_sku) DO UPDATE SET target = excluded.target, updated_at = now()`,
    [input.shopId, input.sellerSku, input.target],
  );
}

/**
 * Opens a purchase order and records its message in the outbox, in the caller's transaction. When
 * one is already open for the SKU nothing is ordered twice: an urgent request makes it urgent and
 * raises its quantity if it is larger. The message goes to the SKU's supplier (mailto: or webhook)
 * or, when none is set, to the fulfillment team to forward.
 */
export async function requestPurchaseOrder(
  db: Queryable,
  routes: NotifyRoutes,
  input: {
    shopId: string;
    sellerSku: string;
    quantity: number;
    urgent: boolean;
    reason: string;
    spikeId?: number | null;
    now: Date;
  },
): Promise<{ order: PurchaseOrder; created: boolean }> {
  const supplier = await supplierFor(db, input.shopId, input.sellerSku);
  const { rows } = await db.query<PurchaseOrder>(
    `INSERT INTO purchase_orders (shop_id, seller_sku, quantity, urgent, reason, status, supplier_target, spike_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'sent', $6, $7, $8, $8)
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      input.shopId,
      input.sellerSku,
      input.quantity,
      input.urgent,
      input.reason,
      supplier,
      input.spikeId ?? null,
      input.now,
    ],
  );
  const created = rows[0];
  if (!created) {
    const { rows: open } = await db.query<PurchaseOrder>(
      `UPDATE purchase_orders
          SET urgent = urgent OR $3, quantity = CASE WHEN $3 THEN GREATEST(quantity, $4) ELSE quantity END,
              updated_at = CASE WHEN $3 AND NOT urgent THEN $5 ELSE updated_at END
        WHERE shop_id = $1 AND seller_sku = $2 AND status IN ('pending', 'sent')
        RETURNING ${COLUMNS}`,
      [input.shopId, input.sellerSku, input.urgent, input.quantity, input.now],
    );
    return { order: open[0] as PurchaseOrder, created: false };
  }
  const parsed = supplier === null ? undefined : parseTargets(supplier);
  const to: NotifyRoutes =
    parsed?.ok === true ? { team_lead: [], devops: [], fulfillment_team: parsed.targets } : routes;
  await notify(
    db,
    to,
    {
      cause: `purchase-order:${created.id}`,
      roles: ['fulfillment_team'],
      severity: input.urgent ? 'high' : 'medium',
      subject: `${input.urgent ? 'URGENT ' : ''}Purchase order #${created.id}: ${input.quantity} x ${input.sellerSku}`,
      body:
        `${supplier === null ? 'No supplier is set for this SKU: please forward this order.\n' : ''}` +
        `Shop ${input.shopId} orders ${input.quantity} units of ${input.sellerSku}` +
        `${input.urgent ? ', urgently' : ''}. Reason: ${input.reason}.`,
      shopId: input.shopId,
    },
    input.now,
  );
  return { order: created, created: true };
}

/**
 * Applies a rule's re-order (`decision.reorders`) to SKUs: each SKU's quantity is the multiplier
 * times its units ordered in the day before `now` (see reorderQuantity), through
 * requestPurchaseOrder, so an order of a SKU already on order joins the open purchase order.
 * @example for (const r of decision.reorders) await reorderSkus(tx, routes, { shopId, sellerSkus: skus, ...r, reason: `rule ${r.ruleId}`, now })
 */
export async function reorderSkus(
  db: Queryable,
  routes: NotifyRoutes,
  input: {
    shopId: string;
    sellerSkus: readonly string[];
    multiplier: number;
    urgent: boolean;
    reason: string;
    now: Date;
  },
): Promise<{ order: PurchaseOrder; created: boolean }[]> {
  const { rows } = await db.query<{ seller_sku: string; units: number }>(
    `SELECT s.seller_sku, coalesce(sum(l.quantity), 0)::int AS units
       FROM unnest($2::text[]) AS s(seller_sku)
       LEFT JOIN order_lines l ON l.shop_id = $1 AND l.seller_sku = s.seller_sku
             AND l.received_at > $3::timestamptz - interval '24 hours' AND l.received_at <= $3
      GROUP BY s.seller_sku ORDER BY s.seller_sku`,
    [input.shopId, [...new Set(input.sellerSkus)], input.now],
  );
  const out: { order: PurchaseOrder; created: boolean }[] = [];
  for (const { seller_sku: sellerSku, units } of rows)
    out.push(
      await requestPurchaseOrder(db, routes, {
        shopId: input.shopId,
        sellerSku,
        quantity: reorderQuantity(input.multiplier, units),
        urgent: input.urgent,
        reason: input.reason,
        now: input.now,
      }),
    );
  return out;
}

/** Purchase orders, newest first. */
export async function listPurchaseOrders(
  db: Queryable,
  input: { shopId?: string | undefined; status?: PurchaseOrderStatus | undefined; limit: number },
): Promise<PurchaseOrder[]> {
  const { rows } = await db.query<PurchaseOrder>(
    `SELECT ${COLUMNS} FROM purchase_orders
      WHERE ($1::text IS NULL OR shop_id = $1) AND ($2::text IS NULL OR status = $2)
      ORDER BY id DESC LIMIT $3`,
    [input.shopId ?? null, input.status ?? null, input.limit],
  );
  return rows;
}

/** Closes an open purchase order: received (its units go on hand) or cancelled. */
export async function closePurchaseOrder(
  db: Queryable,
  input: { id: number; outcome: 'received' | 'cancelled'; now: Date },
): Promise<PurchaseOrder | undefined> {
  const { rows } = await db.query<PurchaseOrder>(
    `UPDATE purchase_orders SET status = $2, updated_at = $3
      WHERE id = $1 AND status IN ('pending', 'sent') RETURNING ${COLUMNS}`,
    [input.id, input.outcome, input.now],
  );
  const order = rows[0];
  if (order && input.outcome === 'received')
    await restock(db, { shopId: order.shop_id, sellerSku: order.seller_sku, units: order.quantity });
  return order;
}
