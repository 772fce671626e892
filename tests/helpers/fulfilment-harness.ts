import type { FastifyInstance } from 'fastify';
import { setStock } from '../../src/inventory/index.ts';
import {
  createEasyPostAdapter,
  createIntegrationPolicy,
  createShippoAdapter,
  type IntegrationPolicyOptions,
} from '../../src/integrations/carriers/index.ts';
import { createTiktokClient } from '../../src/integrations/tiktok/tiktok-client.ts';
import type { TiktokShopApi } from '../../src/integrations/tiktok/index.ts';
import { upsertShop } from '../../src/shops/index.ts';
import { createLogger } from '../../src/shared/log.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { sleep } from '../../src/shared/sleep.ts';
import {
  startCarrierSimulator,
  type CarrierSimulator,
  type CarrierSimulatorKnobs,
} from '../../src/simulators/carrier/index.ts';
import {
  startTiktokSimulator,
  type CreatedSimShop,
  type TiktokSimulator,
  type TiktokSimulatorKnobs,
} from '../../src/simulators/tiktok/index.ts';
import {
  createFulfilmentMemo,
  actOnSpike,
  DEFAULT_FULFILMENT_TUNING,
  directTiktokAccess,
  startFulfilment,
  rulesClassifier,
  type ClassifyOrder,
  type EventHandlerDeps,
  type RunningFulfilment,
} from '../../src/workflows/index.ts';
import { createSpikeState, recordArrivals, type SpikeDeps } from '../../src/viral/index.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import {
  buildTestServer,
  NO_ROUTES,
  TEST_APP_KEY,
  TEST_APP_SECRET,
  TEST_SHIPPO_WEBHOOK_SECRET,
} from './test-server.ts';

export const SHIP_FROM = {
  name: 'Glow Studio',
  street1: '500 Howard St',
  city: 'San Francisco',
  state: 'CA',
  zip: '94105',
  country: 'US',
};

export interface FulfilmentHarness {
  readonly test: TestDatabase;
  readonly server: FastifyInstance;
  readonly url: string;
  readonly tiktok: TiktokSimulator;
  readonly carrier: CarrierSimulator;
  /** The fallback label API's simulator (EasyPost), when asked for. */
  readonly fallback: CarrierSimulator | undefined;
  readonly shop: CreatedSimShop;
  readonly api: TiktokShopApi;
  readonly deps: EventHandlerDeps;
  /** Starts the worker role's engine (inbox, workers, compensations); stopped by close(). */
  start(): Promise<RunningFulfilment>;
  /** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
  waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  orderState(orderId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * A whole CreatorFlow pipeline on a test database, against both simulators over real HTTP: TikTok
 * webhooks arrive at a listening server, orders are fetched from the TikTok simulator, labels
 * bought from the carrier simulator, whose tracking webhooks come back to the server.
 */
export async function startFulfilmentHarness(
  options: {
    stockPerSku?: number;
    tiktokKnobs?: Partial<TiktokSimulatorKnobs>;
    carrierKnobs?: Partial<CarrierSimulatorKnobs>;
    policy?: Partial<IntegrationPolicyOptions>;
    classify?: ClassifyOrder;
    /** Wire the published rules and spike detection as production does. */
    rules?: boolean;
    /** E-mail buyers about delays and cancellations (and let the operator API do so too). */
    customerEmail?: boolean;
    /** A second carrier simulator behind the EasyPost adapter, as the fallback label API. */
    fallback?: boolean;
  } = {},
): Promise<FulfilmentHarness> {
  const test = await createTestDatabase();
  const running: RunningFulfilment[] = [];
  let wake = (): void => undefined;
  const server = await buildTestServer(test.db, {
    onWebhookStored: () => wake(),
    customerEmail: options.customerEmail ?? false,
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  const tiktok = await startTiktokSimulator({
    appKey: TEST_APP_KEY,
    appSecret: TEST_APP_SECRET,
    webhookTarget: `${url}/webhooks/tiktok`,
    ...(options.tiktokKnobs ? { knobs: options.tiktokKnobs } : {}),
  });
  const carrier = await startCarrierSimulator({
    webhookUrl: `${url}/webhooks/shippo`,
    webhookSecret: TEST_SHIPPO_WEBHOOK_SECRET,
    tickMs: 50,
    ...(options.carrierKnobs ? { knobs: options.carrierKnobs } : {}),
  });
  const fallback = options.fallback ? await startCarrierSimulator({ tickMs: 50 }) : undefined;
  const shop = tiktok.createShop({ name: 'Glow Studio' });
  await upsertShop(test.db, {
    shop_id: shop.credentials.shopId,
    shop_cipher: shop.credentials.shopCipher,
    access_token: shop.credentials.accessToken,
    name: 'Glow Studio',
    ship_from: SHIP_FROM,
  });
  for (const product of shop.products) {
    for (const sku of product.skus) {
      await setStock(test.db, {
        shopId: shop.credentials.shopId,
        sellerSku: sku.sellerSku,
        onHand: options.stockPerSku ?? 100,
        weightOz: 10,
      });
    }
  }
  const api = createTiktokClient({
    appKey: TEST_APP_KEY,
    appSecret: TEST_APP_SECRET,
    apiBaseUrl: tiktok.url,
    authBaseUrl: tiktok.authUrl,
    retry: { initialDelayMs: 10, maxDelayMs: 50 },
  });
  const spikes: SpikeDeps = {
    db: test.db,
    clock: systemClock,
    log: createLogger('silent'),
    spikes: createSpikeState(),
    actOnSpike: (spike) => actOnSpike({ db: test.db, clock: systemClock, notifyRoutes: NO_ROUTES }, spike),
  };
  const deps: EventHandlerDeps = {
    db: test.db,
    clock: systemClock,
    log: createLogger('silent'),
    routes: NO_ROUTES,
    tiktok: directTiktokAccess(test.db, api),
    carrier: {
      port: createShippoAdapter({ token: carrier.token, baseUrl: carrier.baseUrl }),
      policy: createIntegrationPolicy('shippo', {
        initialDelayMs: 10,
        maxDelayMs: 50,
        halfOpenAfterMs: 300,
        ...options.policy,
      }),
    },
    fallbackCarrier: fallback
      ? {
          port: createEasyPostAdapter({ apiKey: fallback.easyPostApiKey, baseUrl: fallback.easyPostBaseUrl }),
          policy: createIntegrationPolicy('easypost', {
            initialDelayMs: 10,
            maxDelayMs: 50,
            halfOpenAfterMs: 300,
          }),
        }
      : undefined,
    classify:
      options.classify ?? (options.rules ? rulesClassifier({ db: test.db, clock: systemClock }) : undefined),
    customerEmail: options.customerEmail,
    onNewOrders: options.rules
      ? async (orders) =>
          void (await recordArrivals(
            spikes,
            orders.flatMap((o) =>
              o.productIds.map((productId) => ({ shopId: o.shopId, productId, at: o.at })),
            ),
          ))
      : undefined,
    memo: createFulfilmentMemo(systemClock),
    tuning: {
      ...DEFAULT_FULFILMENT_TUNING,
      trackingPollMs: 300,
      backorderRecheckMs: 200,
      blockedRecheckMs: 200,
    },
  };

  return {
    test,
    server,
    url,
    tiktok,
    carrier,
    fallback,
    shop,
    api,
    deps,
    async start() {
      const fulfilment = await startFulfilment(deps, { workerId: `test-${running.length}`, pollMs: 100 });
      running.push(fulfilment);
      wake = () => fulfilment.wakeInbox();
      return fulfilment;
    },
    async waitFor(what, check, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await sleep(50);
      }
    },
    async orderState(orderId) {
      const { rows } = await test.db.query<{ state: string }>(
        `SELECT state FROM orders WHERE order_id = $1`,
        [orderId],
      );
      return rows[0]?.state;
    },
    async close() {
      for (const fulfilment of running) await fulfilment.stop();
      await tiktok.stop();
      await carrier.close();
      await fallback?.close();
      await server.close();
      await test.drop();
    },
  };
}
