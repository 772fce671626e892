import type { Queryable } from '../../db/index.ts';
import {
  isTiktokAuthError,
  type OrderDetailBatcher,
  type ShopCredentials,
  type TiktokOrder,
  type TiktokShopApi,
} from '../../integrations/tiktok/index.ts';
import { isShopNotAuthorized, type TokenRefresher } from '../../shops/index.ts';

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

/**
 * The production access: credentials from the token refresher (refreshed before expiry), order
 * detail through the 50-id batcher, and every shop-scoped call retried once with fresh credentials
 * when TikTok refuses the access token.
 */
export function refreshingTiktokAccess(input: {
  api: TiktokShopApi;
  refresher: TokenRefresher;
  batcher: OrderDetailBatcher;
}): TiktokAccess {
  const { api, refresher, batcher } = input;
  async function withFreshToken<T>(
    shop: ShopCredentials,
    call: (shop: ShopCredentials) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(shop);
    } catch (error) {
      if (!isTiktokAuthError(error)) throw error;
      const fresh = await refresher.credentialsFor(shop.shopId, { rejectedAccessToken: shop.accessToken });
      return call(fresh);
    }
  }
  const retried: TiktokShopApi = {
    exchangeAuthCode: (code) => api.exchangeAuthCode(code),
    refreshAccessToken: (token) => api.refreshAccessToken(token),
    getAuthorizedShops: (token) => api.getAuthorizedShops(token),
    getOrderDetails: (shop, ids) => withFreshToken(shop, (s) => api.getOrderDetails(s, ids)),
    searchOrders: (shop, filter, page) => withFreshToken(shop, (s) => api.searchOrders(s, filter, page)),
    getShippingProviders: (shop, id) => withFreshToken(shop, (s) => api.getShippingProviders(s, id)),
    markPackageShipped: (shop, body) => withFreshToken(shop, (s) => api.markPackageShipped(s, body)),
    shipPackage: (shop, body) => withFreshToken(shop, (s) => api.shipPackage(s, body)),
    cancelOrder: (shop, body) => withFreshToken(shop, (s) => api.cancelOrder(s, body)),
    updateInventory: (shop, body) => withFreshToken(shop, (s) => api.updateInventory(s, body)),
  };
  return {
    api: retried,
    async credentials(shopId) {
      try {
        return await refresher.credentialsFor(shopId);
      } catch (error) {
        if (isShopNotAuthorized(error)) return undefined;
        throw error;
      }
    },
    orderDetail: (shop, orderId) => withFreshToken(shop, (s) => batcher.getOrderDetail(s, orderId)),
  };
}
