import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reorderQuantity, reorderSkus, requestPurchaseOrder } from '../../src/inventory/index.ts';
import type { NotifyRoutes } from '../../src/notify/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { buildDecisionServer, insertOrders, insertShop } from '../helpers/decision-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
const routes: NotifyRoutes = {
  team_lead: [],
  devops: [],
  fulfillment_team: [{ channel: 'slack', target: 'https://hooks.example.test/floor' }],
};

beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildDecisionServer(test.db, clock);
  await insertShop(test.db, 's1');
  await test.db.query(
    `INSERT INTO inventory (shop_id, seller_sku, on_hand) VALUES ('s1', 'MUG', 4), ('s1', 'CAP', 0)`,
  );
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

const request = (sellerSku: string, quantity: number, urgent: boolean) =>
  test.db.transaction((tx) =>
    requestPurchaseOrder(tx, routes, {
      shopId: 's1',
      sellerSku,
      quantity,
      urgent,
      reason: 'test',
      now: new Date(clock.now()),
    }),
  );
const targetsOf = async (cause: string) =>
  (
    await test.db.query<{ target: string }>(`SELECT target FROM notifications WHERE cause = $1`, [cause])
  ).rows.map((r) => r.target);

describe('purchase orders', () => {
  it.each([
    [2.5, 40, 100],
    [2.5, 0, 3],
    [1.5, 3, 5],
  ])('%d x %d units of the last day re-orders %d', (multiplier, units, quantity) => {
    expect(reorderQuantity(multiplier, units)).toBe(quantity);
  });

  it('without a supplier, the order goes to the fulfillment team to forward', async () => {
    const { order, created } = await request('MUG', 10, false);
    expect(created).toBe(true);
    expect(order).toMatchObject({
      seller_sku: 'MUG',
      quantity: 10,
      urgent: false,
      status: 'sent',
      supplier_target: null,
    });
    expect(await targetsOf(`purchase-order:${order.id}`)).toEqual(['https://hooks.example.test/floor']);
  });

  it('a second request while one is open orders nothing more; an urgent one upgrades it', async () => {
    const again = await request('MUG', 5, false);
    expect(again).toMatchObject({ created: false, order: { quantity: 10, urgent: false } });
    const urgent = await request('MUG', 25, true);
    expect(urgent).toMatchObject({ created: false, order: { quantity: 25, urgent: true } });
    const { rows } = await test.db.query(
      `SELECT count(*)::int AS n FROM purchase_orders WHERE seller_sku = 'MUG'`,
    );
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('receiving it puts its units on hand and lets the next re-order open', async () => {
    const list = (
      await app.inject({ method: 'GET', url: '/api/purchase-orders?shop_id=s1&status=sent', headers: AUTH })
    ).json();
    const id = list.purchase_orders[0].id as number;
    const res = await app.inject({
      method: 'POST',
      url: `/api/purchase-orders/${id}/received`,
      headers: AUTH,
    });
    expect(res.json().purchase_order.status).toBe('received');
    const stock = await test.db.query(`SELECT on_hand FROM inventory WHERE seller_sku = 'MUG'`);
    expect(stock.rows[0]).toEqual({ on_hand: 29 });
    expect(
      (await app.inject({ method: 'POST', url: `/api/purchase-orders/${id}/cancel`, headers: AUTH }))
        .statusCode,
    ).toBe(409);
    expect((await request('MUG', 7, false)).created).toBe(true);
  });

  it('with a supplier set for the SKU, the order is e-mailed to the supplier', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/shops/s1/supplier',
      headers: AUTH,
      payload: { seller_sku: 'CAP', target: 'mailto:caps@supplier.test' },
    });
    expect(put.statusCode).toBe(200);
    const { order } = await request('CAP', 12, true);
    expect(order.supplier_target).toBe('mailto:caps@supplier.test');
    expect(await targetsOf(`purchase-order:${order.id}`)).toEqual(['caps@supplier.test']);
  });

  it('a supplier that is neither an address nor a URL is refused at the field', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/api/shops/s1/supplier',
      headers: AUTH,
      payload: { target: 'call Bob' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('target: must be one mailto:address or one http(s) webhook URL');
  });

  it('a rule’s re-order orders each SKU by its units of the last day', async () => {
    await test.db.query(
      `INSERT INTO inventory (shop_id, seller_sku, on_hand) VALUES ('s1', 'PEN', 0), ('s1', 'INK', 0)`,
    );
    await insertOrders(test.db, [
      {
        shopId: 's1',
        orderId: 'r1',
        at: new Date(clock.now() - 3_600_000),
        lines: [{ sku: 'PEN', productId: 'p-pen', quantity: 4 }],
      },
      {
        shopId: 's1',
        orderId: 'r2',
        at: new Date(clock.now() - 2 * 86_400_000),
        lines: [{ sku: 'PEN', productId: 'p-pen', quantity: 9 }],
      },
    ]);
    const result = await test.db.transaction((tx) =>
      reorderSkus(tx, routes, {
        shopId: 's1',
        sellerSkus: ['PEN', 'INK', 'PEN'],
        multiplier: 2.5,
        urgent: true,
        reason: 'rule viral-001',
        now: new Date(clock.now()),
      }),
    );
    expect(result.map((r) => [r.order.seller_sku, r.order.quantity, r.created])).toEqual([
      ['INK', 3, true],
      ['PEN', 10, true],
    ]);
  });
});
