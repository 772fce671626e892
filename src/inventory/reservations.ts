import type { Queryable } from '../db/index.ts';

/** What an order needs: units per seller SKU. */
export interface StockLine {
  readonly sellerSku: string;
  readonly quantity: number;
}

/** A line that could not be covered, for the order's timeline (back-ordered). */
export interface Shortage {
  readonly sellerSku: string;
  readonly requested: number;
  readonly available: number;
}

export type ReserveResult =
  | { readonly ok: true; readonly alreadyReserved: boolean }
  | { readonly ok: false; readonly shortages: readonly Shortage[] };

/**
 * Reserves every line of an order, all or nothing. Must run inside the caller's transaction (the
 * one that moves the order to inventory_reserved): the SKU rows are locked in a fixed order, so
 * concurrent orders never deadlock and never both take the last unit. Repeating it for an order
 * that already holds (or has shipped) its reservation changes nothing.
 */
export async function reserveOrder(
  tx: Queryable,
  input: { shopId: string; orderId: string; lines: readonly StockLine[] },
): Promise<ReserveResult> {
  const wanted = mergeLines(input.lines);
  const skus = wanted.map((l) => l.sellerSku);
  // Lock the SKU rows first: a concurrent reservation of the same order then commits before the
  // check below runs (each statement reads what is committed), so it cannot be counted twice.
  const { rows } = await tx.query<{ seller_sku: string; available: number }>(
    `SELECT seller_sku, on_hand - reserved AS available FROM inventory
      WHERE shop_id = $1 AND seller_sku = ANY($2::text[])
      ORDER BY seller_sku
      FOR UPDATE`,
    [input.shopId, skus],
  );
  const held = await tx.query(
    `SELECT 1 FROM stock_reservations
      WHERE shop_id = $1 AND order_id = $2 AND status IN ('reserved', 'consumed') LIMIT 1`,
    [input.shopId, input.orderId],
  );
  if (held.rowCount > 0) return { ok: true, alreadyReserved: true };

  const available = new Map(rows.map((r) => [r.seller_sku, r.available]));
  const shortages = wanted
    .map((l) => ({
      sellerSku: l.sellerSku,
      requested: l.quantity,
      available: available.get(l.sellerSku) ?? 0,
    }))
    .filter((s) => s.available < s.requested);
  if (shortages.length > 0) return { ok: false, shortages };

  // Only a new row or a released one is (re)placed, and only those add to reserved.
  await tx.query(
    `WITH wanted AS (
       SELECT * FROM unnest($3::text[], $4::int[]) AS w(seller_sku, quantity)),
     placed AS (
       INSERT INTO stock_reservations (shop_id, order_id, seller_sku, quantity, status)
       SELECT $1, $2, seller_sku, quantity, 'reserved' FROM wanted
       ON CONFLICT (shop_id, order_id, seller_sku) DO UPDATE
         SET quantity = excluded.quantity, status = 'reserved', updated_at = now()
         WHERE stock_reservations.status = 'released'
       RETURNING seller_sku, quantity)
     UPDATE inventory i SET reserved = i.reserved + p.quantity, updated_at = now()
       FROM placed p WHERE i.shop_id = $1 AND i.seller_sku = p.seller_sku`,
    [input.shopId, input.orderId, skus, wanted.map((l) => l.quantity)],
  );
  return { ok: true, alreadyReserved: false };
}

/** Gives an order's held units back (cancellation, failure). Idempotent; returns the SKUs released. */
export async function releaseOrder(
  tx: Queryable,
  input: { shopId: string; orderId: string },
): Promise<string[]> {
  return settle(tx, input, 'released');
}

/** Takes an order's held units out of stock when it ships. Idempotent; returns the SKUs consumed. */
export async function consumeOrder(
  tx: Queryable,
  input: { shopId: string; orderId: string },
): Promise<string[]> {
  return settle(tx, input, 'consumed');
}

async function settle(
  tx: Queryable,
  input: { shopId: string; orderId: string },
  to: 'released' | 'consumed',
): Promise<string[]> {
  // The SKUs' stock rows are locked first, in SKU order as a reservation locks them, so a shipment
  // or cancellation and another order's reservation of the same SKUs cannot deadlock.
  await tx.query(
    `SELECT 1 FROM inventory i JOIN stock_reservations r ON r.shop_id = i.shop_id AND r.seller_sku = i.seller_sku
      WHERE r.shop_id = $1 AND r.order_id = $2 AND r.status = 'reserved'
      ORDER BY i.seller_sku
        FOR UPDATE OF i`,
    [input.shopId, input.orderId],
  );
  // Only rows still 'reserved' move, so a repeat finds nothing and changes nothing.
  const { rows } = await tx.query<{ seller_sku: string }>(
    `WITH settled AS (
       UPDATE stock_reservations SET status = $3, updated_at = now()
        WHERE shop_id = $1 AND order_id = $2 AND status = 'reserved'
        RETURNING seller_sku, quantity)
     UPDATE inventory i
        SET reserved = i.reserved - s.quantity,
            on_hand = i.on_hand - CASE WHEN $3 = 'consumed' THEN s.quantity ELSE 0 END,
            updated_at = now()
       FROM settled s WHERE i.shop_id = $1 AND i.seller_sku = s.seller_sku
     RETURNING i.seller_sku`,
    [input.shopId, input.orderId, to],
  );
  return rows.map((r) => r.seller_sku);
}

/** Sums repeated SKUs and sorts by SKU (the lock order). */
function mergeLines(lines: readonly StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.sellerSku, (totals.get(line.sellerSku) ?? 0) + line.quantity);
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sellerSku, quantity]) => ({ sellerSku, quantity }));
}
