import { workDueRows, type Database } from '../db/index.ts';
import {
  isPermanentDeliveryError,
  postSlackMessage,
  type EmailSender,
} from '../integrations/notify/index.ts';
import type { Clock } from '../shared/clock.ts';
import { OUTBOX_TABLE, type OutboxRow } from './outbox-queries.ts';

export interface DispatchDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** Undefined when no SMTP server is configured: e-mail notifications then fail visibly. */
  readonly email: EmailSender | undefined;
}

/**
 * Sends every due notification once; returns how many were sent and how many failed this round. A
 * failed one is retried with backoff, or left failed at once when the channel refused it for good.
 */
export async function dispatchDueNotifications(
  deps: DispatchDeps,
  options: { limit?: number } = {},
): Promise<{ sent: number; failed: number }> {
  const round = await workDueRows<OutboxRow, void>(
    deps,
    OUTBOX_TABLE,
    { limit: options.limit ?? 50, leaseMs: 60_000 },
    { run: (row) => deliver(deps, row), isFinal: isPermanentDeliveryError },
  );
  return { sent: round.done, failed: round.failed };
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
