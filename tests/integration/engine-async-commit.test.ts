import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAsyncCommits, type AsyncCommitDatabase } from '../../bench/engine/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

/**
 * What the experimental batch pool's asynchronous commits (bench/engine/async-commit.ts) ask of the
 * server. PostgreSQL only: PGlite never waits for a disk, so there they change nothing.
 */
let test: TestDatabase;
let db: AsyncCommitDatabase;
const postgres = process.env.DATABASE_URL;

describe.skipIf(!postgres)('asynchronous commits (PostgreSQL only: DATABASE_URL is unset)', () => {
  beforeEach(async () => {
    test = await createTestDatabase({ empty: true });
    db = await openAsyncCommits(test.db, test.url);
  });
  afterEach(async () => {
    await db?.close();
    await test?.drop();
  });

  it('commits an asyncCommit statement, or transaction, without waiting for the disk, and others as the server is set', async () => {
    const setting = (options?: { asyncCommit: boolean }) =>
      db
        .query<{ value: string }>(`SELECT current_setting('synchronous_commit') AS value`, [], options)
        .then((r) => r.rows[0]!.value);
    expect(await setting({ asyncCommit: true })).toBe('off');
    expect(await setting()).toBe('on');
    const inTransaction = (asyncCommit: boolean) =>
      db.transaction(
        (tx) =>
          tx
            .query<{ value: string }>(`SELECT current_setting('synchronous_commit') AS value`)
            .then((r) => r.rows[0]!.value),
        { asyncCommit },
      );
    expect(await inTransaction(true)).toBe('off');
    expect(await inTransaction(false)).toBe('on');
    // Inside a transaction the transaction decides, whatever a statement asks.
    const asked = await db.transaction((tx) =>
      tx
        .query<{ value: string }>(`SELECT current_setting('synchronous_commit') AS value`, [], {
          asyncCommit: true,
        })
        .then((r) => r.rows[0]!.value),
    );
    expect(asked).toBe('on');
  });

  it("keeps the connection string's own startup options, and closing it leaves the database it was given open", async () => {
    const url = new URL(test.url!);
    url.searchParams.set('options', '-c statement_timeout=12345');
    const withTimeout = await openAsyncCommits(test.db, url.toString());
    const { rows } = await withTimeout.query<{ timeout: string; commit: string }>(
      `SELECT current_setting('statement_timeout') AS timeout, current_setting('synchronous_commit') AS commit`,
      [],
      { asyncCommit: true },
    );
    expect(rows).toEqual([{ timeout: '12345ms', commit: 'off' }]);
    await withTimeout.close();
    expect((await test.db.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
  });
});
