import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitionOrder } from '../../src/orders/index.ts';
import { holdLease } from '../../src/queue/index.ts';
import { removeEndedJobs } from '../../bench/engine/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { actOnSpike } from '../../src/workflows/index.ts';
import { insertOrders, insertShop } from '../helpers/decision-fixtures.ts';
import { someoneWaitsForALock } from '../helpers/row-locks.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

// Two transactions at once need two connections: PGlite has one.
const postgres = Boolean(process.env.DATABASE_URL);
const T = Date.UTC(2026, 10, 26, 12);

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test?.drop());

describe.skipIf(!postgres)(
  'the order in which rows are locked (PostgreSQL only: DATABASE_URL is unset)',
  () => {
    it('a spike escalating an order whose step is writing waits for the step instead of deadlocking with it', async () => {
      await insertShop(test.db, 's1');
      await insertOrders(test.db, [
        {
          shopId: 's1',
          orderId: 'o1',
          at: new Date(T - 1000),
          lines: [{ sku: 'HOT-1', productId: 'p-hot' }],
          state: 'validated',
          queued: 'standard',
        },
      ]);
      const lockedUntil = new Date(Date.now() + 60_000);
      await test.db.query(`UPDATE order_jobs SET locked_by = 'w1', locked_until = $1 WHERE order_id = 'o1'`, [
        lockedUntil,
      ]);
      const deps = {
        db: test.db,
        clock: new ManualClock(T),
        notifyRoutes: { team_lead: [], devops: [], fulfillment_team: [] },
      };

      let spike: ReturnType<typeof actOnSpike> | undefined;
      // The rules step: its lease fence locks the order, then it moves the order's job to another lane.
      await test.db.transaction(async (tx) => {
        await holdLease(tx, { shopId: 's1', orderId: 'o1', workerId: 'w1', lockedUntil });
        spike = actOnSpike(deps, {
          shopId: 's1',
          productId: 'p-hot',
          detectedBy: 'threshold',
          startedAt: new Date(T),
          rates: { lastHour: 60, baselinePerHour: 5, peakPerHour: 60 },
        });
        await someoneWaitsForALock(test.db);
        await tx.query(`UPDATE order_jobs SET lane = 'vip' WHERE shop_id = 's1' AND order_id = 'o1'`);
      });

      expect(await spike).toMatchObject({ opened: true, escalatedJobs: 1 });
      const { rows } = await test.db.query<{ priority: string; lane: string }>(
        `SELECT o.priority, j.lane FROM orders o JOIN order_jobs j USING (shop_id, order_id) WHERE o.order_id = 'o1'`,
      );
      expect(rows).toEqual([{ priority: 'viral', lane: 'viral' }]);
    });

    it('removing the job of an order found ended waits for an operator retrying it, and then leaves the job', async () => {
      await insertShop(test.db, 's2');
      await insertOrders(test.db, [
        {
          shopId: 's2',
          orderId: 'o2',
          at: new Date(T - 1000),
          lines: [{ sku: 'SKU-2', productId: 'p-2' }],
          state: 'failed',
          queued: 'standard',
        },
      ]);
      const lockedUntil = new Date(Date.now() + 60_000);
      await test.db.query(`UPDATE order_jobs SET locked_by = 'w1', locked_until = $1 WHERE order_id = 'o2'`, [
        lockedUntil,
      ]);

      let removal: ReturnType<typeof removeEndedJobs> | undefined;
      // The operator's retry holds the order, moving it back to work, while a batch step found it failed.
      await test.db.transaction(async (tx) => {
        await transitionOrder(tx, { shopId: 's2', orderId: 'o2', event: 'retry', at: new Date(T) });
        removal = removeEndedJobs(test.db, {
          jobs: [{ shopId: 's2', orderId: 'o2', workerId: 'w1', lockedUntil }],
          endStates: ['shipped', 'delivered', 'failed', 'cancelled'],
        });
        await someoneWaitsForALock(test.db);
      });

      expect(await removal).toEqual([{ shop_id: 's2', order_id: 'o2', state: 'processing', removed: false }]);
      const { rows } = await test.db.query(`SELECT order_id FROM order_jobs WHERE order_id = 'o2'`);
      expect(rows).toEqual([{ order_id: 'o2' }]);
    });
  },
);
