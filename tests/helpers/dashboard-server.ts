import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { registerAlertRoutes, startAlertEvaluator } from '../../src/alerts/index.ts';
import { registerOperatorApi } from '../../src/api/operator-api.ts';
import { buildServer } from '../../src/api/server.ts';
import { createDashboard, type Dashboard, type SpikeSource } from '../../src/dashboard/index.ts';
import type { Database } from '../../src/db/index.ts';
import { registerInventoryRoutes, registerPurchaseOrderRoutes } from '../../src/inventory/index.ts';
import type { NotifyRoutes } from '../../src/notify/index.ts';
import { registerOrderRoutes } from '../../src/orders/index.ts';
import { registerRuleRoutes } from '../../src/rules/index.ts';
import { registerCustomerRoutes } from '../../src/customers/index.ts';
import { registerProductRoutes } from '../../src/products/index.ts';
import { systemClock, type Clock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { registerShopRoutes } from '../../src/shops/index.ts';
import { registerOperatorActionRoutes } from '../../src/workflows/index.ts';
import { TEST_ADMIN_TOKEN } from './test-server.ts';
import { migrations } from './test-database.ts';

export const NOTIFY_TEST_ROUTES: NotifyRoutes = {
  team_lead: [{ channel: 'email', target: 'lead@shop.test' }],
  devops: [{ channel: 'slack', target: 'http://127.0.0.1:9/devops' }],
  fulfillment_team: [{ channel: 'email', target: 'floor@shop.test' }],
};

export interface DashboardServer {
  readonly app: FastifyInstance;
  readonly dashboard: Dashboard;
  /** http://127.0.0.1:port, when started with `listen`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The HTTP app with the dashboard and alerts wired as src/app.ts wires them (api role, plus the
 * scheduler's alert evaluator when `evaluatorIntervalMs` is given), on a test database.
 */
export async function startDashboardServer(
  db: Database,
  options: {
    clock?: Clock;
    listen?: boolean;
    liveIntervalMs?: number;
    evaluatorIntervalMs?: number;
    activeSpikes?: SpikeSource;
  } = {},
): Promise<DashboardServer> {
  const clock = options.clock ?? systemClock;
  const log = createLogger('silent');
  const metrics = createMetrics();
  const dashboard = createDashboard({
    db,
    clock,
    log,
    metrics,
    adminToken: TEST_ADMIN_TOKEN,
    activeSpikes: options.activeSpikes,
    liveIntervalMs: options.liveIntervalMs ?? 300,
  });
  const app = await buildServer({ log, db, migrations, metrics }, [
    (server) => dashboard.register(server),
    (server) =>
      registerOperatorApi(server, { adminToken: TEST_ADMIN_TOKEN, keys: db }, [
        (scope) => registerShopRoutes(scope, { db }),
        (scope) => registerInventoryRoutes(scope, { db }),
        (scope) => registerOrderRoutes(scope, { db }),
        (scope) => registerOperatorActionRoutes(scope, { db, clock, routes: NOTIFY_TEST_ROUTES }),
        (scope) => registerRuleRoutes(scope, { db, clock }),
        (scope) => registerCustomerRoutes(scope, { db }),
        (scope) => registerProductRoutes(scope, { db }),
        (scope) => registerPurchaseOrderRoutes(scope, { db, clock }),
        (scope) => registerAlertRoutes(scope, { db, clock }),
        (scope) => dashboard.registerApi(scope),
      ]),
  ]);
  const evaluator =
    options.evaluatorIntervalMs === undefined
      ? undefined
      : startAlertEvaluator(
          { db, clock, log, notifyRoutes: NOTIFY_TEST_ROUTES, figures: () => dashboard.overview.get() },
          { intervalMs: options.evaluatorIntervalMs },
        );
  let url = '';
  if (options.listen) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  } else {
    await app.ready();
  }
  return {
    app,
    dashboard,
    url,
    async close() {
      await evaluator?.stop();
      await app.close();
    },
  };
}
