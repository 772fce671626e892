export {
  HOLDS_STOCK,
  ORDER_STATES,
  PRIORITIES,
  CLOSED_STATES,
  SLA_MS,
  TERMINAL_STATES,
  type OrderState,
  type Priority,
} from './states.ts';
export {
  acceptedEvents,
  decide,
  NEXT_STEP,
  type Compensation,
  type Decision,
  type ForwardEvent,
  type OrderEvent,
} from './state-machine.ts';
export { appendOrderEvent, transitionOrder, type TransitionResult } from './transition.ts';
export { holdOrder, releaseHold } from './order-holds.ts';
export { markOrdersViral, setOrderPriority } from './order-priority.ts';
export {
  noteWaiting,
  recordCarrier,
  recordLabel,
  recordRulesDecision,
  recordTrackingStatus,
} from './order-records.ts';
export {
  insertHistoricalOrders,
  insertOrder,
  updateOrderDetail,
  type HistoricalOrder,
  type OrderFields,
  type OrderLineFields,
} from './order-store.ts';
export { loadLines, loadOrder, type OrderRow } from './order-row.ts';
export { getOrderDetail, listOrders, type OrderDetailView, type OrderView } from './order-queries.ts';
export { registerOrderRoutes } from './order-routes.ts';
