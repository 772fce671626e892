import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLostError, type OrderJob } from '../../src/queue/index.ts';
import { runOrderStep } from '../../src/workflows/index.ts';
import { startFulfilmentHarness, type FulfilmentHarness } from '../helpers/fulfilment-harness.ts';
import { AUTH } from '../helpers/test-server.ts';

let h: FulfilmentHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a fulfilment step and its job lease', () => {
  it('records nothing once its worker lost the lease or the order was put on hold, and goes on for the lease holder', async () => {
    // The rules step asks `classify` before it writes: the test holds the order right there.
    let rules: 'unavailable' | 'answer' = 'unavailable';
    let whileClassifying: (() => Promise<void>) | undefined;
    h = await startFulfilmentHarness({
      classify: async () => {
        if (rules === 'unavailable') throw new Error('the rules service is unavailable');
        await whileClassifying?.();
        return { summary: { rules: 'test' } };
      },
    });
    const workers = await h.start();
    const order = h.tiktok.createOrder(h.shop.credentials.shopId, { shippingType: 'SELLER' });
    await h.waitFor('the order to wait at validated', async () => {
      const { rows } = await h!.test.db.query(
        `SELECT 1 FROM orders WHERE order_id = $1 AND state = 'validated'`,
        [order.id],
      );
      return rows[0];
    });
    // From here the test is the worker: it claims the job and runs the rules step itself.
    await workers.stop();
    rules = 'answer';

    const claimAs = async (workerId: string) => {
      const { rows } = await h!.test.db.query<OrderJob>(
        `UPDATE order_jobs SET locked_by = $2, locked_until = now() + interval '1 minute', run_at = now()
          WHERE order_id = $1 RETURNING *`,
        [order.id, workerId],
      );
      return rows[0]!;
    };
    const snapshot = async () => {
      const { rows } = await h!.test.db.query<{ state: string; transitions: number }>(
        `SELECT o.state,
                (SELECT count(*)::int FROM order_events e WHERE e.order_id = o.order_id AND e.kind = 'transition')
                  AS transitions
           FROM orders o WHERE o.order_id = $1`,
        [order.id],
      );
      return rows[0]!;
    };
    const before = await snapshot();
    expect(before.state).toBe('validated');

    // Another worker took the lease over: this one's step commits nothing.
    const stale = await claimAs('worker-a');
    await claimAs('worker-b');
    await expect(runOrderStep(h.deps, stale)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await snapshot()).toEqual(before);

    // An operator puts the order on hold while the step is deciding: the step commits nothing.
    const held = await claimAs('worker-a');
    whileClassifying = async () => {
      const hold = await h!.server.inject({
        method: 'POST',
        url: `/api/orders/${order.id}/hold`,
        headers: AUTH,
        payload: { reason: 'checking the address' },
      });
      expect(hold.statusCode).toBe(200);
    };
    await expect(runOrderStep(h.deps, held)).rejects.toBeInstanceOf(LeaseLostError);
    whileClassifying = undefined;
    expect(await snapshot()).toEqual(before);

    // Released and claimed again, the lease holder's step goes through.
    const release = await h.server.inject({
      method: 'POST',
      url: `/api/orders/${order.id}/release`,
      headers: AUTH,
      payload: {},
    });
    expect(release.statusCode).toBe(200);
    expect(await runOrderStep(h.deps, await claimAs('worker-a'))).toEqual({ next: 'continue' });
    expect(await snapshot()).toEqual({ state: 'processing', transitions: before.transitions + 1 });
  });
});
