import type { Queryable, WorkTable } from '../db/index.ts';

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
 * The inbox as a work table (src/db/work-table.ts): events are claimed oldest first under a lease,
 * tried 10 times, 1 s doubling to 10 min apart, then left `failed` with the reason for an operator.
 */
export const INBOX_TABLE: WorkTable = {
  table: 'webhook_inbox',
  returning: 'id, source, notification_id, shop_id, event_type, payload, attempts, received_at',
  doneStatus: 'processed',
  doneAtColumn: 'processed_at',
  givenUpStatus: 'failed',
  givenUpIsDone: false,
  retry: { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 10 * 60_000, jitter: 'none' },
};

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
