import type { Address } from '../../integrations/carriers/index.ts';
import type { TiktokAddress, TiktokOrder, TiktokOrderStatus } from '../../integrations/tiktok/index.ts';
import type { OrderFields, OrderLineFields } from '../../orders/index.ts';

/** An order line as stored: TikTok's one-unit line items grouped per SKU. */
export type MappedLine = OrderLineFields;

/** The columns of an order that come from TikTok's detail, and TikTok's ids for shipping calls. */
export interface MappedOrder extends OrderFields {
  /** TikTok's line item ids (one per unit) and package ids, for shipping calls. */
  lineItemIds: string[];
  packageIds: string[];
}

/** TikTok statuses in which nothing may be shipped yet: the buyer has not paid, or may still cancel. */
export const NOT_YET_SHIPPABLE: ReadonlySet<TiktokOrderStatus> = new Set(['UNPAID', 'ON_HOLD']);

/** TikTok statuses that mean the parcel has left (TikTok-shipped orders report progress this way). */
export const LEFT_THE_SELLER: ReadonlySet<TiktokOrderStatus> = new Set([
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
]);

/**
 * Maps TikTok's order detail to what CreatorFlow stores. A line item is one unit, so a SKU's
 * quantity is the number of its line items.
 *
 * @example mapTiktokOrder(detail).lines // [{ skuId: '1729', sellerSku: 'MUG-BLK', quantity: 2, ... }]
 */
export function mapTiktokOrder(order: TiktokOrder): MappedOrder {
  const lines = new Map<string, MappedLine>();
  for (const item of order.line_items) {
    const line = lines.get(item.sku_id);
    if (line) line.quantity += 1;
    else
      lines.set(item.sku_id, {
        skuId: item.sku_id,
        sellerSku: item.seller_sku,
        productId: item.product_id,
        productName: item.product_name,
        quantity: 1,
        unitPrice: item.sale_price,
      });
  }
  return {
    orderId: order.id,
    tiktokStatus: order.status,
    updateTime: order.update_time,
    shippingType: order.shipping_type,
    deliveryOptionId: order.delivery_option_id ?? null,
    buyerUserId: order.user_id,
    buyerEmail: order.buyer_email ?? null,
    currency: order.payment.currency,
    totalAmount: order.payment.total_amount,
    recipient: mapAddress(order.recipient_address),
    shipBy: unixToDate(order.rts_sla_time ?? order.shipping_due_time),
    deliverBy: unixToDate(order.delivery_due_time),
    lines: [...lines.values()].sort((a, b) => a.skuId.localeCompare(b.skuId)),
    lineItemIds: order.line_items.map((item) => item.id),
    packageIds: order.packages.map((p) => p.id),
    raw: order,
  };
}

/** TikTok keeps state and city in district_info, by level name (or level L1 / L3 when unnamed). */
export function mapAddress(address: TiktokAddress): Address {
  const level = (name: string, fallback: string) =>
    address.district_info.find((d) => d.address_level_name.toLowerCase() === name)?.address_name ??
    address.district_info.find((d) => d.address_level.toUpperCase() === fallback)?.address_name ??
    '';
  const street2 = [address.address_line2, address.address_line3, address.address_line4]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .join(', ');
  return {
    name: address.name,
    street1: address.address_line1,
    ...(street2 ? { street2 } : {}),
    city: level('city', 'L3'),
    state: level('state', 'L1'),
    zip: address.postal_code,
    country: address.region_code,
    ...(address.phone_number ? { phone: address.phone_number } : {}),
  };
}

/** What is missing from an order before it can be fulfilled, as readable reasons (empty: valid). */
export function validationProblems(order: MappedOrder): string[] {
  const problems: string[] = [];
  if (order.lines.length === 0) problems.push('the order has no line items');
  for (const line of order.lines) {
    if (line.sellerSku.trim() === '') problems.push(`SKU ${line.skuId} has no seller_sku to take stock from`);
  }
  const to = order.recipient;
  if (order.shippingType === 'SELLER') {
    for (const [field, value] of [
      ['name', to.name],
      ['street', to.street1],
      ['city', to.city],
      ['state', to.state],
      ['postal code', to.zip],
      ['country', to.country],
    ] as const) {
      if (value.trim() === '') problems.push(`the recipient address has no ${field}`);
    }
  }
  return problems;
}

function unixToDate(seconds: number | undefined): Date | null {
  return seconds === undefined || seconds <= 0 ? null : new Date(seconds * 1000);
}
