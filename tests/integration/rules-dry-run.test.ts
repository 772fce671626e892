import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../src/rules/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { buildDecisionServer, insertOrders, insertShop } from '../helpers/decision-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
const T = Date.UTC(2026, 10, 25, 12);
const clock = new ManualClock(T);

// 30 orders of different buyers, a minute apart: values 10, 20, ... 300; every third goes to NY.
beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildDecisionServer(test.db, clock);
  await insertShop(test.db, 's1');
  await insertOrders(
    test.db,
    Array.from({ length: 30 }, (_, i) => ({
      shopId: 's1',
      orderId: `o${String(i).padStart(2, '0')}`,
      at: new Date(T - (30 - i) * 60_000),
      buyer: `buyer-${i}`,
      value: (i + 1) * 10,
      recipient: { state: i % 3 === 0 ? 'NY' : 'CA', zip: '10001', country: 'US' },
    })),
  );
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

const dryRun = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/rules/dry-run', headers: AUTH, payload: payload as object });

// The defaults with the VIP threshold lowered to $100, NY orders held for address checks, UPS for CA.
const candidate = [
  ...DEFAULT_RULES.filter((r) => r.id !== 'vip-customer'),
  {
    ...DEFAULT_RULES.find((r) => r.id === 'vip-customer'),
    conditions: { field: 'order.value', operator: 'greater_or_equal', value: 100 },
  },
  {
    id: 'ny-address',
    name: 'Check NY addresses',
    category: 'exception_handling',
    priority: 50,
    conditions: { field: 'order.destination_state', operator: 'equals', value: 'NY' },
    actions: [{ type: 'hold', parameters: { reason: 'address', duration_minutes: 30 } }],
  },
  {
    id: 'ca-ups',
    name: 'UPS for California',
    category: 'shipping_optimization',
    priority: 40,
    conditions: { field: 'order.destination_state', operator: 'equals', value: 'CA' },
    actions: [{ type: 'select_carrier', parameters: { carrier: 'ups' } }],
  },
];

describe('dry run', () => {
  it('reports the priorities, holds and carriers a candidate set would change, with examples', async () => {
    const res = await dryRun({ shop_id: 's1', rules: candidate, examples: 3 });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      scope: 's1',
      published_version: 1,
      candidate: 'rules in the request',
      orders: 30,
    });
    // $100..$140 become vip (5 orders); 10 NY orders get a hold; 20 CA orders get UPS.
    expect(r.priority).toEqual({ changed: 5, transitions: { 'standard->vip': 5 } });
    expect(r.holds).toEqual({ changed: 10, added: 10, removed: 0 });
    expect(r.carrier.changed).toBe(20);
    expect(r.changed).toBe(30);
    expect(r.examples).toHaveLength(3);
    expect(r.examples[0]).toMatchObject({
      order_id: 'o29',
      before: { carrier: null },
      after: { carrier: 'ups' },
    });
  });

  it('replays only the newest N orders', async () => {
    const r = (await dryRun({ shop_id: 's1', rules: candidate, limit: 6 })).json();
    expect(r.orders).toBe(6);
    expect(r.priority.changed).toBe(0);
    expect(r.holds.added).toBe(2);
  });

  it('the published set against itself changes nothing', async () => {
    const r = (await dryRun({ shop_id: 's1', rules: DEFAULT_RULES })).json();
    expect(r).toMatchObject({ orders: 30, changed: 0, examples: [] });
  });

  it('without rules it tries the current draft, and says so when there is none', async () => {
    expect((await dryRun({ shop_id: 's1' })).statusCode).toBe(409);
    await app.inject({
      method: 'POST',
      url: '/api/rules',
      headers: AUTH,
      payload: { shop_id: 's1', rules: candidate },
    });
    const r = (await dryRun({ shop_id: 's1' })).json();
    expect(r).toMatchObject({ candidate: 'draft version 1', changed: 30 });
    // Nothing was published by trying.
    const view = (await app.inject({ method: 'GET', url: '/api/rules?shop_id=s1', headers: AUTH })).json();
    expect(view.published).toMatchObject({ shop_id: null, version: 1 });
  });

  it('invalid candidate rules are refused at their field', async () => {
    const res = await dryRun({ rules: [{ ...candidate[0], priority: 'high' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^rules\[0\]\.priority: /);
  });
});
