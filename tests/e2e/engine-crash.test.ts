import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIORITIES } from '../../src/orders/index.ts';
import { createEffectLedger, expectEachStepOnce, startEngineWorker } from '../helpers/engine-worker.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

/**
 * 5,000 orders drained by a worker process that is killed with SIGKILL several times and restarted,
 * alternating the single-step and the batch worker pool. A child process cannot share an in-memory
 * PGlite, so this runs on PostgreSQL only.
 */
const ORDERS = 5_000;
const KILLS = 6;

let test: TestDatabase;
const postgres = process.env.DATABASE_URL;

describe.skipIf(!postgres)('engine crash safety (PostgreSQL only: DATABASE_URL is unset)', () => {
  beforeAll(async () => {
    test = await createTestDatabase();
    await createEffectLedger(test.db);
    await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
    await test.db.query(
      `INSERT INTO orders (shop_id, order_id, priority, sla_deadline)
       SELECT 's', 'o' || i, ($2::text[])[1 + i % 4], now() FROM generate_series(1, $1) AS i`,
      [ORDERS, PRIORITIES],
    );
    await test.db.query(
      `INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at)
       SELECT shop_id, order_id, priority, now() + interval '1 minute', now() FROM orders`,
    );
  });
  afterAll(() => test?.drop());

  it('every order ships, no step is done twice, and every timeline is the legal path, across SIGKILLs', async () => {
    const shipped = async () =>
      (await test.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE state = 'shipped'`))
        .rows[0]!.n;
    let kills = 0;
    for (let run = 0; ; run++) {
      const worker = await startEngineWorker(test.url!, run % 2 === 0 ? 'batch' : 'single');
      if (kills < KILLS) {
        // Let it make some progress, then kill it mid-flight.
        const before = await shipped();
        await expect
          .poll(shipped, { timeout: 30_000, interval: 20 })
          .toBeGreaterThan(Math.min(ORDERS - 1, before + 100 + run * 37));
        worker.child.kill('SIGKILL');
        await worker.exited;
        kills += 1;
        continue;
      }
      await expect
        .poll(shipped, { timeout: 90_000, interval: 200 })
        .toBe(ORDERS)
        .catch((error: Error) => {
          throw new Error(`${error.message}\nthe last worker's log:\n${worker.output().slice(-4_000)}`);
        });
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      break;
    }
    expect(kills).toBe(KILLS);

    const jobs = await test.db.query(`SELECT * FROM order_jobs`);
    expect(jobs.rows).toEqual([]);
    // Each step's side effect exactly once per order.
    await expectEachStepOnce(test.db, ORDERS);
    // Each timeline: the five transitions of the legal path, once each, in order, no refusals.
    const paths = await test.db.query<{ path: string; n: number }>(
      `SELECT path, count(*)::int AS n FROM (
           SELECT string_agg(coalesce(from_state, '') || '>' || coalesce(to_state, kind), ' ' ORDER BY id) AS path
             FROM order_events GROUP BY order_id) AS p
          GROUP BY path`,
    );
    expect(paths.rows).toEqual([
      {
        path: 'received>validated validated>processing processing>inventory_reserved inventory_reserved>label_generated label_generated>shipped',
        n: ORDERS,
      },
    ]);
    // More than one worker process did the work.
    const workers = await test.db.query<{ n: number }>(
      `SELECT count(DISTINCT worker)::int AS n FROM engine_effects`,
    );
    expect(workers.rows[0]!.n).toBeGreaterThan(KILLS / 2);
  }, 180_000);
});
