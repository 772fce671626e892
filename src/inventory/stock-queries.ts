import type { Queryable } from '../db/index.ts';

/** A SKU's stock as operators see it. */
export interface StockLevel {
  shop_id: string;
  seller_sku: string;
  on_hand: number;
  reserved: number;
  available: number;
  weight_oz: string | null;
  low_stock_threshold: number;
  updated_at: Date;
}

/** Why setting stock was refused: units are already promised to orders. */
export interface StockBelowReserved {
  ok: false;
  reserved: number;
}

const LEVEL_COLUMNS = `shop_id, seller_sku, on_hand, reserved, on_hand - reserved AS available,
  weight_oz::text AS weight_oz, low_stock_threshold, updated_at`;

/**
 * Sets a SKU's on-hand count (a stock take), creating the SKU if new. Refused, as a value, when the
 * new count is below what orders already hold: release those orders first.
 */
export async function setStock(
  db: Queryable,
  input: {
    shopId: string;
    sellerSku: string;
    onHand: number;
    weightOz?: number | undefined;
    lowStockThreshold?: number | undefined;
  },
): Promise<{ ok: true; level: StockLevel; previous: StockLevel | undefined } | StockBelowReserved> {
  const previous = await getStock(db, input.shopId, input.sellerSku);
  if (previous && input.onHand < previous.reserved) return { ok: false, reserved: previous.reserved };
  const { rows } = await db.query<StockLevel>(
    `INSERT INTO inventory (shop_id, seller_sku, on_hand, weight_oz, low_stock_threshold)
     VALUES ($1, $2, $3, $4, coalesce($5, 5))
     ON CONFLICT (shop_id, seller_sku) DO UPDATE SET
       on_hand = excluded.on_hand,
       weight_oz = coalesce($4, inventory.weight_oz),
       low_stock_threshold = coalesce($5, inventory.low_stock_threshold),
       -- Back above the threshold: the next crossing below alerts again.
       low_stock_since = CASE WHEN excluded.on_hand - inventory.reserved > coalesce($5, inventory.low_stock_threshold)
                              THEN NULL ELSE inventory.low_stock_since END,
       updated_at = now()
     WHERE inventory.reserved <= excluded.on_hand
     RETURNING ${LEVEL_COLUMNS}`,
    [input.shopId, input.sellerSku, input.onHand, input.weightOz ?? null, input.lowStockThreshold ?? null],
  );
  const level = rows[0];
  // A reservation landed between the read and the write: report what it holds now.
  if (!level)
    return { ok: false, reserved: (await getStock(db, input.shopId, input.sellerSku))?.reserved ?? 0 };
  return { ok: true, level, previous };
}

/** Adds received units (a delivery from the supplier) to on hand. */
export async function restock(
  db: Queryable,
  input: { shopId: string; sellerSku: string; units: number },
): Promise<StockLevel | undefined> {
  const { rows } = await db.query<StockLevel>(
    `UPDATE inventory SET on_hand = on_hand + $3, updated_at = now(),
            low_stock_since = CASE WHEN on_hand + $3 - reserved > low_stock_threshold THEN NULL ELSE low_stock_since END
      WHERE shop_id = $1 AND seller_sku = $2
      RETURNING ${LEVEL_COLUMNS}`,
    [input.shopId, input.sellerSku, input.units],
  );
  return rows[0];
}

/** One SKU's stock. */
export async function getStock(
  db: Queryable,
  shopId: string,
  sellerSku: string,
): Promise<StockLevel | undefined> {
  const { rows } = await db.query<StockLevel>(
    `SELECT ${LEVEL_COLUMNS} FROM inventory WHERE shop_id = $1 AND seller_sku = $2`,
    [shopId, sellerSku],
  );
  return rows[0];
}

/** Every SKU of a shop, by SKU. */
export async function listStock(db: Queryable, shopId: string): Promise<StockLevel[]> {
  const { rows } = await db.query<StockLevel>(
    `SELECT ${LEVEL_COLUMNS} FROM inventory WHERE shop_id = $1 ORDER BY seller_sku`,
    [shopId],
  );
  return rows;
}
