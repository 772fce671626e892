import { afterEach, describe, expect, it } from 'vitest';
import type { OrderDecision } from '../../src/workflows/fulfilment/fulfilment-deps.ts';
import { holdJob, LeaseLostError, type OrderJob } from '../../src/queue/index.ts';
import { failOrder, runOrderStep } from '../../src/workflows/fulfilment/index.ts';
import { startFulfilmentHarness, type FulfilmentHarness } from '../helpers/fulfilment-harness.ts';
import { someoneWaitsForALock } from '../helpers/row-locks.ts';
import { AUTH } from '../helpers/test-server.ts';

let h: FulfilmentHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * An order waiting at `validated` (the rules were unavailable) with the workers stopped: from here
 * the test is the worker. It claims the job and runs the rules step itself; `whileClassifying` runs
 * after the step has read the order and before it writes.
 */
async function orderBeforeTheRulesStep(rules: { whileClassifying?: () => Promise<void>; priority?: 'vip' }) {
  let available = false;
  h = await startFulfilmentHarness({
    classify: async (): Promise<OrderDecision> => {
      if (!available) throw new Error('the rules service is unavailable');
      await rules.whileClassifying?.();
      return { ...(rules.priority ? { priority: rules.priority } : {}), summary: { rules: 'test' } };
    },
  });
  const harness = h;
  const workers = await harness.start();
  const order = harness.tiktok.createOrder(harness.shop.credentials.shopId, { shippingType: 'SELLER' });
  await harness.waitFor('the order to wait at validated', async () => {
    const { rows } = await harness.test.db.query(
      `SELECT 1 FROM orders WHERE order_id = $1 AND state = 'validated'`,
      [order.id],
    );
    return rows[0];
  });
  await workers.stop();
  available = true;
  let claims = 0;

  return {
    harness,
    orderId: order.id,
    /** Claims the job as a worker would: each claim has a lease end of its own. */
    async claimAs(workerId: string): Promise<OrderJob> {
      claims += 1;
      const { rows } = await harness.test.db.query<OrderJob>(
        `UPDATE order_jobs SET locked_by = $2, locked_until = $3, run_at = now() WHERE order_id = $1 RETURNING *`,
        [order.id, workerId, new Date(Date.now() + 60_000 + claims * 1_000)],
      );
      return rows[0]!;
    },
    async snapshot() {
      const { rows } = await harness.test.db.query<{ state: string; priority: string; transitions: number }>(
        `SELECT o.state, o.priority,
                (SELECT count(*)::int FROM order_events e WHERE e.order_id = o.order_id AND e.kind = 'transition')
                  AS transitions
           FROM orders o WHERE o.order_id = $1`,
        [order.id],
      );
      return rows[0]!;
    },
  };
}

const operator = (harness: FulfilmentHarness, orderId: string, action: 'hold' | 'release') =>
  harness.server.inject({
    method: 'POST',
    url: `/api/orders/${orderId}/${action}`,
    headers: AUTH,
    payload: action === 'hold' ? { reason: 'checking the address' } : {},
  });

describe('a fulfilment step and its job lease', () => {
  it('records nothing, and fails nothing, once another claim holds the job, even one by the same worker', async () => {
    const o = await orderBeforeTheRulesStep({});
    const before = await o.snapshot();
    expect(before.state).toBe('validated');

    const stale = await o.claimAs('worker-a');
    await o.claimAs('worker-b');
    await expect(runOrderStep(o.harness.deps, stale)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await o.snapshot()).toEqual(before);

    // The same worker claimed the order again after its lease ran out: the first claim is stale too.
    const first = await o.claimAs('worker-a');
    await o.claimAs('worker-a');
    await expect(runOrderStep(o.harness.deps, first)).rejects.toBeInstanceOf(LeaseLostError);
    // Nor can a stale claim whose attempts ran out fail the order.
    await expect(failOrder(o.harness.deps, first, 'the carrier timed out')).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await o.snapshot()).toEqual(before);

    const current = await o.claimAs('worker-a');
    expect(await runOrderStep(o.harness.deps, current)).toEqual({ next: 'continue' });
    expect(await o.snapshot()).toMatchObject({ state: 'processing', transitions: before.transitions + 1 });
  });

  it('records nothing when an operator holds the order while the step decides, and goes on once released', async () => {
    let holdNow: (() => Promise<void>) | undefined;
    const o = await orderBeforeTheRulesStep({ whileClassifying: () => holdNow?.() ?? Promise.resolve() });
    const before = await o.snapshot();

    holdNow = async () => {
      expect((await operator(o.harness, o.orderId, 'hold')).statusCode).toBe(200);
    };
    await expect(runOrderStep(o.harness.deps, await o.claimAs('worker-a'))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    holdNow = undefined;
    expect(await o.snapshot()).toEqual(before);

    expect((await operator(o.harness, o.orderId, 'release')).statusCode).toBe(200);
    expect(await runOrderStep(o.harness.deps, await o.claimAs('worker-a'))).toEqual({ next: 'continue' });
    expect(await o.snapshot()).toMatchObject({ state: 'processing', transitions: before.transitions + 1 });
  });

  it('keeps an order a spike escalated while the rules ran in the viral lane', async () => {
    const o = await orderBeforeTheRulesStep({
      priority: 'vip',
      whileClassifying: () => escalate(),
    });
    const escalate = async () => {
      await o.harness.test.db.transaction(async (tx) => {
        await tx.query(`UPDATE orders SET priority = 'viral' WHERE order_id = $1`, [o.orderId]);
        await tx.query(`UPDATE order_jobs SET lane = 'viral' WHERE order_id = $1`, [o.orderId]);
      });
    };
    expect(await runOrderStep(o.harness.deps, await o.claimAs('worker-a'))).toEqual({ next: 'continue' });
    const { rows } = await o.harness.test.db.query<{ priority: string; lane: string }>(
      `SELECT o.priority, j.lane FROM orders o JOIN order_jobs j USING (shop_id, order_id) WHERE o.order_id = $1`,
      [o.orderId],
    );
    expect(rows).toEqual([{ priority: 'viral', lane: 'viral' }]);
  });

  it('applies none of the rules to an order cancelled while the rules ran', async () => {
    const o = await orderBeforeTheRulesStep({
      priority: 'vip',
      whileClassifying: async () => {
        const cancelled = await o.harness.server.inject({
          method: 'POST',
          url: `/api/orders/${o.orderId}/cancel`,
          headers: AUTH,
          payload: { reason: 'buyer phoned' },
        });
        expect(cancelled.statusCode).toBe(200);
      },
    });
    expect(await runOrderStep(o.harness.deps, await o.claimAs('worker-a'))).toEqual({ next: 'continue' });
    expect(await o.snapshot()).toMatchObject({ state: 'cancelled', priority: 'standard' });
    const { rows } = await o.harness.test.db.query<{ kind: string }>(
      `SELECT kind FROM order_events WHERE order_id = $1 AND kind IN ('priority_changed', 'transition_refused', 'hold')`,
      [o.orderId],
    );
    expect(rows).toEqual([]);
  });

  // Two transactions at once need two connections: PGlite has one.
  it.skipIf(!process.env.DATABASE_URL)(
    'records nothing when a hold that was still committing as the step began commits first (PostgreSQL)',
    async () => {
      let holdInFlight: (() => Promise<void>) | undefined;
      const o = await orderBeforeTheRulesStep({
        whileClassifying: () => holdInFlight?.() ?? Promise.resolve(),
      });
      const before = await o.snapshot();
      const job = await o.claimAs('worker-a');
      const db = o.harness.test.db;

      // An operator's hold, as the API does it, that has locked the order and dropped the lease
      // but not yet committed when the step's transaction starts; it commits once the step waits
      // for the order's lock.
      let hold: Promise<void> | undefined;
      holdInFlight = async () => {
        holdInFlight = undefined;
        let written!: () => void;
        const holdWritten = new Promise<void>((resolve) => (written = resolve));
        hold = db.transaction(async (tx) => {
          await tx.query(`SELECT 1 FROM orders WHERE order_id = $1 FOR UPDATE`, [o.orderId]);
          await tx.query(`UPDATE orders SET hold_reason = 'operator' WHERE order_id = $1`, [o.orderId]);
          await holdJob(tx, { shopId: o.harness.shop.credentials.shopId, orderId: o.orderId });
          written();
          await someoneWaitsForALock(db);
        });
        await holdWritten;
      };
      const outcome = await runOrderStep(o.harness.deps, job).catch((error: unknown) => error);
      await hold;
      expect(outcome).toBeInstanceOf(LeaseLostError);
      expect(await o.snapshot()).toEqual(before);
    },
  );
});
