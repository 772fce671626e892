import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyOrder } from '../../src/rules/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { buildDecisionServer, insertOrders, insertShop } from '../helpers/decision-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
const T = Date.UTC(2026, 10, 25, 12);
const clock = new ManualClock(T);
const at = (minutesAgo: number) => new Date(T - minutesAgo * 60_000);

beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildDecisionServer(test.db, clock);
  await insertShop(test.db, 's1');
  await test.db.query(
    `INSERT INTO inventory (shop_id, seller_sku, on_hand, reserved, weight_oz) VALUES ('s1', 'MUG-RED', 40, 4, 12)`,
  );
  await test.db.query(
    `INSERT INTO customers (shop_id, buyer_user_id) VALUES ('s1', 'vip-buyer'), ('s1', 'fraudster')`,
  );
  await test.db.query(
    `INSERT INTO customer_tags (shop_id, buyer_user_id, tag) VALUES ('s1', 'vip-buyer', 'vip')`,
  );
  await test.db.query(`UPDATE customers SET fraud_orders = 2 WHERE buyer_user_id = 'fraudster'`);
  await insertOrders(test.db, [
    { shopId: 's1', orderId: 'vip-1', at: at(5), buyer: 'vip-buyer', value: 25 },
    { shopId: 's1', orderId: 'big-1', at: at(5), buyer: 'someone', value: 180 },
    // A repeat buyer: three earlier orders, then a small one.
    ...[300, 200, 100].map((m, i) => ({
      shopId: 's1',
      orderId: `rep-old-${i}`,
      at: at(m),
      buyer: 'regular',
      value: 20,
    })),
    { shopId: 's1', orderId: 'rep-new', at: at(2), buyer: 'regular', value: 30 },
    { shopId: 's1', orderId: 'fraud-1', at: at(2), buyer: 'fraudster', value: 500 },
    { shopId: 's1', orderId: 'first-1', at: at(2), buyer: 'newbie', value: 30 },
    // The shop's first order, two days ago: its whole previous day counts as history.
    { shopId: 's1', orderId: 'first-ever', at: at(48 * 60), buyer: 'early-bird', value: 20 },
    // A product selling one an hour that suddenly sells 45 in the hour.
    ...Array.from({ length: 24 }, (_, i) => ({
      shopId: 's1',
      orderId: `hot-base-${i}`,
      at: at(90 + i * 60),
      buyer: `b${i}`,
      lines: [{ sku: 'HOT-1', productId: 'p-hot' }],
    })),
    ...Array.from({ length: 45 }, (_, i) => ({
      shopId: 's1',
      orderId: `hot-${i}`,
      at: at(59 - i),
      buyer: `h${i}`,
      lines: [{ sku: 'HOT-1', productId: 'p-hot' }],
    })),
  ]);
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

const classify = (orderId: string) => classifyOrder({ db: test.db, clock }, { shopId: 's1', orderId });

describe('classifyOrder with the shipped rules', () => {
  it.each([
    ['a VIP-tagged buyer', 'vip-1', 'vip', 'vip-customer'],
    ['an order of $180', 'big-1', 'vip', 'vip-customer'],
    ['a proven repeat buyer with a small order', 'rep-new', 'automated', 'automated-repeat'],
    ['a first order', 'first-1', 'standard', 'standard-default'],
    ['an order of a product selling 45 an hour against one an hour', 'hot-44', 'viral', 'viral-001'],
  ])('%s is %s because %s fired', async (_name, orderId, priority, ruleId) => {
    const d = await classify(orderId);
    expect(d.priority).toBe(priority);
    expect(d.prioritySetBy).toBe(ruleId);
    expect(d.ruleSet).toMatchObject({ shopId: null, version: 1 });
  });

  it('the facts come from the database: value, units, SKUs, destination, stock, customer history', async () => {
    const d = await classify('rep-new');
    expect(d.facts).toMatchObject({
      'order.value': 30,
      'order.units': 1,
      'order.skus': ['MUG-RED'],
      'order.destination_state': 'CA',
      'order.shipping_type': 'SELLER',
      'customer.repeat_orders': 3,
      'customer.lifetime_value': 60,
      'customer.tags': [],
      'customer.past_fraud': false,
      'product.stock': 36,
      'order.weight_grams': 340,
      'demand.active_spike': false,
    });
  });

  it('a product category set over the API is a fact of the product’s orders', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/shops/s1/products/p-mug',
      headers: AUTH,
      payload: { category: 'Kitchen' },
    });
    expect(put.json()).toMatchObject({ product_id: 'p-mug', category: 'kitchen' });
    const d = await classify('vip-1');
    expect(d.facts).toMatchObject({ 'product.category': 'kitchen', 'product.categories': ['kitchen'] });
  });

  it('viral demand is read as orders per hour and percent increase over the previous day', async () => {
    const d = await classify('hot-44');
    expect(d.facts['demand.orders_per_hour']).toBe(45);
    expect(d.facts['demand.velocity_increase']).toBe(4400);
    expect(d.reorders).toEqual([{ multiplier: 2.5, urgent: true, ruleId: 'viral-001' }]);
    expect(d.tags).toContain('viral');
  });

  it("a shop connected 40 minutes ago has no normal yet: its busiest product's orders are not viral", async () => {
    await insertShop(test.db, 's-new');
    await insertOrders(
      test.db,
      Array.from({ length: 45 }, (_, i) => ({
        shopId: 's-new',
        orderId: `new-${i}`,
        at: at(40 - i * 0.5),
        buyer: `n${i}`,
        lines: [{ sku: 'NEW-1', productId: 'p-new' }],
      })),
    );
    const d = await classifyOrder({ db: test.db, clock }, { shopId: 's-new', orderId: 'new-44' });
    expect(d.facts['demand.orders_per_hour']).toBe(45);
    expect(d.facts).not.toHaveProperty('demand.velocity_increase');
    expect(d.priority).toBe('standard');
  });

  it('past fraud holds the order until released, asks for review, and stops there', async () => {
    const d = await classify('fraud-1');
    expect(d).toMatchObject({ manualReview: true, stoppedBy: 'fraud-hold', priority: 'standard' });
    expect(d.holds).toEqual([{ reason: 'fraud', until_released: true, ruleId: 'fraud-hold' }]);
  });

  it('an open spike episode of the product makes its orders viral', async () => {
    await test.db.query(
      `INSERT INTO spike_episodes (shop_id, product_id, detected_by, started_at, peak_per_hour, baseline_per_hour)
       VALUES ('s1', 'p-mug', 'early', $1, 60, 2)`,
      [at(10)],
    );
    const d = await classify('first-1');
    expect(d.facts['demand.active_spike']).toBe(true);
    expect(d).toMatchObject({ priority: 'viral', prioritySetBy: 'active-spike' });
    await test.db.query(`UPDATE spike_episodes SET ended_at = $1 WHERE product_id = 'p-mug'`, [at(1)]);
  });

  it('each classification appends one rules_evaluated entry naming the version, the rules and why', async () => {
    await classify('big-1');
    const { rows } = await test.db.query<{ kind: string; detail: Record<string, unknown> }>(
      `SELECT kind, detail FROM order_events WHERE order_id = 'big-1' ORDER BY id`,
    );
    const last = rows.at(-1);
    expect(last?.kind).toBe('rules_evaluated');
    expect(last?.detail).toMatchObject({ rule_set_version: 1, rule_set_scope: 'global', priority: 'vip' });
    const fired = last?.detail.fired as { id: string; because: { field: string; actual: unknown }[] }[];
    expect(fired[0]?.id).toBe('vip-customer');
    expect(fired[0]?.because).toContainEqual(
      expect.objectContaining({ field: 'order.value', actual: 180, passed: true }),
    );
  });

  it('inside the caller’s transaction, a rollback takes the timeline entry with it', async () => {
    const count = async () =>
      (
        await test.db.query(
          `SELECT 1 FROM order_events WHERE order_id = 'vip-1' AND kind = 'rules_evaluated'`,
        )
      ).rows.length;
    const before = await count();
    await expect(
      test.db.transaction(async (tx) => {
        const d = await classifyOrder({ db: tx, clock }, { shopId: 's1', orderId: 'vip-1' });
        expect(d.priority).toBe('vip');
        throw new Error('the workflow step failed');
      }),
    ).rejects.toThrow('the workflow step failed');
    expect(await count()).toBe(before);
  });

  it('an order that is not stored is NOT_FOUND', async () => {
    await expect(classify('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a shop rule set, once published, is the one that runs and is recorded', async () => {
    const rules = [
      {
        id: 'all-vip',
        name: 'everything is vip',
        category: 'priority_classification',
        priority: 1,
        conditions: [],
        actions: [{ type: 'set_priority', parameters: { new_priority: 'vip' } }],
      },
    ];
    await app.inject({ method: 'POST', url: '/api/rules', headers: AUTH, payload: { shop_id: 's1', rules } });
    await app.inject({
      method: 'POST',
      url: '/api/rules/publish',
      headers: AUTH,
      payload: { shop_id: 's1' },
    });
    const d = await classify('first-1');
    expect(d).toMatchObject({ priority: 'vip', ruleSet: { shopId: 's1', version: 1 } });
  });
});
