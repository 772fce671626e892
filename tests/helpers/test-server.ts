import type { FastifyInstance } from 'fastify';
import { registerOperatorApi } from '../../src/api/operator-api.ts';
import { buildServer } from '../../src/api/server.ts';
import type { Database } from '../../src/db/index.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { registerInventoryRoutes } from '../../src/inventory/index.ts';
import { registerShopRoutes } from '../../src/shops/index.ts';
import { migrations } from './test-database.ts';

export const TEST_ADMIN_TOKEN = 'test-operator-token-0123456789';
export const AUTH = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** The HTTP app as production wires it, on a test database, for `inject()` tests. */
export async function buildTestServer(db: Database): Promise<FastifyInstance> {
  return buildServer({ log: createLogger('silent'), db, migrations, metrics: createMetrics() }, [
    (app) =>
      registerOperatorApi(app, TEST_ADMIN_TOKEN, [
        (scope) => registerShopRoutes(scope, { db }),
        (scope) => registerInventoryRoutes(scope, { db }),
      ]),
  ]);
}
