import type { Database, Queryable } from '../db/index.ts';
import { transitionOrder, type OrderEvent, type OrderState } from '../orders/index.ts';
import type { Clock } from '../shared/clock.ts';
import { orderKey, transitionOrders } from './batch-transition.ts';
import type { BatchStepOutcome } from './batch-worker-pool.ts';
import { LeaseLostError, type OrderJob } from './job-queries.ts';
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

/** Called inside a batch's transaction with every step the batch records. */
export type BatchStepEffect = (
  tx: Queryable,
  steps: readonly { shopId: string; orderId: string; event: OrderEvent; from: OrderState }[],
) => Promise<void>;

/**
 * The batch worker pool's `stepBatch` for the lifecycle: the next step of every job in one
 * transaction. It locks the batch's job rows that this worker still leases (a job whose lease passed
 * to another worker is `lost` and nothing is recorded for it; one that passes later waits for this
 * commit), applies each order's event with `transitionOrders` (state change plus timeline entry;
 * its conditional UPDATE refuses a state that changed since it was read), calls `effect`, commits.
 */
export function lifecycleStepBatch(deps: {
  db: Database;
  clock: Clock;
  effect?: BatchStepEffect;
}): (jobs: readonly OrderJob[]) => Promise<BatchStepOutcome[]> {
  return (jobs) =>
    deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ shop_id: string; order_id: string; state: OrderState }>(
        `SELECT o.shop_id, o.order_id, o.state
           FROM orders o
           JOIN order_jobs j ON j.shop_id = o.shop_id AND j.order_id = o.order_id
           JOIN unnest($1::text[], $2::text[], $3::text[]) AS t(shop_id, order_id, holder)
             ON t.shop_id = o.shop_id AND t.order_id = o.order_id AND j.locked_by = t.holder
          ORDER BY j.shop_id, j.order_id
            FOR UPDATE OF j`,
        [jobs.map((j) => j.shop_id), jobs.map((j) => j.order_id), jobs.map((j) => j.locked_by)],
      );
      const states = new Map(rows.map((r) => [orderKey(r.shop_id, r.order_id), r.state]));
      const unique = [...new Map(jobs.map((job) => [orderKey(job.shop_id, job.order_id), job])).values()];
      const steps = unique.flatMap((job) => {
        const from = states.get(orderKey(job.shop_id, job.order_id));
        const event = from === undefined ? undefined : LIFECYCLE_EVENTS[from];
        return from === undefined || event === undefined
          ? []
          : [{ shopId: job.shop_id, orderId: job.order_id, event, from }];
      });
      const results = await transitionOrders(tx, { items: steps, at: new Date(deps.clock.now()) });
      const outcomes = new Map<string, BatchStepOutcome>();
      steps.forEach((step, n) => {
        const result = results[n]!;
        outcomes.set(
          orderKey(step.shopId, step.orderId),
          !result.ok
            ? { next: 'failed', error: `step "${step.event}" was refused: ${result.reason}` }
            : result.to === 'shipped'
              ? { next: 'done' }
              : { next: 'continue' },
        );
      });
      await deps.effect?.(
        tx,
        steps.filter((_, n) => results[n]!.ok),
      );
      const answered = new Set<string>();
      return jobs.map((job): BatchStepOutcome => {
        const k = orderKey(job.shop_id, job.order_id);
        // A second copy of one order (claimed again by this worker after its lease ran out) is
        // stepped once: the copy counts as lost.
        if (!states.has(k) || answered.has(k)) return { next: 'lost' };
        answered.add(k);
        return outcomes.get(k) ?? { next: 'done' };
      });
    });
}
