import type { Queryable } from '../db/index.ts';
import type { OrderState } from './states.ts';
import { appendOrderEvent } from './transition.ts';

/** Which order, in which state the caller found it under its lock, and when. */
interface HoldInput {
  readonly shopId: string;
  readonly orderId: string;
  readonly state: OrderState;
  readonly at: Date;
  /** Who and why, for the timeline entry (`by`, `reason`, ...). */
  readonly detail: Record<string, unknown>;
}

/**
 * Puts an order on hold, in the caller's transaction, with its timeline entry: `reason` is what the
 * order page shows; `until`, when given, is when the hold lapses by itself (else a person releases
 * it). The caller parks the order's job (queue `holdJob`), or ends its step, as its work requires.
 */
export async function holdOrder(
  tx: Queryable,
  input: HoldInput & { readonly reason: string; readonly until?: Date | undefined },
): Promise<void> {
  await tx.query(
    `UPDATE orders SET hold_reason = $3, hold_until = $4, updated_at = $5 WHERE shop_id = $1 AND order_id = $2`,
    [input.shopId, input.orderId, input.reason, input.until ?? null, input.at],
  );
  await appendOrderEvent(tx, {
    shopId: input.shopId,
    orderId: input.orderId,
    kind: 'hold',
    from: input.state,
    to: input.state,
    detail: input.detail,
    at: input.at,
  });
}

/** Takes an order off hold, in the caller's transaction, with its timeline entry. */
export async function releaseHold(tx: Queryable, input: HoldInput): Promise<void> {
  await tx.query(
    `UPDATE orders SET hold_reason = NULL, hold_until = NULL, updated_at = $3 WHERE shop_id = $1 AND order_id = $2`,
    [input.shopId, input.orderId, input.at],
  );
  await appendOrderEvent(tx, {
    shopId: input.shopId,
    orderId: input.orderId,
    kind: 'release',
    from: input.state,
    to: input.state,
    detail: input.detail,
    at: input.at,
  });
}
