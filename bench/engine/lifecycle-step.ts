import type { Database, Queryable } from '../../src/db/index.ts';
import {
  NEXT_STEP,
  ORDER_STATES,
  transitionOrder,
  type OrderEvent,
  type OrderState,
} from '../../src/orders/index.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { orderKey, readOrderStates, transitionOrders } from './batch-transition.ts';
import type { BatchStepOutcome } from './batch-worker-pool.ts';
import { LeaseLostError, type OrderJob, type StepOutcome } from '../../src/queue/index.ts';
import { removeEndedJobs, type BatchJob } from './batch-job-queries.ts';
import type { AsyncCommitDatabase } from './async-commit.ts';

/**
 * The fulfilment path with the outside work left out: each step is one transition of the real
 * state machine, by its one step table (`NEXT_STEP`), received → validated → processing →
 * inventory_reserved → label_generated → shipped. Benchmarks and tests drive the engine with it;
 * the service's steps (TikTok detail, stock, label, tracking) follow the same table and add their
 * outside call. Delivery, days later, is left out.
 */
export const LIFECYCLE_EVENTS: Readonly<Partial<Record<OrderState, OrderEvent>>> = Object.fromEntries(
  Object.entries(NEXT_STEP).filter(([state]) => state !== 'shipped'),
);

/** The step after which an order's lifecycle is done (the worker pools then remove its job). */
const FINISHING_EVENT: OrderEvent = 'ship';

/** The states this lifecycle has no step for: an order in one needs no more work. */
const ENDED_STATES: readonly OrderState[] = ORDER_STATES.filter(
  (state) => LIFECYCLE_EVENTS[state] === undefined,
);

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
    {
      prepared: input.leaseHolder === undefined ? 'creatorflow_lock_order' : 'creatorflow_lock_leased_order',
    },
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
    lockedState: state,
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

/**
 * Called inside a batch's transaction with every step the batch records. That transaction commits
 * asynchronously, so an effect may only write what a worker redoes if a crash loses it: nothing that
 * something outside the database acts on before a synchronous commit.
 */
export type BatchStepEffect = (
  tx: Queryable,
  steps: readonly { shopId: string; orderId: string; event: OrderEvent; from: OrderState }[],
) => Promise<void>;

/**
 * The batch worker pool's `stepBatch` for the lifecycle: the next step of every job in one
 * statement. It remembers each claimed job's state from the step before, so a batch is a single
 * statement: `transitionOrders` fences each order by its job's lease (a job whose lease passed to
 * another worker is `lost` and nothing is recorded for it; one that passes later waits for this
 * commit), applies the event (state change plus timeline entry; its conditional UPDATE refuses a
 * state that changed since, and that job's next step reads the order again) and commits; the step
 * that ships an order removes its job in the same statement (`finished`). A job's first step starts
 * from the state its claim read (or reads it, for a job claimed without one). The jobs of orders
 * found already ended (cancelled meanwhile, say) are removed first, by one more statement that reads
 * their state itself (`removeEndedJobs`, `finished`); a batch without any is one statement. The
 * fence names the claim (its lease end): of two copies of one job, the worker's older claim and its
 * newer one, only the newer is stepped. With an `effect`, the batch and the effect run in one
 * transaction.
 */
export function lifecycleStepBatch(deps: {
  db: AsyncCommitDatabase;
  clock: Clock;
  effect?: BatchStepEffect;
}): (jobs: readonly BatchJob[]) => Promise<BatchStepOutcome[]> {
  // The state each held job's order was left in by its last step here; a job object lives as long
  // as its claim, so a re-claimed order starts unknown and is read again.
  const known = new WeakMap<BatchJob, OrderState>();
  // Jobs whose order was not in the state this worker expected (it changed meanwhile, or a crash took
  // back the step that put it there): read again before their next step.
  const changed = new WeakSet<BatchJob>();

  return async (jobs) => {
    // One copy per order: a worker may hold an older copy of a job it has claimed again since; the
    // latest claim's copy is the one its lease fence lets through.
    const latest = new Map<string, BatchJob>();
    for (const job of jobs) {
      const key = orderKey(job.shop_id, job.order_id);
      const other = latest.get(key);
      if (!other || (job.locked_until?.getTime() ?? 0) >= (other.locked_until?.getTime() ?? 0))
        latest.set(key, job);
    }
    const unique = [...latest.values()];
    const unread = new Set(
      unique.filter((job) => changed.has(job) || (!known.has(job) && job.order_state === undefined)),
    );
    const read =
      unread.size === 0
        ? new Map<string, OrderState>()
        : await readOrderStates(
            deps.db,
            [...unread].map((job) => ({ shopId: job.shop_id, orderId: job.order_id })),
          );
    for (const job of unread) changed.delete(job);
    const stateOf = (job: BatchJob) =>
      unread.has(job) ? read.get(orderKey(job.shop_id, job.order_id)) : (known.get(job) ?? job.order_state);

    const steps = unique.flatMap((job) => {
      const from = stateOf(job);
      const event = from === undefined ? undefined : LIFECYCLE_EVENTS[from];
      return from === undefined || event === undefined
        ? []
        : [{ job, step: { shopId: job.shop_id, orderId: job.order_id, event, from } }];
    });
    // Orders this worker believes need no more work. That belief may rest on a commit a server crash
    // will take back (a state read here, or the claim's, is visible before it is on disk), so it is
    // not handed to the pool as `done`: each job is removed by a statement that reads the order's
    // state itself, and commits, or is lost, after what it read.
    const ended = unique.filter((job) => {
      const from = stateOf(job);
      return from !== undefined && LIFECYCLE_EVENTS[from] === undefined;
    });
    // The last step removes the job in its own statement, so that removal is never made on the word
    // of a step a crash took back. (Fields copied by name: an object spread here was most of the
    // batch step's own CPU in Node, bench/RESULTS.md, session 8.)
    const items = steps.map(({ job, step }) => ({
      shopId: step.shopId,
      orderId: step.orderId,
      event: step.event,
      from: step.from,
      leaseHolder: job.locked_by ?? undefined,
      leaseEnd: job.locked_until,
      finishesJob: step.event === FINISHING_EVENT,
    }));
    // Before the steps: were it to fail, nothing of the batch has committed yet (its jobs are retried).
    const removals = await removeEndedJobs(deps.db, {
      jobs: ended.map((job) => ({
        shopId: job.shop_id,
        orderId: job.order_id,
        workerId: job.locked_by,
        lockedUntil: job.locked_until,
      })),
      endStates: ENDED_STATES,
      asyncCommit: true,
    });
    const removal = new Map(removals.map((r) => [orderKey(r.shop_id, r.order_id), r]));
    const at = new Date(deps.clock.now());
    // No step here reaches outside the database, so none waits for the disk to commit: a step a
    // server crash loses is redone from the order's state, its job still there (docs/engine.md).
    const results = deps.effect
      ? await deps.db.transaction(
          async (tx) => {
            const results = await transitionOrders(tx, { items, at });
            await deps.effect?.(
              tx,
              steps.filter((_, n) => results[n]!.ok).map((s) => s.step),
            );
            return results;
          },
          { asyncCommit: true },
        )
      : await transitionOrders(deps.db, { items, at, asyncCommit: true });

    const stepped = new Set(unique);
    const outcomes = new Map<BatchJob, BatchStepOutcome>();
    for (const job of ended) {
      const found = removal.get(orderKey(job.shop_id, job.order_id));
      if (found?.removed) outcomes.set(job, { next: 'finished' });
      else if (found) {
        // The order has work after all (what ended it was taken back, or retried): go on from its state.
        known.set(job, found.state);
        outcomes.set(job, { next: 'continue' });
      } else outcomes.set(job, { next: 'lost' });
    }
    steps.forEach(({ job, step }, n) => {
      const result = results[n]!;
      if (result.ok) {
        known.set(job, result.to);
        outcomes.set(job, result.to === 'shipped' ? { next: 'finished' } : { next: 'continue' });
      } else if ('lost' in result) {
        outcomes.set(job, { next: 'lost' });
      } else if ('stale' in result) {
        // Not a failure (it costs no attempt): the refusal is recorded, and the next step starts from
        // the order's state as it is now.
        known.delete(job);
        changed.add(job);
        outcomes.set(job, { next: 'continue' });
      } else {
        known.delete(job);
        outcomes.set(job, { next: 'failed', error: `step "${step.event}" was refused: ${result.reason}` });
      }
    });
    return jobs.map((job): BatchStepOutcome => {
      // An older copy of an order (claimed again by this worker after its lease ran out) is not
      // stepped: it counts as lost. An order that is gone is lost as well.
      if (!stepped.has(job) || stateOf(job) === undefined) return { next: 'lost' };
      return outcomes.get(job) ?? { next: 'lost' };
    });
  };
}
