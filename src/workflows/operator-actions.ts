import type { Database } from '../db/index.ts';
import type { NotifyRoutes } from '../notify/index.ts';
import { enqueueJobs, holdJob, releaseJob } from '../queue/index.ts';
import { AppError } from '../shared/errors.ts';
import type { Clock } from '../shared/clock.ts';
import { moveOrder } from './fulfilment/order-transitions.ts';
import {
  holdOrder,
  releaseHold,
  SLA_MS,
  TERMINAL_STATES,
  type OrderRow,
  type OrderState,
} from '../orders/index.ts';

export type OperatorAction = 'retry' | 'hold' | 'release' | 'cancel';

/**
 * Carries out an operator's action on an order in one transaction, with its timeline entry, or
 * throws NOT_FOUND / CONFLICT saying why the action does not apply now.
 */
export async function applyOperatorAction(
  /** Without `routes`, compensations that notify people write no notifications (tests). */
  deps: { db: Database; clock: Clock; routes?: NotifyRoutes; customerEmail?: boolean },
  input: { orderId: string; action: OperatorAction; reason?: string | undefined },
): Promise<{ state: OrderState; hold_reason: string | null }> {
  // A refused retry or cancel is committed to the timeline (who tried what), then reported.
  type Outcome = { refused: string } | { state: OrderState; hold_reason: string | null };
  const outcome = await deps.db.transaction<Outcome>(async (tx) => {
    const { rows } = await tx.query<
      Pick<OrderRow, 'shop_id' | 'order_id' | 'state' | 'priority' | 'hold_reason'>
    >(
      `SELECT shop_id, order_id, state, priority, hold_reason FROM orders WHERE order_id = $1 LIMIT 1 FOR UPDATE`,
      [input.orderId],
    );
    const order = rows[0];
    if (!order) throw new AppError('NOT_FOUND', `No order ${input.orderId} is stored`);
    const now = new Date(deps.clock.now());
    const key = { shopId: order.shop_id, orderId: order.order_id };
    const detail = { by: 'operator', ...(input.reason ? { reason: input.reason } : {}) };

    switch (input.action) {
      case 'retry':
      case 'cancel': {
        const routes = deps.routes ?? { team_lead: [], devops: [], fulfillment_team: [] };
        const result = await moveOrder(
          tx,
          { routes, customerEmail: deps.customerEmail },
          { ...key, event: input.action, detail, at: now },
        );
        if (!result.ok)
          throw new AppError('CONFLICT', `Cannot ${input.action} order ${order.order_id}: ${result.reason}`);
        if (input.action === 'retry') {
          const deadline = new Date(now.getTime() + SLA_MS[order.priority]);
          await enqueueJobs(tx, [{ ...key, lane: order.priority, deadline }], now);
        }
        return { state: result.to, hold_reason: order.hold_reason };
      }
      case 'hold': {
        if (TERMINAL_STATES.has(order.state) || order.state === 'shipped') {
          throw new AppError('CONFLICT', `Cannot hold order ${order.order_id}: it is already ${order.state}`);
        }
        if (order.hold_reason !== null) {
          throw new AppError('CONFLICT', `Order ${order.order_id} is already on hold (${order.hold_reason})`);
        }
        const reason = input.reason ?? 'operator';
        await holdOrder(tx, { ...key, state: order.state, reason, detail, at: now });
        await holdJob(tx, key);
        return { state: order.state, hold_reason: reason };
      }
      case 'release': {
        if (order.hold_reason === null) {
          throw new AppError('CONFLICT', `Order ${order.order_id} is not on hold`);
        }
        await releaseHold(tx, {
          ...key,
          state: order.state,
          detail: { ...detail, held_for: order.hold_reason },
          at: now,
        });
        await releaseJob(tx, { ...key, runAt: now });
        // A job that ended while the order was held (it left the queue) starts again.
        if (!TERMINAL_STATES.has(order.state) && order.state !== 'failed') {
          const deadline = new Date(now.getTime() + SLA_MS[order.priority]);
          await enqueueJobs(tx, [{ ...key, lane: order.priority, deadline }], now);
        }
        return { state: order.state, hold_reason: null };
      }
    }
  });
  if ('refused' in outcome) throw new AppError('CONFLICT', outcome.refused);
  return outcome;
}
