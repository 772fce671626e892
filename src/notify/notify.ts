import type { Queryable } from '../db/index.ts';
import { enqueueNotifications } from './outbox-queries.ts';
import type { NotifyRoutes } from '../config.ts';
import { planNotifications, type NotificationRequest } from './routing.ts';

/**
 * Records a notification for every target of its roles, in the caller's transaction, so the
 * message exists exactly when the change that caused it does. The dispatcher sends it.
 */
export async function notify(
  db: Queryable,
  routes: NotifyRoutes,
  request: NotificationRequest,
  now: Date,
): Promise<number> {
  return enqueueNotifications(db, planNotifications(routes, request), now);
}
