// Builds the facts a rule set reads from one order's stored snapshot. Pure: the loader does the I/O.
import type { Facts, FactValue } from './facts.ts';

/** Everything the rules may read about one order, as stored, at one moment (`asOf`). */
export interface OrderSnapshot {
  readonly shopId: string;
  readonly orderId: string;
  readonly receivedAt: Date;
  /** Facts are as of this moment: now when classifying, the order's receipt when replaying. */
  readonly asOf: Date;
  readonly totalAmount: number | null;
  readonly shippingType: string | null;
  readonly recipient: unknown;
  readonly shipBy: Date | null;
  readonly deliverBy: Date | null;
  readonly detail: unknown;
  readonly buyerUserId: string | null;
  readonly lines: readonly {
    readonly sellerSku: string;
    readonly skuId: string;
    readonly productId: string | null;
    readonly quantity: number;
    /** On hand minus reserved; null when the SKU has no stock record. */
    readonly available: number | null;
    readonly weightOz: number | null;
    /** The product's category as the seller set it; null when unknown. */
    readonly category: string | null;
  }[];
  readonly customer: {
    readonly repeatOrders: number;
    readonly lifetimeValue: number;
    readonly tags: readonly string[];
    readonly fraudOrders: number;
  } | null;
  /** Per product of the order: orders in the hour before asOf and in the 24 hours before that. */
  readonly demand: readonly {
    readonly productId: string;
    readonly lastHour: number;
    readonly previousDay: number;
    /**
     * How much of those 24 hours the shop already had orders in (0 to 24): hours before a shop's
     * first order are not quiet hours, they are no history at all.
     */
    readonly previousHours: number;
    readonly activeSpike: boolean;
  }[];
  readonly signals: {
    readonly count: number;
    readonly hashtags: readonly string[];
    readonly creators: readonly string[];
    readonly latestHashtag: string | null;
    readonly latestCreator: string | null;
    readonly maxViews: number | null;
  } | null;
}

const GRAMS_PER_OZ = 28.349523125;
const HOUR_MS = 3_600_000;
/** A product with no history counts as selling one order an hour, so its increase stays finite. */
export const BASELINE_FLOOR_PER_HOUR = 1;
/** Below this much of the shop's history before the last hour there is no normal to compare with. */
export const MIN_BASELINE_HOURS = 1;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const flag = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/**
 * Destination facts from a stored recipient, whether it is TikTok's address (region_code,
 * postal_code, district_info) or a flat one (state, zip, country, residential).
 */
export function addressFacts(recipient: unknown): Record<string, FactValue | undefined> {
  const r = record(recipient);
  const district = Array.isArray(r.district_info) ? r.district_info.map(record) : [];
  const state =
    text(r.state) ??
    text(district.find((d) => /state|province/i.test(String(d.address_level_name)))?.address_name);
  return {
    'order.destination_state': state,
    'order.destination_country': text(r.country) ?? text(r.region_code),
    'order.destination_postcode': text(r.zip) ?? text(r.postal_code),
    'order.residential': flag(r.residential) ?? flag(r.is_residential),
    'customer.country': text(r.country) ?? text(r.region_code),
  };
}

const hoursUntil = (at: Date | null, from: Date): number | undefined =>
  at === null ? undefined : Math.round(((at.getTime() - from.getTime()) / HOUR_MS) * 100) / 100;

/**
 * Percent increase of the last hour over the hourly average of the day before it, averaged over
 * the `previousHours` of that day the shop already had orders in. Unknown (undefined) while that is
 * under an hour: a newly connected shop's first orders would otherwise all look viral.
 */
export function velocityIncreasePercent(
  lastHour: number,
  previousDay: number,
  previousHours = 24,
): number | undefined {
  if (previousHours < MIN_BASELINE_HOURS) return undefined;
  const baseline = Math.max(previousDay / Math.min(previousHours, 24), BASELINE_FLOOR_PER_HOUR);
  return Math.round((lastHour / baseline - 1) * 10_000) / 100;
}

/**
 * The facts of one order, keyed by catalogue field. Unknown facts are left out, so only `exists`
 * matches them. For an order of several products, demand facts are those of its hottest product.
 * @example buildOrderFacts(snapshot)['order.units'] // 3
 */
export function buildOrderFacts(s: OrderSnapshot): Facts {
  const detail = record(s.detail);
  const skus = [...new Set(s.lines.map((l) => l.sellerSku || l.skuId))].sort();
  const productIds = [...new Set(s.lines.flatMap((l) => (l.productId ? [l.productId] : [])))].sort();
  const stocked = s.lines.filter((l) => l.available !== null);
  const tightest = [...s.lines].sort(
    (a, b) => (a.available ?? Infinity) - (b.available ?? Infinity) || (a.sellerSku < b.sellerSku ? -1 : 1),
  )[0];
  const categories = [...new Set(s.lines.flatMap((l) => (l.category ? [l.category] : [])))].sort();
  const weighed = s.lines.every((l) => l.weightOz !== null) && s.lines.length > 0;
  const hottest = [...s.demand].sort(
    (a, b) => b.lastHour - a.lastHour || (a.productId < b.productId ? -1 : 1),
  )[0];
  const tags = s.customer?.tags ?? [];
  const facts: Record<string, FactValue | undefined> = {
    'order.value': s.totalAmount ?? undefined,
    'order.units': s.lines.reduce((n, l) => n + l.quantity, 0),
    'order.skus': skus,
    'order.product_ids': productIds,
    ...addressFacts(s.recipient),
    'order.shipping_type': s.shippingType ?? undefined,
    'order.ship_by_hours': hoursUntil(s.shipBy, s.asOf),
    'order.deliver_by_hours': hoursUntil(s.deliverBy, s.asOf),
    'order.is_sample': flag(detail.is_sample_order),
    'order.is_on_hold': flag(detail.is_on_hold_order),
    'order.is_cod': flag(detail.is_cod),
    'order.fast_delivery': flag(detail.fast_delivery_program),
    'order.weight_grams': weighed
      ? Math.round(s.lines.reduce((g, l) => g + (l.weightOz ?? 0) * l.quantity * GRAMS_PER_OZ, 0))
      : undefined,
    'customer.repeat_orders': s.customer?.repeatOrders ?? (s.buyerUserId === null ? undefined : 0),
    'customer.lifetime_value': s.customer?.lifetimeValue ?? (s.buyerUserId === null ? undefined : 0),
    'customer.tags': s.buyerUserId === null ? undefined : tags,
    'customer.past_fraud':
      s.buyerUserId === null ? undefined : (s.customer?.fraudOrders ?? 0) > 0 || tags.includes('fraud'),
    'product.stock': stocked.length === 0 ? undefined : Math.min(...stocked.map((l) => l.available ?? 0)),
    'product.sku': tightest ? tightest.sellerSku || tightest.skuId : undefined,
    'product.category': tightest?.category ?? categories[0],
    'product.categories': categories,
    'demand.orders_per_hour': hottest?.lastHour,
    'demand.velocity_increase': hottest
      ? velocityIncreasePercent(hottest.lastHour, hottest.previousDay, hottest.previousHours)
      : undefined,
    'demand.active_spike': s.demand.some((d) => d.activeSpike),
    'demand.content_signals': s.signals?.count ?? 0,
    'signal.hashtag': s.signals?.latestHashtag ?? undefined,
    'signal.creator': s.signals?.latestCreator ?? undefined,
    'signal.views': s.signals?.maxViews ?? undefined,
    'signal.hashtags': s.signals?.hashtags ?? [],
    'signal.creators': s.signals?.creators ?? [],
  };
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
}
