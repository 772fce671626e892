import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadMigrations, migrate, openPglite, openPostgres } from '../src/db/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: a migrated data directory dump each test file loads. */
    pgliteTemplate: string | undefined;
    /** PostgreSQL: a migrated template database each test file copies. */
    postgresTemplate: string | undefined;
  }
}

/**
 * Migrates one template database per run; every test file then starts from a copy of it
 * (CREATE DATABASE ... TEMPLATE on PostgreSQL, a data-dir dump on PGlite), which is much faster
 * than migrating from scratch per file and keeps files isolated from each other.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `cf_template_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const db = await openPostgres(target.toString(), { max: 1 });
    await migrate(db, loadMigrations());
    await db.close();
    project.provide('postgresTemplate', name);
    project.provide('pgliteTemplate', undefined);
    return async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'creatorflow-test-'));
  const db = await openPglite(undefined);
  await migrate(db, loadMigrations());
  const dump = await db.dump();
  await db.close();
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', undefined);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  };
}
