import type { Queryable } from '../db/index.ts';
import { decide, type OrderEvent, type OrderState, type TransitionResult } from '../orders/index.ts';

/** One order's event in a batch; `from` is its state when the caller has just read it under lock. */
export interface BatchTransitionItem {
  readonly shopId: string;
  readonly orderId: string;
  readonly event: OrderEvent;
  readonly from?: OrderState;
}

/**
 * `transitionOrder` for many orders at once, in the caller's transaction: the same decisions (the
 * pure `decide` table), the same conditional UPDATE (`WHERE state = from`, so a concurrent change is
 * a recorded "stale" refusal, never a lost update) and the same timeline entries, but in one
 * statement for the whole batch instead of three per order. Results come back in input order.
 */
export async function transitionOrders(
  tx: Queryable,
  input: { items: readonly BatchTransitionItem[]; at: Date },
): Promise<TransitionResult[]> {
  const { items, at } = input;
  const keys = items.map((i) => orderKey(i.shopId, i.orderId));
  if (new Set(keys).size !== keys.length) {
    throw new Error('transitionOrders: an order appears twice in one batch; give each order one event');
  }
  const states = await currentStates(tx, items);
  const decisions = items.map((item, n) => {
    const state = states.get(keys[n]!);
    return state === undefined ? undefined : decide(state, item.event);
  });

  const rows = items.flatMap((item, n) => {
    const decision = decisions[n];
    return decision === undefined ? [] : [{ item, decision }];
  });
  const moved = new Set<string>();
  if (rows.length > 0) {
    const result = await tx.query<{ shop_id: string; order_id: string }>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
             AS t(shop_id, order_id, event, from_state, to_state, refused, compensations)),
       moved AS (
         UPDATE orders o SET state = i.to_state, updated_at = $8
           FROM input i
          WHERE i.refused IS NULL AND o.shop_id = i.shop_id AND o.order_id = i.order_id
            AND o.state = i.from_state
          RETURNING o.shop_id, o.order_id),
       timeline AS (
         INSERT INTO order_events (shop_id, order_id, at, kind, from_state, to_state, detail)
         SELECT i.shop_id, i.order_id, $8,
                CASE WHEN m.order_id IS NULL THEN 'transition_refused' ELSE 'transition' END,
                i.from_state,
                CASE WHEN m.order_id IS NULL THEN NULL ELSE i.to_state END,
                CASE
                  WHEN m.order_id IS NULL THEN jsonb_build_object('event', i.event, 'reason', coalesce(i.refused,
                    'stale: the order left ' || i.from_state || ' before "' || i.event || '" could apply'))
                  WHEN i.compensations IS NULL THEN jsonb_build_object('event', i.event)
                  ELSE jsonb_build_object('event', i.event, 'compensations', to_jsonb(string_to_array(i.compensations, ',')))
                END
           FROM input i LEFT JOIN moved m ON m.shop_id = i.shop_id AND m.order_id = i.order_id
          ORDER BY i.order_id)
       SELECT shop_id, order_id FROM moved`,
      [
        rows.map((r) => r.item.shopId),
        rows.map((r) => r.item.orderId),
        rows.map((r) => r.item.event),
        rows.map((r) => r.decision.from),
        rows.map((r) => (r.decision.ok ? r.decision.to : null)),
        rows.map((r) => (r.decision.ok ? null : r.decision.reason)),
        rows.map((r) =>
          r.decision.ok && r.decision.compensations.length > 0 ? r.decision.compensations.join(',') : null,
        ),
        at,
      ],
    );
    for (const row of result.rows) moved.add(orderKey(row.shop_id, row.order_id));
  }

  return items.map((item, n): TransitionResult => {
    const decision = decisions[n];
    if (decision === undefined) return { ok: false, reason: 'no such order', state: undefined };
    if (!decision.ok) return { ok: false, reason: decision.reason, state: decision.from };
    if (!moved.has(keys[n]!)) {
      const reason = `stale: the order left ${decision.from} before "${item.event}" could apply`;
      return { ok: false, reason, state: undefined };
    }
    return decision;
  });
}

async function currentStates(
  tx: Queryable,
  items: readonly BatchTransitionItem[],
): Promise<Map<string, OrderState>> {
  const states = new Map<string, OrderState>();
  const unknown = items.filter((i) => i.from === undefined);
  for (const item of items)
    if (item.from !== undefined) states.set(orderKey(item.shopId, item.orderId), item.from);
  if (unknown.length > 0) {
    const { rows } = await tx.query<{ shop_id: string; order_id: string; state: OrderState }>(
      `SELECT o.shop_id, o.order_id, o.state
         FROM orders o JOIN unnest($1::text[], $2::text[]) AS t(shop_id, order_id)
           ON o.shop_id = t.shop_id AND o.order_id = t.order_id`,
      [unknown.map((i) => i.shopId), unknown.map((i) => i.orderId)],
    );
    for (const row of rows) states.set(orderKey(row.shop_id, row.order_id), row.state);
  }
  return states;
}

/** A map key for one order. */
export function orderKey(shopId: string, orderId: string): string {
  return `${shopId}\u0000${orderId}`;
}
