import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { transitionOrder, type OrderEvent, type OrderState, type Priority } from '../../src/orders/index.ts';
import {
  DEFAULT_LANE_POLICIES,
  enqueueJobs,
  laneDepths,
  LeaseLostError,
  startWorkerPool,
  type LanePolicy,
  type OrderJob,
  type StepOutcome,
} from '../../src/queue/index.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
const log = createLogger('silent');
beforeAll(async () => {
  test = await createTestDatabase();
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
});
afterAll(() => test.drop());
beforeEach(async () => {
  await test.db.query('DELETE FROM orders');
});

const LANES: Priority[] = ['viral', 'vip', 'standard', 'automated'];
const quick = (overrides: Partial<LanePolicy> = {}): Record<Priority, LanePolicy> =>
  Object.fromEntries(
    LANES.map((l) => [l, { ...DEFAULT_LANE_POLICIES[l], baseDelayMs: 5, maxDelayMs: 20, ...overrides }]),
  ) as Record<Priority, LanePolicy>;

async function queueOrders(count: number): Promise<void> {
  await test.db.query(
    `INSERT INTO orders (shop_id, order_id, sla_deadline) SELECT 's', 'o' || i, now() FROM generate_series(1, $1) AS i`,
    [count],
  );
  const now = new Date();
  await enqueueJobs(
    test.db,
    Array.from({ length: count }, (_, i) => ({
      shopId: 's',
      orderId: `o${i + 1}`,
      lane: LANES[i % 4]!,
      deadline: now,
    })),
    now,
  );
}

const NEXT: Partial<Record<OrderState, OrderEvent>> = {
  received: 'validate',
  validated: 'start_processing',
  processing: 'reserve_stock',
  inventory_reserved: 'buy_label',
};

/** A step that moves the order one state on, as the fulfilment workflow will, with no outside work. */
async function advance(job: OrderJob): Promise<StepOutcome> {
  return test.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ state: OrderState }>(
      `SELECT state FROM orders WHERE shop_id = $1 AND order_id = $2 FOR UPDATE`,
      [job.shop_id, job.order_id],
    );
    const event = NEXT[rows[0]!.state];
    if (!event) return { next: 'done' } as const;
    await transitionOrder(tx, { shopId: job.shop_id, orderId: job.order_id, event, at: new Date() });
    return event === 'buy_label' ? ({ next: 'done' } as const) : ({ next: 'continue' } as const);
  });
}

describe('the worker pool', () => {
  it('drives every queued order through its steps, each transition once', async () => {
    await queueOrders(200);
    const pool = await startWorkerPool(
      { db: test.db, clock: systemClock, log, step: advance, giveUp: () => Promise.resolve() },
      { workerId: 'w1', pollMs: 50 },
    );
    try {
      await expect.poll(() => laneDepths(test.db), { timeout: 60_000, interval: 100 }).toEqual([]);
    } finally {
      await pool.stop();
    }
    const { rows } = await test.db.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM orders GROUP BY state`,
    );
    expect(rows).toEqual([{ state: 'label_generated', n: 200 }]);
    const events = await test.db.query<{ n: number; refused: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE kind <> 'transition')::int AS refused FROM order_events`,
    );
    expect(events.rows[0]).toEqual({ n: 800, refused: 0 });
  });

  it("a failing step is retried by its lane's policy, then handed to review once", async () => {
    await queueOrders(8);
    const givenUp: string[] = [];
    let calls = 0;
    const pool = await startWorkerPool(
      {
        db: test.db,
        clock: systemClock,
        log,
        step: () => {
          calls += 1;
          return Promise.reject(new Error('carrier answered 503'));
        },
        giveUp: (job, reason) => {
          givenUp.push(`${job.order_id}: ${reason}`);
          return Promise.resolve();
        },
      },
      { workerId: 'w1', pollMs: 10, policies: quick({ maxAttempts: 3 }) },
    );
    try {
      await expect.poll(() => givenUp.length, { timeout: 60_000, interval: 50 }).toBe(8);
    } finally {
      await pool.stop();
    }
    expect(calls).toBe(24);
    expect(new Set(givenUp).size).toBe(8);
    expect(givenUp[0]).toMatch(/: carrier answered 503$/);
    expect(await laneDepths(test.db)).toEqual([]);
  });

  it('gives up quietly when the order has passed to another claim meanwhile, and leaves its job alone', async () => {
    await queueOrders(1);
    const errors: string[] = [];
    const logged = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
    let gaveUp = false;
    const pool = await startWorkerPool(
      {
        db: test.db,
        clock: systemClock,
        log: logged,
        step: () => Promise.reject(new Error('carrier answered 503')),
        giveUp: (job) => {
          gaveUp = true;
          return Promise.reject(new LeaseLostError(job.order_id, 'w1'));
        },
      },
      { workerId: 'w1', pollMs: 10, policies: quick({ maxAttempts: 1 }) },
    );
    try {
      await expect.poll(() => gaveUp, { timeout: 60_000, interval: 20 }).toBe(true);
    } finally {
      await pool.stop();
    }
    expect(errors).toEqual([]);
    // Not completed: the claim that now holds it finishes it.
    expect(await laneDepths(test.db)).toHaveLength(1);
  });

  it("a step that overruns its lane's timeout is aborted and counted as a failure", async () => {
    await queueOrders(1);
    const givenUp: string[] = [];
    const pool = await startWorkerPool(
      {
        db: test.db,
        clock: systemClock,
        log,
        step: (_job, signal) =>
          new Promise<StepOutcome>((_resolve, reject) =>
            signal.addEventListener('abort', () =>
              reject(new Error(`step aborted: ${String(signal.reason)}`)),
            ),
          ),
        giveUp: (_job, reason) => {
          givenUp.push(reason);
          return Promise.resolve();
        },
      },
      { workerId: 'w1', pollMs: 10, policies: quick({ maxAttempts: 1, timeoutMs: 50 }) },
    );
    try {
      await expect.poll(() => givenUp, { timeout: 30_000, interval: 50 }).toHaveLength(1);
    } finally {
      await pool.stop();
    }
    expect(givenUp[0]).toMatch(/step aborted: .*TimeoutError/);
  });

  it('stop() lets the steps in flight finish and records them', async () => {
    await queueOrders(4);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const pool = await startWorkerPool(
      {
        db: test.db,
        clock: systemClock,
        log,
        step: async (job) => {
          started.push(job.order_id);
          await gate;
          return { next: 'done' };
        },
        giveUp: () => Promise.resolve(),
      },
      { workerId: 'w1', pollMs: 10 },
    );
    await expect.poll(() => started.length, { timeout: 30_000 }).toBe(4);
    const stopped = pool.stop();
    release();
    await stopped;
    expect(await laneDepths(test.db)).toEqual([]);
  });
});
