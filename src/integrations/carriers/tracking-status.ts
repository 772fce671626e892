import type { TrackingStatus } from './carrier-port.ts';

/** What a normalised tracking status means for the order and for TikTok (shipping.md's table). */
export interface TrackingMeaning {
  /** The CreatorFlow order state it moves the order to; undefined: no state change. */
  orderState: 'label_generated' | 'shipped' | 'delivered' | undefined;
  /** TikTok's package status; undefined: nothing to push. */
  tiktokStatus: 'AWAITING_COLLECTION' | 'IN_TRANSIT' | 'DELIVERED' | undefined;
  /** Starts the return flow. */
  returnFlow: boolean;
  /** An exception an operator must look at. */
  needsOperator: boolean;
}

export const TRACKING_MEANINGS: Readonly<Record<TrackingStatus, TrackingMeaning>> = {
  pre_transit: {
    orderState: 'label_generated',
    tiktokStatus: 'AWAITING_COLLECTION',
    returnFlow: false,
    needsOperator: false,
  },
  transit: { orderState: 'shipped', tiktokStatus: 'IN_TRANSIT', returnFlow: false, needsOperator: false },
  delivered: { orderState: 'delivered', tiktokStatus: 'DELIVERED', returnFlow: false, needsOperator: false },
  returned: { orderState: undefined, tiktokStatus: undefined, returnFlow: true, needsOperator: false },
  failure: { orderState: undefined, tiktokStatus: undefined, returnFlow: false, needsOperator: true },
  unknown: { orderState: undefined, tiktokStatus: undefined, returnFlow: false, needsOperator: false },
};

/** How far along a status is; tracking never moves backwards, so an older rank is ignored. */
export const TRACKING_RANK: Readonly<Record<TrackingStatus, number>> = {
  unknown: 0,
  pre_transit: 1,
  transit: 2,
  failure: 3,
  returned: 4,
  delivered: 4,
};

/** The normalised status of a Shippo tracking status (PRE_TRANSIT...). */
export function fromShippoTrackingStatus(status: string): TrackingStatus {
  switch (status.toUpperCase()) {
    case 'PRE_TRANSIT':
      return 'pre_transit';
    case 'TRANSIT':
      return 'transit';
    case 'DELIVERED':
      return 'delivered';
    case 'RETURNED':
      return 'returned';
    case 'FAILURE':
      return 'failure';
    default:
      return 'unknown';
  }
}

/** The normalised status of an EasyPost tracker status (in_transit, return_to_sender...). */
export function fromEasyPostTrackingStatus(status: string): TrackingStatus {
  switch (status) {
    case 'pre_transit':
      return 'pre_transit';
    case 'in_transit':
    case 'out_for_delivery':
    case 'available_for_pickup':
      return 'transit';
    case 'delivered':
      return 'delivered';
    case 'return_to_sender':
      return 'returned';
    case 'failure':
    case 'error':
    case 'cancelled':
      return 'failure';
    default:
      return 'unknown';
  }
}
