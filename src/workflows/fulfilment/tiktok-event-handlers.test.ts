import { describe, expect, it } from 'vitest';
import type { InboxEvent } from '../../ingest/index.ts';
import { orderIdsOf } from './tiktok-event-handlers.ts';

function event(type: number, data: unknown): InboxEvent {
  return {
    id: 1,
    source: 'tiktok',
    notification_id: 'n1',
    shop_id: 's1',
    event_type: type,
    payload: { type, shop_id: 's1', data },
    attempts: 1,
    received_at: new Date(),
  };
}

describe('the orders a TikTok event is about', () => {
  it('is the order_id of an order event', () => {
    expect(orderIdsOf(event(1, { order_id: '576', order_status: 'AWAITING_SHIPMENT' }))).toEqual(['576']);
  });

  it('is every order of a package update, each once', () => {
    const data = {
      sc_type: 'COMBINE',
      package_list: [{ order_id_list: ['a', 'b'] }, { order_id_list: ['b', 'c'] }],
    };
    expect(orderIdsOf(event(4, data))).toEqual(['a', 'b', 'c']);
  });

  it('is none for a malformed package list, without throwing', () => {
    const data = { package_list: [null, 7, 'x', { order_id_list: 'a' }, { order_id_list: [1, 'd'] }] };
    expect(orderIdsOf(event(4, data))).toEqual(['d']);
    expect(orderIdsOf(event(1, null))).toEqual([]);
    expect(orderIdsOf(event(1, { order_id: 576 }))).toEqual([]);
  });
});
