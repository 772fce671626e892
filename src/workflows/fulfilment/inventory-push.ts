import type { FulfilmentDeps } from './fulfilment-deps.ts';

interface DueSku {
  shop_id: string;
  seller_sku: string;
  tiktok_product_id: string;
  tiktok_sku_id: string;
  tiktok_warehouse_id: string;
  available: number;
}

/**
 * Pushes stock to TikTok for every SKU whose available count differs from what TikTok last
 * accepted, one call per product (TikTok takes all of a product's SKUs at once). Run every few
 * seconds, it debounces by itself: a burst of reservations becomes one push of the final count.
 * Returns how many products were pushed.
 */
export async function pushInventoryChanges(deps: FulfilmentDeps, limit = 200): Promise<number> {
  const { rows } = await deps.db.query<DueSku>(
    `SELECT shop_id, seller_sku, tiktok_product_id, tiktok_sku_id, tiktok_warehouse_id, on_hand - reserved AS available
       FROM inventory
      WHERE tiktok_sku_id IS NOT NULL AND tiktok_product_id IS NOT NULL AND tiktok_warehouse_id IS NOT NULL
        AND tiktok_pushed_available IS DISTINCT FROM on_hand - reserved
      ORDER BY shop_id, tiktok_product_id
      LIMIT $1`,
    [limit],
  );
  const byProduct = new Map<string, DueSku[]>();
  for (const row of rows) {
    const key = `${row.shop_id}\u0000${row.tiktok_product_id}`;
    byProduct.set(key, [...(byProduct.get(key) ?? []), row]);
  }
  let pushed = 0;
  for (const skus of byProduct.values()) {
    const first = skus[0]!;
    const credentials = await deps.tiktok.credentials(first.shop_id);
    if (!credentials) continue;
    try {
      await deps.tiktok.api.updateInventory(credentials, {
        productId: first.tiktok_product_id,
        skus: skus.map((s) => ({
          id: s.tiktok_sku_id,
          inventory: [{ warehouse_id: s.tiktok_warehouse_id, quantity: Math.max(0, s.available) }],
        })),
      });
    } catch (error) {
      deps.log.warn(
        { err: error, shop: first.shop_id, product: first.tiktok_product_id },
        'pushing stock to TikTok failed; trying again next round',
      );
      continue;
    }
    await deps.db.query(
      `UPDATE inventory SET tiktok_pushed_available = s.available
         FROM unnest($2::text[], $3::int[]) AS s(seller_sku, available)
        WHERE inventory.shop_id = $1 AND inventory.seller_sku = s.seller_sku`,
      [first.shop_id, skus.map((s) => s.seller_sku), skus.map((s) => s.available)],
    );
    pushed += 1;
  }
  return pushed;
}
