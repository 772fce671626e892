import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { registerKeyRoutes } from '../../src/accounts/index.ts';
import { registerOperatorApi } from '../../src/api/operator-api.ts';
import { buildServer } from '../../src/api/server.ts';
import type { Database } from '../../src/db/index.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { registerTiktokIntake } from '../../src/ingest/index.ts';
import { registerShippoWebhookRoute } from '../../src/ingest/shippo-webhook-route.ts';
import { createInboxWriter } from '../../src/ingest/inbox-writer.ts';
import { registerInventoryRoutes } from '../../src/inventory/index.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { registerOrderRoutes } from '../../src/orders/index.ts';
import { registerShopRoutes } from '../../src/shops/index.ts';
import { registerOperatorActionRoutes } from '../../src/workflows/index.ts';
import { registerDemandRoutes } from '../../src/demand/index.ts';
import { registerPurchaseOrderRoutes } from '../../src/inventory/purchase-orders-routes.ts';
import { registerRuleRoutes } from '../../src/rules/index.ts';
import { registerCustomerRoutes } from '../../src/customers/index.ts';
import { registerProductRoutes } from '../../src/products/index.ts';
import { registerSpikeRoutes } from '../../src/viral/index.ts';
import { createTestDatabase, migrations } from './test-database.ts';

/** Notification routes with no targets: outbox rows are planned per target, so none are written. */
export const NO_ROUTES = { team_lead: [], devops: [], fulfillment_team: [] } as const;

export const TEST_ADMIN_TOKEN = 'test-operator-token-0123456789';
export const AUTH = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
export const TEST_APP_KEY = 'test-app-key';
export const TEST_APP_SECRET = 'test-app-secret';
export const TEST_SHIPPO_WEBHOOK_SECRET = 'whsec_test_0123456789';

/** The HTTP app as production wires it, on a test database, for `inject()` tests. */
export async function buildTestServer(
  db: Database,
  options: { onWebhookStored?: () => void; customerEmail?: boolean } = {},
): Promise<FastifyInstance> {
  const metrics = createMetrics();
  const onStored = options.onWebhookStored;
  return buildServer({ log: createLogger('silent'), db, migrations, metrics }, [
    (app) =>
      registerTiktokIntake(app, {
        db,
        clock: systemClock,
        metrics,
        appKey: TEST_APP_KEY,
        appSecret: TEST_APP_SECRET,
        ...(onStored ? { onStored: () => onStored() } : {}),
      }),
    (app) =>
      registerShippoWebhookRoute(app, {
        secret: TEST_SHIPPO_WEBHOOK_SECRET,
        clock: systemClock,
        inbox: createInboxWriter(db),
        ...(onStored ? { onStored } : {}),
      }),
    (app) =>
      registerOperatorApi(app, { adminToken: TEST_ADMIN_TOKEN, keys: db }, [
        (scope) => registerKeyRoutes(scope, { db, clock: systemClock }),
        (scope) => registerShopRoutes(scope, { db }),
        (scope) => registerInventoryRoutes(scope, { db }),
        (scope) => registerOrderRoutes(scope, { db }),
        (scope) =>
          registerOperatorActionRoutes(scope, {
            db,
            clock: systemClock,
            routes: NO_ROUTES,
            customerEmail: options.customerEmail ?? false,
          }),
        (scope) => registerRuleRoutes(scope, { db, clock: systemClock }),
        (scope) => registerCustomerRoutes(scope, { db }),
        (scope) => registerProductRoutes(scope, { db }),
        (scope) => registerDemandRoutes(scope, { db, clock: systemClock }),
        (scope) => registerSpikeRoutes(scope, { db }),
        (scope) => registerPurchaseOrderRoutes(scope, { db, clock: systemClock }),
      ]),
  ]);
}

/**
 * For one test file: a test database and the HTTP app as production wires it over that database,
 * made before the file's tests and closed and dropped after them.
 *
 * @example
 *   const server = useTestServer();
 *   it('...', async () => expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200));
 */
export function useTestServer(options: Parameters<typeof buildTestServer>[1] = {}): {
  readonly app: FastifyInstance;
  readonly db: Database;
} {
  let app: FastifyInstance | undefined;
  let test: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    test = await createTestDatabase();
    app = await buildTestServer(test.db, options);
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });
  return {
    get app() {
      if (!app) throw new Error('useTestServer: the app exists only inside the tests of its file');
      return app;
    },
    get db() {
      if (!test) throw new Error('useTestServer: the database exists only inside the tests of its file');
      return test.db;
    },
  };
}
