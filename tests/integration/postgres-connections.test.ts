import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

/**
 * How the PostgreSQL connection pool behaves when its server connections break (a restart, a
 * failover, an administrator ending them). PostgreSQL only: PGlite has no connections to lose. (What
 * the batch pool's asynchronous commits ask of the server: engine-async-commit.test.ts.)
 */
let test: TestDatabase;
const postgres = process.env.DATABASE_URL;

describe.skipIf(!postgres)('PostgreSQL connections (PostgreSQL only: DATABASE_URL is unset)', () => {
  beforeEach(async () => {
    test = await createTestDatabase({ empty: true });
  });
  afterEach(() => test?.drop());

  /** Ends this database's server connections that match `where`, as a server restart would. */
  async function endConnections(where: string): Promise<number> {
    const admin = new pg.Client({ connectionString: test.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ ended: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND ${where}`,
      );
      return rows.length;
    } finally {
      await admin.end();
    }
  }

  it('listens again after its listening connection breaks, and calls each handler once for what it may have missed', async () => {
    const payloads: string[] = [];
    await test.db.listen('cf_test_channel', (payload) => payloads.push(payload));
    await test.db.query(`NOTIFY cf_test_channel, 'before'`);
    await expect.poll(() => payloads).toEqual(['before']);

    expect(await endConnections(`query LIKE 'LISTEN%'`)).toBe(1);
    // The replacement calls the handler with an empty payload once it listens again.
    await expect.poll(() => payloads, { timeout: 10_000 }).toEqual(['before', '']);
    await test.db.query(`NOTIFY cf_test_channel, 'after'`);
    await expect.poll(() => payloads).toEqual(['before', '', 'after']);

    // Again, and the replacement too as soon as it listens: still one listening connection.
    expect(await endConnections(`query LIKE 'LISTEN%'`)).toBe(1);
    await expect.poll(() => endConnections(`query LIKE 'LISTEN%'`), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => payloads.length, { timeout: 20_000 }).toBe(5);
    await test.db.query(`NOTIFY cf_test_channel, 'last'`);
    await expect.poll(() => payloads).toEqual(['before', '', 'after', '', '', 'last']);
    const listening = await test.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(listening.rows).toEqual([{ n: 1 }]);
  });

  it('fails a transaction whose connection breaks between statements, without ending the process, and serves the next one', async () => {
    const attempt = test.db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await endConnections(`state = 'idle in transaction'`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await tx.query('SELECT 2');
    });
    await expect(attempt).rejects.toThrow();
    const next = await test.db.transaction((tx) => tx.query<{ n: number }>('SELECT 3 AS n'));
    expect(next.rows).toEqual([{ n: 3 }]);
  });
});
