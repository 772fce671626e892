import { hostname } from 'node:os';
import type { Config } from './config.ts';
import { configuredEndpoints, connect, type Connections } from './connections.ts';
import { closeDeps, createDeps, type Deps } from './deps.ts';
import { registerKeyRoutes } from './accounts/index.ts';
import { registerAlertRoutes, startAlertEvaluator } from './alerts/index.ts';
import { registerOperatorApi } from './api/operator-api.ts';
import { createDashboard, createOverviewSource, type Dashboard } from './dashboard/index.ts';
import { buildServer } from './api/server.ts';
import {
  createInboxWriter,
  registerTiktokIntake,
  resumeEventsOfShop,
  startReconciliation,
} from './ingest/index.ts';
import { registerShippoWebhookRoute } from './ingest/shippo-webhook-route.ts';
import { registerInventoryRoutes } from './inventory/index.ts';
import { startNotificationDispatcher } from './notify/index.ts';
import { registerOrderRoutes } from './orders/index.ts';
import { registerDemandRoutes } from './demand/index.ts';
import { registerPurchaseOrderRoutes } from './inventory/purchase-orders-routes.ts';
import { registerRuleRoutes } from './rules/index.ts';
import { registerCustomerRoutes } from './customers/index.ts';
import { registerProductRoutes } from './products/index.ts';
import { startSandbox, type Sandbox } from './sandbox/index.ts';
import {
  createSpikeState,
  recordArrivals,
  registerSpikeRoutes,
  startSpikeTicker,
  type SpikeDeps,
} from './viral/index.ts';
import {
  registerOauthCallbackRoute,
  registerShopAuthorizeRoute,
  registerShopRoutes,
  startTokenRefresh,
} from './shops/index.ts';
import {
  createFulfilmentMemo,
  actOnSpike,
  DEFAULT_FULFILMENT_TUNING,
  registerOperatorActionRoutes,
  rulesClassifier,
  startFulfilment,
  wakeBackOrdered,
  type RunningFulfilment,
} from './workflows/index.ts';
import type { Endpoints } from './shared/endpoints.ts';
import type { Logger } from './shared/log.ts';
import type { Service } from './shared/service.ts';

export interface RunningApp {
  readonly deps: Deps;
  /** The HTTP address, when this process runs the api role. */
  readonly url: string | undefined;
  /** The simulators and demo shop, in sandbox mode. */
  readonly sandbox: Sandbox | undefined;
  /** Drains in-flight work, stops every service, closes the database. */
  stop(): Promise<void>;
}

/** Starts the roles the config asks for on one shared set of dependencies. */
export async function startApp(config: Config, log: Logger): Promise<RunningApp> {
  const deps = await createDeps(config, log);
  const services: Service[] = [];
  let url: string | undefined;
  let sandbox: Sandbox | undefined;
  try {
    let endpoints: Endpoints = configuredEndpoints(deps);
    if (config.mode === 'sandbox') {
      sandbox = await startSandbox(deps, {
        ...config.sandbox,
        onRestocked: async (shopId, skus) => void (await wakeBackOrdered(deps.db, shopId, skus)),
      });
      const running = sandbox;
      services.push({ name: 'sandbox', stop: () => running.stop() });
      endpoints = sandbox.endpoints;
    }
    // Calls waiting for a TikTok request slot give up when the process stops.
    const shutdown = new AbortController();
    services.push({ name: 'tiktok-budget', stop: () => Promise.resolve(shutdown.abort()) });
    const connections = connect(deps, endpoints, shutdown.signal);

    let fulfilment: RunningFulfilment | undefined;
    if (config.roles.has('worker')) {
      services.push(startNotificationDispatcher(deps));
      const spikes: SpikeDeps = {
        ...deps,
        spikes: createSpikeState({}, deps.metrics.registry),
        actOnSpike: (spike) => actOnSpike({ ...deps, notifyRoutes: config.notify.routes }, spike),
      };
      services.push(startSpikeTicker(spikes));
      fulfilment = await startWorkers(deps, connections, spikes);
      if (fulfilment) {
        const running = fulfilment;
        services.push({ name: 'fulfilment', stop: () => running.stop() });
      }
    }
    if (config.roles.has('scheduler') && connections.tiktokApi && connections.tokens) {
      const schedulerDeps = { db: deps.db, clock: deps.clock, log: deps.log };
      services.push(
        startTokenRefresh(
          {
            ...schedulerDeps,
            tiktok: connections.tiktokApi,
            tokens: connections.tokens,
            notifyRoutes: config.notify.routes,
          },
          { marginMs: config.tiktok.tokenRefreshMarginMs },
        ),
        startReconciliation(
          {
            ...schedulerDeps,
            tiktok: connections.tiktokApi,
            tokens: connections.tokens,
            onStored: () => fulfilment?.wakeInbox(),
          },
          { intervalMs: config.tiktok.reconcileIntervalMs, owner: workerId() },
        ),
      );
    }
    // Created once per process: it registers the overview gauges in /metrics.
    const dashboard = config.roles.has('api')
      ? createDashboard({ ...deps, adminToken: config.adminToken })
      : undefined;
    if (config.roles.has('scheduler')) {
      const overview = dashboard?.overview ?? createOverviewSource(deps);
      services.push(
        startAlertEvaluator({ ...deps, notifyRoutes: config.notify.routes, figures: () => overview.get() }),
      );
    }
    if (dashboard) {
      url = await startHttp(deps, endpoints, connections, fulfilment, services, dashboard);
      if (sandbox) sandbox.startTraffic(url);
    }
  } catch (error) {
    await stopAll(services, log);
    await closeDeps(deps);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    deps,
    url,
    sandbox,
    stop() {
      stopping ??= (async () => {
        await stopAll(services, log);
        await closeDeps(deps);
      })();
      return stopping;
    },
  };
}

/** The worker role: the inbox, the order steps and compensations, once TikTok is configured. */
async function startWorkers(
  deps: Deps,
  connections: Connections,
  spikes: SpikeDeps,
): Promise<RunningFulfilment | undefined> {
  if (!connections.tiktok) {
    deps.log.warn(
      'TikTok is not configured (TIKTOK_APP_KEY/SECRET): webhooks are stored but orders do not move',
    );
    return undefined;
  }
  if (!connections.carrier) {
    deps.log.warn(
      'SHIPPO_API_TOKEN is not set: seller-shipped orders wait at inventory_reserved for a carrier',
    );
  }
  return startFulfilment(
    {
      db: deps.db,
      clock: deps.clock,
      log: deps.log,
      routes: deps.config.notify.routes,
      tiktok: connections.tiktok,
      carrier: connections.carrier,
      fallbackCarrier: connections.fallbackCarrier,
      classify: rulesClassifier(deps),
      customerEmail: deps.config.notify.smtpUrl !== undefined,
      // Each new order counts towards its products' arrival rates: a spike is caught as it is stored.
      onNewOrders: async (orders) =>
        void (await recordArrivals(
          spikes,
          orders.flatMap((o) => o.productIds.map((productId) => ({ shopId: o.shopId, productId, at: o.at }))),
        )),
      memo: createFulfilmentMemo(deps.clock),
      tuning: {
        ...DEFAULT_FULFILMENT_TUNING,
        ...(deps.config.mode === 'sandbox' ? { trackingPollMs: 60_000, backorderRecheckMs: 15_000 } : {}),
      },
    },
    { workerId: workerId() },
  );
}

/** The api role: webhooks, the operator API and OAuth, on one Fastify server. */
async function startHttp(
  deps: Deps,
  endpoints: Endpoints,
  connections: Connections,
  fulfilment: RunningFulfilment | undefined,
  services: Service[],
  dashboard: Dashboard,
): Promise<string> {
  const { config } = deps;
  const wake = () => fulfilment?.wakeInbox();
  const tiktok = endpoints.tiktok;
  const oauth =
    tiktok && connections.tiktokApi
      ? {
          ...deps,
          tiktok: connections.tiktokApi,
          appKey: tiktok.appKey,
          authBaseUrl: tiktok.authBaseUrl,
          // Webhooks that arrived before the shop was connected are processed now.
          onShopsConnected: async (shopIds: readonly string[]) => {
            for (const shopId of shopIds)
              await resumeEventsOfShop(deps.db, { shopId, now: new Date(deps.clock.now()) });
            wake();
          },
        }
      : undefined;
  const server = await buildServer(deps, [
    (app) => dashboard.register(app),
    (app) =>
      tiktok
        ? registerTiktokIntake(app, {
            ...deps,
            appKey: tiktok.appKey,
            appSecret: tiktok.appSecret,
            onStored: wake,
          })
        : undefined,
    (app) =>
      registerShippoWebhookRoute(app, {
        secret: endpoints.shippo?.webhookSecret,
        clock: deps.clock,
        inbox: createInboxWriter(deps.db),
        onStored: wake,
      }),
    (app) => (oauth ? registerOauthCallbackRoute(app, oauth) : undefined),
    (app) =>
      registerOperatorApi(app, { adminToken: config.adminToken, keys: deps.db }, [
        (scope) => registerKeyRoutes(scope, deps),
        (scope) => registerShopRoutes(scope, deps),
        (scope) => (oauth ? registerShopAuthorizeRoute(scope, oauth) : undefined),
        (scope) =>
          registerInventoryRoutes(scope, {
            db: deps.db,
            onStockChanged: async (shopId, skus) => void (await wakeBackOrdered(deps.db, shopId, skus)),
          }),
        (scope) => registerOrderRoutes(scope, deps),
        (scope) =>
          registerOperatorActionRoutes(scope, {
            ...deps,
            routes: config.notify.routes,
            customerEmail: config.notify.smtpUrl !== undefined,
          }),
        (scope) => registerRuleRoutes(scope, deps),
        (scope) => registerCustomerRoutes(scope, deps),
        (scope) => registerProductRoutes(scope, deps),
        (scope) => registerDemandRoutes(scope, deps),
        (scope) => registerSpikeRoutes(scope, deps),
        (scope) => registerPurchaseOrderRoutes(scope, deps),
        (scope) => registerAlertRoutes(scope, deps),
        (scope) => dashboard.registerApi(scope),
      ]),
  ]);
  const url = await server.listen({ port: config.http.port, host: config.http.host });
  services.push({ name: 'http', stop: () => server.close() });
  return url;
}

function workerId(): string {
  return `${hostname()}-${process.pid}`;
}

async function stopAll(services: Service[], log: Logger): Promise<void> {
  for (const service of [...services].reverse()) {
    try {
      await service.stop();
      log.debug({ service: service.name }, 'stopped');
    } catch (error) {
      log.error({ err: error, service: service.name }, 'service did not stop cleanly');
    }
  }
}
