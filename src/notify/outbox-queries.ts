import type { Queryable } from '../db/index.ts';
import type { PlannedNotification } from './routing.ts';

/** An outbox row as the dispatcher and the operator API see it. */
export interface OutboxRow {
  id: number;
  shop_id: string | null;
  cause: string;
  role: string;
  channel: 'slack' | 'email';
  target: string;
  severity: string;
  subject: string;
  body: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** Records notifications; a (cause, channel, target) already recorded is skipped. Returns how many are new. */
export async function enqueueNotifications(
  db: Queryable,
  rows: readonly PlannedNotification[],
  now: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO notifications (shop_id, cause, role, channel, target, severity, subject, body, next_attempt_at)
     SELECT *, $9::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
     ON CONFLICT (cause, channel, target) DO NOTHING`,
    [
      rows.map((r) => r.shopId ?? null),
      rows.map((r) => r.cause),
      rows.map((r) => r.role),
      rows.map((r) => r.channel),
      rows.map((r) => r.target),
      rows.map((r) => r.severity),
      rows.map((r) => r.subject),
      rows.map((r) => r.body),
      now,
    ],
  );
  return result.rowCount;
}

/**
 * Claims up to `limit` due notifications under a lease: pending ones whose time has come, and
 * 'sending' ones whose sender died (lease expired). SKIP LOCKED lets several processes dispatch.
 */
export async function claimDueNotifications(
  db: Queryable,
  input: { now: Date; limit: number; leaseMs: number },
): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(
    `UPDATE notifications SET status = 'sending', attempts = attempts + 1,
            locked_until = $1::timestamptz + $3 * interval '1 millisecond'
      WHERE id IN (SELECT id FROM notifications
                    WHERE (status = 'pending' AND next_attempt_at <= $1)
                       OR (status = 'sending' AND locked_until < $1)
                    ORDER BY next_attempt_at LIMIT $2
                    FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [input.now, input.limit, input.leaseMs],
  );
  return rows;
}

/** Records a delivery. */
export async function markNotificationSent(db: Queryable, input: { id: number; now: Date }): Promise<void> {
  await db.query(
    `UPDATE notifications SET status = 'sent', sent_at = $2, locked_until = NULL, last_error = NULL WHERE id = $1`,
    [input.id, input.now],
  );
}

/** Records a failed attempt: retried at `retryAt`, or `failed` for an operator when retryAt is null. */
export async function markNotificationFailed(
  db: Queryable,
  input: { id: number; error: string; retryAt: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE notifications
        SET status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = coalesce($3, next_attempt_at), locked_until = NULL, last_error = $2
      WHERE id = $1`,
    [input.id, input.error.slice(0, 1000), input.retryAt],
  );
}

/** The newest notifications, for the operator. */
export async function listNotifications(db: Queryable, limit = 100): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(`SELECT * FROM notifications ORDER BY id DESC LIMIT $1`, [
    limit,
  ]);
  return rows;
}
