import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import { restock } from '../inventory/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Endpoints } from '../shared/endpoints.ts';
import type { Logger } from '../shared/log.ts';
import { startPollLoop, type PollLoop } from '../shared/poll-loop.ts';
import { startCarrierSimulator, type CarrierSimulator } from '../simulators/carrier/index.ts';
import { startTiktokSimulator, type TiktokSimulator, type TrafficRun } from '../simulators/tiktok/index.ts';
import { emitContentSignals } from './content-signals.ts';
import {
  closeForgottenDemoOrders,
  DEMO_HISTORY_HOURS,
  registerDemoShop,
  SANDBOX_SHOP_ID,
  SANDBOX_STOCK,
  seedDemoHistory,
} from './demo-shop.ts';

export interface Sandbox {
  readonly endpoints: Endpoints;
  readonly shopId: string;
  readonly tiktok: TiktokSimulator;
  readonly carrier: CarrierSimulator;
  /** Points both simulators' webhooks at CreatorFlow and starts the demo traffic. */
  startTraffic(baseUrl: string): void;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** Webhooks per second of demo traffic (new orders and their lifecycle events). */
  readonly ratePerSecond: number;
  /** Length of one traffic cycle; a viral spike runs in the middle of each. */
  readonly cycleMs: number;
  /** Called after the sandbox supplier restocked SKUs (to wake back-ordered orders). */
  readonly onRestocked?: (shopId: string, skus: readonly string[]) => Promise<void>;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = { ratePerSecond: 0.5, cycleMs: 10 * 60_000 };

/**
 * Sandbox mode: the TikTok Shop and carrier simulators as real HTTP servers on free ports, the demo
 * shop registered with stock, demo traffic with a viral spike in every cycle, and a supplier that
 * tops stock back up, so a fresh `npm start` shows orders flowing end to end.
 */
export async function startSandbox(
  deps: { readonly config: Config; readonly db: Database; readonly clock: Clock; readonly log: Logger },
  options: SandboxOptions = DEFAULT_SANDBOX_OPTIONS,
): Promise<Sandbox> {
  const { appKey, appSecret } = deps.config.tiktok;
  if (!appKey || !appSecret) throw new Error('sandbox mode needs the generated TikTok app credentials');
  const webhookSecret = randomBytes(24).toString('hex');
  const tiktok = await startTiktokSimulator({ appKey, appSecret, knobs: { viralShare: 0.85 } });
  const carrier = await startCarrierSimulator({
    webhookSecret,
    token: `shippo_sandbox_${randomBytes(8).toString('hex')}`,
  });
  const shop = tiktok.createShop({ id: SANDBOX_SHOP_ID, name: 'Glow Studio (sandbox)' });
  await registerDemoShop(deps.db, shop);
  // About seven in ten demo webhooks are new orders; the rest are their lifecycle events.
  const seeded = await seedDemoHistory(deps.db, shop, {
    ordersPerHour: options.ratePerSecond * 0.7 * 3600,
    now: new Date(deps.clock.now()),
  });
  if (seeded > 0)
    deps.log.info(
      { orders: seeded, hours: DEMO_HISTORY_HOURS },
      "sandbox: wrote the demo shop's last hours of orders as history",
    );
  const forgotten = await closeForgottenDemoOrders(
    deps.db,
    shop.credentials.shopId,
    new Date(deps.clock.now()),
  );
  if (forgotten > 0) {
    deps.log.info(
      { orders: forgotten },
      'sandbox: demo orders from the last run were cancelled (the simulators start empty)',
    );
  }

  let traffic: TrafficRun | undefined;
  let cycling: Promise<void> | undefined;
  const stopping = new AbortController();
  let supplier: PollLoop | undefined;

  return {
    shopId: shop.credentials.shopId,
    tiktok,
    carrier,
    endpoints: {
      tiktok: { appKey, appSecret, apiBaseUrl: tiktok.url, authBaseUrl: tiktok.authUrl },
      shippo: { token: carrier.token, baseUrl: carrier.baseUrl, webhookSecret },
    },
    startTraffic(baseUrl) {
      tiktok.setWebhookTarget(`${baseUrl}/webhooks/tiktok`);
      carrier.setWebhookUrl(`${baseUrl}/webhooks/shippo`);
      cycling = (async () => {
        while (!stopping.signal.aborted && options.ratePerSecond > 0) {
          // Long enough to be caught with room to spare: detection needs the product's orders of
          // the last minute at four times its normal, about half a minute into a demo spike.
          const spike = {
            productId: 'auto',
            startMs: options.cycleMs * 0.3,
            durationMs: options.cycleMs * 0.3,
          };
          traffic = tiktok.startTraffic({
            shopId: shop.credentials.shopId,
            ratePerSecond: options.ratePerSecond,
            durationMs: options.cycleMs,
            spike,
          });
          const signals = traffic.spikeProductId
            ? emitContentSignals({
                baseUrl,
                token: deps.config.adminToken,
                shopId: shop.credentials.shopId,
                productId: traffic.spikeProductId,
                surgeInMs: spike.startMs,
                surgeMs: spike.durationMs,
                log: deps.log,
                signal: stopping.signal,
              })
            : Promise.resolve();
          await Promise.all([traffic.done, signals]);
        }
      })();
      supplier = startPollLoop({
        name: 'sandbox supplier',
        log: deps.log,
        intervalMs: 30_000,
        round: async () => {
          const { rows } = await deps.db.query<{ seller_sku: string; on_hand: number }>(
            `SELECT seller_sku, on_hand FROM inventory WHERE shop_id = $1 AND on_hand - reserved < 20`,
            [shop.credentials.shopId],
          );
          for (const row of rows) {
            await restock(deps.db, {
              shopId: shop.credentials.shopId,
              sellerSku: row.seller_sku,
              units: Math.max(0, SANDBOX_STOCK - row.on_hand),
            });
          }
          if (rows.length > 0) {
            deps.log.info({ skus: rows.map((r) => r.seller_sku) }, 'sandbox supplier delivered stock');
            await options.onRestocked?.(
              shop.credentials.shopId,
              rows.map((r) => r.seller_sku),
            );
          }
          return 0;
        },
      });
    },
    async stop() {
      stopping.abort();
      traffic?.stop();
      await cycling;
      await supplier?.stop();
      await tiktok.stop();
      await carrier.close();
    },
  };
}
