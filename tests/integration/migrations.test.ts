import { afterEach, describe, expect, it } from 'vitest';
import { isMigrated, migrate, openPostgres, type Migration } from '../../src/db/index.ts';
import { isAppError } from '../../src/shared/errors.ts';
import { createTestDatabase, migrations, type TestDatabase } from '../helpers/test-database.ts';

let current: TestDatabase | undefined;
afterEach(async () => {
  await current?.drop();
  current = undefined;
});

async function emptyDatabase(): Promise<TestDatabase> {
  current = await createTestDatabase({ empty: true });
  return current;
}

describe('migrations', () => {
  it('apply every migration once, in order, with a checksum', async () => {
    const { db } = await emptyDatabase();
    expect(await isMigrated(db, migrations)).toBe(false);
    const applied = await migrate(db, migrations);
    expect(applied).toEqual(migrations.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`));
    const { rows } = await db.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, checksum: m.checksum })));
    expect(await isMigrated(db, migrations)).toBe(true);
  });

  it('a second run applies nothing', async () => {
    const { db } = await emptyDatabase();
    await migrate(db, migrations);
    expect(await migrate(db, migrations)).toEqual([]);
  });

  it('two runners starting at once against one empty database apply the schema once', async () => {
    const test = await emptyDatabase();
    // On PostgreSQL a second pool is a truly concurrent runner; PGlite has one connection and queues.
    const other = test.url ? await openPostgres(test.url, { max: 2 }) : test.db;
    try {
      const [a, b] = await Promise.all([migrate(test.db, migrations), migrate(other, migrations)]);
      expect([...a, ...b]).toHaveLength(migrations.length);
      const { rows } = await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]?.n).toBe(migrations.length);
    } finally {
      if (other !== test.db) await other.close();
    }
  });

  it('refuse a database migrated by newer code', async () => {
    const { db } = await emptyDatabase();
    const future: Migration = {
      version: migrations.length + 1,
      name: 'future',
      sql: 'SELECT 1',
      checksum: 'x',
    };
    await migrate(db, [...migrations, future]);
    const error = await migrate(db, migrations).catch((e: unknown) => e);
    expect(isAppError(error, 'DATABASE_TOO_NEW')).toBe(true);
    expect((error as Error).message).toContain('newer version');
  });

  it('refuse a database whose applied migration was edited', async () => {
    const { db } = await emptyDatabase();
    await migrate(db, migrations);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    const error = await migrate(db, edited).catch((e: unknown) => e);
    expect(isAppError(error, 'MIGRATION_EDITED')).toBe(true);
  });

  it('a failing migration leaves nothing half-applied', async () => {
    const { db } = await emptyDatabase();
    const broken: Migration = {
      version: migrations.length + 1,
      name: 'broken',
      sql: 'CREATE TABLE half_done (a int); SELECT no_such_function();',
      checksum: 'b',
    };
    await expect(migrate(db, [...migrations, broken])).rejects.toThrow(/no_such_function/);
    expect(await isMigrated(db, migrations)).toBe(false);
    const { rows } = await db.query<{ present: boolean }>(
      `SELECT to_regclass('half_done') IS NOT NULL AS present`,
    );
    expect(rows[0]?.present).toBe(false);
  });

  it('0010 moves orders stored under 0009 into their new list groups, shipped ones into open', async () => {
    const { db } = await emptyDatabase();
    const upTo0009 = migrations.filter((m) => m.version <= 9);
    await migrate(db, upTo0009);
    await db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
    await db.query(
      `INSERT INTO orders (shop_id, order_id, state, sla_deadline)
       SELECT 's', state, state, now()
         FROM unnest(ARRAY['received', 'label_generated', 'shipped', 'delivered', 'failed']) AS state`,
    );
    await migrate(db, migrations);
    const { rows } = await db.query<{ order_id: string; state_group: string }>(
      `SELECT order_id, state_group FROM orders ORDER BY order_id`,
    );
    expect(rows).toEqual([
      { order_id: 'delivered', state_group: 'delivered' },
      { order_id: 'failed', state_group: 'failed' },
      { order_id: 'label_generated', state_group: 'open' },
      { order_id: 'received', state_group: 'open' },
      { order_id: 'shipped', state_group: 'open' },
    ]);
  });

  it("0011 gives the lines stored under 0010 their order's arrival time, and new lines must have one", async () => {
    const { db } = await emptyDatabase();
    await migrate(
      db,
      migrations.filter((m) => m.version <= 10),
    );
    await db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
    await db.query(
      `INSERT INTO orders (shop_id, order_id, received_at, sla_deadline)
       VALUES ('s', 'early', '2026-11-24 08:00Z', now()), ('s', 'late', '2026-11-25 09:30Z', now())`,
    );
    await db.query(
      `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, product_id, quantity)
       VALUES ('s', 'early', 'k1', 'MUG', 'p1', 1), ('s', 'early', 'k2', 'CAP', 'p2', 1), ('s', 'late', 'k1', 'MUG', 'p1', 2)`,
    );
    await migrate(db, migrations);
    const { rows } = await db.query<{ order_id: string; sku_id: string; received_at: Date }>(
      `SELECT order_id, sku_id, received_at FROM order_lines ORDER BY order_id, sku_id`,
    );
    expect(rows.map((r) => [r.order_id, r.sku_id, r.received_at.toISOString()])).toEqual([
      ['early', 'k1', '2026-11-24T08:00:00.000Z'],
      ['early', 'k2', '2026-11-24T08:00:00.000Z'],
      ['late', 'k1', '2026-11-25T09:30:00.000Z'],
    ]);
    await expect(
      db.query(
        `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, quantity) VALUES ('s', 'late', 'k9', 'HAT', 1)`,
      ),
    ).rejects.toThrow(/received_at/);
  });
});
