/**
 * The TikTok Shop simulator: a real HTTP server speaking the Open API (202309) and auth protocol of
 * shared/protocols/tiktok-shop.md, checking signatures, tokens, ciphers and timestamps as TikTok
 * does, generating realistic orders and delivering signed webhooks with every fault as a knob.
 *
 * @example
 * const sim = await startTiktokSimulator({ webhookTarget: 'http://127.0.0.1:3000/webhooks/tiktok' });
 * const { credentials } = sim.createShop();            // a shop with a valid access token
 * sim.seedOrders(credentials.shopId, 20);              // orders without webhooks
 * sim.createOrder(credentials.shopId);                 // an order and its type 1 webhook
 * const run = sim.startTraffic({ shopId: credentials.shopId, ratePerSecond: 5, durationMs: 10_000 });
 * sim.knobs.throttleRate = 0.2;                        // 20% of API calls answer 429 / 36009002
 * await run.done; await sim.webhooksIdle(); await sim.stop();
 *
 * Clients point TIKTOK_API_BASE_URL at `sim.url` and TIKTOK_AUTH_BASE_URL at `sim.authUrl`, with
 * TIKTOK_APP_KEY / TIKTOK_APP_SECRET set to `sim.appKey` / `sim.appSecret`.
 * Error codes it answers with: error-codes.ts (SIM_ERRORS). Knobs: knobs.ts. Docs: docs/tiktok.md.
 */
export {
  startTiktokSimulator,
  type CreatedSimShop,
  type TiktokSimulator,
  type TiktokSimulatorOptions,
} from './server.ts';
export { defaultTiktokKnobs, type TiktokSimulatorKnobs } from './knobs.ts';
export { SIM_ERRORS, type SimErrorName } from './error-codes.ts';
export { DELIVERY_OPTIONS, type SimProduct, type SimSku } from './catalog.ts';
export type { SimOrder } from './order-factory.ts';
export type { CancellationRecord, InventoryUpdateRecord, ShipmentRecord } from './order-book.ts';
export type { TiktokSimCounters } from './sim-state.ts';
export type { SpikeOptions, TrafficOptions, TrafficRun } from './traffic.ts';
export type { SimWebhook, WebhookAttempt } from './webhook-sender.ts';
