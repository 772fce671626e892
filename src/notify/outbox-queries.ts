import { columnsOf, type Queryable, type WorkTable } from '../db/index.ts';
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
      ...columnsOf(rows, ['shopId', 'cause', 'role', 'channel', 'target', 'severity', 'subject', 'body']),
      now,
    ],
  );
  return result.rowCount;
}

/**
 * The outbox as a work table (src/db/work-table.ts): due notifications are claimed as 'sending'
 * under a lease (a sender that died leaves them 'sending' until it passes), tried 8 times, 5 s
 * doubling to 30 min apart, then left `failed` with the reason for an operator.
 */
export const OUTBOX_TABLE: WorkTable = {
  table: 'notifications',
  returning: '*',
  leasedStatus: 'sending',
  doneStatus: 'sent',
  doneAtColumn: 'sent_at',
  givenUpStatus: 'failed',
  givenUpIsDone: false,
  retry: { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000, jitter: 'none' },
};

/** The newest notifications, for the operator. */
export async function listNotifications(db: Queryable, limit = 100): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(`SELECT * FROM notifications ORDER BY id DESC LIMIT $1`, [
    limit,
  ]);
  return rows;
}
