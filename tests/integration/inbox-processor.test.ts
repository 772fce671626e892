import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  countInboxByStatus,
  createInboxWriter,
  processInboxBatch,
  resumeEventsOfShop,
  type InboxEvent,
  type InboxHandler,
} from '../../src/ingest/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
const clock = new ManualClock(Date.now() + 60_000);
const log = createLogger('silent');
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());
beforeEach(async () => {
  await test.db.query('DELETE FROM webhook_inbox');
});

async function store(id: string, shopId = 'shop-1', type = 1): Promise<void> {
  await createInboxWriter(test.db).store({
    source: 'tiktok',
    notificationId: id,
    shopId,
    eventType: type,
    payload: JSON.stringify({ type, tts_notification_id: id, shop_id: shopId, data: {} }),
  });
}

const run = (handler: InboxHandler | undefined, options: { leaseMs?: number } = {}) =>
  processInboxBatch({ db: test.db, clock, log, handlerFor: () => handler }, options);

describe('the inbox processor', () => {
  it('hands each stored event to its handler once, oldest first', async () => {
    for (const id of ['a', 'b', 'c']) await store(id);
    const seen: string[] = [];
    expect(await run(async (e) => (seen.push(e.notification_id), 'processed'))).toBe(3);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(await run(async () => 'processed')).toBe(0);
    expect(await countInboxByStatus(test.db)).toEqual({ processed: 3 });
  });

  it('an event type without a handler is stored and ignored', async () => {
    await store('x', 'shop-1', 99);
    await run(undefined);
    expect(await countInboxByStatus(test.db)).toEqual({ ignored: 1 });
  });

  it('events of an unregistered shop wait, and resume once the shop is registered', async () => {
    await store('w1', 'new-shop');
    await run(async () => 'waiting_for_shop');
    expect(await countInboxByStatus(test.db)).toEqual({ waiting_for_shop: 1 });
    expect(await resumeEventsOfShop(test.db, { shopId: 'new-shop', now: new Date(clock.now()) })).toBe(1);
    await run(async () => 'processed');
    expect(await countInboxByStatus(test.db)).toEqual({ processed: 1 });
  });

  it('a failing handler is retried with backoff, and after its attempts is left failed with the reason', async () => {
    await store('f');
    const failing: InboxHandler = () => Promise.reject(new Error('TikTok answered 36009003'));
    expect(await run(failing)).toBe(1);
    expect(await run(failing)).toBe(0);
    for (let attempt = 1; attempt < 10; attempt++) {
      clock.advance(10 * 60_000);
      expect(await run(failing)).toBe(1);
    }
    const { rows } = await test.db.query<{ status: string; attempts: number; last_error: string }>(
      'SELECT status, attempts, last_error FROM webhook_inbox',
    );
    expect(rows).toEqual([{ status: 'failed', attempts: 10, last_error: 'TikTok answered 36009003' }]);
  });

  it('an event whose processor died is taken up again once its lease passes', async () => {
    await store('l');
    await test.db.query(
      `UPDATE webhook_inbox SET locked_until = $1::timestamptz + interval '30 seconds', attempts = 1`,
      [new Date(clock.now())],
    );
    expect(await run(async () => 'processed')).toBe(0);
    clock.advance(31_000);
    expect(await run(async () => 'processed')).toBe(1);
  });

  it('two processors at once never take the same event', async () => {
    for (let i = 0; i < 40; i++) await store(`p${i}`);
    const seen: string[] = [];
    const handler: InboxHandler = async (e: InboxEvent) => {
      seen.push(e.notification_id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'processed';
    };
    await Promise.all([run(handler), run(handler), run(handler)]);
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
  });
});
