import type { Queryable } from '../../db/index.ts';
import type { ShopCredentials, TiktokOrder, TiktokShopApi } from '../../integrations/tiktok/index.ts';

/**
 * How the workflow reaches TikTok for a shop: the API, valid credentials (refreshed when the
 * connection layer supports it) and coalesced order-detail reads.
 */
export interface TiktokAccess {
  readonly api: TiktokShopApi;
  /** Credentials of an active shop, or undefined when it is not registered or was de-authorised. */
  credentials(shopId: string): Promise<ShopCredentials | undefined>;
  /** TikTok's current detail of one order; undefined when TikTok does not know it. */
  orderDetail(shop: ShopCredentials, orderId: string): Promise<TiktokOrder | undefined>;
}

/** Credentials exactly as stored for the shop (no refresh): for tests and as a fallback. */
export async function storedCredentials(db: Queryable, shopId: string): Promise<ShopCredentials | undefined> {
  const { rows } = await db.query<{ shop_cipher: string; access_token: string | null; status: string }>(
    `SELECT shop_cipher, access_token, status FROM shops WHERE shop_id = $1`,
    [shopId],
  );
  const shop = rows[0];
  if (!shop || shop.status !== 'active' || !shop.access_token) return undefined;
  return { shopId, shopCipher: shop.shop_cipher, accessToken: shop.access_token };
}

/** The simplest access: stored credentials and one detail call per order. */
export function directTiktokAccess(db: Queryable, api: TiktokShopApi): TiktokAccess {
  return {
    api,
    credentials: (shopId) => storedCredentials(db, shopId),
    async orderDetail(shop, orderId) {
      const [order] = await api.getOrderDetails(shop, [orderId]);
      return order;
    },
  };
}
