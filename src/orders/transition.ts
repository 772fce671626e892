import type { Queryable } from '../db/index.ts';
import { decide, type Decision, type OrderEvent } from './state-machine.ts';
import type { OrderState } from './states.ts';

/** A transition made (the decision it applied), or refused with the reason and the state it found. */
export type TransitionResult =
  | Extract<Decision, { ok: true }>
  | { readonly ok: false; readonly reason: string; readonly state: OrderState | undefined };

/**
 * The one way an order changes state: applies `event` by the pure state machine and appends the
 * outcome to its timeline, in the caller's transaction. The UPDATE only matches while the order is
 * still in the state the decision was made from, so a concurrent change makes this one a recorded
 * refusal ("stale") rather than a lost update. The same statement stamps what the new state means
 * for the order: when it was processed (its label bought), shipped and delivered (first time only),
 * and why it failed (`detail.reason`, cleared by a retry). What a transition leaves to undo in
 * other tables (stock, labels, TikTok) is returned as its compensations, for the caller.
 */
export async function transitionOrder(
  tx: Queryable,
  input: {
    shopId: string;
    orderId: string;
    event: OrderEvent;
    detail?: Record<string, unknown>;
    at: Date;
    /**
     * The order's state as the caller just read it under a row lock in this transaction, which
     * spares reading it again. (Were it stale, the conditional UPDATE would refuse the step.)
     */
    lockedState?: OrderState;
  },
): Promise<TransitionResult> {
  const current =
    input.lockedState ??
    (
      await tx.query<{ state: OrderState }>(
        `SELECT state FROM orders WHERE shop_id = $1 AND order_id = $2`,
        [input.shopId, input.orderId],
        { prepared: 'creatorflow_order_state' },
      )
    ).rows[0]?.state;
  if (current === undefined) return { ok: false, reason: 'no such order', state: undefined };

  const decision = decide(current, input.event);
  if (!decision.ok) {
    await appendOrderEvent(tx, {
      ...input,
      kind: 'transition_refused',
      from: current,
      to: null,
      detail: { event: input.event, reason: decision.reason, ...input.detail },
    });
    return { ok: false, reason: decision.reason, state: current };
  }

  // The conditional state change, with the times and failure reason it stamps, and its timeline
  // entry (the transition, or the stale refusal when the order left `from` meanwhile), in one
  // statement.
  const stale = `stale: the order left ${decision.from} before "${input.event}" could apply`;
  const { rows: recorded } = await tx.query<{ kind: string }>(
    `WITH moved AS (
       UPDATE orders SET state = $4, updated_at = $5,
              failure_reason = CASE WHEN $4 = 'failed' THEN $8 WHEN $4 = 'processing' THEN NULL ELSE failure_reason END,
              processed_at = CASE WHEN $4 = 'label_generated' THEN coalesce(processed_at, $5) ELSE processed_at END,
              shipped_at = CASE WHEN $4 = 'shipped' THEN coalesce(shipped_at, $5) ELSE shipped_at END,
              delivered_at = CASE WHEN $4 = 'delivered' THEN coalesce(delivered_at, $5) ELSE delivered_at END
        WHERE shop_id = $1 AND order_id = $2 AND state = $3
       RETURNING 1)
     INSERT INTO order_events (shop_id, order_id, at, kind, from_state, to_state, detail)
     SELECT $1, $2, $5, CASE WHEN m.moved THEN 'transition' ELSE 'transition_refused' END,
            $3, CASE WHEN m.moved THEN $4 END, CASE WHEN m.moved THEN $6::jsonb ELSE $7::jsonb END
       FROM (SELECT EXISTS (SELECT 1 FROM moved) AS moved) AS m
     RETURNING kind`,
    [
      input.shopId,
      input.orderId,
      decision.from,
      decision.to,
      input.at,
      JSON.stringify({
        event: input.event,
        ...(decision.compensations.length > 0 ? { compensations: decision.compensations } : {}),
        ...input.detail,
      }),
      JSON.stringify({ event: input.event, reason: stale, ...input.detail }),
      failureReason(input.detail),
    ],
    { prepared: 'creatorflow_transition_order' },
  );
  if (recorded[0]?.kind !== 'transition') return { ok: false, reason: stale, state: undefined };
  return decision;
}

/** Appends one entry to an order's timeline. */
export async function appendOrderEvent(
  tx: Queryable,
  input: {
    shopId: string;
    orderId: string;
    kind: string;
    from: OrderState | null;
    to: OrderState | null;
    detail: Record<string, unknown>;
    at: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO order_events (shop_id, order_id, at, kind, from_state, to_state, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [input.shopId, input.orderId, input.at, input.kind, input.from, input.to, JSON.stringify(input.detail)],
    { prepared: 'creatorflow_append_order_event' },
  );
}

/** The failure reason a transition to `failed` keeps on the order (`detail.reason`, at most 1,000 characters). */
function failureReason(detail: Record<string, unknown> | undefined): string | null {
  const reason = detail?.reason;
  return typeof reason === 'string' ? reason.slice(0, 1000) : null;
}
