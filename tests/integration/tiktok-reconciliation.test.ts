import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  reconcileDueShops,
  reconcileShop,
  startReconciliation,
  type ReconcileDeps,
} from '../../src/ingest/index.ts';
import { leaseShopForReconcile } from '../../src/ingest/reconcile-queries.ts';
import { createTiktokClient } from '../../src/integrations/tiktok/tiktok-client.ts';
import { createTokenRefresher } from '../../src/shops/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { startTiktokSimulator, type TiktokSimulator } from '../../src/simulators/tiktok/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { LEAD_ONLY, registerSimShop } from '../helpers/tiktok-connection.ts';

let test: TestDatabase;
let sim: TiktokSimulator;
let deps: ReconcileDeps;
// TikTok, its client and the reconciler share one clock, so update times are under the test's control.
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  test = await createTestDatabase();
  sim = await startTiktokSimulator({ clock });
  const log = createLogger('silent');
  const tiktok = createTiktokClient({
    appKey: sim.appKey,
    appSecret: sim.appSecret,
    apiBaseUrl: sim.url,
    authBaseUrl: sim.authUrl,
    clock,
    retry: { maxAttempts: 1 },
  });
  deps = {
    db: test.db,
    clock,
    log,
    tiktok,
    tokens: createTokenRefresher({ db: test.db, clock, log, tiktok, notifyRoutes: LEAD_ONLY }),
  };
});
afterAll(async () => {
  await sim.stop();
  await test.drop();
});

interface InboxRow {
  notification_id: string;
  event_type: number;
  status: string;
  payload: {
    type: number;
    shop_id: string;
    data: { order_id: string; order_status: string; update_time: number };
  };
}

async function inboxOf(shopId: string): Promise<InboxRow[]> {
  const { rows } = await test.db.query<InboxRow>(
    `SELECT notification_id, event_type, status, payload FROM webhook_inbox WHERE shop_id = $1 ORDER BY id`,
    [shopId],
  );
  return rows;
}

async function connectedShop(): Promise<string> {
  const created = sim.createShop();
  await registerSimShop(test.db, created);
  return created.shop.id;
}

describe('reconciliation by order search', () => {
  it('recovers orders whose webhooks never came, and a repeat run stores nothing new', async () => {
    const shopId = await connectedShop();
    const seeded = sim.seedOrders(shopId, 130);
    sim.knobs.dropRate = 1;
    const dropped = sim.createOrder(shopId);
    sim.knobs.dropRate = 0;
    expect(sim.droppedWebhooks.some((w) => w.data.order_id === dropped.id)).toBe(true);
    clock.advance(5_000);

    const first = await reconcileShop(deps, shopId, { pageSize: 50 });

    expect(first).toMatchObject({ outcome: 'done', found: 131, stored: 131 });
    const inbox = await inboxOf(shopId);
    expect(inbox).toHaveLength(131);
    expect(new Set(inbox.map((e) => e.payload.data.order_id))).toEqual(
      new Set([...seeded, dropped].map((o) => o.id)),
    );
    for (const event of inbox) {
      expect(event).toMatchObject({ event_type: 1, status: 'pending' });
      expect(event.payload).toMatchObject({ type: 1, shop_id: shopId });
      expect(event.notification_id).toBe(
        `reconcile:${shopId}:${event.payload.data.order_id}:${event.payload.data.update_time}`,
      );
    }

    clock.advance(60_000);
    const repeat = await reconcileShop(deps, shopId, { pageSize: 50 });
    expect(repeat).toMatchObject({ outcome: 'done', stored: 0 });
    expect(await inboxOf(shopId)).toHaveLength(131);
  });

  it('stores a change of an order already seen, once, and moves the watermark to the end of each run', async () => {
    const shopId = await connectedShop();
    const [order] = sim.seedOrders(shopId, 1, { status: 'UNPAID' });
    clock.advance(5_000);
    const first = await reconcileShop(deps, shopId);
    expect(first).toMatchObject({ outcome: 'done', stored: 1 });

    clock.advance(10 * 60_000);
    sim.setOrderStatus(order!.id, 'AWAITING_SHIPMENT', { notify: false });
    clock.advance(5_000);
    const second = await reconcileShop(deps, shopId);
    const third = await reconcileShop(deps, shopId);

    expect(second).toMatchObject({ outcome: 'done', stored: 1 });
    expect(third).toMatchObject({ outcome: 'done', stored: 0 });
    const statuses = (await inboxOf(shopId)).map((e) => e.payload.data.order_status);
    expect(statuses).toEqual(['UNPAID', 'AWAITING_SHIPMENT']);
    const { rows } = await test.db.query<{ watermark: number }>(
      `SELECT watermark FROM reconcile_watermarks WHERE shop_id = $1`,
      [shopId],
    );
    expect(Number(rows[0]!.watermark)).toBe(Math.floor(clock.now() / 1000));
  });

  it('does not re-feed order changes CreatorFlow already processed from their webhooks', async () => {
    const shopId = await connectedShop();
    const [processed, stale, unseen] = sim.seedOrders(shopId, 3);
    // As the inbox processor leaves them: one order at its current update time, one at an older one.
    for (const [order, updateTime] of [
      [processed!, processed!.update_time],
      [stale!, stale!.update_time - 60],
    ] as const) {
      await test.db.query(
        `INSERT INTO orders (shop_id, order_id, sla_deadline, tiktok_update_time) VALUES ($1, $2, now(), $3)`,
        [shopId, order.id, updateTime],
      );
    }
    clock.advance(1_000);

    const run = await reconcileShop(deps, shopId);

    expect(run).toMatchObject({ outcome: 'done', found: 3, stored: 2 });
    expect((await inboxOf(shopId)).map((e) => e.payload.data.order_id).sort()).toEqual(
      [stale!.id, unseen!.id].sort(),
    );
  });

  it("looks back one hour on a shop's first run", async () => {
    const shopId = await connectedShop();
    const now = clock.now();
    clock.set(now - 2 * 3600_000);
    sim.seedOrders(shopId, 1);
    clock.set(now - 30 * 60_000);
    const [recent] = sim.seedOrders(shopId, 1);
    clock.set(now);

    const run = await reconcileShop(deps, shopId);

    expect(run).toMatchObject({ outcome: 'done', found: 1, stored: 1 });
    expect((await inboxOf(shopId)).map((e) => e.payload.data.order_id)).toEqual([recent!.id]);
  });

  it('leaves a shop alone while another process holds its lease, and takes over once the lease runs out', async () => {
    const shopId = await connectedShop();
    sim.seedOrders(shopId, 2);
    const held = await leaseShopForReconcile(test.db, {
      shopId,
      owner: 'other-process',
      now: new Date(clock.now()),
      leaseMs: 60_000,
      notRunSince: null,
    });
    expect(held).toEqual({ watermark: null });

    expect(await reconcileShop(deps, shopId)).toEqual({ outcome: 'skipped', reason: 'leased' });
    expect(await inboxOf(shopId)).toHaveLength(0);

    clock.advance(61_000);
    expect(await reconcileShop(deps, shopId)).toMatchObject({ outcome: 'done', stored: 2 });
  });

  it('two processes reconciling the same shop at the same moment: one runs, the other stands aside', async () => {
    const shopId = await connectedShop();
    sim.seedOrders(shopId, 4);
    clock.advance(1_000);
    // A slow TikTok keeps the first run (and its lease) going while the second one asks.
    sim.knobs.latencyMs = 1_000;
    const results = await Promise.all([
      reconcileShop(deps, shopId, { owner: 'process-a' }),
      reconcileShop(deps, shopId, { owner: 'process-b' }),
    ]).finally(() => (sim.knobs.latencyMs = 0));
    expect(results.map((r) => r.outcome).sort()).toEqual(['done', 'skipped']);
    expect(await inboxOf(shopId)).toHaveLength(4);
  });

  it('a round reconciles each active shop once per interval', async () => {
    const shopId = await connectedShop();
    sim.seedOrders(shopId, 1);
    clock.advance(1_000);
    const round = await reconcileDueShops(deps, { minIntervalMs: 5 * 60_000 });
    expect(round.failed).toBe(0);
    expect(await inboxOf(shopId)).toHaveLength(1);

    sim.seedOrders(shopId, 1);
    clock.advance(60_000);
    await reconcileDueShops(deps, { minIntervalMs: 5 * 60_000 });
    expect(await inboxOf(shopId)).toHaveLength(1);

    clock.advance(5 * 60_000);
    await reconcileDueShops(deps, { minIntervalMs: 5 * 60_000 });
    expect(await inboxOf(shopId)).toHaveLength(2);
  });

  it('skips a de-authorised shop without calling TikTok', async () => {
    const shopId = await connectedShop();
    sim.seedOrders(shopId, 1);
    await test.db.query(`UPDATE shops SET status = 'deauthorized' WHERE shop_id = $1`, [shopId]);
    const served = sim.counters.requestsServed;
    expect(await reconcileShop(deps, shopId)).toEqual({ outcome: 'skipped', reason: 'not authorised' });
    expect(sim.counters.requestsServed).toBe(served);
  });

  it('the scheduler loop reconciles shops by itself and stops cleanly', async () => {
    const shopId = await connectedShop();
    sim.seedOrders(shopId, 3);
    clock.advance(1_000);
    let stored = 0;
    let told = 0;
    const service = startReconciliation(
      { ...deps, onStored: (count) => (told += count) },
      { intervalMs: 5 * 60_000, tickMs: 10 },
    );
    // Wait (up to 10 s) for the loop's first round to store the three orders.
    for (let i = 0; i < 400 && stored < 3; i += 1) {
      stored = (await inboxOf(shopId)).length;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await service.stop();
    expect(stored).toBe(3);
    expect(told).toBe(3);
  });
});
