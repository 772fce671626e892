import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
let db: Database;
beforeAll(async () => {
  test = await createTestDatabase();
  db = test.db;
  await db.query(`INSERT INTO shops (shop_id, shop_cipher, name) VALUES ('shop-1', 'cipher-1', 'Demo')`);
  await db.query(
    `INSERT INTO orders (shop_id, order_id, state, priority, sla_deadline)
     VALUES ('shop-1', 'order-1', 'received', 'standard', now() + interval '3 minutes')`,
  );
});
afterAll(() => test.drop());

/** Tables that belong to no tenant, and why. Anything else must carry shop_id. */
const GLOBAL_TABLES: Readonly<Record<string, string>> = {
  schema_migrations: 'the migration runner',
  oauth_states: 'an authorisation in progress has no shop until TikTok names it',
  alert_rules: 'operations alerting watches the whole service',
  alerts: 'episodes of those service-wide alert rules',
  api_keys: 'a key belongs to the account; the shops it may see are a property of the key',
};

describe('core schema', () => {
  it('every tenant-owned table carries shop_id', async () => {
    const { rows } = await db.query<{ table_name: string }>(
      `SELECT t.table_name FROM information_schema.tables t
        WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
          AND NOT (t.table_name = ANY($1::text[]))
          AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                           WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                             AND c.column_name = 'shop_id')`,
      [Object.keys(GLOBAL_TABLES)],
    );
    expect(rows.map((r) => r.table_name)).toEqual([]);
  });

  it('the order timeline is append-only', async () => {
    await db.query(
      `INSERT INTO order_events (shop_id, order_id, kind, from_state, to_state) VALUES ('shop-1', 'order-1', 'transition', 'received', 'validated')`,
    );
    await expect(db.query(`UPDATE order_events SET kind = 'rewritten'`)).rejects.toThrow(/append-only/);
  });

  it('refuses a state or priority outside the contract', async () => {
    await expect(db.query(`UPDATE orders SET state = 'lost' WHERE order_id = 'order-1'`)).rejects.toThrow(
      /check constraint/,
    );
    await expect(
      db.query(`UPDATE orders SET priority = 'urgent' WHERE order_id = 'order-1'`),
    ).rejects.toThrow(/check constraint/);
  });

  it('refuses an order for a shop that is not registered', async () => {
    await expect(
      db.query(
        `INSERT INTO orders (shop_id, order_id, sla_deadline) VALUES ('unknown-shop', 'order-2', now())`,
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('the webhook inbox stores a notification id once', async () => {
    const insert = `INSERT INTO webhook_inbox (source, notification_id, shop_id, event_type, payload)
                    VALUES ('tiktok', 'n-1', 'shop-1', 1, '{}') ON CONFLICT DO NOTHING RETURNING id`;
    expect((await db.query(insert)).rowCount).toBe(1);
    expect((await db.query(insert)).rowCount).toBe(0);
  });

  it('a transaction that throws leaves nothing behind', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('shop-rolled-back', 'c')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rowCount } = await db.query(`SELECT 1 FROM shops WHERE shop_id = 'shop-rolled-back'`);
    expect(rowCount).toBe(0);
  });
});
