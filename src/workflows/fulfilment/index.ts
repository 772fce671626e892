export { applyTracking, type TrackingUpdate } from './apply-tracking.ts';
export { wakeBackOrdered } from './backorder-wakeup.ts';
export { runDueCompensations } from './compensation-runner.ts';
export {
  createFulfilmentMemo,
  DEFAULT_TUNING,
  type CarrierAccess,
  type ClassifyOrder,
  type FulfilmentDeps,
  type FulfilmentTuning,
  type OrderDecision,
} from './fulfilment-deps.ts';
export { startFulfilment, type RunningFulfilment } from './fulfilment-service.ts';
export { moveOrder } from './order-transitions.ts';
export { syncOrderFromTiktok } from './order-sync.ts';
export { failOrder, runOrderStep } from './run-order-step.ts';
export {
  directTiktokAccess,
  refreshingTiktokAccess,
  storedCredentials,
  type TiktokAccess,
} from './tiktok-access.ts';
export { tiktokEventHandler, type EventHandlerDeps, type NewOrder } from './tiktok-event-handlers.ts';
export { mapTiktokOrder } from './tiktok-order-mapping.ts';
export { rulesClassifier, toOrderDecision } from './rules-classifier.ts';
