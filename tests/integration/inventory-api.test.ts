import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reserveOrder } from '../../src/inventory/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH, buildTestServer } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  test = await createTestDatabase();
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s1', 'c')`);
  app = await buildTestServer(test.db);
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

const put = (sku: string, payload: Record<string, unknown>, shop = 's1') =>
  app.inject({
    method: 'PUT',
    url: `/api/shops/${shop}/inventory/${encodeURIComponent(sku)}`,
    headers: AUTH,
    payload,
  });

describe('the inventory API', () => {
  it('sets stock and lists on hand, reserved and available', async () => {
    expect((await put('MUG-RED', { on_hand: 12, weight_oz: 14.5 })).statusCode).toBe(200);
    await test.db.transaction((tx) =>
      reserveOrder(tx, { shopId: 's1', orderId: 'o1', lines: [{ sellerSku: 'MUG-RED', quantity: 2 }] }),
    );
    const res = await app.inject({ method: 'GET', url: '/api/shops/s1/inventory', headers: AUTH });
    expect(res.json()).toEqual({
      items: [
        expect.objectContaining({
          seller_sku: 'MUG-RED',
          on_hand: 12,
          reserved: 2,
          available: 10,
          weight_oz: '14.50',
        }),
      ],
    });
  });

  it('refuses a stock take below the reserved units with 409 saying what to do', async () => {
    const res = await put('MUG-RED', { on_hand: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/2 unit\(s\) of MUG-RED are reserved/);
  });

  it.each([
    [{ on_hand: -1 }, /^on_hand: /],
    [{ on_hand: 1.5 }, /^on_hand: /],
    [{}, /^on_hand: /],
    [{ on_hand: 3, weight_oz: 0 }, /^weight_oz: /],
  ])('answers 400 naming the field for %j', async (payload, message) => {
    const res = await put('MUG-BLUE', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });

  it('answers 404 for a shop that is not registered', async () => {
    const res = await put('X', { on_hand: 1 }, 'nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/register it with POST \/api\/shops/);
  });
});
