import { describe, expect, it } from 'vitest';
import { createOrderDetailBatcher } from './order-detail-batcher.ts';
import type { ShopCredentials, TiktokOrder, TiktokShopApi } from './tiktok-port.ts';

/** A real (in-memory) order detail endpoint that records every call it answers. */
class CountingOrders implements Pick<TiktokShopApi, 'getOrderDetails'> {
  readonly calls: { shopId: string; token: string; ids: readonly string[] }[] = [];
  failNext: Error | undefined;
  constructor(private readonly known: ReadonlyMap<string, ReadonlySet<string>>) {}

  getOrderDetails(shop: ShopCredentials, ids: readonly string[]): Promise<readonly TiktokOrder[]> {
    this.calls.push({ shopId: shop.shopId, token: shop.accessToken, ids });
    if (ids.length > 50) return Promise.reject(new Error(`TikTok refuses ${ids.length} ids; 50 at most`));
    const error = this.failNext;
    this.failNext = undefined;
    if (error) return Promise.reject(error);
    const mine = this.known.get(shop.shopId) ?? new Set();
    return Promise.resolve(ids.filter((id) => mine.has(id)).map((id) => order(id)));
  }
}

function order(id: string): TiktokOrder {
  return { id, status: 'AWAITING_SHIPMENT', update_time: 1 } as unknown as TiktokOrder;
}

const shopA: ShopCredentials = { shopId: 'A', shopCipher: 'cA', accessToken: 'tA' };
const shopB: ShopCredentials = { shopId: 'B', shopCipher: 'cB', accessToken: 'tB' };
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('order detail batcher', () => {
  it('coalesces concurrent requests per shop into one call each, every caller getting its own order', async () => {
    const api = new CountingOrders(
      new Map([
        ['A', new Set(ids('a', 30))],
        ['B', new Set(ids('b', 10))],
      ]),
    );
    const batcher = createOrderDetailBatcher(api);
    const [fromA, fromB] = await Promise.all([
      Promise.all(ids('a', 30).map((id) => batcher.getOrderDetail(shopA, id))),
      Promise.all(ids('b', 10).map((id) => batcher.getOrderDetail(shopB, id))),
    ]);
    expect(api.calls.map((c) => [c.shopId, c.ids.length])).toEqual([
      ['A', 30],
      ['B', 10],
    ]);
    expect(fromA.map((o) => o?.id)).toEqual(ids('a', 30));
    expect(fromB.map((o) => o?.id)).toEqual(ids('b', 10));
  });

  it('never sends more than 50 ids in one call, sending a full batch without waiting for the window', async () => {
    const api = new CountingOrders(new Map([['A', new Set(ids('a', 120))]]));
    // A window far longer than any test: only the 50 limit can send the first two batches.
    const batcher = createOrderDetailBatcher(api, { windowMs: 60_000 });
    const first100 = Promise.all(ids('a', 100).map((id) => batcher.getOrderDetail(shopA, id)));
    const found = await first100;
    expect(api.calls.map((c) => c.ids.length)).toEqual([50, 50]);
    expect(found.every((o, i) => o?.id === `a${i}`)).toBe(true);
  });

  it('answers undefined for an order TikTok does not know, and the known ones alongside it', async () => {
    const api = new CountingOrders(new Map([['A', new Set(['a1'])]]));
    const batcher = createOrderDetailBatcher(api);
    const [known, unknown] = await Promise.all([
      batcher.getOrderDetail(shopA, 'a1'),
      batcher.getOrderDetail(shopA, 'nope'),
    ]);
    expect(known?.id).toBe('a1');
    expect(unknown).toBeUndefined();
  });

  it('fetches an order asked for twice once and answers both callers', async () => {
    const api = new CountingOrders(new Map([['A', new Set(['a1'])]]));
    const batcher = createOrderDetailBatcher(api);
    const both = await Promise.all([
      batcher.getOrderDetail(shopA, 'a1'),
      batcher.getOrderDetail(shopA, 'a1'),
    ]);
    expect(api.calls).toEqual([{ shopId: 'A', token: 'tA', ids: ['a1'] }]);
    expect(both.map((o) => o?.id)).toEqual(['a1', 'a1']);
  });

  it('delivers a failed call to every waiter of that batch, and the next batch starts afresh', async () => {
    const api = new CountingOrders(new Map([['A', new Set(ids('a', 5))]]));
    api.failNext = new Error('TikTok said 36009003');
    const batcher = createOrderDetailBatcher(api);
    const failed = await Promise.allSettled(ids('a', 3).map((id) => batcher.getOrderDetail(shopA, id)));
    expect(failed.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      'TikTok said 36009003',
      'TikTok said 36009003',
      'TikTok said 36009003',
    ]);
    expect((await batcher.getOrderDetail(shopA, 'a4'))?.id).toBe('a4');
  });

  it('sends the newest credentials given for the shop', async () => {
    const api = new CountingOrders(new Map([['A', new Set(['a1', 'a2'])]]));
    const batcher = createOrderDetailBatcher(api);
    await Promise.all([
      batcher.getOrderDetail(shopA, 'a1'),
      batcher.getOrderDetail({ ...shopA, accessToken: 'refreshed' }, 'a2'),
    ]);
    expect(api.calls.map((c) => c.token)).toEqual(['refreshed']);
  });
});
