import type { DatabaseConfig } from '../config.ts';
import { AppError } from '../shared/errors.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { openPglite } from './pglite-database.ts';
import { openPostgres } from './postgres-database.ts';
import type { Database } from './queryable.ts';

/** Opens the configured database: a PostgreSQL pool, or the embedded PGlite folder (locked to this process). */
export async function openDatabase(
  config: DatabaseConfig,
  options: { poolSize?: number } = {},
): Promise<Database> {
  if (config.kind === 'postgres') {
    try {
      return await openPostgres(config.url, { max: options.poolSize ?? 10 });
    } catch (error) {
      const url = new URL(config.url);
      const where = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
      throw new AppError(
        'DATABASE_UNREACHABLE',
        `Cannot connect to PostgreSQL at ${where} (${(error as Error).message}). Check DATABASE_URL and that the server is running.`,
        { cause: error },
      );
    }
  }
  const release = lockDataDir(config.dataDir);
  try {
    const db = await openPglite(config.dataDir);
    return {
      ...db,
      async close() {
        await db.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
