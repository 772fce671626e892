import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import {
  WEBHOOK_TYPES,
  type AuthorizedShop,
  type ShopCredentials,
  type TiktokOrderStatus,
  type TokenGrant,
} from '../../integrations/tiktok/index.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { sleep } from '../../shared/sleep.ts';
import { registerApiRoutes } from './api-routes.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import type { SimProduct } from './catalog.ts';
import { sendError } from './envelope.ts';
import { defaultTiktokKnobs, type TiktokSimulatorKnobs } from './knobs.ts';
import {
  SimOrderBook,
  type CancellationRecord,
  type InventoryUpdateRecord,
  type ShipmentRecord,
} from './order-book.ts';
import type { SimOrder } from './order-factory.ts';
import { SimRandom } from './random.ts';
import { SimAccounts, zeroCounters, type SimShop, type TiktokSimCounters } from './sim-state.ts';
import { startTraffic, type TrafficOptions, type TrafficRun } from './traffic.ts';
import { WebhookSender, type SimWebhook, type WebhookAttempt } from './webhook-sender.ts';

export interface TiktokSimulatorOptions {
  /** The app the simulator knows (defaults: sim_app_key / sim_app_secret). */
  appKey?: string;
  appSecret?: string;
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** Seed of generated shops, orders and ids (default 20260101); faults use seed + 1. */
  seed?: number;
  /** The simulator's "now": token expiry, timestamps, order times. */
  clock?: Clock;
  /** Where webhooks go; they wait in a queue while unset. */
  webhookTarget?: string;
  /** Where /oauth/authorize sends the seller back when the request has no redirect_uri. */
  redirectUrl?: string;
  knobs?: Partial<TiktokSimulatorKnobs>;
}

/** A shop created through the control API, with tokens ready to use. */
export interface CreatedSimShop {
  readonly shop: AuthorizedShop;
  readonly grant: TokenGrant;
  /** shopId, shopCipher and accessToken, as the client's shop-scoped calls take them. */
  readonly credentials: ShopCredentials;
  readonly products: readonly SimProduct[];
  readonly warehouseId: string;
}

export interface TiktokSimulator {
  /** Open API base URL (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** Auth service base URL (the same server). */
  readonly authUrl: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** Mutable knobs (see knobs.ts). */
  readonly knobs: TiktokSimulatorKnobs;
  /** Live counters (see sim-state.ts). */
  readonly counters: TiktokSimCounters;
  readonly inventoryUpdates: readonly InventoryUpdateRecord[];
  readonly shipments: readonly ShipmentRecord[];
  readonly cancellations: readonly CancellationRecord[];
  readonly webhookAttempts: readonly WebhookAttempt[];
  readonly droppedWebhooks: readonly SimWebhook[];
  /** Webhooks in the order first attempts (and duplicates) left the simulator. */
  readonly sentWebhooks: readonly SimWebhook[];

  createShop(input?: { id?: string; name?: string }): CreatedSimShop;
  /** An auth code for the token exchange (what the consent page would redirect with). */
  issueAuthCode(shopId: string): string;
  /** The seller's consent URL: opening it redirects to redirectUri?code&state. */
  authorizeUrl(input: { state: string; redirectUri?: string; shopId?: string }): string;
  /** The access token answers 105002 from now on. */
  expireAccessToken(accessToken: string): void;
  products(shopId: string): readonly SimProduct[];
  /** Adds orders without webhooks (unless `notify`), e.g. for reconciliation tests. */
  seedOrders(
    shopId: string,
    count: number,
    options?: {
      status?: 'UNPAID' | 'ON_HOLD' | 'AWAITING_SHIPMENT';
      productId?: string;
      shippingType?: 'SELLER' | 'TIKTOK';
      notify?: boolean;
    },
  ): SimOrder[];
  /** One new order, notified by a type 1 webhook unless `notify` is false. */
  createOrder(
    shopId: string,
    options?: {
      status?: 'UNPAID' | 'ON_HOLD' | 'AWAITING_SHIPMENT';
      productId?: string;
      shippingType?: 'SELLER' | 'TIKTOK';
      notify?: boolean;
    },
  ): SimOrder;
  /** A copy of an order as the API would answer it. */
  order(orderId: string): SimOrder | undefined;
  setOrderStatus(orderId: string, status: TiktokOrderStatus, options?: { notify?: boolean }): SimOrder;
  buyerCancel(orderId: string): boolean;
  updateAddress(orderId: string): void;
  splitPackage(orderId: string): string[];
  requestReturn(orderId: string): string;
  /** The seller removes the app: the shop's tokens answer 105001 and a type 6 webhook is sent. */
  deauthorizeShop(shopId: string): void;
  /** Queues any webhook (e.g. type 7 upcoming authorisation expiry). */
  emitWebhook(shopId: string, type: number, data: Record<string, unknown>): SimWebhook;
  setWebhookTarget(url: string | undefined): void;
  onWebhookAttempt(listener: (attempt: WebhookAttempt) => void): () => void;
  /** Resolves when every queued webhook was delivered, given up or dropped. */
  webhooksIdle(): Promise<void>;
  /** Generates traffic for a shop at a rate of webhooks per second. */
  startTraffic(options: TrafficOptions): TrafficRun;
  stop(): Promise<void>;
}

/** Starts the TikTok Shop simulator: a real HTTP server speaking the Open API and auth protocol. */
export async function startTiktokSimulator(options: TiktokSimulatorOptions = {}): Promise<TiktokSimulator> {
  const appKey = options.appKey ?? 'sim_app_key';
  const appSecret = options.appSecret ?? 'sim_app_secret';
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 20_260_101;
  const random = new SimRandom(seed);
  const faults = new SimRandom(seed + 1);
  const knobs: TiktokSimulatorKnobs = { ...defaultTiktokKnobs(), ...options.knobs };
  const counters = zeroCounters();
  const accounts = new SimAccounts(knobs, random, clock);
  const sender = new WebhookSender(
    { appKey, appSecret, knobs, counters, random: faults, clock },
    options.webhookTarget,
  );
  const book = new SimOrderBook(accounts, knobs, random, counters, (shopId, type, data) => {
    sender.enqueue(shopId, type, data);
  });
  const runs = new Set<TrafficRun>();

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.removeAllContentTypeParsers();
  // Keep the raw text: the signature covers the exact bytes received.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.addHook('onRequest', async () => {
    counters.requestsServed += 1;
    if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
  });
  // Fastify's own refusals (a body over 1 MB, a malformed request) still answer TikTok's envelope.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) =>
    sendError(
      reply,
      clock.now(),
      (error.statusCode ?? 500) < 500 ? 'INVALID_PARAMETER' : 'INTERNAL',
      error.message,
    ),
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, clock.now(), 'PATH_NOT_FOUND', `${request.method} ${request.url.split('?')[0]}`),
  );
  const authDeps = {
    appKey,
    appSecret,
    accounts,
    clock,
    redirectUrl: options.redirectUrl,
    defaultShop: () => accounts.shops.values().next().value ?? accounts.createShop(),
  };
  registerAuthRoutes(app, authDeps);
  registerApiRoutes(app, { appKey, appSecret, accounts, book, knobs, counters, clock, faults });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  function created(shop: SimShop): CreatedSimShop {
    const grant = accounts.grant([shop.id]);
    return {
      shop: accounts.authorizedShops([shop.id])[0]!,
      grant,
      credentials: { shopId: shop.id, shopCipher: shop.cipher, accessToken: grant.access_token },
      products: shop.products,
      warehouseId: shop.warehouseId,
    };
  }

  return {
    url,
    authUrl: url,
    appKey,
    appSecret,
    knobs,
    counters,
    inventoryUpdates: book.inventoryUpdates,
    shipments: book.shipments,
    cancellations: book.cancellations,
    webhookAttempts: sender.attempts,
    droppedWebhooks: sender.dropped,
    sentWebhooks: sender.sentOrder,
    createShop: (input) => created(accounts.createShop(input)),
    issueAuthCode: (shopId) => accounts.issueAuthCode([shopId]),
    authorizeUrl({ state, redirectUri, shopId }) {
      const target = new URL('/oauth/authorize', url);
      target.searchParams.set('app_key', appKey);
      target.searchParams.set('state', state);
      if (redirectUri) target.searchParams.set('redirect_uri', redirectUri);
      if (shopId) target.searchParams.set('shop_id', shopId);
      return target.toString();
    },
    expireAccessToken: (token) => accounts.expireAccessToken(token),
    products: (shopId) => accounts.shop(shopId).products,
    seedOrders: (shopId, count, seedOptions = {}) =>
      Array.from({ length: count }, () =>
        structuredClone(book.createOrder(shopId, { ...seedOptions, notify: seedOptions.notify ?? false })),
      ),
    createOrder: (shopId, orderOptions = {}) => structuredClone(book.createOrder(shopId, orderOptions)),
    order: (orderId) => {
      const entry = book.get(orderId);
      return entry ? structuredClone(entry.order) : undefined;
    },
    setOrderStatus: (orderId, status, statusOptions = {}) =>
      structuredClone(book.setStatus(orderId, status, statusOptions.notify ?? true)),
    buyerCancel: (orderId) => book.buyerCancel(orderId),
    updateAddress: (orderId) => book.updateAddress(orderId),
    splitPackage: (orderId) => book.splitPackage(orderId),
    requestReturn: (orderId) => book.requestReturn(orderId),
    deauthorizeShop(shopId) {
      accounts.revokeShop(shopId);
      sender.enqueue(shopId, WEBHOOK_TYPES.SELLER_DEAUTHORIZATION, {
        message: 'The seller has deauthorized the app.',
      });
    },
    emitWebhook: (shopId, type, data) => sender.enqueue(shopId, type, data),
    setWebhookTarget: (target) => sender.setTarget(target),
    onWebhookAttempt: (listener) => sender.onAttempt(listener),
    webhooksIdle: () => sender.idle(),
    startTraffic(trafficOptions) {
      const run = startTraffic({ accounts, book, knobs, counters, random }, trafficOptions);
      runs.add(run);
      void run.done.then(() => runs.delete(run));
      return run;
    },
    async stop() {
      for (const run of runs) run.stop();
      await sender.stop();
      await app.close();
    },
  };
}
