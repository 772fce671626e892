import { describe, expect, it } from 'vitest';
import {
  TRACKING_MEANINGS,
  fromEasyPostTrackingStatus,
  fromShippoTrackingStatus,
} from './tracking-status.ts';

describe('tracking status mapping (shipping.md table)', () => {
  it.each([
    ['PRE_TRANSIT', 'pre_transit', 'label_generated', 'AWAITING_COLLECTION'],
    ['TRANSIT', 'transit', 'shipped', 'IN_TRANSIT'],
    ['DELIVERED', 'delivered', 'delivered', 'DELIVERED'],
    ['RETURNED', 'returned', undefined, undefined],
    ['FAILURE', 'failure', undefined, undefined],
    ['UNKNOWN', 'unknown', undefined, undefined],
    ['SOMETHING_NEW', 'unknown', undefined, undefined],
  ])('Shippo %s means %s, order state %s, TikTok %s', (shippo, normalised, order, tiktok) => {
    const status = fromShippoTrackingStatus(shippo);
    expect(status).toBe(normalised);
    expect(TRACKING_MEANINGS[status].orderState).toBe(order);
    expect(TRACKING_MEANINGS[status].tiktokStatus).toBe(tiktok);
  });

  it.each([
    ['pre_transit', 'pre_transit'],
    ['in_transit', 'transit'],
    ['out_for_delivery', 'transit'],
    ['available_for_pickup', 'transit'],
    ['delivered', 'delivered'],
    ['return_to_sender', 'returned'],
    ['failure', 'failure'],
    ['error', 'failure'],
    ['cancelled', 'failure'],
    ['unknown', 'unknown'],
  ])('EasyPost %s means %s', (easyPost, normalised) => {
    expect(fromEasyPostTrackingStatus(easyPost)).toBe(normalised);
  });

  it('a failure needs an operator and a return starts the return flow', () => {
    expect(TRACKING_MEANINGS.failure.needsOperator).toBe(true);
    expect(TRACKING_MEANINGS.returned.returnFlow).toBe(true);
  });
});
