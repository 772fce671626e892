import type { Queryable } from '../db/index.ts';
import { decide, type Compensation, type OrderEvent } from './state-machine.ts';
import type { OrderState } from './states.ts';

export type TransitionResult =
  | {
      readonly ok: true;
      readonly from: OrderState;
      readonly to: OrderState;
      readonly compensations: readonly Compensation[];
    }
  | { readonly ok: false; readonly reason: string; readonly state: OrderState | undefined };

/**
 * Applies `event` to an order and appends the outcome to its timeline, in the caller's transaction.
 * The UPDATE only matches while the order is still in the state the decision was made from, so a
 * concurrent change makes this one a recorded refusal ("stale") rather than a lost update.
 */
export async function transitionOrder(
  tx: Queryable,
  input: { shopId: string; orderId: string; event: OrderEvent; detail?: Record<string, unknown>; at: Date },
): Promise<TransitionResult> {
  const { rows } = await tx.query<{ state: OrderState }>(
    `SELECT state FROM orders WHERE shop_id = $1 AND order_id = $2`,
    [input.shopId, input.orderId],
  );
  const current = rows[0]?.state;
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

  const moved = await tx.query(
    `UPDATE orders SET state = $4, updated_at = $5
      WHERE shop_id = $1 AND order_id = $2 AND state = $3`,
    [input.shopId, input.orderId, decision.from, decision.to, input.at],
  );
  if (moved.rowCount === 0) {
    const reason = `stale: the order left ${decision.from} before "${input.event}" could apply`;
    await appendOrderEvent(tx, {
      ...input,
      kind: 'transition_refused',
      from: decision.from,
      to: null,
      detail: { event: input.event, reason, ...input.detail },
    });
    return { ok: false, reason, state: undefined };
  }
  await appendOrderEvent(tx, {
    ...input,
    kind: 'transition',
    from: decision.from,
    to: decision.to,
    detail: {
      event: input.event,
      ...(decision.compensations.length > 0 ? { compensations: decision.compensations } : {}),
      ...input.detail,
    },
  });
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
  );
}
