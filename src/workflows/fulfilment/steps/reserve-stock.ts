import type { Queryable } from '../../../db/index.ts';
import { reserveOrder, type Shortage } from '../../../inventory/index.ts';
import { notify } from '../../../notify/index.ts';
import { appendOrderEvent, type Priority } from '../../../orders/index.ts';
import type { StepOutcome } from '../../../queue/index.ts';
import type { FulfilmentDeps } from '../fulfilment-deps.ts';
import { emailBuyer, moveOrder } from '../order-transitions.ts';
import { loadLines, type OrderRow } from '../../../orders/index.ts';

/** In a shortage viral orders are served first, then VIP, then everyone else by deadline. */
export const LANE_RANK: Readonly<Record<Priority, number>> = { viral: 0, vip: 1, standard: 2, automated: 2 };

/**
 * processing → inventory_reserved: every line reserved, all or nothing, in the transaction of the
 * transition. Units that back-ordered orders ahead of this one are waiting for do not count as
 * available, so when stock arrives it goes to them first. Short, the order is back-ordered with a
 * visible reason and checks again later.
 */
export async function reserveStock(deps: FulfilmentDeps, order: OrderRow): Promise<StepOutcome> {
  const key = { shopId: order.shop_id, orderId: order.order_id };
  const now = new Date(deps.clock.now());
  const lines = await loadLines(deps.db, key);
  const stockLines = lines.map((l) => ({ sellerSku: l.seller_sku, quantity: l.quantity }));

  const reserved = await deps.db.transaction(async (tx) => {
    const ahead = await demandAhead(
      tx,
      order,
      stockLines.map((l) => l.sellerSku),
    );
    const shortages = aheadShortages(await availableBySku(tx, order.shop_id, stockLines), stockLines, ahead);
    const result =
      shortages.length > 0
        ? { ok: false as const, shortages }
        : await reserveOrder(tx, { ...key, lines: stockLines });
    if (!result.ok) {
      await backOrder(tx, deps, order, result.shortages, now);
      return false;
    }
    await moveOrder(tx, deps, {
      ...key,
      event: 'reserve_stock',
      detail: { units: stockLines.reduce((sum, l) => sum + l.quantity, 0) },
      at: now,
    });
    await alertLowStock(
      tx,
      deps,
      order.shop_id,
      stockLines.map((l) => l.sellerSku),
      now,
    );
    return true;
  });
  return reserved
    ? { next: 'continue' }
    : { next: 'wait', until: new Date(now.getTime() + deps.tuning.backorderRecheckMs) };
}

/** Available units per SKU, locking the rows in SKU order (the same order reserveOrder locks). */
async function availableBySku(
  tx: Queryable,
  shopId: string,
  lines: readonly { sellerSku: string }[],
): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ seller_sku: string; available: number }>(
    `SELECT seller_sku, on_hand - reserved AS available FROM inventory
      WHERE shop_id = $1 AND seller_sku = ANY($2::text[]) ORDER BY seller_sku FOR UPDATE`,
    [shopId, lines.map((l) => l.sellerSku)],
  );
  return new Map(rows.map((r) => [r.seller_sku, r.available]));
}

/** Units that back-ordered orders ranked before this one wait for, per SKU. */
async function demandAhead(
  tx: Queryable,
  order: OrderRow,
  skus: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ seller_sku: string; units: number }>(
    `SELECT seller_sku, sum(quantity)::int AS units FROM backorders
      WHERE shop_id = $1 AND seller_sku = ANY($2::text[]) AND order_id <> $3
        AND (lane_rank < $4 OR (lane_rank = $4 AND deadline < $5))
      GROUP BY seller_sku`,
    [order.shop_id, skus, order.order_id, LANE_RANK[order.priority], order.sla_deadline],
  );
  return new Map(rows.map((r) => [r.seller_sku, r.units]));
}

function aheadShortages(
  available: ReadonlyMap<string, number>,
  lines: readonly { sellerSku: string; quantity: number }[],
  ahead: ReadonlyMap<string, number>,
): Shortage[] {
  const wanted = new Map<string, number>();
  for (const l of lines) wanted.set(l.sellerSku, (wanted.get(l.sellerSku) ?? 0) + l.quantity);
  return [...wanted.entries()]
    .map(([sellerSku, requested]) => ({
      sellerSku,
      requested,
      available: Math.max(0, (available.get(sellerSku) ?? 0) - (ahead.get(sellerSku) ?? 0)),
    }))
    .filter((s) => s.available < s.requested);
}

async function backOrder(
  tx: Queryable,
  deps: FulfilmentDeps,
  order: OrderRow,
  shortages: readonly Shortage[],
  now: Date,
): Promise<void> {
  const { rows } = await tx.query<{ inserted: boolean }>(
    `INSERT INTO backorders (shop_id, order_id, seller_sku, quantity, lane_rank, deadline, since)
     SELECT $1, $2, sku, qty, $5, $6, $7 FROM unnest($3::text[], $4::int[]) AS s(sku, qty)
     ON CONFLICT (shop_id, order_id, seller_sku) DO UPDATE
       SET quantity = excluded.quantity, lane_rank = excluded.lane_rank, deadline = excluded.deadline
     RETURNING (xmax = 0) AS inserted`,
    [
      order.shop_id,
      order.order_id,
      shortages.map((s) => s.sellerSku),
      shortages.map((s) => s.requested),
      LANE_RANK[order.priority],
      order.sla_deadline,
      now,
    ],
  );
  if (rows.some((r) => r.inserted)) {
    await appendOrderEvent(tx, {
      shopId: order.shop_id,
      orderId: order.order_id,
      kind: 'back_ordered',
      from: order.state,
      to: order.state,
      detail: {
        reason: `not enough stock: ${shortages.map((s) => `${s.sellerSku} needs ${s.requested}, ${s.available} free`).join('; ')}`,
        shortages,
      },
      at: now,
    });
    if (deps.customerEmail) {
      await emailBuyer(tx, { shopId: order.shop_id, orderId: order.order_id }, now, {
        cause: 'delayed',
        subject: 'Your order is taking a little longer',
        body: `Thank you for your order ${order.order_id}. One of its items is being restocked, so it will ship a little later than usual. You do not need to do anything; we will send it as soon as it is in.`,
      });
    }
  }
}

/**
 * One alert per crossing below a SKU's low-stock threshold: the crossing is remembered on the row
 * and forgotten when stock rises above the threshold again.
 */
async function alertLowStock(
  tx: Queryable,
  deps: FulfilmentDeps,
  shopId: string,
  skus: readonly string[],
  now: Date,
): Promise<void> {
  const { rows } = await tx.query<{ seller_sku: string; available: number; low_stock_threshold: number }>(
    `UPDATE inventory SET low_stock_since = $3
      WHERE shop_id = $1 AND seller_sku = ANY($2::text[])
        AND on_hand - reserved <= low_stock_threshold AND low_stock_since IS NULL
      RETURNING seller_sku, on_hand - reserved AS available, low_stock_threshold`,
    [shopId, skus, now],
  );
  for (const row of rows) {
    await notify(
      tx,
      deps.routes,
      {
        cause: `low-stock:${shopId}:${row.seller_sku}:${now.getTime()}`,
        roles: ['fulfillment_team'],
        severity: 'medium',
        subject: `Low stock: ${row.seller_sku} has ${row.available} left`,
        body: `${row.seller_sku} in shop ${shopId} is down to ${row.available} available unit(s), at or below its threshold of ${row.low_stock_threshold}. Restock it with PUT /api/shops/${shopId}/inventory/${row.seller_sku}.`,
        shopId,
      },
      now,
    );
  }
}
