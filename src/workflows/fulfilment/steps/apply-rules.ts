import type { Queryable } from '../../../db/index.ts';
import { reorderSkus } from '../../../inventory/index.ts';
import { NOTIFY_ROLES, notify, type NotifyRole } from '../../../notify/index.ts';
import {
  holdOrder,
  recordRulesDecision,
  setOrderPriority,
  type OrderRow,
  type Priority,
} from '../../../orders/index.ts';
import { moveJobToLane, type StepOutcome } from '../../../queue/index.ts';
import type { FulfilmentDeps, OrderDecision } from '../fulfilment-deps.ts';
import { moveOrder } from '../order-transitions.ts';

/**
 * validated → processing: the published rules classify the order; its priority (and so its lane
 * and SLA deadline, measured from receipt), any hold or manual review, and carrier preferences are
 * stored with the transition in one transaction.
 */
export async function applyRules(deps: FulfilmentDeps, order: OrderRow): Promise<StepOutcome> {
  const key = { shopId: order.shop_id, orderId: order.order_id };
  const decision: OrderDecision = deps.classify ? await deps.classify(key) : { summary: { rules: 'none' } };
  const now = new Date(deps.clock.now());
  const hold = decision.manualReview
    ? { reason: `manual review: ${decision.manualReview.reason}`, until: undefined }
    : decision.hold;

  const applied = await deps.db.transaction(async (tx) => {
    // The order as it is now, under its lock. Cancelled (or otherwise moved on) while the rules
    // ran: nothing of the decision applies, and the next step sees the order as it is. Escalated
    // by a spike meanwhile: the rules never take an order out of the viral lane.
    const { rows } = await tx.query<{ state: string; priority: Priority }>(
      `SELECT state, priority FROM orders WHERE shop_id = $1 AND order_id = $2 FOR NO KEY UPDATE`,
      [key.shopId, key.orderId],
    );
    if (rows[0]?.state !== 'validated') return false;
    const current = rows[0].priority;
    const priority = current === 'viral' ? 'viral' : (decision.priority ?? current);
    if (priority !== current) await setPriority(tx, { ...order, priority: current }, priority, now);
    await recordRulesDecision(tx, key, storedDecision(decision));
    await moveOrder(tx, deps, {
      ...key,
      event: 'start_processing',
      detail: { priority, ...(hold ? { held: hold.reason } : {}) },
      at: now,
    });
    for (const wanted of decision.notifications ?? []) {
      if (!isRole(wanted.role)) continue;
      await notify(
        tx,
        deps.routes,
        {
          cause: `rule:${wanted.ruleId}:${key.orderId}`,
          roles: [wanted.role],
          severity: 'info',
          subject: `Order ${key.orderId}: rule ${wanted.ruleId}`,
          body:
            wanted.message ??
            `Rule ${wanted.ruleId} asked to be told about order ${key.orderId} of shop ${key.shopId}.`,
          shopId: key.shopId,
        },
        now,
      );
    }
    if (decision.reorders && decision.reorders.length > 0) {
      const { rows: lines } = await tx.query<{ seller_sku: string }>(
        `SELECT seller_sku FROM order_lines WHERE shop_id = $1 AND order_id = $2`,
        [key.shopId, key.orderId],
      );
      for (const reorder of decision.reorders) {
        await reorderSkus(tx, deps.routes, {
          shopId: key.shopId,
          sellerSkus: lines.map((l) => l.seller_sku),
          multiplier: reorder.multiplier,
          urgent: reorder.urgent,
          reason: `rule ${reorder.ruleId} on order ${key.orderId}`,
          now,
        });
      }
    }
    if (hold) {
      await holdOrder(tx, {
        ...key,
        state: 'processing',
        reason: hold.reason,
        until: hold.until,
        detail: {
          by: 'rules',
          reason: hold.reason,
          ...(hold.until ? { until: hold.until.toISOString() } : {}),
        },
        at: now,
      });
    }
    return true;
  });
  if (!applied) return { next: 'continue' };
  if (hold?.until) return { next: 'wait', until: hold.until };
  return hold ? { next: 'done' } : { next: 'continue' };
}

/** Moves the order and its queued job to another lane, with that lane's deadline from receipt. */
async function setPriority(tx: Queryable, order: OrderRow, priority: Priority, now: Date): Promise<void> {
  const key = { shopId: order.shop_id, orderId: order.order_id };
  const deadline = await setOrderPriority(tx, {
    order: { ...key, state: order.state, priority: order.priority, receivedAt: order.received_at },
    priority,
    at: now,
  });
  await moveJobToLane(tx, { ...key, lane: priority, deadline });
}

function storedDecision(decision: OrderDecision): Record<string, unknown> {
  return {
    ...decision.summary,
    ...(decision.carrier ? { carrier: decision.carrier } : {}),
    ...(decision.service ? { service: decision.service } : {}),
    ...(decision.strategy ? { strategy: decision.strategy } : {}),
  };
}

function isRole(role: string): role is NotifyRole {
  return (NOTIFY_ROLES as readonly string[]).includes(role);
}
