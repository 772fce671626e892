import { appendOrderEvent } from '../../../orders/index.ts';
import type { StepOutcome } from '../../../queue/index.ts';
import type { FulfilmentDeps } from '../fulfilment-deps.ts';
import { moveOrder } from '../order-transitions.ts';
import type { OrderRow } from '../../../orders/index.ts';
import { mapTiktokOrder, NOT_YET_SHIPPABLE, validationProblems } from '../tiktok-order-mapping.ts';

/**
 * received → validated: the order must be paid and off hold at TikTok, have lines with seller
 * SKUs and (when we ship it) a complete address. An unpaid or held order leaves the queue; the
 * status change that frees it (webhook or reconciliation) queues it again. A malformed order fails
 * at once with the reasons: retrying cannot fix it.
 */
export async function validateOrder(deps: FulfilmentDeps, order: OrderRow): Promise<StepOutcome> {
  const key = { shopId: order.shop_id, orderId: order.order_id };
  const now = new Date(deps.clock.now());
  if (order.tiktok_status === 'CANCELLED') {
    await deps.db.transaction((tx) =>
      moveOrder(tx, deps, {
        ...key,
        event: 'tiktok_cancel',
        detail: { reason: 'cancelled at TikTok' },
        at: now,
      }),
    );
    return { next: 'done' };
  }
  if (order.tiktok_status !== null && NOT_YET_SHIPPABLE.has(order.tiktok_status)) {
    await deps.db.transaction((tx) =>
      appendOrderEvent(tx, {
        ...key,
        kind: 'waiting_at_tiktok',
        from: order.state,
        to: order.state,
        detail: {
          tiktok_status: order.tiktok_status,
          reason:
            order.tiktok_status === 'UNPAID'
              ? 'the buyer has not paid yet; nothing ships until TikTok says so'
              : 'TikTok holds the order (the buyer may still cancel); nothing ships until it is released',
        },
        at: now,
      }),
    );
    return { next: 'done' };
  }
  const problems = order.detail
    ? validationProblems(mapTiktokOrder(order.detail))
    : ['TikTok detail is missing'];
  await deps.db.transaction((tx) =>
    problems.length > 0
      ? moveOrder(tx, deps, {
          ...key,
          event: 'fail',
          detail: { class: 'validation', reason: `invalid order: ${problems.join('; ')}` },
          at: now,
        })
      : moveOrder(tx, deps, {
          ...key,
          event: 'validate',
          detail: { tiktok_status: order.tiktok_status },
          at: now,
        }),
  );
  return problems.length > 0 ? { next: 'done' } : { next: 'continue' };
}
