import type { Database } from '../db/index.ts';
import { getStock, setStock } from '../inventory/index.ts';
import { upsertShop } from '../shops/index.ts';
import type { CreatedSimShop } from '../simulators/tiktok/index.ts';

/** The sandbox's shop id: the same on every start, so a persisted database keeps its history. */
export const SANDBOX_SHOP_ID = '7494049642642441621';

export const SANDBOX_SHIP_FROM = {
  name: 'Glow Studio Fulfilment',
  street1: '500 Howard St',
  city: 'San Francisco',
  state: 'CA',
  zip: '94105',
  country: 'US',
  phone: '+1 415 555 0100',
};

/** Units every SKU starts with, and the level the sandbox supplier tops a SKU back up to. */
export const SANDBOX_STOCK = 150;

/**
 * Registers the simulator's demo shop with today's access token, and gives every SKU a starting
 * stock and a weight the first time (a restart keeps what the operator set since).
 */
export async function registerDemoShop(db: Database, shop: CreatedSimShop): Promise<void> {
  await upsertShop(db, {
    shop_id: shop.credentials.shopId,
    shop_cipher: shop.credentials.shopCipher,
    access_token: shop.credentials.accessToken,
    refresh_token: shop.grant.refresh_token,
    access_token_expire_in: shop.grant.access_token_expire_in,
    name: shop.shop.name,
    ship_from: SANDBOX_SHIP_FROM,
  });
  let n = 0;
  for (const product of shop.products) {
    for (const sku of product.skus) {
      n += 1;
      if (await getStock(db, shop.credentials.shopId, sku.sellerSku)) continue;
      await setStock(db, {
        shopId: shop.credentials.shopId,
        sellerSku: sku.sellerSku,
        onHand: SANDBOX_STOCK,
        weightOz: 6 + ((n * 7) % 30),
        lowStockThreshold: 20,
      });
    }
  }
}
