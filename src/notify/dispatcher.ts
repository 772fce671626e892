import type { Database } from '../db/index.ts';
import {
  isPermanentDeliveryError,
  postSlackMessage,
  type EmailSender,
} from '../integrations/notify/index.ts';
import { retryDelayMs, type RetryPolicy } from '../shared/backoff.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import {
  claimDueNotifications,
  markNotificationFailed,
  markNotificationSent,
  type OutboxRow,
} from './outbox-queries.ts';

export interface DispatchDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Undefined when no SMTP server is configured: e-mail notifications then fail visibly. */
  readonly email: EmailSender | undefined;
}

/** 8 attempts, 5 s doubling to 30 min between them. */
export const NOTIFICATION_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 30 * 60_000,
};

/** Sends every due notification once; returns how many were sent and how many failed this round. */
export async function dispatchDueNotifications(
  deps: DispatchDeps,
  options: { limit?: number } = {},
): Promise<{ sent: number; failed: number }> {
  const due = await claimDueNotifications(deps.db, {
    now: new Date(deps.clock.now()),
    limit: options.limit ?? 50,
    leaseMs: 60_000,
  });
  let sent = 0;
  let failed = 0;
  await Promise.all(
    due.map(async (row) => {
      try {
        await deliver(deps, row);
        await markNotificationSent(deps.db, { id: row.id, now: new Date(deps.clock.now()) });
        sent += 1;
      } catch (error) {
        failed += 1;
        const delay = isPermanentDeliveryError(error) ? null : retryDelayMs(NOTIFICATION_RETRY, row.attempts);
        await markNotificationFailed(deps.db, {
          id: row.id,
          error: describeError(error),
          retryAt: delay === null ? null : new Date(deps.clock.now() + delay),
        });
      }
    }),
  );
  return { sent, failed };
}

async function deliver(deps: DispatchDeps, row: OutboxRow): Promise<void> {
  switch (row.channel) {
    case 'slack':
      return postSlackMessage(row.target, row);
    case 'email':
      if (!deps.email) throw new Error('No SMTP server is configured: set SMTP_URL to send e-mail');
      return deps.email.send({ to: row.target, subject: row.subject, body: row.body, cause: row.cause });
  }
}
