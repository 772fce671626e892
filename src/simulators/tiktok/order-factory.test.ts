import { describe, expect, it } from 'vitest';
import { buildBuyers, buildCatalog } from './catalog.ts';
import { buildOrder } from './order-factory.ts';
import { SimRandom } from './random.ts';

function orders(seed: number, count: number) {
  const random = new SimRandom(seed);
  const products = buildCatalog(random);
  const buyers = buildBuyers(random, 200);
  return Array.from({ length: count }, () =>
    buildOrder(random, {
      products,
      buyers,
      nowSeconds: 1_800_000_000,
      warehouseId: 'w1',
      sellerShippingShare: 0.7,
    }),
  );
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

describe('simulated orders', () => {
  it('are the same for the same seed', () => {
    expect(orders(3, 20)).toEqual(orders(3, 20));
    expect(orders(3, 5)).not.toEqual(orders(4, 5));
  });

  it('add up: sub_total is the sum of unit sale prices, total adds shipping and tax', () => {
    for (const order of orders(5, 200)) {
      const sum = order.line_items.reduce((s, i) => s + cents(i.sale_price), 0);
      expect(cents(order.payment.sub_total)).toBe(sum);
      expect(cents(order.payment.total_amount)).toBe(
        sum + cents(order.payment.shipping_fee) + cents(order.payment.tax),
      );
      expect(order.payment.total_amount).toMatch(/^\d+\.\d\d$/);
    }
  });

  it('express quantity as repeated line items, carry US state and city in district_info, and set deadlines', () => {
    const all = orders(6, 300);
    expect(all.some((o) => new Set(o.line_items.map((i) => i.sku_id)).size < o.line_items.length)).toBe(true);
    for (const order of all) {
      const levels = order.recipient_address.district_info.map((d) => d.address_level_name);
      expect(levels).toEqual(['Country', 'State', 'City']);
      expect(order.rts_sla_time! < order.shipping_due_time!).toBe(true);
      expect(order.shipping_due_time! < order.delivery_due_time!).toBe(true);
      expect(order.line_items.every((i) => i.seller_sku.startsWith('CF-'))).toBe(true);
    }
    const types = new Set(all.map((o) => o.shipping_type));
    expect(types).toEqual(new Set(['SELLER', 'TIKTOK']));
  });

  it('bring buyers back: some user_ids order more than once', () => {
    const all = orders(7, 200);
    expect(new Set(all.map((o) => o.user_id)).size).toBeLessThan(all.length * 0.8);
  });
});
