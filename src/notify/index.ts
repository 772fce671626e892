export { dispatchDueNotifications, type DispatchDeps } from './dispatcher.ts';
export { startNotificationDispatcher } from './dispatch-loop.ts';
export { notify } from './notify.ts';
export { notifyCustomer } from './notify-customer.ts';
export { listNotifications, type OutboxRow } from './outbox-queries.ts';
export { planNotifications, type NotificationRequest, type Severity } from './routing.ts';
// The routes are configuration (NOTIFY_* variables): defined with the config, offered here too.
export {
  NOTIFY_ROLES,
  parseTargets,
  type NotifyRole,
  type NotifyRoutes,
  type NotifyTarget,
} from '../config.ts';
