import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/index.ts';
import { createTestDatabase, migrations } from '../helpers/test-database.ts';
import {
  killStartedServices,
  startService,
  stopService,
  waitForOutput,
  waitUntilReady,
} from '../helpers/service-process.ts';

const dataDirs: string[] = [];
afterAll(() => {
  killStartedServices();
  dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'creatorflow-data-'));
  dataDirs.push(dir);
  return dir;
}

async function countRows(dataDir: string, sql: string): Promise<number> {
  const db = await openPglite(dataDir);
  try {
    const { rows } = await db.query<{ n: number }>(sql);
    return rows[0]?.n ?? 0;
  } finally {
    await db.close();
  }
}

// A test starts the service up to twice, and each start may take up to waitUntilReady's 90 s when
// the CI machine's two cores are busy with the other test files (in a quiet run a start takes ~5 s).
describe('the service process', { timeout: 240_000 }, () => {
  it('starts on embedded PGlite, stops cleanly on SIGTERM, and keeps its data across a restart', async () => {
    const dataDir = tempDataDir();
    const first = await startService({ CREATORFLOW_DATA_DIR: dataDir });
    await waitUntilReady(first);
    const output = await waitForOutput(first, /Operator login: use token cf_/);
    expect(output).toMatch(/dashboard http:\/\/127\.0\.0\.1:\d+\//);
    expect(await stopService(first)).toBe(0);
    expect(existsSync(join(dataDir, 'creatorflow.pid'))).toBe(false);

    const db = await openPglite(dataDir);
    await db.query(
      `INSERT INTO shops (shop_id, shop_cipher, name) VALUES ('kept', 'c', 'Survives restarts')`,
    );
    await db.close();

    const second = await startService({ CREATORFLOW_DATA_DIR: dataDir });
    await waitUntilReady(second);
    expect(second.stdout()).not.toContain('applied');
    expect(await stopService(second)).toBe(0);
    expect(await countRows(dataDir, `SELECT count(*)::int AS n FROM shops WHERE shop_id = 'kept'`)).toBe(1);
    expect(await countRows(dataDir, `SELECT count(*)::int AS n FROM schema_migrations`)).toBe(
      migrations.length,
    );
  });

  it('refuses a second process on the same embedded data folder with one clear line', async () => {
    const dataDir = tempDataDir();
    const first = await startService({ CREATORFLOW_DATA_DIR: dataDir });
    await waitUntilReady(first);
    const second = await startService({ CREATORFLOW_DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(
        /^creatorflow: cannot start: The embedded database in .* is in use by process \d+/,
      ),
    ]);
    expect(await stopService(first)).toBe(0);
  });

  it.each([
    [
      { PORT: 'abc' },
      2,
      /^creatorflow: cannot start: PORT must be a whole number from 1 to 65535 \(got "abc"\)$/,
    ],
    [
      { DATABASE_URL: 'not-a-url' },
      2,
      /^creatorflow: cannot start: DATABASE_URL must be a URL like postgres:\/\//,
    ],
    [
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' },
      1,
      /^creatorflow: cannot start: Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere .*Check DATABASE_URL/,
    ],
  ])('a bad setting %j stops start-up with one line and exit code %i', async (env, code, line) => {
    const service = await startService({ CREATORFLOW_DATA_DIR: tempDataDir(), ...env });
    expect(await service.exited).toBe(code);
    expect(service.stderr().trim().split('\n')).toEqual([expect.stringMatching(line)]);
    expect(service.stderr()).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'two processes started at once against one empty PostgreSQL both come up and apply the schema once',
    async () => {
      const test = await createTestDatabase({ empty: true });
      try {
        const env = { DATABASE_URL: test.url ?? '' };
        const [a, b] = await Promise.all([startService(env), startService(env)]);
        await Promise.all([waitUntilReady(a), waitUntilReady(b)]);
        const { rows } = await test.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM schema_migrations',
        );
        expect(rows[0]?.n).toBe(migrations.length);
        const appliedLogs = [a, b].filter((s) => s.stdout().includes('applied')).length;
        expect(appliedLogs).toBe(1);
        expect(await Promise.all([stopService(a), stopService(b)])).toEqual([0, 0]);
      } finally {
        await test.drop();
      }
    },
  );

  it.skipIf(!process.env.DATABASE_URL)('keeps its data across a restart on PostgreSQL', async () => {
    const test = await createTestDatabase({ empty: true });
    try {
      const first = await startService({ DATABASE_URL: test.url ?? '' });
      await waitUntilReady(first);
      expect(await stopService(first)).toBe(0);
      await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('kept', 'c')`);
      const second = await startService({ DATABASE_URL: test.url ?? '' });
      await waitUntilReady(second);
      expect(await stopService(second)).toBe(0);
      const { rowCount } = await test.db.query(`SELECT 1 FROM shops WHERE shop_id = 'kept'`);
      expect(rowCount).toBe(1);
    } finally {
      await test.drop();
    }
  });
});
