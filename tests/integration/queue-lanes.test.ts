import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Priority } from '../../src/orders/index.ts';
import {
  claimJobs,
  completeJob,
  continueJob,
  enqueueJobs,
  escalateJobs,
  fencedByLease,
  JOBS_CHANNEL,
  laneDepths,
  laneRotation,
  retryJobLater,
} from '../../src/queue/index.ts';
import { openAsyncCommits } from '../../bench/engine/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
const t0 = new Date('2026-11-24T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
beforeAll(async () => {
  test = await createTestDatabase();
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
});
afterAll(() => test.drop());
beforeEach(async () => {
  await test.db.query('DELETE FROM orders');
});

async function queue(count: number, lane: Priority, prefix: string, deadlineMs = (i: number) => 180_000 + i) {
  await test.db.query(
    `INSERT INTO orders (shop_id, order_id, sla_deadline)
     SELECT 's', $1 || i, now() FROM generate_series(1, $2) AS i`,
    [prefix, count],
  );
  const jobs = Array.from({ length: count }, (_, i) => ({
    shopId: 's',
    orderId: `${prefix}${i + 1}`,
    lane,
    deadline: at(deadlineMs(i)),
  }));
  return enqueueJobs(test.db, jobs, t0);
}

const claim = (lane: Priority, limit: number, workerId = 'w1', now = at(1_000)) =>
  claimJobs(test.db, { lane, limit, workerId, leaseMs: 30_000, now });

/** One pass of a worker over the lane rotation, as the worker pool will walk it. */
async function claimByRotation(limit: number, now = at(1_000)): Promise<string[]> {
  for (const lane of laneRotation()) {
    const jobs = await claim(lane, limit, 'w1', now);
    if (jobs.length > 0) return jobs.map((j) => j.order_id);
  }
  return [];
}

describe('the durable priority lanes', () => {
  it('a viral order arriving behind thousands of queued standard orders is claimed first', async () => {
    expect(await queue(5_000, 'standard', 'std-')).toBe(5_000);
    await queue(1, 'viral', 'viral-', () => 30_000);
    expect(await claimByRotation(10)).toEqual(['viral-1']);
  });

  it('within a lane the earliest deadline goes first', async () => {
    await queue(5, 'vip', 'v-', (i) => 60_000 - i * 1_000);
    expect((await claim('vip', 5)).map((j) => j.order_id)).toEqual(['v-5', 'v-4', 'v-3', 'v-2', 'v-1']);
  });

  it('queuing an order twice keeps one job', async () => {
    await queue(1, 'standard', 'dup-');
    expect(
      await enqueueJobs(test.db, [{ shopId: 's', orderId: 'dup-1', lane: 'viral', deadline: t0 }], t0),
    ).toBe(0);
    expect(await laneDepths(test.db)).toEqual([{ lane: 'standard', depth: 1, oldest_deadline: at(180_000) }]);
  });

  it('concurrent workers never claim the same job', async () => {
    await queue(300, 'standard', 'c-');
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((w) => claim('standard', 100, w)));
    const ids = claims.flat().map((j) => j.order_id);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
  });

  it('a job whose worker died is claimed again once its lease passes', async () => {
    await queue(1, 'automated', 'l-');
    expect(await claim('automated', 1, 'dead-worker')).toHaveLength(1);
    expect(await claim('automated', 1, 'w2', at(20_000))).toHaveLength(0);
    const [resumed] = await claim('automated', 1, 'w2', at(32_000));
    expect(resumed).toMatchObject({ order_id: 'l-1', locked_by: 'w2', attempts: 2 });
    expect(await completeJob(test.db, { shopId: 's', orderId: 'l-1', workerId: 'dead-worker' })).toBe(false);
    expect(await completeJob(test.db, { shopId: 's', orderId: 'l-1', workerId: 'w2' })).toBe(true);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    "a transaction under a job's lease commits as its caller asks (PostgreSQL: PGlite has no commit modes)",
    async () => {
      await queue(1, 'automated', 'mode-');
      const [job] = await claim('automated', 1, 'w1');
      const lease = { shopId: 's', orderId: 'mode-1', workerId: 'w1', lockedUntil: job!.locked_until! };
      // The caller asks by the database it fences: the batch pool's connections that commit without
      // waiting for the disk (bench/engine), or the pool that commits as the server is set.
      const batchDb = await openAsyncCommits(test.db, test.url);
      const commitMode = (asyncCommit: boolean) =>
        fencedByLease(asyncCommit ? batchDb.asyncCommits : test.db, lease).transaction(
          async (tx) =>
            (await tx.query<{ value: string }>(`SELECT current_setting('synchronous_commit') AS value`))
              .rows[0]!.value,
        );
      try {
        expect(await commitMode(true)).toBe('off');
        expect(await commitMode(false)).toBe('on');
      } finally {
        await batchDb.close();
      }
    },
  );

  it('an earlier claim of a job cannot complete, continue or retry it once it was claimed again, even by the same worker', async () => {
    await queue(1, 'automated', 'again-');
    const [first] = await claim('automated', 1, 'w1');
    const [second] = await claim('automated', 1, 'w1', at(32_000));
    expect(second).toMatchObject({ order_id: 'again-1', locked_by: 'w1', attempts: 2 });
    const earlier = { shopId: 's', orderId: 'again-1', workerId: 'w1', lockedUntil: first!.locked_until };
    expect(await continueJob(test.db, { ...earlier, runAt: at(33_000) })).toBe(false);
    expect(await retryJobLater(test.db, { ...earlier, retryAt: at(40_000), error: 'stalled' })).toBe(false);
    expect(await completeJob(test.db, earlier)).toBe(false);
    expect(await completeJob(test.db, { ...earlier, lockedUntil: second!.locked_until })).toBe(true);
  });

  it('a failed step waits for its retry time, and a continued job runs its next step at once', async () => {
    await queue(2, 'standard', 'r-');
    await claim('standard', 2);
    await retryJobLater(test.db, {
      shopId: 's',
      orderId: 'r-1',
      workerId: 'w1',
      retryAt: at(10_000),
      error: 'carrier 503',
    });
    await continueJob(test.db, { shopId: 's', orderId: 'r-2', workerId: 'w1', runAt: at(1_000) });
    expect((await claim('standard', 5, 'w1', at(2_000))).map((j) => j.order_id)).toEqual(['r-2']);
    expect((await claim('standard', 5, 'w1', at(10_000))).map((j) => j.order_id)).toEqual(['r-1']);
  });

  it('a job continued with a new deadline (its order met its SLA) sorts by it; without one it keeps its own', async () => {
    await queue(3, 'standard', 'd-', (i) => 60_000 + i);
    await claim('standard', 3);
    // d-1 has its label and waits for the carrier's pickup: its next check is due at 5 s, by 185 s.
    await continueJob(test.db, {
      shopId: 's',
      orderId: 'd-1',
      workerId: 'w1',
      runAt: at(5_000),
      deadline: at(185_000),
    });
    await continueJob(test.db, { shopId: 's', orderId: 'd-2', workerId: 'w1', runAt: at(5_000) });
    await continueJob(test.db, { shopId: 's', orderId: 'd-3', workerId: 'w1', runAt: at(5_000) });
    const { rows } = await test.db.query<{ order_id: string; deadline: Date }>(
      `SELECT order_id, deadline FROM order_jobs WHERE order_id LIKE 'd-%' ORDER BY order_id`,
    );
    expect(rows.map((r) => [r.order_id, r.deadline.getTime() - at(0).getTime()])).toEqual([
      ['d-1', 185_000],
      ['d-2', 60_001],
      ['d-3', 60_002],
    ]);
    // Earliest deadline first: the orders still racing their SLA go before the parcel check.
    expect((await claim('standard', 2, 'w1', at(6_000))).map((j) => j.order_id).sort()).toEqual([
      'd-2',
      'd-3',
    ]);
  });

  it('escalation moves queued orders to the viral lane at once, keeping the sooner deadline', async () => {
    await queue(3, 'standard', 'e-');
    expect(
      await escalateJobs(test.db, {
        shopId: 's',
        orderIds: ['e-1', 'e-2'],
        lane: 'viral',
        deadline: at(30_000),
      }),
    ).toBe(2);
    expect((await claim('viral', 10)).map((j) => j.order_id).sort()).toEqual(['e-1', 'e-2']);
    expect(
      await escalateJobs(test.db, { shopId: 's', orderIds: ['e-1'], lane: 'viral', deadline: at(30_000) }),
    ).toBe(0);
  });

  it('new work wakes listening workers through NOTIFY', async () => {
    const heard: string[] = [];
    const stop = await test.db.listen(JOBS_CHANNEL, (lane) => heard.push(lane));
    try {
      await queue(2, 'vip', 'n-');
      await expect.poll(() => heard, { timeout: 10_000 }).toEqual(['vip']);
    } finally {
      await stop();
    }
  });
});
