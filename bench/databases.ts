import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { loadMigrations, migrate, openPglite, openPostgres, type Database } from '../src/db/index.ts';

/** PostgreSQL server used by the benchmarks: BENCH_DATABASE_URL, DATABASE_URL, or the local default. */
export const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly label: string;
  readonly db: Database;
  /** The database's own connection string (PostgreSQL only), for tools that open their own pool. */
  readonly url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated in-memory PGlite. */
export async function benchPglite(): Promise<BenchDatabase> {
  const db = await openPglite(undefined);
  await migrate(db, loadMigrations());
  return { label: 'PGlite', db, drop: () => db.close() };
}

/**
 * A fresh, empty database on the PostgreSQL server (named cf_bench_<random>), or undefined (with a
 * note) when the server is unreachable. `drop()` removes it, closing whatever is still connected.
 */
export async function createPostgresDatabase(): Promise<
  { readonly url: string; drop(): Promise<void> } | undefined
> {
  const name = `cf_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    process.stdout.write(
      `(PostgreSQL at ${POSTGRES_URL} unreachable: ${(error as Error).message}; skipped)\n`,
    );
    return undefined;
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A fresh, migrated database on the PostgreSQL server, or undefined (with a note) when unreachable. */
export async function benchPostgres(poolSize = 8): Promise<BenchDatabase | undefined> {
  const created = await createPostgresDatabase();
  if (!created) return undefined;
  const db = await openPostgres(created.url, { max: poolSize });
  await migrate(db, loadMigrations());
  return {
    label: 'PostgreSQL',
    db,
    url: created.url,
    async drop() {
      await db.close();
      await created.drop();
    },
  };
}

/**
 * CPU seconds used so far by the PostgreSQL processes serving this database (from /proc; 0 for
 * PGlite, which runs inside this process, or a server on another machine). Other users of the
 * machine do not count, so a cost per step or per webhook holds however busy the machine is. The
 * background WAL writer and checkpointer are not counted.
 */
export async function databaseCpuSeconds(db: Database): Promise<number> {
  if (db.kind !== 'postgres') return 0;
  const { rows } = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
  );
  let seconds = 0;
  for (const { pid } of rows) seconds += processCpuSeconds(pid) ?? 0;
  return seconds;
}

/**
 * CPU seconds (user + system) a process on this machine has used so far, from /proc; undefined
 * when it has ended or is not visible here.
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return undefined; // the backend ended, or /proc is not this server's
  }
}
