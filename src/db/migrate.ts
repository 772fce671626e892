import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError } from '../shared/errors.ts';
import type { Database, Queryable } from './queryable.ts';

/** One numbered, append-only SQL file from src/db/migrations. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any fixed 64-bit number works; all CreatorFlow processes sharing a database must agree on it.
const MIGRATION_LOCK_KEY = 7_310_514_202_309;

/** Reads the migration files in version order; file names are `NNNN_description.sql`. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new Error(`Migration file ${file} must be named NNNN_description.sql`);
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(match[1]),
        name: match[2] ?? file,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations must be numbered 0001, 0002, ... without gaps (${m.name})`);
  });
  return migrations;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so processes starting at
 * once apply each migration exactly once. Refuses a database that is newer than this code or whose
 * applied migrations were edited. Returns the names it applied.
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const applied = await readApplied(tx);
    checkCompatible(applied, migrations);
    const done = new Set(applied.map((a) => a.version));
    const names: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      names.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
    }
    return names;
  });
}

/** True when every migration of this code is applied (for /readyz). */
export async function isMigrated(db: Queryable, migrations: readonly Migration[]): Promise<boolean> {
  const exists = await db.query<{ present: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return false;
  const { rows } = await db.query<{ latest: number | null }>(
    'SELECT max(version) AS latest FROM schema_migrations',
  );
  return (rows[0]?.latest ?? 0) === (migrations.at(-1)?.version ?? 0);
}

async function readApplied(db: Queryable): Promise<AppliedRow[]> {
  const { rows } = await db.query<AppliedRow>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  return rows;
}

function checkCompatible(applied: readonly AppliedRow[], migrations: readonly Migration[]): void {
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const m = known.get(row.version);
    if (!m) {
      throw new AppError(
        'DATABASE_TOO_NEW',
        `The database has migration ${row.version} (${row.name}) that this CreatorFlow does not know: it was migrated by a newer version. Upgrade CreatorFlow or use another database.`,
      );
    }
    if (m.checksum !== row.checksum) {
      throw new AppError(
        'MIGRATION_EDITED',
        `Migration ${row.version} (${row.name}) was applied with different content than the file now has. Restore the file and put changes in a new migration.`,
      );
    }
  }
}
