import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyRoutes } from '../../src/notify/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { actOnSpike } from '../../src/workflows/index.ts';
import {
  createSpikeState,
  recordArrivals,
  startSpikeTicker,
  tickSpikes,
  type SpikeChange,
  type SpikeDeps,
} from '../../src/viral/index.ts';
import {
  buildDecisionServer,
  insertOrders,
  insertShop,
  type TestOrder,
} from '../helpers/decision-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
let deps: SpikeDeps;
const T = Date.UTC(2026, 10, 25, 12);
const clock = new ManualClock(T);
const routes: NotifyRoutes = {
  team_lead: [{ channel: 'email', target: 'lead@shop.test' }],
  devops: [],
  fulfillment_team: [{ channel: 'email', target: 'floor@shop.test' }],
};
const hot = [{ sku: 'HOT-1', productId: 'p-hot' }];
const other = [{ sku: 'OTHER-1', productId: 'p-other' }];
const changes: { call: number; change: SpikeChange }[] = [];
let revealingCall = -1;
const registry = new Registry();

beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildDecisionServer(test.db, clock);
  deps = {
    db: test.db,
    clock,
    log: createLogger('silent'),
    spikes: createSpikeState({}, registry),
    actOnSpike: (spike) => actOnSpike({ db: test.db, clock, notifyRoutes: routes }, spike),
  };
  await insertShop(test.db, 's1');
  await test.db.query(
    `INSERT INTO suppliers (shop_id, seller_sku, target) VALUES ('s1', 'HOT-1', 'mailto:orders@supplier.test')`,
  );
  // A day of steady demand: five orders an hour of each product.
  const history: TestOrder[] = [];
  for (let i = 0; i < 120; i++) {
    const at = new Date(T - 24 * 3_600_000 + i * 12 * 60_000);
    history.push({
      shopId: 's1',
      orderId: `hist-hot-${i}`,
      at,
      buyer: `h${i}`,
      lines: hot,
      state: 'shipped',
    });
    history.push({
      shopId: 's1',
      orderId: `hist-other-${i}`,
      at,
      buyer: `o${i}`,
      lines: other,
      state: 'shipped',
    });
  }
  // Waiting in the queue when the spike starts: three orders of the hot product, two of another, one of both.
  const queued: TestOrder[] = [
    ...[1, 2, 3].map((n) => ({
      shopId: 's1',
      orderId: `q-hot-${n}`,
      at: new Date(T - n * 1000),
      lines: hot,
    })),
    ...[1, 2].map((n) => ({
      shopId: 's1',
      orderId: `q-other-${n}`,
      at: new Date(T - n * 1000),
      lines: other,
    })),
    { shopId: 's1', orderId: 'q-both', at: new Date(T - 500), lines: [...hot, ...other] },
    // Labelled, its job only waiting for the carrier's pickup.
    { shopId: 's1', orderId: 'q-hot-labelled', at: new Date(T - 4000), lines: hot, state: 'label_generated' },
  ].map((o) => ({ ...o, queued: 'standard' as const }));
  await insertOrders(test.db, [...history, ...queued]);

  // Then the product goes viral: an order every five seconds for five minutes, each counted as stored.
  for (let i = 0; i < 60; i++) {
    clock.set(T + i * 5_000);
    await insertOrders(test.db, [
      { shopId: 's1', orderId: `spike-${i}`, at: new Date(clock.now()), lines: hot },
    ]);
    const result = await recordArrivals(deps, [
      { shopId: 's1', productId: 'p-hot', at: new Date(clock.now()) },
    ]);
    for (const change of result) changes.push({ call: i, change });
    if (revealingCall < 0 && result.some((c) => c.kind === 'started')) revealingCall = i;
  }
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

describe('a viral spike', () => {
  it('is detected once, in the call that stored the revealing order, early in the spike', async () => {
    const started = changes.filter((c) => c.change.kind === 'started');
    expect(started).toHaveLength(1);
    expect(revealingCall).toBeGreaterThanOrEqual(0);
    expect(revealingCall).toBeLessThan(20);
    const { rows } = await test.db.query<{ started_at: Date }>(`SELECT started_at FROM spike_episodes`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.started_at.getTime()).toBe(T + revealingCall * 5_000);
  });

  it('moves every queued order of that product still without a label, and only those, to the viral lane at once', async () => {
    const { rows } = await test.db.query<{ order_id: string; lane: string }>(
      `SELECT order_id, lane FROM order_jobs ORDER BY order_id`,
    );
    expect(rows).toEqual([
      { order_id: 'q-both', lane: 'viral' },
      { order_id: 'q-hot-1', lane: 'viral' },
      { order_id: 'q-hot-2', lane: 'viral' },
      { order_id: 'q-hot-3', lane: 'viral' },
      { order_id: 'q-hot-labelled', lane: 'standard' },
      { order_id: 'q-other-1', lane: 'standard' },
      { order_id: 'q-other-2', lane: 'standard' },
    ]);
    const started = changes.find((c) => c.change.kind === 'started')?.change;
    expect(started).toMatchObject({ escalatedJobs: 4 });
    const events = await test.db.query<{ order_id: string; detail: Record<string, unknown> }>(
      `SELECT order_id, detail FROM order_events WHERE kind = 'escalated' ORDER BY order_id`,
    );
    expect(events.rows.map((e) => e.order_id)).toEqual(['q-both', 'q-hot-1', 'q-hot-2', 'q-hot-3']);
    expect(events.rows[0]?.detail).toMatchObject({ from: 'standard', to: 'viral', product_id: 'p-hot' });
  });

  it('creates one urgent purchase order of 2.5x the last day, sent to the SKU’s supplier', async () => {
    const { rows } = await test.db.query<Record<string, unknown>>(
      `SELECT seller_sku, quantity, urgent, status, supplier_target FROM purchase_orders`,
    );
    expect(rows).toHaveLength(1);
    const units = await test.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM order_lines l JOIN orders o USING (shop_id, order_id)
        WHERE l.product_id = 'p-hot' AND o.received_at > $1 AND o.received_at <= $2`,
      [new Date(T + revealingCall * 5_000 - 86_400_000), new Date(T + revealingCall * 5_000)],
    );
    expect(rows[0]).toEqual({
      seller_sku: 'HOT-1',
      quantity: Math.ceil(2.5 * (units.rows[0]?.n ?? 0)),
      urgent: true,
      status: 'sent',
      supplier_target: 'mailto:orders@supplier.test',
    });
    const mail = await test.db.query(`SELECT target FROM notifications WHERE cause LIKE 'purchase-order:%'`);
    expect(mail.rows).toEqual([{ target: 'orders@supplier.test' }]);
  });

  it('counts the episode and how long acting on it took in the process metrics', async () => {
    const text = await registry.metrics();
    expect(text).toContain('creatorflow_viral_spike_episodes_total{event="started"} 1');
    expect(text).toContain('creatorflow_viral_spike_handling_seconds_count 1');
  });

  it('alerts the fulfillment team once, however many orders keep arriving', async () => {
    const { rows } = await test.db.query(
      `SELECT role, target, severity FROM notifications WHERE cause LIKE 'spike:%'`,
    );
    expect(rows).toEqual([{ role: 'fulfillment_team', target: 'floor@shop.test', severity: 'info' }]);
  });

  it('a second process rebuilds from the database and adopts the open episode without acting again', async () => {
    const second: SpikeDeps = { ...deps, spikes: createSpikeState() };
    clock.set(T + 60 * 5_000);
    await insertOrders(test.db, [
      { shopId: 's1', orderId: 'spike-late', at: new Date(clock.now()), lines: hot },
    ]);
    const result = await recordArrivals(second, [
      { shopId: 's1', productId: 'p-hot', at: new Date(clock.now()) },
    ]);
    expect(result).toEqual([]);
    const counts = await test.db.query(
      `SELECT (SELECT count(*)::int FROM spike_episodes) AS episodes,
              (SELECT count(*)::int FROM purchase_orders) AS purchase_orders,
              (SELECT count(*)::int FROM notifications WHERE cause LIKE 'spike:%') AS alerts`,
    );
    expect(counts.rows[0]).toEqual({ episodes: 1, purchase_orders: 1, alerts: 1 });
  });

  it('is listed as active with its peak rate, then as past once demand has been calm', async () => {
    const active = (await app.inject({ method: 'GET', url: '/api/spikes?shop_id=s1', headers: AUTH })).json();
    expect(active.past).toEqual([]);
    expect(active.active).toHaveLength(1);
    expect(active.active[0]).toMatchObject({ product_id: 'p-hot', ended_at: null, escalated_jobs: 4 });
    expect(active.active[0].peak_per_hour).toBeGreaterThan(active.active[0].baseline_per_hour * 10);

    clock.set(T + 2 * 3_600_000);
    await tickSpikes(deps);
    clock.set(T + 2 * 3_600_000 + 20 * 60_000);
    const ended = await tickSpikes(deps);
    expect(ended).toEqual([expect.objectContaining({ kind: 'ended', productId: 'p-hot' })]);
    expect(await tickSpikes(deps)).toEqual([]);

    const after = (await app.inject({ method: 'GET', url: '/api/spikes', headers: AUTH })).json();
    expect(after.active).toEqual([]);
    expect(after.past).toHaveLength(1);
    expect(new Date(after.past[0].ended_at).getTime()).toBeGreaterThan(T + 5 * 60_000);
  });

  it('a steady product in the same shop never opens an episode', async () => {
    clock.set(T + 3 * 3_600_000);
    for (let i = 0; i < 5; i++) {
      clock.advance(12 * 60_000);
      await insertOrders(test.db, [
        { shopId: 's1', orderId: `steady-${i}`, at: new Date(clock.now()), lines: other },
      ]);
      expect(
        await recordArrivals(deps, [{ shopId: 's1', productId: 'p-other', at: new Date(clock.now()) }]),
      ).toEqual([]);
    }
    const { rows } = await test.db.query(`SELECT 1 FROM spike_episodes WHERE product_id = 'p-other'`);
    expect(rows).toHaveLength(0);
  });
});

describe('one call about several products', () => {
  it('counts each product’s orders once, even beside one with no orders stored in the last day', async () => {
    clock.advance(60_000);
    const at = new Date(clock.now());
    const result = await recordArrivals(deps, [
      { shopId: 's1', productId: 'p-other', at },
      { shopId: 's1', productId: 'p-quiet', at },
    ]);
    expect(result).toEqual([]);
    const { rows } = await test.db.query(
      `SELECT product_id FROM spike_episodes WHERE product_id IN ('p-other', 'p-quiet')`,
    );
    expect(rows).toEqual([]);
  });
});

describe('two processes counting the same spike', () => {
  it('open one episode, send one alert and one purchase order between them', async () => {
    await insertShop(test.db, 's2');
    const base = T + 10 * 3_600_000;
    clock.set(base);
    const steady: TestOrder[] = Array.from({ length: 120 }, (_, i) => ({
      shopId: 's2',
      orderId: `s2-hist-${i}`,
      at: new Date(base - 24 * 3_600_000 + i * 12 * 60_000),
      buyer: `x${i}`,
      lines: [{ sku: 'TWIN-1', productId: 'p-twin' }],
      state: 'shipped',
    }));
    await insertOrders(test.db, steady);
    const a: SpikeDeps = { ...deps, spikes: createSpikeState() };
    const b: SpikeDeps = { ...deps, spikes: createSpikeState() };
    const started: SpikeChange[] = [];
    for (let i = 0; i < 30; i++) {
      clock.set(base + i * 4_000);
      const at = new Date(clock.now());
      await insertOrders(test.db, [
        { shopId: 's2', orderId: `s2-spike-${i}`, at, lines: [{ sku: 'TWIN-1', productId: 'p-twin' }] },
      ]);
      // Both processes count every order at the same moment, so both may see the spike start.
      const arrival = [{ shopId: 's2', productId: 'p-twin', at }];
      const results = await Promise.all([recordArrivals(a, arrival), recordArrivals(b, arrival)]);
      started.push(...results.flat().filter((c) => c.kind === 'started'));
    }
    expect(started).toHaveLength(1);
    const counts = await test.db.query(
      `SELECT (SELECT count(*)::int FROM spike_episodes WHERE shop_id = 's2') AS episodes,
              (SELECT count(*)::int FROM purchase_orders WHERE shop_id = 's2') AS purchase_orders,
              (SELECT count(*)::int FROM notifications WHERE shop_id = 's2' AND cause LIKE 'spike:%') AS alerts`,
    );
    expect(counts.rows[0]).toEqual({ episodes: 1, purchase_orders: 1, alerts: 1 });
  });
});

describe('the spike ticker', () => {
  it('closes an episode another process opened once demand has been calm, without new orders', async () => {
    await insertShop(test.db, 's3');
    const base = T + 30 * 3_600_000;
    clock.set(base);
    const { rows } = await test.db.query<{ id: number }>(
      `INSERT INTO spike_episodes (shop_id, product_id, detected_by, started_at, peak_per_hour, baseline_per_hour)
       VALUES ('s3', 'p-calm', 'early', $1, 90, 3) RETURNING id::int AS id`,
      [new Date(base - 60_000)],
    );
    const state = createSpikeState();
    const ticker = startSpikeTicker({ ...deps, spikes: state }, 20);
    const waitFor = async (check: () => Promise<boolean>): Promise<void> => {
      for (let i = 0; i < 250 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      await waitFor(() => Promise.resolve(state.watches.size > 0));
      expect(state.watches.size).toBeGreaterThan(0);
      const ended = async () =>
        (
          await test.db.query(`SELECT 1 FROM spike_episodes WHERE id = $1 AND ended_at IS NOT NULL`, [
            rows[0]?.id,
          ])
        ).rows.length === 1;
      // Calm minutes pass on the clock while the ticker runs; it must close the episode by itself.
      await waitFor(async () => {
        clock.advance(60_000);
        return ended();
      });
      expect(await ended()).toBe(true);
    } finally {
      await ticker.stop();
    }
  });
});

describe('a shop CreatorFlow has only just started watching', () => {
  it('has no spikes until its normal is learned, then the same burst is one', async () => {
    const fresh: SpikeDeps = { ...deps, spikes: createSpikeState() };
    await insertShop(test.db, 's-new');
    const burst = (from: number, tag: string): TestOrder[] =>
      Array.from({ length: 40 }, (_, i) => ({
        shopId: 's-new',
        orderId: `${tag}-${i}`,
        at: new Date(from + i * 1_500),
        buyer: `${tag}${i}`,
        lines: [{ sku: 'NEW-1', productId: 'p-new' }],
      }));
    // Connected a minute ago: forty orders in a minute is not yet anyone's normal to break.
    const connected = clock.now();
    await insertOrders(test.db, [
      {
        shopId: 's-new',
        orderId: 'first',
        at: new Date(connected),
        lines: [{ sku: 'NEW-1', productId: 'p-new' }],
      },
    ]);
    const early = burst(connected + 1_000, 'warm');
    await insertOrders(test.db, early);
    clock.set(connected + 61_000);
    const during = await recordArrivals(fresh, [
      { shopId: 's-new', productId: 'p-new', at: new Date(clock.now()) },
    ]);
    expect(during).toEqual([]);

    // An hour of one order every ten minutes later, the same burst stands out.
    const quiet: TestOrder[] = Array.from({ length: 6 }, (_, i) => ({
      shopId: 's-new',
      orderId: `quiet-${i}`,
      at: new Date(connected + 5 * 60_000 + i * 10 * 60_000),
      buyer: `q${i}`,
      lines: [{ sku: 'NEW-1', productId: 'p-new' }],
    }));
    await insertOrders(test.db, quiet);
    const later = connected + 70 * 60_000;
    clock.set(later);
    await recordArrivals(fresh, [{ shopId: 's-new', productId: 'p-new', at: new Date(later) }]);
    await insertOrders(test.db, burst(later + 1_000, 'spike'));
    clock.set(later + 61_000);
    const after = await recordArrivals(fresh, [
      { shopId: 's-new', productId: 'p-new', at: new Date(clock.now()) },
    ]);
    expect(after.map((c) => c.kind)).toEqual(['started']);
  });
});
