import type {
  TiktokAddress,
  TiktokLineItem,
  TiktokOrder,
  TiktokOrderStatus,
} from '../../integrations/tiktok/index.ts';
import { DELIVERY_OPTIONS, type SimBuyer, type SimProduct } from './catalog.ts';
import type { SimRandom } from './random.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An order as the simulator keeps it: TikTok's shape, mutable. */
export type SimOrder = Omit<Mutable<TiktokOrder>, 'line_items' | 'packages' | 'recipient_address'> & {
  line_items: Mutable<TiktokLineItem>[];
  packages: { id: string }[];
  recipient_address: Mutable<TiktokAddress>;
};

export interface OrderFactoryInput {
  readonly products: readonly SimProduct[];
  readonly buyers: readonly SimBuyer[];
  readonly nowSeconds: number;
  readonly warehouseId: string;
  /** Every unit is this product (a viral order); otherwise 1-3 random products. */
  readonly productId?: string | undefined;
  readonly status?: 'UNPAID' | 'ON_HOLD' | 'AWAITING_SHIPMENT' | undefined;
  readonly shippingType?: 'SELLER' | 'TIKTOK' | undefined;
  readonly sellerShippingShare: number;
  readonly buyer?: SimBuyer | undefined;
}

const DAY = 24 * 3600;

/** Builds one realistic order: units as repeated line items, prices as strings, US address, deadlines. */
export function buildOrder(random: SimRandom, input: OrderFactoryInput): SimOrder {
  const now = input.nowSeconds;
  const buyer = input.buyer ?? pickBuyer(random, input.buyers);
  const status = input.status ?? 'AWAITING_SHIPMENT';
  const shippingType = input.shippingType ?? (random.chance(input.sellerShippingShare) ? 'SELLER' : 'TIKTOK');
  const deliveryOption = random.chance(0.8) ? DELIVERY_OPTIONS[0]! : random.pick(DELIVERY_OPTIONS);
  const orderId = `57${random.digits(16)}`;

  const picks: { product: SimProduct; skuIndex: number; units: number }[] = [];
  const productChoices = input.productId
    ? input.products.filter((p) => p.id === input.productId)
    : input.products;
  if (productChoices.length === 0) throw new Error(`unknown product ${input.productId ?? ''}`);
  const distinct = input.productId ? 1 : random.chance(0.7) ? 1 : random.int(2, 3);
  for (let i = 0; i < distinct; i++) {
    const product = random.pick(productChoices);
    const skuIndex = random.int(0, product.skus.length - 1);
    if (picks.some((p) => p.product.id === product.id && p.skuIndex === skuIndex)) continue;
    const units = buyer.highValue ? random.int(2, 6) : random.chance(0.75) ? 1 : random.int(2, 3);
    picks.push({ product, skuIndex, units });
  }

  const lineItems: Mutable<TiktokLineItem>[] = [];
  let cents = 0;
  for (const pick of picks) {
    const sku = pick.product.skus[pick.skuIndex]!;
    for (let u = 0; u < pick.units; u++) {
      cents += Math.round(Number(sku.salePrice) * 100);
      lineItems.push({
        id: `57${random.digits(16)}`,
        product_id: pick.product.id,
        product_name: pick.product.name,
        sku_id: sku.id,
        seller_sku: sku.sellerSku,
        sku_name: sku.name,
        original_price: sku.originalPrice,
        sale_price: sku.salePrice,
        currency: 'USD',
        display_status: displayStatus(status),
        is_gift: false,
        is_dangerous_good: false,
      });
    }
  }
  const shippingCents = cents >= 3500 ? 0 : 599;
  const taxCents = Math.round(cents * 0.0825);
  const paid = status !== 'UNPAID';
  const packageId = paid ? `11${random.digits(17)}` : undefined;
  if (packageId) for (const item of lineItems) item.package_id = packageId;

  return {
    id: orderId,
    status,
    create_time: now,
    paid_time: paid ? now : undefined,
    update_time: now,
    is_on_hold_order: status === 'ON_HOLD',
    is_sample_order: random.chance(0.01),
    buyer_message: random.chance(0.1)
      ? random.pick(['Gift, please no invoice', 'Leave at the back door', 'Thank you!'])
      : '',
    user_id: buyer.userId,
    // TikTok relays mail to the buyer through a masked address.
    buyer_email: `${buyer.userId}@scs.tiktokw.us`,
    shipping_type: shippingType,
    delivery_option_id: deliveryOption.id,
    fast_delivery_program: deliveryOption.name === 'Express shipping',
    rts_sla_time: now + 2 * DAY,
    shipping_due_time: now + 3 * DAY,
    collection_due_time: shippingType === 'TIKTOK' ? now + 4 * DAY : undefined,
    delivery_due_time: now + 7 * DAY,
    warehouse_id: input.warehouseId,
    packages: packageId ? [{ id: packageId }] : [],
    payment: {
      currency: 'USD',
      sub_total: money(cents),
      shipping_fee: money(shippingCents),
      tax: money(taxCents),
      total_amount: money(cents + shippingCents + taxCents),
    },
    recipient_address: addressOf(buyer),
    line_items: lineItems,
  };
}

/** Repeat buyers: a third of orders come from the first 10% of the pool. */
function pickBuyer(random: SimRandom, buyers: readonly SimBuyer[]): SimBuyer {
  if (random.chance(0.33)) return random.pick(buyers.slice(0, Math.max(1, Math.floor(buyers.length / 10))));
  return random.pick(buyers);
}

/** A buyer's address in TikTok's shape: state and city only in district_info. */
export function addressOf(buyer: SimBuyer): Mutable<TiktokAddress> {
  return {
    name: buyer.name,
    phone_number: buyer.phone,
    address_line1: buyer.street,
    address_line2: buyer.unit ?? '',
    address_line3: '',
    address_line4: '',
    postal_code: buyer.place.zip,
    region_code: 'US',
    district_info: [
      { address_level: 'L0', address_level_name: 'Country', address_name: 'United States' },
      { address_level: 'L1', address_level_name: 'State', address_name: buyer.place.state },
      { address_level: 'L3', address_level_name: 'City', address_name: buyer.place.city },
    ],
  };
}

/** The per-item display status TikTok shows for an order status. */
export function displayStatus(status: TiktokOrderStatus): string {
  return status === 'AWAITING_SHIPMENT' ? 'TO_SHIP' : status;
}

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}
