import { describe, expect, it } from 'vitest';
import type { TiktokLineItem, TiktokOrder } from '../../integrations/tiktok/index.ts';
import { mapAddress, mapTiktokOrder, validationProblems } from './tiktok-order-mapping.ts';

function item(id: string, sku: string, sellerSku: string, price = '12.50'): TiktokLineItem {
  return {
    id,
    product_id: `p-${sku}`,
    product_name: `Product ${sku}`,
    sku_id: sku,
    seller_sku: sellerSku,
    original_price: price,
    sale_price: price,
    currency: 'USD',
  };
}

const ORDER: TiktokOrder = {
  id: '576461413038785752',
  status: 'AWAITING_SHIPMENT',
  create_time: 1_700_000_000,
  update_time: 1_700_000_100,
  user_id: 'buyer-1',
  shipping_type: 'SELLER',
  delivery_option_id: 'opt-standard',
  rts_sla_time: 1_700_086_400,
  delivery_due_time: 1_700_500_000,
  packages: [{ id: 'pkg-1' }],
  payment: { currency: 'USD', sub_total: '37.50', shipping_fee: '0', tax: '0', total_amount: '37.50' },
  recipient_address: {
    name: 'Ada Lovelace',
    phone_number: '+1 555 0100',
    address_line1: '1 Main St',
    address_line2: 'Apt 4',
    postal_code: '94105',
    region_code: 'US',
    district_info: [
      { address_level: 'L0', address_level_name: 'Country', address_name: 'United States' },
      { address_level: 'L1', address_level_name: 'State', address_name: 'CA' },
      { address_level: 'L3', address_level_name: 'City', address_name: 'San Francisco' },
    ],
  },
  line_items: [item('li-1', 'sku-b', 'MUG'), item('li-2', 'sku-a', 'TEE'), item('li-3', 'sku-b', 'MUG')],
};

describe('mapping TikTok order detail', () => {
  it('counts repeated line items of a SKU as its quantity', () => {
    const mapped = mapTiktokOrder(ORDER);
    expect(mapped.lines.map((l) => [l.skuId, l.sellerSku, l.quantity])).toEqual([
      ['sku-a', 'TEE', 1],
      ['sku-b', 'MUG', 2],
    ]);
    expect(mapped.lineItemIds).toEqual(['li-1', 'li-2', 'li-3']);
  });

  it('reads state and city from district_info and joins the extra address lines', () => {
    expect(mapAddress(ORDER.recipient_address)).toEqual({
      name: 'Ada Lovelace',
      street1: '1 Main St',
      street2: 'Apt 4',
      city: 'San Francisco',
      state: 'CA',
      zip: '94105',
      country: 'US',
      phone: '+1 555 0100',
    });
  });

  it('falls back to address levels L1 and L3 when the level names are missing', () => {
    const address = mapAddress({
      ...ORDER.recipient_address,
      district_info: [
        { address_level: 'L1', address_level_name: '', address_name: 'NY' },
        { address_level: 'L3', address_level_name: '', address_name: 'Brooklyn' },
      ],
    });
    expect([address.state, address.city]).toEqual(['NY', 'Brooklyn']);
  });

  it('turns unix-second deadlines into dates', () => {
    const mapped = mapTiktokOrder(ORDER);
    expect(mapped.shipBy?.toISOString()).toBe(new Date(1_700_086_400_000).toISOString());
    expect(mapped.deliverBy?.getTime()).toBe(1_700_500_000_000);
  });

  it('finds nothing wrong with a complete order', () => {
    expect(validationProblems(mapTiktokOrder(ORDER))).toEqual([]);
  });

  it('names every missing part of an order it cannot fulfil', () => {
    const broken = mapTiktokOrder({
      ...ORDER,
      recipient_address: { ...ORDER.recipient_address, postal_code: '', district_info: [] },
      line_items: [item('li-9', 'sku-z', '')],
    });
    expect(validationProblems(broken)).toEqual([
      'SKU sku-z has no seller_sku to take stock from',
      'the recipient address has no city',
      'the recipient address has no state',
      'the recipient address has no postal code',
    ]);
  });

  it('does not need an address for orders TikTok ships itself', () => {
    const tiktokShipped = mapTiktokOrder({
      ...ORDER,
      shipping_type: 'TIKTOK',
      recipient_address: { ...ORDER.recipient_address, postal_code: '', district_info: [] },
    });
    expect(validationProblems(tiktokShipped)).toEqual([]);
  });
});
