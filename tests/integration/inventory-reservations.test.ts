import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  consumeOrder,
  getStock,
  releaseOrder,
  reserveOrder,
  restock,
  setStock,
  type StockLine,
} from '../../src/inventory/index.ts';
import { canLockNow, someoneWaitsForALock } from '../helpers/row-locks.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
});
afterAll(() => test.drop());
beforeEach(async () => {
  await test.db.query('DELETE FROM stock_reservations');
  await test.db.query('DELETE FROM inventory');
});

const reserve = (orderId: string, lines: StockLine[]) =>
  test.db.transaction((tx) => reserveOrder(tx, { shopId: 's', orderId, lines }));
const stock = async (sku: string) => (await getStock(test.db, 's', sku))!;

describe('stock reservations', () => {
  it('reserve all lines of an order or none of them', async () => {
    await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 5 });
    await setStock(test.db, { shopId: 's', sellerSku: 'B', onHand: 1 });
    const result = await reserve('o1', [
      { sellerSku: 'A', quantity: 2 },
      { sellerSku: 'B', quantity: 2 },
    ]);
    expect(result).toEqual({ ok: false, shortages: [{ sellerSku: 'B', requested: 2, available: 1 }] });
    expect((await stock('A')).reserved).toBe(0);
  });

  it('an order with the same SKU on several lines reserves their sum', async () => {
    await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 3 });
    const result = await reserve('o1', [
      { sellerSku: 'A', quantity: 2 },
      { sellerSku: 'A', quantity: 2 },
    ]);
    expect(result.ok).toBe(false);
    expect(
      await reserve('o2', [
        { sellerSku: 'A', quantity: 1 },
        { sellerSku: 'A', quantity: 2 },
      ]),
    ).toEqual({
      ok: true,
      alreadyReserved: false,
    });
    expect(await stock('A')).toMatchObject({ on_hand: 3, reserved: 3, available: 0 });
  });

  it('an unknown SKU is a shortage, not an error', async () => {
    expect(await reserve('o1', [{ sellerSku: 'ghost', quantity: 1 }])).toEqual({
      ok: false,
      shortages: [{ sellerSku: 'ghost', requested: 1, available: 0 }],
    });
  });

  it('reserving twice, releasing twice or consuming twice changes stock once', async () => {
    await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 10 });
    await reserve('o1', [{ sellerSku: 'A', quantity: 4 }]);
    expect(await reserve('o1', [{ sellerSku: 'A', quantity: 4 }])).toEqual({
      ok: true,
      alreadyReserved: true,
    });
    expect(await stock('A')).toMatchObject({ reserved: 4 });
    await consumeOrder(test.db, { shopId: 's', orderId: 'o1' });
    expect(await consumeOrder(test.db, { shopId: 's', orderId: 'o1' })).toEqual([]);
    expect(await reserve('o1', [{ sellerSku: 'A', quantity: 4 }])).toEqual({
      ok: true,
      alreadyReserved: true,
    });
    expect(await stock('A')).toMatchObject({ on_hand: 6, reserved: 0 });

    await reserve('o2', [{ sellerSku: 'A', quantity: 2 }]);
    expect(await releaseOrder(test.db, { shopId: 's', orderId: 'o2' })).toEqual(['A']);
    expect(await releaseOrder(test.db, { shopId: 's', orderId: 'o2' })).toEqual([]);
    expect(await stock('A')).toMatchObject({ on_hand: 6, reserved: 0, available: 6 });
  });

  it('a released order can reserve again on retry', async () => {
    await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 2 });
    await reserve('o1', [{ sellerSku: 'A', quantity: 2 }]);
    await releaseOrder(test.db, { shopId: 's', orderId: 'o1' });
    expect(await reserve('o1', [{ sellerSku: 'A', quantity: 2 }])).toEqual({
      ok: true,
      alreadyReserved: false,
    });
    expect(await stock('A')).toMatchObject({ reserved: 2 });
  });

  it('a stock take below what orders hold is refused', async () => {
    await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 5 });
    await reserve('o1', [{ sellerSku: 'A', quantity: 3 }]);
    expect(await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 2 })).toEqual({
      ok: false,
      reserved: 3,
    });
    expect(await stock('A')).toMatchObject({ on_hand: 5 });
  });

  it('the database itself refuses an oversell written by any other path', async () => {
    await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 1 });
    await expect(test.db.query(`UPDATE inventory SET reserved = 2`)).rejects.toThrow(
      /inventory_never_oversold/,
    );
  });

  it('concurrent orders for the last units never oversell', async () => {
    await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 7 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => reserve(`o${i}`, [{ sellerSku: 'A', quantity: 1 }])),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect(await stock('A')).toMatchObject({ on_hand: 7, reserved: 7, available: 0 });
  });

  it('random concurrent reserve, release, consume and restock never oversell and always balance', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        order: fc.integer({ min: 0, max: 9 }),
        a: fc.nat(3),
        b: fc.nat(3),
      }),
      fc.record({ kind: fc.constant('release' as const), order: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ kind: fc.constant('consume' as const), order: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ kind: fc.constant('restock' as const), units: fc.integer({ min: 1, max: 4 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        await test.db.query('DELETE FROM stock_reservations');
        await test.db.query('DELETE FROM inventory');
        await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 4 });
        await setStock(test.db, { shopId: 's', sellerSku: 'B', onHand: 4 });
        let restocked = 0;
        await Promise.all(
          ops.map(async (o) => {
            const orderId = `o${'order' in o ? o.order : 0}`;
            switch (o.kind) {
              case 'reserve': {
                const lines = [
                  { sellerSku: 'A', quantity: o.a },
                  { sellerSku: 'B', quantity: o.b },
                ].filter((l) => l.quantity > 0);
                if (lines.length > 0) await reserve(orderId, lines);
                return;
              }
              case 'release':
                await releaseOrder(test.db, { shopId: 's', orderId });
                return;
              case 'consume':
                await consumeOrder(test.db, { shopId: 's', orderId });
                return;
              case 'restock':
                restocked += o.units;
                await restock(test.db, { shopId: 's', sellerSku: 'A', units: o.units });
                return;
            }
          }),
        );
        const { rows } = await test.db.query<{
          seller_sku: string;
          on_hand: number;
          reserved: number;
          held: number;
          consumed: number;
        }>(
          `SELECT i.seller_sku, i.on_hand, i.reserved,
                  coalesce(sum(r.quantity) FILTER (WHERE r.status = 'reserved'), 0)::int AS held,
                  coalesce(sum(r.quantity) FILTER (WHERE r.status = 'consumed'), 0)::int AS consumed
             FROM inventory i LEFT JOIN stock_reservations r USING (shop_id, seller_sku)
            GROUP BY i.seller_sku, i.on_hand, i.reserved ORDER BY i.seller_sku`,
        );
        for (const row of rows) {
          expect(row.reserved).toBeLessThanOrEqual(row.on_hand);
          expect(row.reserved).toBe(row.held);
          const initial = 4 + (row.seller_sku === 'A' ? restocked : 0);
          expect(row.on_hand + row.consumed).toBe(initial);
        }
      }),
      { numRuns: 30 },
    );
  });
});

// Three transactions at once need three connections: PGlite has one.
describe.skipIf(!process.env.DATABASE_URL)('stock locks (PostgreSQL only: DATABASE_URL is unset)', () => {
  it('shipping an order locks its SKUs in SKU order, as reservations do, so neither can deadlock the other', async () => {
    // Stored B first: a statement that visits the rows as stored locks B before A.
    await setStock(test.db, { shopId: 's', sellerSku: 'B', onHand: 5 });
    await setStock(test.db, { shopId: 's', sellerSku: 'A', onHand: 5 });
    await test.db.query(
      `INSERT INTO stock_reservations (shop_id, order_id, seller_sku, quantity, status)
       VALUES ('s', 'o1', 'B', 1, 'reserved'), ('s', 'o1', 'A', 1, 'reserved')`,
    );
    await test.db.query(`UPDATE inventory SET reserved = 1 WHERE shop_id = 's'`);

    let shipped: Promise<string[]> | undefined;
    // Another order's reservation holds A; the shipment must then wait for A before it takes B.
    await test.db.transaction(async (other) => {
      await other.query(`SELECT 1 FROM inventory WHERE shop_id = 's' AND seller_sku = 'A' FOR UPDATE`);
      shipped = test.db.transaction(async (tx) => {
        // Whatever plan PostgreSQL picks: here, one that reads the rows as stored.
        await tx.query('SET LOCAL enable_indexscan = off');
        await tx.query('SET LOCAL enable_bitmapscan = off');
        return consumeOrder(tx, { shopId: 's', orderId: 'o1' });
      });
      await someoneWaitsForALock(test.db);
      expect(
        await canLockNow(
          test.db,
          `SELECT 1 FROM inventory WHERE shop_id = 's' AND seller_sku = 'B' FOR UPDATE`,
        ),
      ).toBe(true);
    });
    expect((await shipped!).sort()).toEqual(['A', 'B']);
    expect(await stock('B')).toMatchObject({ on_hand: 4, reserved: 0 });
  });
});
