import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/db/index.ts';
import { transitionOrder, type OrderEvent, type OrderState } from '../../src/orders/index.ts';
import { claimJobs, enqueueJobs, laneDepths, startWorkerPool } from '../../src/queue/index.ts';
import {
  lifecycleStep,
  lifecycleStepBatch,
  openAsyncCommits,
  settleAndClaimJobs,
  startBatchWorkerPool,
  transitionOrders,
  type AsyncCommitDatabase,
  type AsyncCommitQueryOptions,
} from '../../bench/engine/index.ts';
import { ManualClock, systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
/** The test database with the batch pool's asynchronous commits. */
let batchDb: AsyncCommitDatabase;
const log = createLogger('silent');
beforeAll(async () => {
  test = await createTestDatabase();
  batchDb = await openAsyncCommits(test.db, test.url);
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
});
afterAll(async () => {
  await batchDb?.close();
  await test.drop();
});
beforeEach(async () => {
  await test.db.query('DELETE FROM orders');
});

async function addOrders(ids: readonly string[], state: OrderState = 'received'): Promise<void> {
  await test.db.query(
    `INSERT INTO orders (shop_id, order_id, state, sla_deadline) SELECT 's', id, $2, now() FROM unnest($1::text[]) AS id`,
    [ids, state],
  );
}

async function queue(ids: readonly string[]): Promise<void> {
  const now = new Date();
  const lanes = ['viral', 'vip', 'standard', 'automated'] as const;
  await enqueueJobs(
    test.db,
    ids.map((orderId, i) => ({ shopId: 's', orderId, lane: lanes[i % 4]!, deadline: now })),
    now,
  );
}

/** Each order's timeline as comparable rows (without ids, which differ between runs). */
async function timelines(): Promise<unknown[]> {
  const { rows } = await test.db.query(
    `SELECT order_id, kind, from_state, to_state, detail FROM order_events ORDER BY order_id, id`,
  );
  return rows;
}

describe('batched transitions', () => {
  const cases: { id: string; state: OrderState; event: OrderEvent }[] = [
    { id: 'a', state: 'received', event: 'validate' },
    { id: 'b', state: 'label_generated', event: 'tiktok_cancel' }, // with compensations
    { id: 'c', state: 'shipped', event: 'reserve_stock' }, // refused by the table
    { id: 'd', state: 'delivered', event: 'cancel' }, // refused: terminal
  ];

  it('record exactly what transitionOrder records, refusals and compensations included', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    for (const c of cases) await addOrders([c.id], c.state);
    const one = [];
    for (const c of cases) {
      one.push(await transitionOrder(test.db, { shopId: 's', orderId: c.id, event: c.event, at }));
    }
    one.push(await transitionOrder(test.db, { shopId: 's', orderId: 'missing', event: 'validate', at }));
    const singly = { results: one, timelines: await timelines() };

    await test.db.query('DELETE FROM orders');
    for (const c of cases) await addOrders([c.id], c.state);
    const batched = await transitionOrders(test.db, {
      items: [
        ...cases.map((c) => ({ shopId: 's', orderId: c.id, event: c.event })),
        { shopId: 's', orderId: 'missing', event: 'validate' as const },
      ],
      at,
    });
    expect({ results: batched, timelines: await timelines() }).toEqual(singly);
  });

  it('a state read before a concurrent change is refused as stale, not applied', async () => {
    await addOrders(['x']);
    await test.db.query(`UPDATE orders SET state = 'failed' WHERE order_id = 'x'`);
    const [result] = await transitionOrders(test.db, {
      items: [{ shopId: 's', orderId: 'x', event: 'validate', from: 'received' }],
      at: new Date(),
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('stale') as unknown });
    const { rows } = await test.db.query<{ state: string }>(`SELECT state FROM orders WHERE order_id = 'x'`);
    expect(rows[0]!.state).toBe('failed');
    expect(await timelines()).toMatchObject([{ kind: 'transition_refused', from_state: 'received' }]);
  });
});

describe('fenced batched transitions', () => {
  it('change nothing and record nothing for an order whose job another worker now leases', async () => {
    await addOrders(['mine', 'theirs', 'free']);
    await queue(['mine', 'theirs']);
    await test.db.query(`UPDATE order_jobs SET locked_by = 'w1' WHERE order_id = 'mine'`);
    await test.db.query(`UPDATE order_jobs SET locked_by = 'w2' WHERE order_id = 'theirs'`);
    const results = await transitionOrders(test.db, {
      items: ['mine', 'theirs', 'free'].map((orderId) => ({
        shopId: 's',
        orderId,
        event: 'validate' as const,
        from: 'received' as const,
        ...(orderId === 'free' ? {} : { leaseHolder: 'w1' }),
      })),
      at: new Date(),
    });
    expect(results).toEqual([
      { ok: true, from: 'received', to: 'validated', compensations: [] },
      { ok: false, lost: true },
      { ok: true, from: 'received', to: 'validated', compensations: [] },
    ]);
    const { rows } = await test.db.query(`SELECT order_id, state FROM orders ORDER BY order_id`);
    expect(rows).toEqual([
      { order_id: 'free', state: 'validated' },
      { order_id: 'mine', state: 'validated' },
      { order_id: 'theirs', state: 'received' },
    ]);
    expect(await timelines()).toMatchObject([
      { order_id: 'free', kind: 'transition' },
      { order_id: 'mine', kind: 'transition' },
    ]);
  });

  it('leave every index on orders free of `state` and keep an order in one group up to shipped, so every step is a HOT update', async () => {
    // Any index whose key, expression or predicate reads `state` makes each state change rewrite an
    // entry in every index on orders; the order list filters on the generated `state_group` instead.
    const { rows } = await test.db.query<{ index: string }>(
      `SELECT i.indexrelid::regclass::text AS index
         FROM pg_index i
        WHERE i.indrelid = 'orders'::regclass
          AND ((SELECT attnum FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'state') = ANY (i.indkey)
               OR coalesce(pg_get_expr(i.indexprs, i.indrelid), '') ~ '\\mstate\\M'
               OR coalesce(pg_get_expr(i.indpred, i.indrelid), '') ~ '\\mstate\\M')`,
    );
    expect(rows).toEqual([]);
    await addOrders(['g']);
    const group = async () =>
      (await test.db.query<{ state_group: string }>(`SELECT state_group FROM orders WHERE order_id = 'g'`))
        .rows[0]!.state_group;
    expect(await group()).toBe('open');
    for (const event of ['validate', 'start_processing', 'reserve_stock', 'buy_label', 'ship'] as const) {
      await transitionOrders(test.db, { items: [{ shopId: 's', orderId: 'g', event }], at: new Date() });
      expect(await group()).toBe('open');
    }
    await transitionOrders(test.db, {
      items: [{ shopId: 's', orderId: 'g', event: 'deliver' }],
      at: new Date(),
    });
    expect(await group()).toBe('delivered');
  });

  it('keep every state change a HOT update when one statement moves every order on the same pages', async () => {
    // Orders that arrive together share pages and are stepped in one batch, so every row of a page
    // needs room for its next version on that page at once (migration 0012: pages half full; with
    // pages 80% full, three in four of these changes missed the page). Only the first step is
    // checked: whether a later step finds the previous versions pruned depends on every transaction
    // running on the server (an older one, in any database, keeps them), not on this table.
    await test.db.query('TRUNCATE orders CASCADE');
    const ids = Array.from({ length: 300 }, (_, n) => `page-${String(n).padStart(3, '0')}`);
    await addOrders(ids);
    const { rows: pages } = await test.db.query<{ pages: number }>(
      `SELECT count(DISTINCT (ctid::text::point)[0])::int AS pages FROM orders`,
    );
    expect(pages[0]!.pages).toBeGreaterThan(2);
    const counts = await test.db.transaction(async (tx) => {
      // The backend's counts of updates not yet reported, this transaction's included.
      const updates = async () =>
        (
          await tx.query<{ updated: number; hot: number }>(
            `SELECT pg_stat_get_xact_tuples_updated('orders'::regclass)::int AS updated,
                    pg_stat_get_xact_tuples_hot_updated('orders'::regclass)::int AS hot`,
          )
        ).rows[0]!;
      const before = await updates();
      const results = await transitionOrders(tx, {
        items: ids.map((orderId) => ({ shopId: 's', orderId, event: 'validate' as const })),
        at: new Date(),
      });
      expect(results.every((r) => r.ok)).toBe(true);
      const after = await updates();
      return { updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
    expect(counts).toEqual({ updated: ids.length, hot: ids.length });
  });
});

describe('lifecycle steps', () => {
  it('a batch records nothing for a job whose lease another worker took over', async () => {
    await addOrders(['p', 'q']);
    await queue(['p', 'q']);
    const clock = new ManualClock(Date.now());
    const mine = [
      ...(await claimJobs(test.db, {
        lane: 'viral',
        limit: 1,
        workerId: 'old',
        leaseMs: 1,
        now: new Date(clock.now()),
      })),
      ...(await claimJobs(test.db, {
        lane: 'vip',
        limit: 1,
        workerId: 'old',
        leaseMs: 60_000,
        now: new Date(clock.now()),
      })),
    ];
    expect(mine.map((j) => j.order_id)).toEqual(['p', 'q']);
    // p's lease passes and another worker claims it.
    const later = new Date(clock.now() + 10);
    await claimJobs(test.db, { lane: 'viral', limit: 1, workerId: 'new', leaseMs: 60_000, now: later });

    const outcomes = await lifecycleStepBatch({ db: batchDb, clock })(mine);
    expect(outcomes).toEqual([{ next: 'lost' }, { next: 'continue' }]);
    const { rows } = await test.db.query(`SELECT order_id, state FROM orders ORDER BY order_id`);
    expect(rows).toEqual([
      { order_id: 'p', state: 'received' },
      { order_id: 'q', state: 'validated' },
    ]);
  });

  it('a copy of a job from an older claim of the same worker steps nothing and settles nothing: only the latest claim counts', async () => {
    await addOrders(['k']);
    await queue(['k']);
    const clock = new ManualClock(Date.now());
    const claim = (leaseMs: number) =>
      settleAndClaimJobs(batchDb, {
        workerId: 'w1',
        now: new Date(clock.now()),
        finished: [],
        released: [],
        claims: [{ lane: 'viral', limit: 1, leaseMs }],
      });
    // The worker still holds a copy of its first claim when, that lease passed, it claims the job again.
    const [older] = await claim(1);
    clock.advance(10);
    const [newer] = await claim(60_000);
    const step = lifecycleStepBatch({ db: batchDb, clock });
    expect(await step([older!])).toEqual([{ next: 'lost' }]);
    // Given both, it steps the latest claim's copy.
    expect(await step([newer!, older!])).toEqual([{ next: 'continue' }, { next: 'lost' }]);
    // The older copy's hand-back (as the pool records it) does not free the newer claim.
    const back = {
      shopId: 's',
      orderId: 'k',
      lockedUntil: older!.locked_until,
      runAt: new Date(clock.now()),
    };
    await settleAndClaimJobs(batchDb, {
      workerId: 'w1',
      now: new Date(clock.now()),
      finished: [back],
      released: [back],
      claims: [],
    });
    const { rows } = await test.db.query<{ state: string; locked_until: Date }>(
      `SELECT o.state, j.locked_until FROM orders o JOIN order_jobs j USING (shop_id, order_id)`,
    );
    expect(rows).toEqual([{ state: 'validated', locked_until: newer!.locked_until }]);
    expect(await timelines()).toMatchObject([{ order_id: 'k', kind: 'transition', to_state: 'validated' }]);
  });

  it('a batch started from a state that changed since the claim is refused as stale, changes nothing, and reads the order again', async () => {
    await addOrders(['r']);
    await queue(['r']);
    const clock = new ManualClock(Date.now());
    const [job] = await claimJobs(test.db, {
      lane: 'viral',
      limit: 1,
      workerId: 'w1',
      leaseMs: 60_000,
      now: new Date(clock.now()),
    });
    // The claim saw `received`; TikTok cancels the order before the step runs.
    await transitionOrders(test.db, {
      items: [{ shopId: 's', orderId: 'r', event: 'tiktok_cancel' }],
      at: new Date(),
    });
    const step = lifecycleStepBatch({ db: batchDb, clock });
    const claimed = { ...job!, order_state: 'received' as const };
    // Refused and recorded, but no failure: it costs no attempt.
    expect(await step([claimed])).toEqual([{ next: 'continue' }]);
    const { rows } = await test.db.query(`SELECT state FROM orders WHERE order_id = 'r'`);
    expect(rows).toEqual([{ state: 'cancelled' }]);
    const refusals = await test.db.query<{ reason: string }>(
      `SELECT detail->>'reason' AS reason FROM order_events WHERE order_id = 'r' AND kind = 'transition_refused'`,
    );
    expect(refusals.rows).toEqual([{ reason: expect.stringContaining('stale') as unknown }]);
    // The next step reads the order again: cancelled, nothing left to do, so that step removes the job.
    expect(await step([claimed])).toEqual([{ next: 'finished' }]);
    expect((await test.db.query(`SELECT 1 FROM order_jobs WHERE order_id = 'r'`)).rows).toEqual([]);
  });

  it('the single-step pool runs consecutive steps under one lease and ships every order once', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `o${i}`);
    await addOrders(ids);
    await queue(ids);
    const pool = await startWorkerPool(
      {
        db: test.db,
        clock: systemClock,
        log,
        step: lifecycleStep({ db: test.db, clock: systemClock }),
        giveUp: () => Promise.resolve(),
      },
      { workerId: 'w1', pollMs: 50 },
    );
    try {
      await expect.poll(() => laneDepths(test.db), { timeout: 60_000, interval: 100 }).toEqual([]);
    } finally {
      await pool.stop();
    }
    await expectEveryOrderShippedOnce(ids.length);
  });

  it('the batch pool ships every order once, each timeline the legal path', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `o${i}`);
    await addOrders(ids);
    await queue(ids);
    const pool = await startBatchWorkerPool(
      {
        db: batchDb,
        clock: systemClock,
        log,
        stepBatch: lifecycleStepBatch({ db: batchDb, clock: systemClock }),
        giveUp: () => Promise.resolve(),
      },
      { workerId: 'w1', pollMs: 50, batchSize: 64 },
    );
    try {
      await expect.poll(() => laneDepths(test.db), { timeout: 60_000, interval: 100 }).toEqual([]);
    } finally {
      await pool.stop();
    }
    await expectEveryOrderShippedOnce(ids.length);
  });
});

describe('the batch pool handing work back', () => {
  it('gives a waiting job the new deadline its step names, and keeps the old one otherwise', async () => {
    await addOrders(['met', 'racing'], 'label_generated');
    const now = Date.now();
    await enqueueJobs(
      test.db,
      ['met', 'racing'].map((orderId) => ({
        shopId: 's',
        orderId,
        lane: 'standard',
        deadline: new Date(now),
      })),
      new Date(now),
    );
    const until = new Date(now + 3_600_000);
    const pool = await startBatchWorkerPool(
      {
        db: batchDb,
        clock: systemClock,
        log,
        stepBatch: (jobs) =>
          Promise.resolve(
            jobs.map((job) =>
              job.order_id === 'met'
                ? { next: 'wait' as const, until, deadline: new Date(until.getTime() + 180_000) }
                : { next: 'wait' as const, until },
            ),
          ),
        giveUp: () => Promise.resolve(),
      },
      { workerId: 'w1', pollMs: 50 },
    );
    const deadlines = async () =>
      (
        await test.db.query<{ order_id: string; locked: boolean; deadline: Date }>(
          `SELECT order_id, locked_by IS NOT NULL AS locked, deadline FROM order_jobs ORDER BY order_id`,
        )
      ).rows.map((r) => [r.order_id, r.locked, r.deadline.getTime() - now]);
    try {
      await expect.poll(deadlines, { timeout: 30_000, interval: 50 }).toEqual([
        ['met', false, 3_600_000 + 180_000],
        ['racing', false, 0],
      ]);
    } finally {
      await pool.stop();
    }
  });
});

describe('the batch pool after a commit a crash took back', () => {
  /**
   * The lifecycle batches commit asynchronously; a server crash can take such a commit back after
   * the worker saw its result. Played here by rolling back, once the worker has its result, each
   * batch statement whose events (its fourth parameter) `lose` picks.
   */
  function databaseThatLoses(lose: (events: readonly string[]) => boolean): {
    db: AsyncCommitDatabase;
    lost: () => number;
  } {
    let lost = 0;
    const rollback = new Error('rolled back on purpose');
    const db: AsyncCommitDatabase = {
      ...batchDb,
      async query<R>(text: string, params?: readonly unknown[], options?: AsyncCommitQueryOptions) {
        const events = params?.[3] as string[] | undefined;
        if (options?.prepared !== 'creatorflow_transition_orders' || !events || !lose(events))
          return batchDb.query<R>(text, params, options);
        let result: QueryResult<R> | undefined;
        await test.db
          .transaction(async (tx) => {
            result = await tx.query<R>(text, params);
            throw rollback;
          })
          .catch((error: unknown) => {
            if (error !== rollback) throw error;
          });
        lost += 1;
        return result!;
      },
    };
    return { db, lost: () => lost };
  }

  it('keeps the job of an order whose last step was lost, so the order is stepped again', async () => {
    await addOrders(['last'], 'label_generated');
    await queue(['last']);
    const { db, lost } = databaseThatLoses((events) => events.includes('ship'));
    const pool = await startBatchWorkerPool(
      {
        db,
        clock: systemClock,
        log,
        stepBatch: lifecycleStepBatch({ db, clock: systemClock }),
        giveUp: () => Promise.resolve(),
      },
      { workerId: 'w1', pollMs: 20 },
    );
    try {
      await expect.poll(lost, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
    } finally {
      await pool.stop();
    }
    const order = await test.db.query(`SELECT state FROM orders WHERE order_id = 'last'`);
    expect(order.rows).toEqual([{ state: 'label_generated' }]);
    // Still queued: the next claim, once this worker's lease passes, ships it.
    const jobs = await test.db.query(`SELECT order_id FROM order_jobs`);
    expect(jobs.rows).toEqual([{ order_id: 'last' }]);
  });

  it('redoes a lost step without counting it as a failed attempt, even on the last attempt', async () => {
    await addOrders(['again'], 'received');
    await enqueueJobs(
      test.db,
      [{ shopId: 's', orderId: 'again', lane: 'automated', deadline: new Date() }],
      new Date(),
    );
    // One attempt left in the automated lane (2 by default): one more failure would give it up.
    await test.db.query(`UPDATE order_jobs SET attempts = 1`);
    let once = true;
    const { db, lost } = databaseThatLoses((events) => {
      const first = once && events.includes('validate');
      if (first) once = false;
      return first;
    });
    const gaveUp: string[] = [];
    const pool = await startBatchWorkerPool(
      {
        db,
        clock: systemClock,
        log,
        stepBatch: lifecycleStepBatch({ db, clock: systemClock }),
        giveUp: (job, error) => Promise.resolve(void gaveUp.push(`${job.order_id}: ${error}`)),
      },
      { workerId: 'w1', pollMs: 20 },
    );
    try {
      await expect.poll(() => laneDepths(test.db), { timeout: 30_000, interval: 50 }).toEqual([]);
    } finally {
      await pool.stop();
    }
    expect(lost()).toBe(1);
    expect(gaveUp).toEqual([]);
    const order = await test.db.query(`SELECT state FROM orders WHERE order_id = 'again'`);
    expect(order.rows).toEqual([{ state: 'shipped' }]);
  });
});

async function expectEveryOrderShippedOnce(count: number): Promise<void> {
  const { rows } = await test.db.query<{ path: string; n: number }>(
    `SELECT path, count(*)::int AS n FROM (
       SELECT string_agg(to_state, '>' ORDER BY id) AS path FROM order_events WHERE kind = 'transition' GROUP BY order_id
     ) AS p GROUP BY path`,
  );
  expect(rows).toEqual([
    { path: 'validated>processing>inventory_reserved>label_generated>shipped', n: count },
  ]);
  const refused = await test.db.query(`SELECT 1 FROM order_events WHERE kind <> 'transition'`);
  expect(refused.rows).toEqual([]);
}
