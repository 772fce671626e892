import type { Database, Queryable } from '../db/index.ts';
import { transitionOrder, type OrderEvent, type OrderState } from '../orders/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { OrderJob } from './job-queries.ts';
import type { StepOutcome } from './worker-pool.ts';

/**
 * The fulfilment path with the outside work left out: each step is one transition of the real
 * state machine, received → validated → processing → inventory_reserved → label_generated →
 * shipped. Benchmarks and tests drive the engine with it; the real steps (TikTok detail, stock,
 * label, tracking) have the same shape and add their outside call.
 */
export const LIFECYCLE_EVENTS: Readonly<Partial<Record<OrderState, OrderEvent>>> = {
  received: 'validate',
  validated: 'start_processing',
  processing: 'reserve_stock',
  inventory_reserved: 'buy_label',
  label_generated: 'ship',
};

/** How many steps an order takes from `received` to `shipped`. */
export const LIFECYCLE_STEPS = Object.keys(LIFECYCLE_EVENTS).length;

/** A job whose lease another worker now holds: this worker must not record anything for it. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(orderId: string, workerId: string) {
    super(`worker ${workerId} no longer holds the lease on order ${orderId}; another worker resumes it`);
  }
}

/** Called inside a step's transaction, so what it writes commits (or not) with the transition. */
export type StepEffect = (
  tx: Queryable,
  step: { shopId: string; orderId: string; event: OrderEvent; from: OrderState },
) => Promise<void>;

/**
 * Runs the order's next lifecycle step in the caller's transaction: locks the order (and, given a
 * `leaseHolder`, checks that worker still holds the job's lease, so a worker that lost its lease
 * records nothing), applies the event with `transitionOrder` (state change plus timeline entry),
 * and calls `effect` in the same transaction. Returns what the engine should do next.
 */
export async function runLifecycleStep(
  tx: Queryable,
  input: { shopId: string; orderId: string; at: Date; leaseHolder?: string; effect?: StepEffect },
): Promise<StepOutcome> {
  const { rows } = await tx.query<{ state: OrderState }>(
    input.leaseHolder === undefined
      ? `SELECT state FROM orders WHERE shop_id = $1 AND order_id = $2 FOR UPDATE`
      : `SELECT o.state FROM orders o JOIN order_jobs j USING (shop_id, order_id)
          WHERE o.shop_id = $1 AND o.order_id = $2 AND j.locked_by = $3
          FOR UPDATE OF o, j`,
    input.leaseHolder === undefined
      ? [input.shopId, input.orderId]
      : [input.shopId, input.orderId, input.leaseHolder],
  );
  const state = rows[0]?.state;
  if (state === undefined) {
    if (input.leaseHolder !== undefined) throw new LeaseLostError(input.orderId, input.leaseHolder);
    return { next: 'done' };
  }
  const event = LIFECYCLE_EVENTS[state];
  if (event === undefined) return { next: 'done' };
  const result = await transitionOrder(tx, {
    shopId: input.shopId,
    orderId: input.orderId,
    event,
    at: input.at,
  });
  if (!result.ok) throw new Error(`step "${event}" of order ${input.orderId} was refused: ${result.reason}`);
  await input.effect?.(tx, { shopId: input.shopId, orderId: input.orderId, event, from: state });
  return result.to === 'shipped' ? { next: 'done' } : { next: 'continue' };
}

/** The worker pool's `step` for the lifecycle: one transaction per step, fenced by the job's lease. */
export function lifecycleStep(deps: {
  db: Database;
  clock: Clock;
  effect?: StepEffect;
}): (job: OrderJob) => Promise<StepOutcome> {
  return (job) =>
    deps.db.transaction((tx) =>
      runLifecycleStep(tx, {
        shopId: job.shop_id,
        orderId: job.order_id,
        at: new Date(deps.clock.now()),
        ...(job.locked_by === null ? {} : { leaseHolder: job.locked_by }),
        ...(deps.effect ? { effect: deps.effect } : {}),
      }),
    );
}
