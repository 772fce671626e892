import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStock, reserveOrder, setStock } from '../../src/inventory/index.ts';
import { importStock } from '../../src/inventory/stock-import.ts';
import { canLockNow, someoneWaitsForALock } from '../helpers/row-locks.ts';
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

const upload = (csv: string, shop = 's1', contentType = 'text/csv') =>
  app.inject({
    method: 'POST',
    url: `/api/shops/${shop}/inventory/import`,
    headers: { ...AUTH, 'content-type': contentType },
    payload: csv,
  });

async function stock() {
  return (await listStock(test.db, 's1')).map((l) => [
    l.seller_sku,
    l.on_hand,
    l.weight_oz,
    l.low_stock_threshold,
  ]);
}

describe('importing a catalogue as CSV', () => {
  it('creates and updates every SKU of the file, header order and spacing aside', async () => {
    const first = await upload('on_hand, seller_sku ,weight_oz\n10,MUG-RED,12\n5, TEE-M ,\n');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ imported: 2, created: 2, updated: 0 });

    const second = await upload('seller_sku,on_hand,low_stock_threshold\nMUG-RED,40,8\nCAP,3,\n');
    expect(second.json()).toEqual({ imported: 2, created: 1, updated: 1 });
    expect(await stock()).toEqual([
      ['CAP', 3, null, 5],
      ['MUG-RED', 40, '12.00', 8],
      ['TEE-M', 5, null, 5],
    ]);
  });

  it('lists every bad line and imports nothing', async () => {
    const before = await stock();
    const res = await upload(
      'seller_sku,on_hand,weight_oz\nGOOD,1,\nBAD*SKU,2,\nNEG,-1,\nHEAVY,3,-4\nGOOD,5,\n',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.problems).toEqual([
      'line 3: seller_sku use 1-100 letters, digits, spaces and . _ - /',
      'line 4: on_hand must be a whole number',
      'line 5: weight_oz must be a positive number of ounces',
      'line 6: seller_sku GOOD is already on line 2',
    ]);
    expect(await stock()).toEqual(before);
  });

  it('refuses the whole file when a row would go below what orders hold', async () => {
    await upload('seller_sku,on_hand\nHELD,10\n');
    await test.db.transaction((tx) =>
      reserveOrder(tx, { shopId: 's1', orderId: 'o1', lines: [{ sellerSku: 'HELD', quantity: 6 }] }),
    );
    const res = await upload('seller_sku,on_hand\nCAP,99\nHELD,2\n');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/Nothing was imported: HELD: 6 unit\(s\) are reserved/);
    expect((await stock()).find(([sku]) => sku === 'CAP')?.[1]).toBe(3);
  });

  it('explains a missing header, an empty file and a JSON body', async () => {
    expect((await upload('sku,qty\nA,1\n')).json().error.message).toMatch(
      /header must name seller_sku and on_hand/,
    );
    expect((await upload('seller_sku,on_hand\n')).json().error.message).toMatch(/no rows under its header/);
    const json = await app.inject({
      method: 'POST',
      url: '/api/shops/s1/inventory/import',
      headers: AUTH,
      payload: { seller_sku: 'A' },
    });
    expect(json.statusCode).toBe(415);
    expect((await upload('seller_sku,on_hand\nA,1\n', 'nope')).statusCode).toBe(404);
  });
});

// Three transactions at once need three connections: PGlite has one.
describe.skipIf(!process.env.DATABASE_URL)(
  'stock import locks (PostgreSQL only: DATABASE_URL is unset)',
  () => {
    it('takes the SKUs in SKU order, as reservations do, whatever order the file lists them in', async () => {
      await setStock(test.db, { shopId: 's1', sellerSku: 'LOCK-A', onHand: 5 });
      await setStock(test.db, { shopId: 's1', sellerSku: 'LOCK-B', onHand: 5 });
      const row = (sellerSku: string) => ({
        sellerSku,
        onHand: 9,
        weightOz: undefined,
        lowStockThreshold: undefined,
      });

      let imported: ReturnType<typeof importStock> | undefined;
      // An order's reservation holds LOCK-A: the import must wait for it before it takes LOCK-B.
      await test.db.transaction(async (order) => {
        await order.query(
          `SELECT 1 FROM inventory WHERE shop_id = 's1' AND seller_sku = 'LOCK-A' FOR UPDATE`,
        );
        imported = importStock(test.db, 's1', [row('LOCK-B'), row('LOCK-A')]);
        await someoneWaitsForALock(test.db);
        expect(
          await canLockNow(
            test.db,
            `SELECT 1 FROM inventory WHERE shop_id = 's1' AND seller_sku = 'LOCK-B' FOR UPDATE`,
          ),
        ).toBe(true);
      });
      expect(await imported).toEqual({ ok: true, created: 0, updated: 2 });
    });
  },
);
