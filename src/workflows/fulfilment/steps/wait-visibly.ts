import type { StepOutcome } from '../../../queue/index.ts';
import type { FulfilmentDeps } from '../fulfilment-deps.ts';
import type { OrderRow } from '../order-row.ts';

/** Waits with the reason in the timeline (once per reason), to try again after a while. */
export async function waitVisibly(
  deps: FulfilmentDeps,
  order: OrderRow,
  reason: string,
): Promise<StepOutcome> {
  const now = new Date(deps.clock.now());
  await deps.db.query(
    `INSERT INTO order_events (shop_id, order_id, at, kind, from_state, to_state, detail)
     SELECT $1, $2, $3, 'waiting', $4, $4, jsonb_build_object('reason', $5::text)
      WHERE NOT EXISTS (SELECT 1 FROM order_events
                         WHERE shop_id = $1 AND order_id = $2 AND kind = 'waiting' AND detail->>'reason' = $5
                           AND id > coalesce((SELECT max(id) FROM order_events
                                               WHERE shop_id = $1 AND order_id = $2 AND kind <> 'waiting'), 0))`,
    [order.shop_id, order.order_id, now, order.state, reason],
  );
  return { next: 'wait', until: new Date(now.getTime() + deps.tuning.blockedRecheckMs) };
}
