import { noteWaiting, type OrderRow } from '../../../orders/index.ts';
import type { StepOutcome } from '../../../queue/index.ts';
import type { FulfilmentDeps } from '../fulfilment-deps.ts';

/**
 * A step that cannot go on yet (no carrier configured, shop not authorised, a breaker open) waits
 * with the reason on the order's timeline, once per reason, and tries again after a while.
 */
export async function waitVisibly(
  deps: FulfilmentDeps,
  order: OrderRow,
  reason: string,
): Promise<StepOutcome> {
  const now = new Date(deps.clock.now());
  await noteWaiting(deps.db, {
    shopId: order.shop_id,
    orderId: order.order_id,
    state: order.state,
    reason,
    at: now,
  });
  return { next: 'wait', until: new Date(now.getTime() + deps.tuning.blockedRecheckMs) };
}
