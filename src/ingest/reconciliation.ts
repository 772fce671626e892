import { randomBytes } from 'node:crypto';
import type { Service } from '../shared/service.ts';
import type { Database } from '../db/index.ts';
import { WEBHOOK_TYPES, type TiktokOrder, type TiktokShopApi } from '../integrations/tiktok/index.ts';
import { isShopNotAuthorized, withShopCredentials, type TokenRefresher } from '../shops/index.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { sleep } from '../shared/sleep.ts';
import { insertBatch, type InboxEntry } from './inbox-writer.ts';
import {
  finishReconcile,
  knownUpdateTimes,
  leaseShopForReconcile,
  reconcilableShopIds,
  renewReconcileLease,
} from './reconcile-queries.ts';

export interface ReconcileDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tiktok: Pick<TiktokShopApi, 'searchOrders'>;
  readonly tokens: TokenRefresher;
  /** Told after a page stored new events (e.g. to wake the inbox processor of this process). */
  readonly onStored?: (count: number) => void;
}

export interface ReconcileOptions {
  /** Who holds the lease (one id per process). */
  readonly owner?: string;
  /** How far back the first run of a shop looks (default 1 hour). */
  readonly firstLookbackMs?: number;
  /** Each run starts this much before the watermark, for orders TikTok indexed late (default 2 min). */
  readonly overlapMs?: number;
  /** A run's lease; renewed after every page (default 5 min). */
  readonly leaseMs?: number;
  /** Orders per search page, 1..100 (default 100). */
  readonly pageSize?: number;
  /** Only reconcile when the shop's last run ended at least this long ago (the loop's interval). */
  readonly minIntervalMs?: number;
}

export type ReconcileResult =
  | { outcome: 'done'; found: number; stored: number; from: number; to: number }
  | { outcome: 'skipped'; reason: 'leased' | 'not due' | 'not authorised' };

/** The notification id of a reconciled order change: the same change found twice is stored once. */
export function reconcileNotificationId(
  shopId: string,
  order: Pick<TiktokOrder, 'id' | 'update_time'>,
): string {
  return `reconcile:${shopId}:${order.id}:${order.update_time}`;
}

/** The inbox entry for an order found by search: an ORDER_STATUS_CHANGE (type 1) shaped as TikTok sends it. */
export function reconcileEntry(shopId: string, order: TiktokOrder, nowSeconds: number): InboxEntry {
  const notificationId = reconcileNotificationId(shopId, order);
  return {
    source: 'tiktok',
    notificationId,
    shopId,
    eventType: WEBHOOK_TYPES.ORDER_STATUS_CHANGE,
    payload: JSON.stringify({
      type: WEBHOOK_TYPES.ORDER_STATUS_CHANGE,
      tts_notification_id: notificationId,
      shop_id: shopId,
      timestamp: nowSeconds,
      data: {
        order_id: order.id,
        order_status: order.status,
        is_on_hold_order: order.is_on_hold_order ?? false,
        update_time: order.update_time,
      },
    }),
  };
}

const processOwner = `reconciler-${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * Reconciles one shop once: searches the orders TikTok updated since the shop's watermark (minus a
 * small overlap; the last hour on the first run), page by page, and stores each change CreatorFlow
 * has not processed yet (its orders row holds an older update_time, or none) as an inbox event of
 * type 1, exactly where webhooks go, so the inbox processor re-reads and acts on it. Each page is
 * stored before the next is fetched; the watermark moves to the run's end only once every page is
 * stored, so a crash repeats the window (repeats are de-duplicated) and never skips it. A lease per
 * shop keeps two processes from reconciling the same shop at once.
 */
export async function reconcileShop(
  deps: ReconcileDeps,
  shopId: string,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const owner = options.owner ?? processOwner;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const started = deps.clock.now();
  const lease = await leaseShopForReconcile(deps.db, {
    shopId,
    owner,
    now: new Date(started),
    leaseMs,
    notRunSince: options.minIntervalMs === undefined ? null : new Date(started - options.minIntervalMs),
  });
  if (!lease)
    return { outcome: 'skipped', reason: options.minIntervalMs === undefined ? 'leased' : 'not due' };

  const to = Math.floor(started / 1000);
  const from =
    lease.watermark === null
      ? to - Math.floor((options.firstLookbackMs ?? 3600_000) / 1000)
      : lease.watermark - Math.floor((options.overlapMs ?? 120_000) / 1000);
  let found = 0;
  let stored = 0;
  // The run's outcome on the shop's lease: the watermark moves only when every page was read.
  const finish = (watermark: number | null, error: string | null) =>
    finishReconcile(deps.db, {
      shopId,
      owner,
      now: new Date(deps.clock.now()),
      watermark,
      found,
      stored,
      error,
    });
  try {
    let pageToken: string | undefined;
    do {
      const page = await withShopCredentials(deps.tokens, shopId, (credentials) =>
        deps.tiktok.searchOrders(
          credentials,
          { update_time_ge: from, update_time_lt: to },
          { pageSize: options.pageSize ?? 100, pageToken },
        ),
      );
      const nowSeconds = Math.floor(deps.clock.now() / 1000);
      found += page.orders.length;
      const known =
        page.orders.length === 0
          ? new Map<string, number>()
          : await knownUpdateTimes(deps.db, { shopId, orderIds: page.orders.map((o) => o.id) });
      const missed = page.orders.filter((o) => (known.get(o.id) ?? -1) < o.update_time);
      if (missed.length > 0) {
        const results = await insertBatch(
          deps.db,
          missed.map((order) => reconcileEntry(shopId, order, nowSeconds)),
        );
        const fresh = results.filter((r) => r.stored).length;
        stored += fresh;
        if (fresh > 0) deps.onStored?.(fresh);
      }
      pageToken = page.next_page_token || undefined;
      if (
        pageToken &&
        !(await renewReconcileLease(deps.db, { shopId, owner, now: new Date(deps.clock.now()), leaseMs }))
      ) {
        throw new Error(`the reconciliation lease of shop ${shopId} was taken over; this run stops`);
      }
    } while (pageToken);
  } catch (error) {
    await finish(null, describeError(error));
    if (isShopNotAuthorized(error)) return { outcome: 'skipped', reason: 'not authorised' };
    throw error;
  }
  await finish(to, null);
  if (stored > 0)
    deps.log.info({ shop: shopId, found, stored, from, to }, 'reconciliation stored missed order changes');
  return { outcome: 'done', found, stored, from, to };
}

/** One round over every active shop that is due; a failing shop does not stop the others. */
export async function reconcileDueShops(
  deps: ReconcileDeps,
  options: ReconcileOptions & { minIntervalMs: number },
): Promise<{ reconciled: number; stored: number; failed: number }> {
  let reconciled = 0;
  let stored = 0;
  let failed = 0;
  for (const shopId of await reconcilableShopIds(deps.db)) {
    try {
      const result = await reconcileShop(deps, shopId, options);
      if (result.outcome === 'done') {
        reconciled += 1;
        stored += result.stored;
      }
    } catch (error) {
      failed += 1;
      deps.log.warn(
        { shop: shopId, err: describeError(error) },
        'reconciliation of a shop failed; retried next round',
      );
    }
  }
  return { reconciled, stored, failed };
}

/**
 * The scheduler's reconciliation: every shop is searched once per `intervalMs` (default 5 minutes),
 * by whichever process gets its lease. Checks every `tickMs` (default a tenth of the interval, at
 * most 30 s) which shops are due. stop() waits for the round in flight.
 */
export function startReconciliation(
  deps: ReconcileDeps,
  options: Omit<ReconcileOptions, 'minIntervalMs'> & { intervalMs?: number; tickMs?: number } = {},
): Service {
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  const tickMs = options.tickMs ?? Math.min(30_000, Math.max(1_000, Math.floor(intervalMs / 10)));
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        await reconcileDueShops(deps, { ...options, minIntervalMs: intervalMs });
      } catch (error) {
        deps.log.error({ err: error }, 'reconciliation round failed; trying again next round');
      }
      await sleep(tickMs, stop.signal);
    }
  })();
  return {
    name: 'tiktok-reconciliation',
    async stop() {
      stop.abort();
      await loop;
    },
  };
}
