import type { StepOutcome } from '../../../queue/index.ts';
import type { FulfilmentDeps } from '../fulfilment-deps.ts';
import { moveOrder } from '../order-transitions.ts';
import type { OrderRow } from '../order-row.ts';
import { beginIntent, finishIntent } from '../step-intents.ts';
import { waitVisibly } from './wait-visibly.ts';

/**
 * inventory_reserved → label_generated for orders TikTok ships (shipping_type TIKTOK): the package
 * is handed over with TikTok's ship-package call and TikTok buys the label. TikTok's own status
 * changes (IN_TRANSIT, DELIVERED) then move the order on.
 */
export async function shipWithTiktok(deps: FulfilmentDeps, order: OrderRow): Promise<StepOutcome> {
  const key = { shopId: order.shop_id, orderId: order.order_id };
  const now = new Date(deps.clock.now());
  const packageId = order.detail?.packages[0]?.id;
  if (!packageId) throw new Error('TikTok gave this TIKTOK-shipped order no package to ship');
  const credentials = await deps.tiktok.credentials(order.shop_id);
  if (!credentials) return waitVisibly(deps, order, `shop ${order.shop_id} is not authorised at TikTok`);

  const step = 'tiktok_ship_package';
  const intent = await beginIntent(deps.db, {
    ...key,
    step,
    key: `tiktok-ship:${order.shop_id}:${packageId}`,
    now,
  });
  if (intent.status !== 'done') {
    // A repeat after an unknown outcome reads TikTok first: a package already handed over has left.
    const shipped =
      intent.attempts > 1 &&
      (await deps.tiktok.orderDetail(credentials, order.order_id))?.status !== 'AWAITING_SHIPMENT';
    if (!shipped) await deps.tiktok.api.shipPackage(credentials, { packageId, handoverMethod: 'DROP_OFF' });
  }
  await deps.db.transaction(async (tx) => {
    await finishIntent(tx, { ...key, step, result: { package_id: packageId }, now });
    await tx.query(`UPDATE orders SET carrier = 'TikTok Shipping' WHERE shop_id = $1 AND order_id = $2`, [
      key.shopId,
      key.orderId,
    ]);
    await moveOrder(tx, deps, {
      ...key,
      event: 'buy_label',
      detail: { carrier: 'TikTok Shipping', package_id: packageId, handover: 'DROP_OFF' },
      at: now,
    });
  });
  return { next: 'continue' };
}
