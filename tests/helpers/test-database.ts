import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadMigrations, openPglite, openPostgres, type Database } from '../../src/db/index.ts';

export interface TestDatabase {
  readonly db: Database;
  /** A connection string for this database (PostgreSQL runs only), e.g. for a child process. */
  readonly url: string | undefined;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of this test file's own: a copy of the run's template, on PostgreSQL
 * when DATABASE_URL is set, otherwise an in-memory PGlite.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `cf_test_${randomBytes(6).toString('hex')}`;
    const template = options.empty ? 'template0' : inject('postgresTemplate');
    await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template ?? 'template0'}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = await openPostgres(url.toString(), { max: 10 });
    return {
      db,
      url: url.toString(),
      async drop() {
        await db.close();
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const template = inject('pgliteTemplate');
  const fromDump = !options.empty && template ? new Blob([readFileSync(template)]) : undefined;
  const db = await openPglite(undefined, fromDump ? { fromDump } : {});
  return { db, url: undefined, drop: () => db.close() };
}

/** The migrations of this code, for tests that migrate by hand. */
export const migrations = loadMigrations();

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
