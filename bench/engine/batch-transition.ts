import type { Queryable } from '../../src/db/index.ts';
import type { AsyncCommitQueryable } from './async-commit.ts';
import { decide, type OrderEvent, type OrderState, type TransitionResult } from '../../src/orders/index.ts';
import { sameClaim } from '../../src/queue/index.ts';

/** One order's event in a batch; `from` is its state when the caller knows it (read or remembered). */
export interface BatchTransitionItem {
  readonly shopId: string;
  readonly orderId: string;
  readonly event: OrderEvent;
  readonly from?: OrderState;
  /**
   * The worker that must still hold the order's job lease. When it no longer does (the lease
   * passed to another worker, or the job is gone), nothing is changed or recorded for the order
   * and its result is `lost`.
   */
  readonly leaseHolder?: string;
  /**
   * With `leaseHolder`: the lease end of the claim that must still hold the job. A worker may hold an
   * older copy of a job it has claimed again since; only the current claim's steps pass.
   */
  readonly leaseEnd?: Date | null;
  /**
   * The order needs no more work once this transition applies: its job is removed in the same
   * statement (if still leased by `leaseHolder`, when one is named), so the removal commits, or is
   * lost to a crash, together with the transition.
   */
  readonly finishesJob?: boolean;
}

/**
 * A batch item's outcome: a transition result, `lost` when its lease holder no longer held the job,
 * or `stale` when the order had left the state the event was decided from (refused and recorded).
 */
export type BatchTransitionResult =
  | TransitionResult
  | { readonly ok: false; readonly lost: true }
  | { readonly ok: false; readonly stale: true; readonly reason: string; readonly state: undefined };

/**
 * `transitionOrder` for many orders at once: the same decisions (the pure `decide` table), the same
 * conditional UPDATE (`WHERE state = from`, so a concurrent change is a recorded "stale" refusal,
 * never a lost update) and the same timeline entries, in one statement for the whole batch.
 *
 * Items with a `leaseHolder` are fenced in that statement: their job rows are locked while still
 * leased by that worker (under the claim `leaseEnd` names, when given), so a worker taking a lease
 * over waits for this change, and an order whose lease has already passed is left alone. When every
 * item's `from` is given this is a single statement, which the caller may run outside a
 * transaction; otherwise the states are read first. Results come back in input order.
 */
export async function transitionOrders(
  tx: AsyncCommitQueryable,
  input: {
    items: readonly BatchTransitionItem[];
    at: Date;
    /** Commit without waiting for the disk, for steps a worker redoes if lost (AsyncCommitOption). */
    asyncCommit?: boolean;
  },
): Promise<BatchTransitionResult[]> {
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
  const outcome = new Map<string, 'moved' | 'lost'>();
  if (rows.length > 0) {
    const result = await tx.query<{ shop_id: string; order_id: string; outcome: 'moved' | 'lost' }>(
      TRANSITION_BATCH,
      [
        rows.map((r) => r.item.shopId),
        rows.map((r) => r.item.orderId),
        rows.map((r) => r.item.leaseHolder ?? null),
        rows.map((r) => r.item.event),
        rows.map((r) => r.decision.from),
        rows.map((r) => (r.decision.ok ? r.decision.to : null)),
        rows.map((r) => (r.decision.ok ? null : r.decision.reason)),
        rows.map((r) =>
          r.decision.ok && r.decision.compensations.length > 0 ? r.decision.compensations.join(',') : null,
        ),
        at,
        rows.map((r) => r.item.finishesJob ?? false),
        rows.map((r) => r.item.leaseEnd ?? null),
      ],
      { prepared: 'creatorflow_transition_orders', asyncCommit: input.asyncCommit ?? false },
    );
    for (const row of result.rows) outcome.set(orderKey(row.shop_id, row.order_id), row.outcome);
  }

  return items.map((item, n): BatchTransitionResult => {
    const decision = decisions[n];
    if (outcome.get(keys[n]!) === 'lost') return { ok: false, lost: true };
    if (decision === undefined) return { ok: false, reason: 'no such order', state: undefined };
    if (!decision.ok) return { ok: false, reason: decision.reason, state: decision.from };
    if (outcome.get(keys[n]!) !== 'moved') {
      const reason = `stale: the order left ${decision.from} before "${item.event}" could apply`;
      return { ok: false, stale: true, reason, state: undefined };
    }
    return decision;
  });
}

/**
 * The batch in one statement. `fenced` locks the job rows still leased by the worker an item names,
 * under the claim it names (items without a worker pass); `moved` applies the transitions whose
 * order is still in the state they were decided from; `timeline` records each transition, or its
 * refusal, for every item that passed the fence; `finished` removes the jobs of moved items that
 * finish their order. Returns the moved orders and the ones whose lease was lost.
 */
const TRANSITION_BATCH = `
  WITH input AS MATERIALIZED (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $10::boolean[], $11::timestamptz[])
        AS t(shop_id, order_id, holder, event, from_state, to_state, refused, compensations, finishes_job, lease_end)),
  fenced AS MATERIALIZED (
    SELECT j.shop_id, j.order_id
      FROM order_jobs j JOIN input i ON j.shop_id = i.shop_id AND j.order_id = i.order_id AND j.locked_by = i.holder
                                    AND ${sameClaim('i.lease_end', 'j.locked_until')}
     ORDER BY j.shop_id, j.order_id
       FOR UPDATE OF j),
  passed AS MATERIALIZED (
    SELECT i.* FROM input i
     WHERE i.holder IS NULL
        OR EXISTS (SELECT 1 FROM fenced f WHERE f.shop_id = i.shop_id AND f.order_id = i.order_id)),
  moved AS (
    UPDATE orders o SET state = i.to_state, updated_at = $9
      FROM passed i
     WHERE i.refused IS NULL AND o.shop_id = i.shop_id AND o.order_id = i.order_id
       AND o.state = i.from_state
     RETURNING o.shop_id, o.order_id),
  timeline AS (
    INSERT INTO order_events (shop_id, order_id, at, kind, from_state, to_state, detail)
    SELECT i.shop_id, i.order_id, $9,
           CASE WHEN m.order_id IS NULL THEN 'transition_refused' ELSE 'transition' END,
           i.from_state,
           CASE WHEN m.order_id IS NULL THEN NULL ELSE i.to_state END,
           CASE
             WHEN m.order_id IS NULL THEN jsonb_build_object('event', i.event, 'reason', coalesce(i.refused,
               'stale: the order left ' || i.from_state || ' before "' || i.event || '" could apply'))
             WHEN i.compensations IS NULL THEN jsonb_build_object('event', i.event)
             ELSE jsonb_build_object('event', i.event, 'compensations', to_jsonb(string_to_array(i.compensations, ',')))
           END
      FROM passed i LEFT JOIN moved m ON m.shop_id = i.shop_id AND m.order_id = i.order_id
     ORDER BY i.order_id),
  finished AS (
    DELETE FROM order_jobs j USING passed i, moved m
     WHERE i.finishes_job AND m.shop_id = i.shop_id AND m.order_id = i.order_id
       AND j.shop_id = i.shop_id AND j.order_id = i.order_id AND (i.holder IS NULL OR j.locked_by = i.holder))
  SELECT shop_id, order_id, 'moved' AS outcome FROM moved
  UNION ALL
  SELECT shop_id, order_id, 'lost' FROM input i
   WHERE NOT EXISTS (SELECT 1 FROM passed p WHERE p.shop_id = i.shop_id AND p.order_id = i.order_id)`;

async function currentStates(
  tx: Queryable,
  items: readonly BatchTransitionItem[],
): Promise<Map<string, OrderState>> {
  const unknown = items.filter((i) => i.from === undefined);
  const states = unknown.length === 0 ? new Map<string, OrderState>() : await readOrderStates(tx, unknown);
  for (const item of items)
    if (item.from !== undefined) states.set(orderKey(item.shopId, item.orderId), item.from);
  return states;
}

/** The current state of each order, by `orderKey` (an order that does not exist has none). */
export async function readOrderStates(
  db: Queryable,
  orders: readonly { shopId: string; orderId: string }[],
): Promise<Map<string, OrderState>> {
  const { rows } = await db.query<{ shop_id: string; order_id: string; state: OrderState }>(
    `SELECT o.shop_id, o.order_id, o.state
       FROM orders o JOIN unnest($1::text[], $2::text[]) AS t(shop_id, order_id)
         ON o.shop_id = t.shop_id AND o.order_id = t.order_id`,
    [orders.map((o) => o.shopId), orders.map((o) => o.orderId)],
    { prepared: 'creatorflow_read_order_states' },
  );
  return new Map(rows.map((r) => [orderKey(r.shop_id, r.order_id), r.state]));
}

/** A map key for one order. */
export function orderKey(shopId: string, orderId: string): string {
  return `${shopId}\u0000${orderId}`;
}
