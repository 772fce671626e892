import { describe, expect, it } from 'vitest';
import { orderSchema, orderStatusSchema } from './tiktok-schemas.ts';

const minimalOrder = {
  id: '576461413038785752',
  status: 'AWAITING_SHIPMENT',
  create_time: 1_700_000_000,
  update_time: 1_700_000_100,
  user_id: '7021436810468230477',
  shipping_type: 'SELLER',
  payment: { currency: 'USD', sub_total: '10.00', shipping_fee: '0.00', tax: '0.83', total_amount: '10.83' },
  recipient_address: { name: 'A B', address_line1: '1 Main St', postal_code: '90012', region_code: 'US' },
  some_field_we_do_not_use: { deep: true },
};

describe('TikTok answer schemas', () => {
  it('normalise the webhook spelling CANCEL to CANCELLED', () => {
    expect(orderStatusSchema.parse('CANCEL')).toBe('CANCELLED');
    expect(orderStatusSchema.parse('CANCELLED')).toBe('CANCELLED');
    expect(orderSchema.parse({ ...minimalOrder, status: 'CANCEL' }).status).toBe('CANCELLED');
  });

  it('default absent lists to empty and drop fields CreatorFlow does not use', () => {
    const order = orderSchema.parse(minimalOrder);
    expect(order.packages).toEqual([]);
    expect(order.line_items).toEqual([]);
    expect(order.recipient_address.district_info).toEqual([]);
    expect(order).not.toHaveProperty('some_field_we_do_not_use');
  });

  it('refuse an unknown status and a numeric amount', () => {
    expect(orderSchema.safeParse({ ...minimalOrder, status: 'LOST' }).success).toBe(false);
    expect(
      orderSchema.safeParse({ ...minimalOrder, payment: { ...minimalOrder.payment, total_amount: 10.83 } })
        .success,
    ).toBe(false);
  });
});
