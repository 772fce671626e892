export { applyOperatorAction, type OperatorAction } from './operator-actions.ts';
export { registerOperatorActionRoutes } from './operator-routes.ts';
export { actOnSpike } from './spike-response.ts';
export {
  createFulfilmentMemo,
  DEFAULT_TUNING as DEFAULT_FULFILMENT_TUNING,
  directTiktokAccess,
  moveOrder,
  refreshingTiktokAccess,
  runDueCompensations,
  runOrderStep,
  rulesClassifier,
  startFulfilment,
  storedCredentials,
  wakeBackOrdered,
  type CarrierAccess,
  type ClassifyOrder,
  type EventHandlerDeps,
  type FulfilmentDeps,
  type FulfilmentTuning,
  type NewOrder,
  type OrderDecision,
  type RunningFulfilment,
  type TiktokAccess,
} from './fulfilment/index.ts';
