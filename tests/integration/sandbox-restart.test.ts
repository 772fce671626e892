import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeForgottenDemoOrders } from '../../src/sandbox/demo-shop.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('demo', 'c'), ('other', 'c')`);
  const states = ['received', 'processing', 'label_generated', 'shipped', 'delivered', 'failed'];
  for (const [i, state] of states.entries()) {
    await test.db.query(
      `INSERT INTO orders (shop_id, order_id, state, sla_deadline) VALUES ('demo', $1, $2, now())`,
      [`o-${state}`, state],
    );
    if (i === 0) {
      await test.db.query(
        `INSERT INTO orders (shop_id, order_id, state, sla_deadline) VALUES ('other', 'x-received', 'received', now())`,
      );
    }
  }
  await test.db.query(
    `INSERT INTO labels (shop_id, order_id, idempotency_key, provider, service, transaction_id)
     VALUES ('demo', 'o-label_generated', 'label:demo:o-label_generated:1', 'USPS', 'Priority', 'tx_1')`,
  );
  await test.db.query(
    `INSERT INTO order_jobs (shop_id, order_id, lane, deadline, run_at) VALUES ('demo', 'o-processing', 'standard', now(), now())`,
  );
});
afterAll(() => test.drop());

describe('restarting the sandbox', () => {
  it('cancels the demo orders the fresh simulators cannot know, and nothing else', async () => {
    expect(await closeForgottenDemoOrders(test.db, 'demo', new Date())).toBe(4);
    const { rows } = await test.db.query<{ order_id: string; state: string }>(
      `SELECT order_id, state FROM orders ORDER BY shop_id, order_id`,
    );
    expect(rows).toEqual([
      { order_id: 'o-delivered', state: 'delivered' },
      { order_id: 'o-failed', state: 'cancelled' },
      { order_id: 'o-label_generated', state: 'cancelled' },
      { order_id: 'o-processing', state: 'cancelled' },
      { order_id: 'o-received', state: 'cancelled' },
      { order_id: 'o-shipped', state: 'shipped' },
      { order_id: 'x-received', state: 'received' },
    ]);
    const jobs = await test.db.query(`SELECT 1 FROM order_jobs`);
    expect(jobs.rows).toEqual([]);
    const pending = await test.db.query(`SELECT 1 FROM compensations WHERE status = 'pending'`);
    expect(pending.rows).toEqual([]);
    const { rows: reasons } = await test.db.query<{ detail: { reason: string } }>(
      `SELECT detail FROM order_events WHERE order_id = 'o-received' AND kind = 'transition'`,
    );
    expect(reasons[0]?.detail.reason).toMatch(/sandbox restarted/);
  });
});
