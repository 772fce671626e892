import type { Deps } from './deps.ts';
import {
  createIntegrationPolicy,
  createEasyPostAdapter,
  createShippoAdapter,
  registerBreakerMetrics,
  type CarrierPort,
  type IntegrationPolicy,
} from './integrations/carriers/index.ts';
import {
  createOrderDetailBatcher,
  createTiktokClient,
  createTiktokRequestBudget,
  registerBudgetMetrics,
  type TiktokShopApi,
} from './integrations/tiktok/index.ts';
import type { Endpoints } from './shared/endpoints.ts';
import { createTokenRefresher, type TokenRefresher } from './shops/index.ts';
import { refreshingTiktokAccess, type CarrierAccess, type TiktokAccess } from './workflows/index.ts';

/** The clients of the outside world, built once per process. */
export interface Connections {
  readonly tiktokApi: TiktokShopApi | undefined;
  readonly tiktok: TiktokAccess | undefined;
  readonly tokens: TokenRefresher | undefined;
  readonly carrier: CarrierAccess | undefined;
  /** The second label API, used while the first one's circuit is open. */
  readonly fallbackCarrier: CarrierAccess | undefined;
  readonly policies: readonly IntegrationPolicy[];
}

/** The endpoints the configuration names (live mode, or sandbox before its simulators start). */
export function configuredEndpoints(deps: Deps): Endpoints {
  const { tiktok, shippo } = deps.config;
  return {
    tiktok:
      tiktok.appKey && tiktok.appSecret
        ? {
            appKey: tiktok.appKey,
            appSecret: tiktok.appSecret,
            apiBaseUrl: tiktok.apiBaseUrl,
            authBaseUrl: tiktok.authBaseUrl,
          }
        : undefined,
    shippo: shippo.apiToken
      ? { token: shippo.apiToken, baseUrl: shippo.apiBaseUrl, webhookSecret: shippo.webhookSecret }
      : undefined,
    easypost: deps.config.easypost.apiKey
      ? { apiKey: deps.config.easypost.apiKey, baseUrl: deps.config.easypost.apiBaseUrl }
      : undefined,
  };
}

/**
 * Builds the TikTok client (signed, within the app's shared request budget, coalescing order
 * detail reads, refreshing tokens) and the carrier adapter behind its resilience policy, and
 * exposes the breaker states in /metrics.
 */
export function connect(deps: Deps, endpoints: Endpoints, shutdown?: AbortSignal): Connections {
  let tiktokApi: TiktokShopApi | undefined;
  let tiktok: TiktokAccess | undefined;
  let tokens: TokenRefresher | undefined;
  if (endpoints.tiktok) {
    const budget = createTiktokRequestBudget({
      appKey: endpoints.tiktok.appKey,
      redis: deps.redis,
      clock: deps.clock,
      budget: { limit: deps.config.tiktok.requestBudgetPerMinute, windowMs: 60_000 },
    });
    registerBudgetMetrics(deps.metrics.registry, budget);
    tiktokApi = createTiktokClient({
      ...endpoints.tiktok,
      clock: deps.clock,
      beforeRequest: () => budget.acquire(shutdown),
      onRetry: ({ attempt, delayMs, error }) =>
        deps.log.debug({ attempt, delayMs, err: error }, 'retrying a TikTok call'),
    });
    tokens = createTokenRefresher(
      {
        db: deps.db,
        clock: deps.clock,
        log: deps.log,
        tiktok: tiktokApi,
        notifyRoutes: deps.config.notify.routes,
      },
      { marginMs: deps.config.tiktok.tokenRefreshMarginMs },
    );
    tiktok = refreshingTiktokAccess({
      api: tiktokApi,
      refresher: tokens,
      batcher: createOrderDetailBatcher(tiktokApi),
    });
  }
  const policies: IntegrationPolicy[] = [];
  const withPolicy = (port: CarrierPort): CarrierAccess => {
    const policy = createIntegrationPolicy(port.name);
    policy.onBreakerStateChange((state) =>
      deps.log.warn({ integration: port.name, state }, 'carrier breaker changed'),
    );
    policies.push(policy);
    return { port, policy };
  };
  const shippo = endpoints.shippo
    ? withPolicy(createShippoAdapter({ token: endpoints.shippo.token, baseUrl: endpoints.shippo.baseUrl }))
    : undefined;
  const easypost = endpoints.easypost
    ? withPolicy(
        createEasyPostAdapter({ apiKey: endpoints.easypost.apiKey, baseUrl: endpoints.easypost.baseUrl }),
      )
    : undefined;
  // Shippo first when both are set; EasyPost alone is a primary of its own.
  const carrier = shippo ?? easypost;
  const fallbackCarrier = shippo ? easypost : undefined;
  registerBreakerMetrics(deps.metrics.registry, () => policies);
  return { tiktokApi, tiktok, tokens, carrier, fallbackCarrier, policies };
}
