import type { Queryable } from '../../db/index.ts';
import { TRACKING_MEANINGS, TRACKING_RANK, type TrackingStatus } from '../../integrations/carriers/index.ts';
import { notify } from '../../notify/index.ts';
import { appendOrderEvent, recordTrackingStatus, type OrderState } from '../../orders/index.ts';
import type { TransitionDeps } from './order-transitions.ts';
import { moveOrder } from './order-transitions.ts';

export interface TrackingUpdate {
  readonly shopId: string;
  readonly orderId: string;
  readonly status: TrackingStatus;
  readonly details: string;
  /** Where the update came from: 'webhook', 'poll', 'tiktok'. */
  readonly source: string;
  readonly at: Date;
}

/**
 * Moves an order forward on a carrier tracking update, in the caller's transaction: in transit
 * ships it (consuming its stock), delivered delivers it (shipping it first if the scan was
 * missed). Updates ranked no higher than what is stored change nothing, so late or repeated
 * webhooks never move an order back. A failed or returned parcel is shown to a person.
 * Returns the order's state afterwards.
 */
export async function applyTracking(
  tx: Queryable,
  deps: TransitionDeps,
  update: TrackingUpdate,
): Promise<OrderState | undefined> {
  const rank = TRACKING_RANK[update.status];
  const key = { shopId: update.shopId, orderId: update.orderId };
  const state = await recordTrackingStatus(tx, key, { status: update.status, rank });
  if (state === undefined) return undefined;
  const detail = { tracking: update.status, details: update.details, source: update.source };
  const meaning = TRACKING_MEANINGS[update.status];

  let current: OrderState = state;
  if (
    (meaning.orderState === 'shipped' || meaning.orderState === 'delivered') &&
    current === 'label_generated'
  ) {
    const moved = await moveOrder(tx, deps, { ...key, event: 'ship', detail, at: update.at });
    if (moved.ok) current = moved.to;
  }
  if (meaning.orderState === 'delivered' && current === 'shipped') {
    const moved = await moveOrder(tx, deps, { ...key, event: 'deliver', detail, at: update.at });
    if (moved.ok) current = moved.to;
  }
  if (meaning.needsOperator || meaning.returnFlow) {
    await appendOrderEvent(tx, {
      ...key,
      kind: 'tracking_problem',
      from: current,
      to: current,
      detail,
      at: update.at,
    });
    await notify(
      tx,
      deps.routes,
      {
        cause: `tracking:${update.orderId}:${update.status}`,
        roles: ['fulfillment_team'],
        severity: 'medium',
        subject: `Order ${update.orderId}: the parcel is ${update.status === 'returned' ? 'coming back' : 'in trouble'}`,
        body: `The carrier reports "${update.details || update.status}" for order ${update.orderId} of shop ${update.shopId}. Contact the carrier or the buyer.`,
        shopId: update.shopId,
      },
      update.at,
    );
  }
  return current;
}
