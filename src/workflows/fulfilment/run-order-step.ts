import type { Database } from '../../db/index.ts';
import { appendOrderEvent } from '../../orders/index.ts';
import { fencedByLease, type OrderJob, type StepOutcome } from '../../queue/index.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { moveOrder } from './order-transitions.ts';
import { loadOrder, type OrderRow } from './order-row.ts';
import { applyRules } from './steps/apply-rules.ts';
import { buyLabel } from './steps/buy-label.ts';
import { followParcel } from './steps/hand-over.ts';
import { reserveStock } from './steps/reserve-stock.ts';
import { validateOrder } from './steps/validate-order.ts';
import { waitVisibly } from './steps/wait-visibly.ts';

/**
 * One step of an order's lifecycle, chosen by the state it is in now (so a restarted worker
 * resumes from the last committed step). Each step commits its transition with its timeline
 * entry; a thrown error is retried by the lane's policy. For a claimed job, each of the step's
 * transactions first checks that its claim still holds the job (`fencedByLease`).
 */
export async function runOrderStep(service: FulfilmentDeps, job: OrderJob): Promise<StepOutcome> {
  const deps: FulfilmentDeps = { ...service, db: leasedDatabase(service.db, job) };
  const order = await loadOrder(deps.db, { shopId: job.shop_id, orderId: job.order_id });
  if (!order) return { next: 'done' };
  if (order.shop_status !== 'active' && order.state !== 'shipped') {
    return waitVisibly(
      deps,
      order,
      `shop ${order.shop_id} was de-authorised at TikTok; work resumes when it is connected again`,
    );
  }
  if (order.hold_reason !== null) {
    const due = order.hold_until !== null && order.hold_until.getTime() <= deps.clock.now();
    if (!due) return order.hold_until ? { next: 'wait', until: order.hold_until } : { next: 'done' };
    await releaseTimedHold(deps, order);
  }
  switch (order.state) {
    case 'received':
      return validateOrder(deps, order);
    case 'validated':
      return applyRules(deps, order);
    case 'processing':
      return reserveStock(deps, order);
    case 'inventory_reserved':
      return buyLabel(deps, order);
    case 'label_generated':
    case 'shipped':
      return followParcel(deps, order);
    case 'delivered':
    case 'cancelled':
    case 'failed':
      return { next: 'done' };
  }
}

/**
 * The lane's attempts are spent: the order fails with the last error and waits for a person. Under
 * the same fence as the steps: a claim that lost the job fails nothing (LeaseLostError).
 */
export async function failOrder(deps: FulfilmentDeps, job: OrderJob, error: string): Promise<void> {
  await leasedDatabase(deps.db, job).transaction((tx) =>
    moveOrder(tx, deps, {
      shopId: job.shop_id,
      orderId: job.order_id,
      event: 'fail',
      detail: { reason: error, attempts: job.attempts, lane: job.lane, class: 'attempts_spent' },
      at: new Date(deps.clock.now()),
    }),
  );
}

/** The database a claimed job's step runs with, fenced by its claim; a job not claimed (tests) runs unfenced. */
function leasedDatabase(db: Database, job: OrderJob): Database {
  if (!job.locked_by || !job.locked_until) return db;
  return fencedByLease(db, {
    shopId: job.shop_id,
    orderId: job.order_id,
    workerId: job.locked_by,
    lockedUntil: job.locked_until,
  });
}

async function releaseTimedHold(deps: FulfilmentDeps, order: OrderRow): Promise<void> {
  const now = new Date(deps.clock.now());
  await deps.db.transaction(async (tx) => {
    await tx.query(
      `UPDATE orders SET hold_reason = NULL, hold_until = NULL WHERE shop_id = $1 AND order_id = $2`,
      [order.shop_id, order.order_id],
    );
    await appendOrderEvent(tx, {
      shopId: order.shop_id,
      orderId: order.order_id,
      kind: 'release',
      from: order.state,
      to: order.state,
      detail: { by: 'rules', held_for: order.hold_reason, reason: 'the hold time passed' },
      at: now,
    });
  });
}
