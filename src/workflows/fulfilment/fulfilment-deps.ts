import type { Database } from '../../db/index.ts';
import type { CarrierPort, IntegrationPolicy } from '../../integrations/carriers/index.ts';
import type { NotifyRoutes } from '../../notify/index.ts';
import type { Priority } from '../../orders/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { ShippingProvider } from '../../integrations/tiktok/index.ts';
import { ttlCache, type TtlCache } from '../../shared/ttl-cache.ts';
import type { BoxSpec, OnTimeRecord, RateStrategy } from '../../shipping/index.ts';
import type { TiktokAccess } from './tiktok-access.ts';

/** What the rules decided for an order, as the workflow applies it. */
export interface OrderDecision {
  readonly priority?: Priority | undefined;
  /** Hold the order: until released by an operator, or until a time. */
  readonly hold?: { readonly reason: string; readonly until?: Date | undefined } | undefined;
  readonly manualReview?: { readonly reason: string } | undefined;
  readonly carrier?: string | undefined;
  readonly service?: string | undefined;
  readonly strategy?: RateStrategy | undefined;
  /** People the rules want told about this order (role: team_lead, devops, fulfillment_team). */
  readonly notifications?:
    readonly { role: string; message?: string | undefined; ruleId: string }[] | undefined;
  /** Re-orders the rules ask for, of the order's seller SKUs (one open purchase order per SKU). */
  readonly reorders?: readonly { multiplier: number; urgent: boolean; ruleId: string }[] | undefined;
  /** Everything else worth keeping on the order (version, fired rules, tags). */
  readonly summary: Record<string, unknown>;
}

/** Classifies an order from stored facts and the published rules (and records why). */
export type ClassifyOrder = (input: { shopId: string; orderId: string }) => Promise<OrderDecision>;

/** Carrier access: the adapter and the integration policy its calls run through. */
export interface CarrierAccess {
  readonly port: CarrierPort;
  readonly policy: IntegrationPolicy;
}

export interface FulfilmentDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly routes: NotifyRoutes;
  readonly tiktok: TiktokAccess;
  /** Undefined when no carrier API is configured: seller-shipped orders wait, visibly. */
  readonly carrier: CarrierAccess | undefined;
  /** A second label API, used while the first one's circuit is open. */
  readonly fallbackCarrier?: CarrierAccess | undefined;
  /** Buyers get an e-mail when the seller's side cancels or delays their order (needs SMTP). */
  readonly customerEmail?: boolean | undefined;
  /** Undefined: every order stays standard, no holds. */
  readonly classify?: ClassifyOrder | undefined;
  readonly tuning: FulfilmentTuning;
  /** What the steps keep for a while rather than ask again for every order (createFulfilmentMemo). */
  readonly memo: FulfilmentMemo;
}

/** Answers the steps reuse across orders, each for as long as it stays true enough. */
export interface FulfilmentMemo {
  /** TikTok's shipping providers by shop and delivery option: ten minutes. */
  readonly shippingProviders: TtlCache<string, readonly ShippingProvider[]>;
  /** Each carrier's delivered parcels and how many arrived in time, over every shop: a minute. */
  readonly onTimeRecords: TtlCache<'all', Record<string, OnTimeRecord>>;
}

export function createFulfilmentMemo(clock: Clock): FulfilmentMemo {
  return { shippingProviders: ttlCache(clock, 10 * 60_000), onTimeRecords: ttlCache(clock, 60_000) };
}

export interface FulfilmentTuning {
  /** The box every parcel ships in, unless the catalogue says otherwise. */
  readonly box: BoxSpec;
  /** How often a shipped parcel's tracking is polled when no webhook has moved it. */
  readonly trackingPollMs: number;
  /** How often a back-ordered order checks for stock (a restock wakes it sooner). */
  readonly backorderRecheckMs: number;
  /** How long to wait before trying again when the shop is de-authorised or a breaker is open. */
  readonly blockedRecheckMs: number;
  /** How often changed stock counts are pushed to TikTok (the debounce window). */
  readonly inventoryPushMs: number;
}

export const DEFAULT_TUNING: FulfilmentTuning = {
  box: { length: 10, width: 8, height: 4, distanceUnit: 'in', tareWeightOz: 4 },
  trackingPollMs: 15 * 60_000,
  backorderRecheckMs: 60_000,
  blockedRecheckMs: 30_000,
  inventoryPushMs: 10_000,
};
