import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimJobs, enqueueJobs } from '../../src/queue/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH, buildTestServer } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildTestServer(test.db);
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
});
afterAll(async () => {
  await app.close();
  await test.drop();
});
beforeEach(async () => {
  await test.db.query('DELETE FROM orders');
});

async function order(id: string, state: string): Promise<void> {
  await test.db.query(
    `INSERT INTO orders (shop_id, order_id, state, priority, sla_deadline) VALUES ('s', $1, $2, 'vip', now())`,
    [id, state],
  );
  const now = new Date();
  await enqueueJobs(test.db, [{ shopId: 's', orderId: id, lane: 'vip', deadline: now }], now);
}

const act = (id: string, action: string, payload: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: `/api/orders/${id}/${action}`, headers: AUTH, payload });

const claimable = async () =>
  (
    await claimJobs(test.db, {
      lane: 'vip',
      limit: 10,
      workerId: 'w',
      leaseMs: 1,
      now: new Date(Date.now() + 1_000),
    })
  ).map((j) => j.order_id);

async function timelineKinds(id: string): Promise<string[]> {
  const { rows } = await test.db.query<{ kind: string }>(
    `SELECT kind FROM order_events WHERE order_id = $1 ORDER BY id`,
    [id],
  );
  return rows.map((r) => r.kind);
}

describe('operator actions', () => {
  it('hold parks an order so no worker takes it, and release puts it back, both in the timeline', async () => {
    await order('o1', 'processing');
    const held = await act('o1', 'hold', { reason: 'address looks wrong' });
    expect(held.statusCode).toBe(200);
    expect(held.json()).toEqual({ state: 'processing', hold_reason: 'address looks wrong' });
    expect(await claimable()).toEqual([]);
    expect((await act('o1', 'hold')).statusCode).toBe(409);

    const released = await act('o1', 'release');
    expect(released.json()).toEqual({ state: 'processing', hold_reason: null });
    expect(await claimable()).toEqual(['o1']);
    expect(await timelineKinds('o1')).toEqual(['hold', 'release']);
  });

  it('retry moves a failed order back to processing and queues it', async () => {
    await order('o2', 'failed');
    await test.db.query(`DELETE FROM order_jobs`);
    const res = await act('o2', 'retry');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'processing' });
    expect(await claimable()).toEqual(['o2']);
  });

  it.each([
    ['retry', 'processing', /Cannot retry order o3: "retry" does not apply to an order that is processing/],
    ['cancel', 'processing', /Cannot cancel order o3: an order that is processing cannot be cancelled/],
    ['hold', 'delivered', /Cannot hold order o3: it is already delivered/],
    ['release', 'processing', /Order o3 is not on hold/],
  ])(
    '%s on an order that is %s answers 409 saying why, and records the refusal',
    async (action, state, message) => {
      await order('o3', state);
      const res = await act('o3', action);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.message).toMatch(message);
    },
  );

  it('cancel applies where the lifecycle allows it', async () => {
    await order('o4', 'validated');
    const res = await act('o4', 'cancel', { reason: 'buyer asked' });
    expect(res.json()).toMatchObject({ state: 'cancelled' });
    expect(await timelineKinds('o4')).toEqual(['transition']);
  });

  it('answers 400 for an unknown action and 404 for an unknown order', async () => {
    await order('o5', 'processing');
    const bad = await act('o5', 'explode');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/use retry, hold, release or cancel/);
    expect((await act('nope', 'hold')).statusCode).toBe(404);
  });
});
