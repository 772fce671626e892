import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { addressFacts, buildOrderFacts, velocityIncreasePercent, type OrderSnapshot } from './order-facts.ts';

const T = new Date('2026-11-25T12:00:00Z');
const snapshot = (over: Partial<OrderSnapshot> = {}): OrderSnapshot => ({
  shopId: 's1',
  orderId: 'o1',
  receivedAt: T,
  asOf: T,
  totalAmount: 42.5,
  shippingType: 'SELLER',
  recipient: { state: 'CA', zip: '94103', country: 'US', residential: true },
  shipBy: new Date(T.getTime() + 36 * 3_600_000),
  deliverBy: null,
  detail: { is_sample_order: false, is_cod: true },
  buyerUserId: 'b1',
  lines: [
    {
      sellerSku: 'MUG-RED',
      skuId: 'sku-1',
      productId: 'p-mug',
      quantity: 2,
      available: 10,
      weightOz: 12,
      category: 'kitchen',
    },
    {
      sellerSku: 'CAP',
      skuId: 'sku-2',
      productId: 'p-cap',
      quantity: 1,
      available: 3,
      weightOz: 4,
      category: null,
    },
  ],
  customer: { repeatOrders: 4, lifetimeValue: 200, tags: ['vip'], fraudOrders: 0 },
  demand: [
    { productId: 'p-mug', lastHour: 3, previousDay: 48, previousHours: 24, activeSpike: false },
    { productId: 'p-cap', lastHour: 50, previousDay: 24, previousHours: 24, activeSpike: true },
  ],
  signals: null,
  ...over,
});

describe('order facts', () => {
  it('reads every part of a stored order', () => {
    expect(buildOrderFacts(snapshot())).toEqual({
      'order.value': 42.5,
      'order.units': 3,
      'order.skus': ['CAP', 'MUG-RED'],
      'order.product_ids': ['p-cap', 'p-mug'],
      'order.destination_state': 'CA',
      'order.destination_country': 'US',
      'order.destination_postcode': '94103',
      'order.residential': true,
      'customer.country': 'US',
      'order.shipping_type': 'SELLER',
      'order.ship_by_hours': 36,
      'order.is_sample': false,
      'order.is_cod': true,
      'order.weight_grams': 794,
      'customer.repeat_orders': 4,
      'customer.lifetime_value': 200,
      'customer.tags': ['vip'],
      'customer.past_fraud': false,
      'product.stock': 3,
      'product.sku': 'CAP',
      'product.category': 'kitchen',
      'product.categories': ['kitchen'],
      'demand.orders_per_hour': 50,
      'demand.velocity_increase': 4900,
      'demand.active_spike': true,
      'demand.content_signals': 0,
      'signal.hashtags': [],
      'signal.creators': [],
    });
  });

  it('leaves unknown facts out, so only exists can match them', () => {
    const f = buildOrderFacts(
      snapshot({
        totalAmount: null,
        buyerUserId: null,
        customer: null,
        recipient: null,
        lines: [],
        demand: [],
      }),
    );
    for (const field of [
      'order.value',
      'customer.tags',
      'order.destination_state',
      'product.stock',
      'order.weight_grams',
    ])
      expect(f).not.toHaveProperty(field);
    expect(evaluate(DEFAULT_RULES, f).priority).toBe('standard');
  });

  it("a newly connected shop's busy product is not viral: its increase is unknown, not infinite", () => {
    const f = buildOrderFacts(
      snapshot({
        demand: [{ productId: 'p-cap', lastHour: 500, previousDay: 0, previousHours: 0, activeSpike: false }],
      }),
    );
    expect(f['demand.orders_per_hour']).toBe(500);
    expect(f).not.toHaveProperty('demand.velocity_increase');
    expect(evaluate(DEFAULT_RULES, f).priority).not.toBe('viral');
  });

  it('a known buyer with nothing recorded has no tags and no past orders, rather than unknown ones', () => {
    expect(buildOrderFacts(snapshot({ customer: null }))).toMatchObject({
      'customer.repeat_orders': 0,
      'customer.tags': [],
      'customer.past_fraud': false,
    });
  });

  it('a tag of fraud or a counted fraud both mean past fraud', () => {
    const tagged = snapshot({
      customer: { repeatOrders: 0, lifetimeValue: 0, tags: ['fraud'], fraudOrders: 0 },
    });
    const counted = snapshot({ customer: { repeatOrders: 0, lifetimeValue: 0, tags: [], fraudOrders: 1 } });
    expect(buildOrderFacts(tagged)['customer.past_fraud']).toBe(true);
    expect(buildOrderFacts(counted)['customer.past_fraud']).toBe(true);
  });

  it.each([
    [{ state: 'NY', zip: '10001', country: 'US' }, 'NY', '10001', 'US'],
    [
      {
        region_code: 'US',
        postal_code: '73301',
        district_info: [
          { address_level: 'L0', address_level_name: 'country', address_name: 'United States' },
          { address_level: 'L1', address_level_name: 'State', address_name: 'Texas' },
        ],
      },
      'Texas',
      '73301',
      'US',
    ],
  ])('destination from %j', (recipient, state, postcode, country) => {
    expect(addressFacts(recipient)).toMatchObject({
      'order.destination_state': state,
      'order.destination_postcode': postcode,
      'order.destination_country': country,
    });
  });

  it.each([
    [47, 240, 370],
    [45, 0, 4400],
    [10, 240, 0],
    [0, 24, -100],
  ])('%d orders in the hour after %d in the day before is a %d%% increase', (hour, day, pct) => {
    expect(velocityIncreasePercent(hour, day)).toBe(pct);
  });

  it('averages over the hours of that day the shop already had orders in', () => {
    // A shop connected 7 hours ago: 60 orders in the 6 hours before the last one is 10 an hour.
    expect(velocityIncreasePercent(40, 60, 6)).toBe(300);
    expect(velocityIncreasePercent(10, 60, 6)).toBe(0);
    // Never more than the 24 hours the day has.
    expect(velocityIncreasePercent(10, 240, 30)).toBe(0);
  });

  it('is unknown until the shop has an hour of orders before the last hour', () => {
    expect(velocityIncreasePercent(45, 0, 0)).toBeUndefined();
    expect(velocityIncreasePercent(45, 3, 0.5)).toBeUndefined();
    expect(velocityIncreasePercent(45, 3, 1)).toBe(1400);
  });
});
