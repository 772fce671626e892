import type { Queryable } from '../db/index.ts';

/** A stored webhook being processed. */
export interface InboxEvent {
  id: number;
  source: 'tiktok' | 'shippo';
  notification_id: string;
  shop_id: string | null;
  event_type: number | null;
  payload: Record<string, unknown>;
  attempts: number;
  received_at: Date;
}

/** How processing an event ended. */
export type InboxOutcome = 'processed' | 'ignored' | 'waiting_for_shop';

/**
 * Claims up to `limit` pending events, oldest first, under a lease. SKIP LOCKED lets processes share
 * the inbox; an event whose processor died is claimable again once its lease passes.
 */
export async function claimInboxEvents(
  db: Queryable,
  input: { now: Date; limit: number; leaseMs: number },
): Promise<InboxEvent[]> {
  const { rows } = await db.query<InboxEvent>(
    `UPDATE webhook_inbox SET attempts = attempts + 1,
            locked_until = $1::timestamptz + $3 * interval '1 millisecond'
      WHERE id IN (SELECT id FROM webhook_inbox
                    WHERE status = 'pending' AND next_attempt_at <= $1
                      AND (locked_until IS NULL OR locked_until < $1)
                    ORDER BY next_attempt_at, id LIMIT $2
                    FOR UPDATE SKIP LOCKED)
      RETURNING id, source, notification_id, shop_id, event_type, payload, attempts, received_at`,
    [input.now, input.limit, input.leaseMs],
  );
  return rows.sort((a, b) => a.id - b.id);
}

/** Records how an event ended. */
export async function finishInboxEvent(
  db: Queryable,
  input: { id: number; outcome: InboxOutcome; now: Date },
): Promise<void> {
  await db.query(
    `UPDATE webhook_inbox SET status = $2, processed_at = $3, locked_until = NULL, last_error = NULL WHERE id = $1`,
    [input.id, input.outcome, input.now],
  );
}

/** Records a failed attempt: retried at `retryAt`, or left `failed` for an operator when null. */
export async function failInboxEvent(
  db: Queryable,
  input: { id: number; error: string; retryAt: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE webhook_inbox
        SET status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = coalesce($3, next_attempt_at), locked_until = NULL, last_error = $2
      WHERE id = $1`,
    [input.id, input.error.slice(0, 1000), input.retryAt],
  );
}

/** Puts a shop's parked events back in line once the shop is registered; returns how many. */
export async function resumeEventsOfShop(
  db: Queryable,
  input: { shopId: string; now: Date },
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE webhook_inbox SET status = 'pending', next_attempt_at = $2, attempts = 0
      WHERE shop_id = $1 AND status = 'waiting_for_shop'`,
    [input.shopId, input.now],
  );
  return rowCount;
}

/** Counts of events by status, for the operator and /metrics. */
export async function countInboxByStatus(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM webhook_inbox GROUP BY status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Puts parked events of every shop that is now registered and active back in line (however it
 * was connected: by hand, OAuth or re-authorisation); returns how many.
 */
export async function resumeEventsOfActiveShops(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE webhook_inbox w SET status = 'pending', next_attempt_at = $1, attempts = 0
       FROM shops s
      WHERE w.status = 'waiting_for_shop' AND s.shop_id = w.shop_id AND s.status = 'active'
        AND s.access_token IS NOT NULL`,
    [now],
  );
  return rowCount;
}
