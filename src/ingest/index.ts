export { createInboxWriter, type InboxEntry, type InboxResult, type InboxWriter } from './inbox-writer.ts';
export {
  countInboxByStatus,
  resumeEventsOfActiveShops,
  resumeEventsOfShop,
  type InboxEvent,
  type InboxOutcome,
} from './inbox-queries.ts';
export { processInboxBatch, type InboxHandler, type InboxProcessorDeps } from './inbox-processor.ts';
export {
  registerTiktokWebhookRoute,
  WEBHOOK_BODY_LIMIT,
  type TiktokWebhookDeps,
  type WebhookEnvelope,
} from './tiktok-webhook-route.ts';
export { registerTiktokIntake } from './tiktok-intake.ts';
export {
  reconcileDueShops,
  reconcileNotificationId,
  reconcileShop,
  startReconciliation,
  type ReconcileDeps,
  type ReconcileOptions,
  type ReconcileResult,
} from './reconciliation.ts';
