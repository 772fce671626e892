import type { Queryable } from '../db/index.ts';
import type { OrderState } from './states.ts';

type OrderKey = { readonly shopId: string; readonly orderId: string };

/** Keeps what the rules decided for the order (version, fired rules, carrier wishes), for the order page. */
export async function recordRulesDecision(
  tx: Queryable,
  key: OrderKey,
  decision: Record<string, unknown>,
): Promise<void> {
  await tx.query(`UPDATE orders SET rules_decision = $3 WHERE shop_id = $1 AND order_id = $2`, [
    key.shopId,
    key.orderId,
    JSON.stringify(decision),
  ]);
}

/**
 * Keeps the label bought for the order: its carrier, service, tracking number and label, with the
 * tracking progress started afresh (a new label is a new parcel).
 */
export async function recordLabel(
  tx: Queryable,
  key: OrderKey,
  label: { carrier: string; service: string; trackingNumber: string | null; labelUrl: string | null },
): Promise<void> {
  await tx.query(
    `UPDATE orders SET carrier = $3, service = $4, tracking_number = $5, label_url = $6, tracking_rank = 0,
            tracking_status = NULL
      WHERE shop_id = $1 AND order_id = $2`,
    [key.shopId, key.orderId, label.carrier, label.service, label.trackingNumber, label.labelUrl],
  );
}

/** Keeps who carries a parcel that has no label of ours (TikTok Shipping hands the package over). */
export async function recordCarrier(tx: Queryable, key: OrderKey, carrier: string): Promise<void> {
  await tx.query(`UPDATE orders SET carrier = $3 WHERE shop_id = $1 AND order_id = $2`, [
    key.shopId,
    key.orderId,
    carrier,
  ]);
}

/**
 * Keeps a carrier's tracking status when it ranks above the stored one, so late or repeated
 * updates never move tracking back. Returns the order's state, or undefined when the update was
 * not newer (or there is no such order).
 */
export async function recordTrackingStatus(
  tx: Queryable,
  key: OrderKey,
  tracking: { status: string; rank: number },
): Promise<OrderState | undefined> {
  const { rows } = await tx.query<{ state: OrderState }>(
    `UPDATE orders SET tracking_status = $3, tracking_rank = $4
      WHERE shop_id = $1 AND order_id = $2 AND tracking_rank < $4
      RETURNING state`,
    [key.shopId, key.orderId, tracking.status, tracking.rank],
  );
  return rows[0]?.state;
}

/**
 * Says on the order's timeline why it waits (`waiting`), once per reason: the same reason again
 * adds nothing until something else has happened to the order since.
 */
export async function noteWaiting(
  db: Queryable,
  input: OrderKey & { state: OrderState; reason: string; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO order_events (shop_id, order_id, at, kind, from_state, to_state, detail)
     SELECT $1, $2, $3, 'waiting', $4, $4, jsonb_build_object('reason', $5::text)
      WHERE NOT EXISTS (SELECT 1 FROM order_events
                         WHERE shop_id = $1 AND order_id = $2 AND kind = 'waiting' AND detail->>'reason' = $5
                           AND id > coalesce((SELECT max(id) FROM order_events
                                               WHERE shop_id = $1 AND order_id = $2 AND kind <> 'waiting'), 0))`,
    [input.shopId, input.orderId, input.at, input.state, input.reason],
  );
}
