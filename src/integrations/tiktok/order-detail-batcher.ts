import { MAX_ORDER_IDS_PER_CALL } from './tiktok-client.ts';
import type { ShopCredentials, TiktokOrder, TiktokShopApi } from './tiktok-port.ts';

export interface OrderDetailBatcher {
  /** The order's current detail, or undefined when TikTok does not know the order. */
  getOrderDetail(shop: ShopCredentials, orderId: string): Promise<TiktokOrder | undefined>;
}

interface Waiter {
  resolve(order: TiktokOrder | undefined): void;
  reject(error: unknown): void;
}

interface Batch {
  shop: ShopCredentials;
  /** Waiters by order id: the same order asked for twice is fetched once. */
  readonly waiters: Map<string, Waiter[]>;
  readonly timer: NodeJS.Timeout;
}

/**
 * Coalesces concurrent order detail requests for the same shop into calls of up to 50 ids: a batch
 * is sent when 50 distinct ids wait or `windowMs` after its first request, whichever comes first.
 * Each caller gets its own order; a failed call rejects every waiter of that batch with its error.
 *
 * @example
 *   const details = createOrderDetailBatcher(client);
 *   const order = await details.getOrderDetail(credentials, '576461413038785752');
 */
export function createOrderDetailBatcher(
  api: Pick<TiktokShopApi, 'getOrderDetails'>,
  options: { windowMs?: number; maxBatch?: number; onBatch?: (size: number) => void } = {},
): OrderDetailBatcher {
  const windowMs = options.windowMs ?? 20;
  const maxBatch = Math.min(options.maxBatch ?? MAX_ORDER_IDS_PER_CALL, MAX_ORDER_IDS_PER_CALL);
  const open = new Map<string, Batch>();

  function send(shopId: string): void {
    const batch = open.get(shopId);
    if (!batch) return;
    open.delete(shopId);
    clearTimeout(batch.timer);
    const ids = [...batch.waiters.keys()];
    options.onBatch?.(ids.length);
    api.getOrderDetails(batch.shop, ids).then(
      (orders) => {
        const byId = new Map(orders.map((o) => [o.id, o]));
        for (const [id, waiters] of batch.waiters) for (const w of waiters) w.resolve(byId.get(id));
      },
      (error: unknown) => {
        for (const waiters of batch.waiters.values()) for (const w of waiters) w.reject(error);
      },
    );
  }

  return {
    getOrderDetail(shop, orderId) {
      return new Promise((resolve, reject) => {
        let batch = open.get(shop.shopId);
        if (!batch) {
          batch = { shop, waiters: new Map(), timer: setTimeout(() => send(shop.shopId), windowMs) };
          open.set(shop.shopId, batch);
        }
        // The newest credentials win: a token refreshed meanwhile is the one to send.
        batch.shop = shop;
        const waiters = batch.waiters.get(orderId);
        if (waiters) waiters.push({ resolve, reject });
        else batch.waiters.set(orderId, [{ resolve, reject }]);
        if (batch.waiters.size >= maxBatch) send(shop.shopId);
      });
    },
  };
}
