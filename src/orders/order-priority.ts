import type { Queryable } from '../db/index.ts';
import { SLA_MS, type OrderState, type Priority } from './states.ts';
import { appendOrderEvent } from './transition.ts';

/**
 * Gives an order another priority, in the caller's transaction: its SLA deadline becomes that lane's,
 * measured from receipt, and the change goes on its timeline. Returns the new deadline, which the
 * caller gives the order's queued job (queue `moveJobToLane`).
 */
export async function setOrderPriority(
  tx: Queryable,
  input: {
    order: { shopId: string; orderId: string; state: OrderState; priority: Priority; receivedAt: Date };
    priority: Priority;
    at: Date;
  },
): Promise<Date> {
  const { order, priority, at } = input;
  const deadline = new Date(order.receivedAt.getTime() + SLA_MS[priority]);
  await tx.query(
    `UPDATE orders SET priority = $3, sla_deadline = $4, updated_at = $5 WHERE shop_id = $1 AND order_id = $2`,
    [order.shopId, order.orderId, priority, deadline, at],
  );
  await appendOrderEvent(tx, {
    shopId: order.shopId,
    orderId: order.orderId,
    kind: 'priority_changed',
    from: order.state,
    to: order.state,
    detail: { from: order.priority, to: priority, sla_deadline: deadline.toISOString() },
    at,
  });
  return deadline;
}

/**
 * Marks orders viral and records why on each timeline, in one statement: the earlier priority is
 * read under a row lock (taken in order id order, so two escalations of overlapping orders wait for
 * each other instead of deadlocking), so the timeline says what each order was escalated from. Returns how many
 * orders it escalated (those already viral are left alone).
 */
export async function markOrdersViral(
  tx: Queryable,
  input: { shopId: string; orderIds: readonly string[]; spikeId: number; productId: string; at: Date },
): Promise<number> {
  if (input.orderIds.length === 0) return 0;
  const { rows } = await tx.query<{ n: number }>(
    `WITH was AS (
       SELECT shop_id, order_id, priority FROM orders
        WHERE shop_id = $1 AND order_id = ANY($2::text[]) AND priority <> 'viral'
        ORDER BY order_id
        FOR UPDATE),
     moved AS (
       UPDATE orders o SET priority = 'viral', updated_at = $4
         FROM was WHERE o.shop_id = was.shop_id AND o.order_id = was.order_id
       RETURNING o.shop_id, o.order_id, was.priority AS from_priority),
     logged AS (
       INSERT INTO order_events (shop_id, order_id, at, kind, detail)
       SELECT shop_id, order_id, $4, 'escalated',
              jsonb_build_object('from', from_priority, 'to', 'viral', 'spike_id', $3::bigint, 'product_id', $5::text)
         FROM moved
       RETURNING 1)
     SELECT count(*)::int AS n FROM logged`,
    [input.shopId, input.orderIds, input.spikeId, input.at, input.productId],
  );
  return rows[0]?.n ?? 0;
}
