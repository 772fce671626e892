import { loadConfig } from './config.ts';
import { startApp } from './app.ts';
import { isAppError } from './shared/errors.ts';
import { createLogger } from './shared/log.ts';

/**
 * `npm start`: parse the config, start every role, drain and close on SIGINT/SIGTERM; a second
 * signal exits at once. Start-up failures print one line naming the problem, never a stack trace.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const app = await startApp(config, log);

  const where = app.url ?? '(no HTTP: api role not enabled)';
  log.info(
    { mode: config.mode, database: app.deps.db.kind, roles: [...config.roles] },
    `CreatorFlow ${config.mode} mode: dashboard ${where}/ ; database ${describeDatabase(config)}`,
  );
  if (config.adminTokenGenerated) {
    log.info(
      `Operator login: use token ${config.adminToken} (set CREATORFLOW_ADMIN_TOKEN to choose your own)`,
    );
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      log.warn(`${signal} again: exiting without draining`);
      process.exit(130);
    }
    log.info(`${signal}: draining in-flight work (send it again to exit at once)`);
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function describeDatabase(config: ReturnType<typeof loadConfig>): string {
  if (config.database.kind === 'pglite') return `embedded PGlite in ${config.database.dataDir}`;
  const url = new URL(config.database.url);
  return `PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

main().catch((error: unknown) => {
  if (isAppError(error)) {
    process.stderr.write(`creatorflow: cannot start: ${error.message}\n`);
    process.exit(error.code === 'CONFIG_INVALID' ? 2 : 1);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    process.stderr.write(
      `creatorflow: cannot start: cannot listen on the configured HOST/PORT (${code}: ${(error as Error).message}). Choose another PORT or stop the other process.\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`creatorflow: cannot start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
