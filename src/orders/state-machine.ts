import type { OrderState } from './states.ts';

/** What can happen to an order. */
export type OrderEvent =
  | 'validate' //          detail read and checked
  | 'start_processing' //  rules applied, work begins
  | 'reserve_stock' //     every line's stock reserved
  | 'buy_label' //         a carrier label bought (or TikTok's package shipped)
  | 'ship' //              the carrier scanned the parcel
  | 'deliver' //           the carrier delivered it
  | 'fail' //              a step failed for good (attempts spent, or a permanent error)
  | 'retry' //             an operator or the engine tries a failed order again
  | 'cancel' //            cancelled by the buyer or an operator where the design allows it
  | 'tiktok_cancel'; //    TikTok cancelled the order (honoured anywhere before it ships)

/** Undo work that a transition leaves behind, run in reverse order of how the work was done. */
export type Compensation = 'void_label' | 'release_stock' | 'cancel_on_tiktok' | 'notify_operator';

export type Decision =
  | {
      readonly ok: true;
      readonly from: OrderState;
      readonly to: OrderState;
      readonly compensations: readonly Compensation[];
    }
  | { readonly ok: false; readonly from: OrderState; readonly event: OrderEvent; readonly reason: string };

type Rule = { to: OrderState; compensations?: readonly Compensation[] };

/**
 * The whole lifecycle in one table: for each state, the events it accepts. An event missing here
 * is refused as a value. Compensations are listed in the order they run (newest work undone first).
 */
const TRANSITIONS: Readonly<Record<OrderState, Partial<Record<OrderEvent, Rule>>>> = {
  received: {
    validate: { to: 'validated' },
    fail: { to: 'failed' },
    tiktok_cancel: { to: 'cancelled' },
  },
  validated: {
    start_processing: { to: 'processing' },
    // Cancelled here, the order must be cancelled at TikTok too, or TikTok still expects a parcel.
    cancel: { to: 'cancelled', compensations: ['cancel_on_tiktok'] },
    tiktok_cancel: { to: 'cancelled' },
  },
  processing: {
    reserve_stock: { to: 'inventory_reserved' },
    fail: { to: 'failed' },
    tiktok_cancel: { to: 'cancelled' },
  },
  inventory_reserved: {
    buy_label: { to: 'label_generated' },
    fail: { to: 'failed', compensations: ['release_stock'] },
    tiktok_cancel: { to: 'cancelled', compensations: ['release_stock'] },
  },
  label_generated: {
    ship: { to: 'shipped' },
    fail: { to: 'failed', compensations: ['void_label', 'release_stock'] },
    tiktok_cancel: { to: 'cancelled', compensations: ['void_label', 'release_stock'] },
  },
  shipped: {
    deliver: { to: 'delivered' },
    // The parcel is gone: nothing can be voided or released, so a person takes it from here.
    cancel: { to: 'cancelled', compensations: ['notify_operator'] },
  },
  delivered: {},
  failed: {
    retry: { to: 'processing' },
    tiktok_cancel: { to: 'cancelled' },
  },
  cancelled: {},
};

/**
 * The one step table: for each state an order moves on from by its own work, the event that moves
 * it one step on towards delivery. The worker runs the step that performs this event (the fulfilment
 * workflow maps each event to its step); states without one wait for a person or have ended.
 */
export const NEXT_STEP: Readonly<Partial<Record<OrderState, ForwardEvent>>> = {
  received: 'validate',
  validated: 'start_processing',
  processing: 'reserve_stock',
  inventory_reserved: 'buy_label',
  label_generated: 'ship',
  shipped: 'deliver',
};

/** The events by which an order moves forward on its own. */
export type ForwardEvent =
  'validate' | 'start_processing' | 'reserve_stock' | 'buy_label' | 'ship' | 'deliver';

/**
 * Decides what `event` does to an order in `state`. Pure and total: an illegal or stale event is
 * a refusal value (for the timeline), never an exception.
 *
 * @example
 *   decide('label_generated', 'tiktok_cancel')
 *   // { ok: true, from: 'label_generated', to: 'cancelled', compensations: ['void_label', 'release_stock'] }
 */
export function decide(state: OrderState, event: OrderEvent): Decision {
  const rule = TRANSITIONS[state][event];
  if (!rule) {
    return { ok: false, from: state, event, reason: refusalReason(state, event) };
  }
  return { ok: true, from: state, to: rule.to, compensations: rule.compensations ?? [] };
}

/** The events an order in `state` accepts, for the operator's buttons. */
export function acceptedEvents(state: OrderState): OrderEvent[] {
  return Object.keys(TRANSITIONS[state]) as OrderEvent[];
}

function refusalReason(state: OrderState, event: OrderEvent): string {
  if (state === 'delivered' || state === 'cancelled') return `the order is already ${state}`;
  if (event === 'tiktok_cancel' || event === 'cancel') {
    return `an order that is ${state} cannot be cancelled; it has already shipped or is past cancelling`;
  }
  return `"${event}" does not apply to an order that is ${state}`;
}
