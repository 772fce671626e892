import type { Database } from '../db/index.ts';
import { getStock, setStock } from '../inventory/index.ts';
import { insertHistoricalOrders, type HistoricalOrder } from '../orders/index.ts';
import { removeJob } from '../queue/index.ts';
import { upsertShop } from '../shops/index.ts';
import { moveOrder } from '../workflows/index.ts';
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

/**
 * The simulators keep their orders in memory, so after a restart TikTok no longer knows the demo
 * orders that were still in flight: they are cancelled with that reason (stock and labels undone as
 * for any cancellation) rather than left to fail one by one. Returns how many.
 */
export async function closeForgottenDemoOrders(db: Database, shopId: string, now: Date): Promise<number> {
  const { rows } = await db.query<{ order_id: string }>(
    `SELECT order_id FROM orders
      WHERE shop_id = $1 AND state IN ('received', 'validated', 'processing', 'inventory_reserved', 'label_generated', 'failed')`,
    [shopId],
  );
  for (const { order_id: orderId } of rows) {
    await db.transaction(async (tx) => {
      await moveOrder(tx, NO_ONE, {
        shopId,
        orderId,
        event: 'tiktok_cancel',
        detail: {
          reason: 'sandbox restarted: the simulated TikTok Shop no longer knows this order',
          by: 'sandbox',
        },
        at: now,
      });
      await removeJob(tx, { shopId, orderId });
      // The simulated carrier forgot its labels too: there is nothing left to void (or to charge).
      await tx.query(
        `UPDATE compensations SET status = 'done', finished_at = $3, last_error = 'sandbox restarted: the simulated carrier no longer knows this label'
          WHERE shop_id = $1 AND order_id = $2 AND status = 'pending'`,
        [shopId, orderId, now],
      );
      await tx.query(
        `UPDATE labels SET status = 'voided', updated_at = $3 WHERE shop_id = $1 AND order_id = $2 AND status = 'voiding'`,
        [shopId, orderId, now],
      );
    });
  }
  return rows.length;
}

/** Hours of history a fresh sandbox writes, and at most how many orders that may be. */
export const DEMO_HISTORY_HOURS = 2;
const MAX_DEMO_HISTORY_ORDERS = 20_000;

const NO_ONE = { routes: { team_lead: [], devops: [], fulfillment_team: [] } } as const;

/**
 * A fresh sandbox has no history, and CreatorFlow rightly calls nothing viral until it has seen a
 * shop's normal: spike detection waits for half an hour of orders (SpikeOptions.warmupMs) and the
 * rules' velocity increase for an hour before the last one. So the first start writes the demo
 * shop's last DEMO_HISTORY_HOURS of trade as delivered orders, at the demo traffic's own pace and
 * spread evenly over its products: demo orders are then classified against a real normal, and the
 * spikes stand out from it. Returns how many.
 */
export async function seedDemoHistory(
  db: Database,
  shop: CreatedSimShop,
  input: { ordersPerHour: number; now: Date },
): Promise<number> {
  const shopId = shop.credentials.shopId;
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE shop_id = $1`, [
    shopId,
  ]);
  const count = Math.min(Math.round(input.ordersPerHour * DEMO_HISTORY_HOURS), MAX_DEMO_HISTORY_ORDERS);
  if ((rows[0]?.n ?? 0) > 0 || count === 0) return 0;
  const skus = shop.products.map((p) => ({ product: p, sku: p.skus[0]! }));
  const hourMs = 3_600_000;
  const history = Array.from({ length: count }, (_, i): HistoricalOrder => {
    const at = input.now.getTime() - DEMO_HISTORY_HOURS * hourMs * (1 - i / count);
    const { product, sku } = skus[i % skus.length]!;
    return {
      orderId: `demo-history-${i}`,
      state: 'delivered',
      tiktokStatus: 'DELIVERED',
      receivedAt: new Date(at),
      currency: 'USD',
      totalAmount: sku.salePrice,
      carrier: 'USPS',
      service: 'Ground Advantage',
      processedAt: new Date(at + 20_000),
      shippedAt: new Date(at + 10 * 60_000),
      deliveredAt: new Date(at + 50 * 60_000),
      line: { skuId: sku.id, sellerSku: sku.sellerSku, productId: product.id, productName: product.name },
    };
  });
  return db.transaction((tx) => insertHistoricalOrders(tx, shopId, history));
}
