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
  type Compensation,
  type Decision,
  type OrderEvent,
} from './state-machine.ts';
export { appendOrderEvent, transitionOrder, type TransitionResult } from './transition.ts';
export { getOrderDetail, listOrders, type OrderDetailView, type OrderView } from './order-queries.ts';
export { registerOrderRoutes } from './order-routes.ts';
