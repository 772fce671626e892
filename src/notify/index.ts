export { dispatchDueNotifications, type DispatchDeps } from './dispatcher.ts';
export { startNotificationDispatcher } from './dispatch-loop.ts';
export { notify } from './notify.ts';
export { notifyCustomer } from './notify-customer.ts';
export { listNotifications, type OutboxRow } from './outbox-queries.ts';
export {
  NOTIFY_ROLES,
  parseTargets,
  planNotifications,
  type NotificationRequest,
  type NotifyRole,
  type NotifyRoutes,
  type NotifyTarget,
  type Severity,
} from './routing.ts';
