import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database, Migration } from '../db/index.ts';
import type { Logger } from '../shared/log.ts';
import type { Metrics } from '../shared/metrics.ts';
import { installErrorHandler } from './error-handler.ts';
import { registerHealthRoutes } from './health-routes.ts';

/** What the HTTP server needs; domains add their routes through `plugins`. */
export interface ServerDeps {
  readonly log: Logger;
  readonly db: Database;
  readonly migrations: readonly Migration[];
  readonly metrics: Metrics;
}

export type RoutePlugin = (app: FastifyInstance) => void | Promise<void>;

/** Builds the Fastify app (not listening): health, metrics, the error shape, then each domain's routes. */
export async function buildServer(
  deps: ServerDeps,
  plugins: readonly RoutePlugin[] = [],
): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = deps.log.child({ component: 'http' });
  const app = Fastify({
    loggerInstance: logger,
    // Per-request logs would dominate at webhook rates; /metrics counts requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: false,
    return503OnClosing: true,
  });
  installErrorHandler(app);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    deps.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    await Promise.resolve();
  });
  registerHealthRoutes(app, deps);
  for (const plugin of plugins) await plugin(app);
  return app;
}
