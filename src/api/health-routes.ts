import type { FastifyInstance } from 'fastify';
import { isMigrated, type Database, type Migration } from '../db/index.ts';
import type { Metrics } from '../shared/metrics.ts';

/** GET /healthz (process alive), GET /readyz (database reachable, migrations applied), GET /metrics. */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: { db: Database; migrations: readonly Migration[]; metrics: Metrics },
): void {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    try {
      const migrated = await isMigrated(deps.db, deps.migrations);
      if (!migrated) return reply.status(503).send({ status: 'not_ready', reason: 'migrations not applied' });
      return { status: 'ready', database: deps.db.kind };
    } catch (error) {
      return reply
        .status(503)
        .send({ status: 'not_ready', reason: `database unreachable: ${(error as Error).message}` });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
