import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderDetailBatcher } from '../../src/integrations/tiktok/order-detail-batcher.ts';
import {
  createMemoryBudgetStore,
  createRequestBudget,
} from '../../src/integrations/tiktok/request-budget.ts';
import { createTiktokClient } from '../../src/integrations/tiktok/tiktok-client.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { startTiktokSimulator, type TiktokSimulator } from '../../src/simulators/tiktok/index.ts';
import { ManualTimers, settle } from '../helpers/manual-timers.ts';

let sim: TiktokSimulator;
beforeAll(async () => {
  sim = await startTiktokSimulator();
});
afterAll(async () => {
  await sim.stop();
});

describe('the TikTok client with the request budget and the order detail batcher', () => {
  it('sends no request beyond the budget: 12 calls through a 5-per-second budget reach TikTok 5 at a time', async () => {
    const { credentials } = sim.createShop();
    const [order] = sim.seedOrders(credentials.shopId, 1);
    // Only the budget runs on the manual clock; the client signs with real time, as TikTok expects.
    const clock = new ManualClock();
    const timers = new ManualTimers(clock);
    const budget = createRequestBudget(createMemoryBudgetStore({ limit: 5, windowMs: 1_000 }, clock), {
      sleep: timers.sleepFor('budget'),
    });
    const client = createTiktokClient({
      appKey: sim.appKey,
      appSecret: sim.appSecret,
      apiBaseUrl: sim.url,
      authBaseUrl: sim.authUrl,
      beforeRequest: () => budget.acquire(),
    });
    const base = sim.counters.requestsServed;
    const served = () => sim.counters.requestsServed - base;

    let answered = 0;
    const calls = Array.from({ length: 12 }, () =>
      client.getOrderDetails(credentials, [order!.id]).then((orders) => {
        answered += 1;
        return orders;
      }),
    );
    for (const expected of [5, 10, 12]) {
      await settle(() => answered === expected && (budget.waiting() === 0 || timers.isSleeping('budget')));
      expect(served()).toBe(expected);
      expect(budget.waiting()).toBe(12 - expected);
      if (expected < 12) timers.advance(1_000);
    }
    for (const orders of await Promise.all(calls)) expect(orders.map((o) => o.id)).toEqual([order!.id]);
  });

  it('coalesces 120 concurrent order reads into 3 detail calls at the simulator', async () => {
    const { credentials } = sim.createShop();
    const orders = sim.seedOrders(credentials.shopId, 120);
    const client = createTiktokClient({
      appKey: sim.appKey,
      appSecret: sim.appSecret,
      apiBaseUrl: sim.url,
      authBaseUrl: sim.authUrl,
    });
    const sizes: number[] = [];
    const batcher = createOrderDetailBatcher(client, { onBatch: (size) => sizes.push(size) });
    const base = sim.counters.requestsServed;

    const found = await Promise.all(orders.map((o) => batcher.getOrderDetail(credentials, o.id)));

    expect(found.map((o) => o?.id)).toEqual(orders.map((o) => o.id));
    expect(sizes).toEqual([50, 50, 20]);
    expect(sim.counters.requestsServed - base).toBe(3);
    expect(await batcher.getOrderDetail(credentials, '576400000000000000')).toBeUndefined();
  });
});
