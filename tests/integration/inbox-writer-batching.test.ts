import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/index.ts';
import { createInboxWriter, type InboxEntry } from '../../src/ingest/inbox-writer.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());
beforeEach(async () => {
  await test.db.query('DELETE FROM webhook_inbox');
});

const entry = (id: string): InboxEntry => ({
  source: 'tiktok',
  notificationId: id,
  shopId: 'shop-1',
  eventType: 1,
  payload: JSON.stringify({ type: 1, tts_notification_id: id, shop_id: 'shop-1', data: {} }),
});

/** The real database, counting how many statements run at once. */
function counting(db: Queryable): { db: Queryable; most: () => number } {
  let running = 0;
  let most = 0;
  return {
    db: {
      async query(text, params) {
        running += 1;
        most = Math.max(most, running);
        try {
          return await db.query(text, params);
        } finally {
          running -= 1;
        }
      },
      exec: (script) => db.exec(script),
    },
    most: () => most,
  };
}

describe('the inbox writer batching', () => {
  it('writes the webhooks handed to an idle writer in one event-loop turn as one batch', async () => {
    const batches: number[] = [];
    const inbox = createInboxWriter(test.db, { onBatch: (n) => batches.push(n) });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => inbox.store(entry(`n-${i}`))));
    expect(batches).toEqual([10]);
    expect(results.every((r) => r.stored)).toBe(true);
    const { rows } = await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
    expect(rows[0]?.n).toBe(10);
  });

  it('does not start a second batch beside a running one while fewer than minConcurrentBatch wait', async () => {
    const batches: number[] = [];
    const db = counting(test.db);
    const inbox = createInboxWriter(db.db, {
      maxInFlight: 4,
      minConcurrentBatch: 4,
      onBatch: (n) => batches.push(n),
    });
    const first = Array.from({ length: 5 }, (_, i) => inbox.store(entry(`a-${i}`)));
    await new Promise((resolve) => setImmediate(resolve));
    const second = Array.from({ length: 3 }, (_, i) => inbox.store(entry(`b-${i}`)));
    const results = await Promise.all([...first, ...second]);
    expect(results.every((r) => r.stored)).toBe(true);
    expect(batches).toEqual([5, 3]);
    expect(db.most()).toBe(1);
  });
});
