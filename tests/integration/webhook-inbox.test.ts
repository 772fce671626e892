import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

const entry = (id: string, data: unknown = { order_id: id }): InboxEntry => ({
  source: 'tiktok',
  notificationId: id,
  shopId: 'shop-1',
  eventType: 1,
  payload: JSON.stringify({ type: 1, tts_notification_id: id, shop_id: 'shop-1', data }),
});

async function inboxCount(): Promise<number> {
  const { rows } = await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
  return rows[0]?.n ?? 0;
}

describe('the webhook inbox writer', () => {
  it('stores a delivery durably before resolving, with its payload as JSON', async () => {
    const inbox = createInboxWriter(test.db);
    const result = await inbox.store(entry('n-1'));
    expect(result.stored).toBe(true);
    const { rows } = await test.db.query<{ payload: { data: { order_id: string } }; status: string }>(
      'SELECT payload, status FROM webhook_inbox',
    );
    expect(rows).toEqual([
      { payload: expect.objectContaining({ data: { order_id: 'n-1' } }), status: 'pending' },
    ]);
  });

  it('a repeated notification id is acknowledged as a repeat and changes nothing', async () => {
    const inbox = createInboxWriter(test.db);
    await inbox.store(entry('n-1', { v: 'first' }));
    const again = await inbox.store(entry('n-1', { v: 'second' }));
    expect(again).toEqual({ stored: false, id: null });
    const { rows } = await test.db.query<{ payload: { data: unknown } }>('SELECT payload FROM webhook_inbox');
    expect(rows.map((r) => r.payload.data)).toEqual([{ v: 'first' }]);
  });

  it('concurrent deliveries are written in few batches, each stored exactly once', async () => {
    const batches: number[] = [];
    const inbox = createInboxWriter(test.db, { onBatch: (n) => batches.push(n) });
    const ids = Array.from({ length: 300 }, (_, i) => `n-${i % 200}`);
    const results = await Promise.all(ids.map((id) => inbox.store(entry(id))));
    expect(results.filter((r) => r.stored)).toHaveLength(200);
    expect(await inboxCount()).toBe(200);
    expect(batches.length).toBeLessThan(300);
  });

  it('a delivery the database refuses fails alone, so its sender retries, and its batch is stored', async () => {
    const inbox = createInboxWriter(test.db);
    const poison = { ...entry('n-bad'), payload: '{"text": "nul \\u0000 byte"}' };
    const results = await Promise.allSettled([
      inbox.store(entry('n-1')),
      inbox.store(entry('n-2')),
      inbox.store(poison),
      inbox.store(entry('n-3')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await inboxCount()).toBe(3);
  });

  it.each([1, 3])(
    'any interleaving of repeats stores each id once and reports it stored once (%i batches in flight)',
    async (maxInFlight) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 60 }),
          async (keys) => {
            await test.db.query('DELETE FROM webhook_inbox');
            const inbox = createInboxWriter(test.db, { maxBatch: 7, maxInFlight });
            const results = await Promise.all(keys.map((k) => inbox.store(entry(`k-${k}`))));
            const distinct = new Set(keys).size;
            expect(results.filter((r) => r.stored)).toHaveLength(distinct);
            expect(await inboxCount()).toBe(distinct);
          },
        ),
        { numRuns: 25 },
      );
    },
  );
});
