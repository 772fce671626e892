import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { loadMigrations, migrate, openDatabase, type Database, type Migration } from './db/index.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { createEmailSender, type EmailSender } from './integrations/notify/index.ts';
import { AppError, describeError } from './shared/errors.ts';
import type { Logger } from './shared/log.ts';
import { createMetrics, type Metrics } from './shared/metrics.ts';

/**
 * The composition root's product: every client, pool and policy, built once from the config.
 * Domain functions take the parts they need as their first argument; nothing looks them up.
 */
export interface Deps {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly db: Database;
  readonly migrations: readonly Migration[];
  readonly metrics: Metrics;
  /** SMTP sender for e-mail notifications; undefined when SMTP_URL is unset. */
  readonly email: EmailSender | undefined;
  /** Shared Redis (rate budgets across processes); undefined when REDIS_URL is unset. */
  readonly redis: Redis | undefined;
}

/** Opens the database, applies pending migrations and builds the shared parts. */
export async function createDeps(config: Config, log: Logger, clock: Clock = systemClock): Promise<Deps> {
  const migrations = loadMigrations();
  const db = await openDatabase(config.database);
  try {
    const applied = await migrate(db, migrations);
    if (applied.length > 0) log.info({ applied }, `applied ${applied.length} database migration(s)`);
  } catch (error) {
    await db.close();
    throw error;
  }
  const email = config.notify.smtpUrl
    ? createEmailSender(config.notify.smtpUrl, config.notify.from)
    : undefined;
  let redis: Redis | undefined;
  try {
    redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : undefined;
  } catch (error) {
    await db.close();
    throw error;
  }
  return { config, log, clock, db, migrations, metrics: createMetrics(), email, redis };
}

/** Releases what createDeps opened. */
export async function closeDeps(deps: Deps): Promise<void> {
  await deps.redis?.quit().catch(() => deps.redis?.disconnect());
  await deps.db.close();
}

/** Connects to Redis, failing start-up with a clear message when it does not answer. */
async function connectRedis(url: string, log: Logger): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5_000 });
  redis.on('error', (error) => log.warn({ err: error }, 'Redis connection problem; retrying'));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new AppError(
      'CONFIG_INVALID',
      `REDIS_URL does not answer (${describeError(error)}); start Redis or unset REDIS_URL`,
      {
        cause: error,
      },
    );
  }
  return redis;
}
