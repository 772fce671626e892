import type { Config } from './config.ts';
import { loadMigrations, migrate, openDatabase, type Database, type Migration } from './db/index.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { createEmailSender, type EmailSender } from './integrations/notify/index.ts';
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
  return { config, log, clock, db, migrations, metrics: createMetrics(), email };
}

/** Releases what createDeps opened. */
export async function closeDeps(deps: Deps): Promise<void> {
  await deps.db.close();
}
