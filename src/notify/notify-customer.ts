import type { Queryable } from '../db/index.ts';
import { enqueueNotifications } from './outbox-queries.ts';

/**
 * Records an e-mail to a buyer in the outbox, in the caller's transaction; one per cause. The
 * dispatcher sends it like any other notification.
 */
export async function notifyCustomer(
  db: Queryable,
  input: { shopId: string; email: string; cause: string; subject: string; body: string },
  now: Date,
): Promise<number> {
  return enqueueNotifications(
    db,
    [
      {
        cause: input.cause,
        roles: [],
        role: 'customer',
        channel: 'email',
        target: input.email,
        severity: 'info',
        subject: input.subject,
        body: input.body,
        shopId: input.shopId,
      },
    ],
    now,
  );
}
