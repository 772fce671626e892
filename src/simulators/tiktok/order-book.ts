import {
  WEBHOOK_TYPES,
  type OrderSearchFilter,
  type TiktokOrderStatus,
} from '../../integrations/tiktok/index.ts';
import { DELIVERY_OPTIONS } from './catalog.ts';
import type { SimErrorName } from './error-codes.ts';
import type { TiktokSimulatorKnobs } from './knobs.ts';
import { addressOf, buildOrder, displayStatus, type SimOrder } from './order-factory.ts';
import type { SimRandom } from './random.ts';
import type { SimAccounts, SimShop, TiktokSimCounters } from './sim-state.ts';

/** Tells the webhook sender about something TikTok would notify the seller of. */
export type EmitWebhook = (shopId: string, type: number, data: Record<string, unknown>) => void;

export interface InventoryUpdateRecord {
  readonly shopId: string;
  readonly productId: string;
  readonly skus: readonly { id: string; inventory: readonly { warehouse_id: string; quantity: number }[] }[];
  readonly at: number;
}

export interface ShipmentRecord {
  readonly shopId: string;
  readonly orderId: string;
  readonly packageId: string;
  readonly kind: 'mark_shipped' | 'self_shipment' | 'handover';
  readonly trackingNumber: string;
  readonly shippingProviderId: string | undefined;
  readonly handoverMethod: string | undefined;
  readonly at: number;
}

export interface CancellationRecord {
  readonly shopId: string;
  readonly orderId: string;
  readonly cancelId: string;
  readonly role: 'SELLER' | 'BUYER';
  readonly reason: string;
  readonly at: number;
}

type Failure = { error: SimErrorName; message?: string };

const CANCELLABLE: readonly TiktokOrderStatus[] = ['UNPAID', 'ON_HOLD', 'AWAITING_SHIPMENT'];

/** Every order of every shop, how it changes, and the records tests read back. */
export class SimOrderBook {
  readonly orders = new Map<string, { shopId: string; order: SimOrder }>();
  readonly inventoryUpdates: InventoryUpdateRecord[] = [];
  readonly shipments: ShipmentRecord[] = [];
  readonly cancellations: CancellationRecord[] = [];

  constructor(
    private readonly accounts: SimAccounts,
    private readonly knobs: TiktokSimulatorKnobs,
    private readonly random: SimRandom,
    private readonly counters: TiktokSimCounters,
    private readonly emit: EmitWebhook,
  ) {}

  /** Creates an order (type 1 webhook unless `notify` is false). */
  createOrder(
    shopId: string,
    options: {
      productId?: string;
      status?: 'UNPAID' | 'ON_HOLD' | 'AWAITING_SHIPMENT';
      shippingType?: 'SELLER' | 'TIKTOK';
      notify?: boolean;
    } = {},
  ): SimOrder {
    const shop = this.accounts.shop(shopId);
    const order = buildOrder(this.random, {
      products: shop.products,
      buyers: shop.buyers,
      nowSeconds: this.accounts.nowSeconds(),
      warehouseId: shop.warehouseId,
      productId: options.productId,
      status: options.status,
      shippingType: options.shippingType,
      sellerShippingShare: this.knobs.sellerShippingShare,
    });
    this.orders.set(order.id, { shopId, order });
    this.counters.ordersCreated += 1;
    if (options.notify !== false) this.statusWebhook(shopId, order);
    return order;
  }

  get(orderId: string): { shopId: string; order: SimOrder } | undefined {
    return this.orders.get(orderId);
  }

  /** Orders of one shop (a copy of each, as the API would answer). */
  forShop(shopId: string): SimOrder[] {
    return [...this.orders.values()].filter((o) => o.shopId === shopId).map((o) => structuredClone(o.order));
  }

  /** Moves an order to a status and notifies (type 1). Paying/releasing creates the package. */
  setStatus(orderId: string, status: TiktokOrderStatus, notify = true): SimOrder {
    const entry = this.require(orderId);
    const order = entry.order;
    order.status = status;
    order.update_time = Math.max(order.update_time + 1, this.accounts.nowSeconds());
    order.is_on_hold_order = status === 'ON_HOLD';
    if (status === 'AWAITING_SHIPMENT') {
      order.paid_time ??= order.update_time;
      if (order.packages.length === 0) {
        const packageId = `11${this.random.digits(17)}`;
        order.packages.push({ id: packageId });
        for (const item of order.line_items) item.package_id = packageId;
      }
    }
    for (const item of order.line_items) item.display_status = displayStatus(status);
    if (notify) this.statusWebhook(entry.shopId, order);
    return order;
  }

  /** The buyer cancels before shipping: types 11 and 1. */
  buyerCancel(orderId: string): boolean {
    const entry = this.require(orderId);
    if (!CANCELLABLE.includes(entry.order.status)) return false;
    this.cancel(entry.shopId, entry.order, 'BUYER', 'Buyer changed mind');
    return true;
  }

  /** The buyer edits the address (type 3). */
  updateAddress(orderId: string): void {
    const entry = this.require(orderId);
    const shop = this.accounts.shop(entry.shopId);
    entry.order.recipient_address = addressOf(this.random.pick(shop.buyers));
    entry.order.recipient_address.name = entry.order.recipient_address.name + ' (updated)';
    entry.order.update_time = Math.max(entry.order.update_time + 1, this.accounts.nowSeconds());
    this.emit(entry.shopId, WEBHOOK_TYPES.RECIPIENT_ADDRESS_UPDATE, {
      order_id: orderId,
      update_time: entry.order.update_time,
    });
  }

  /** TikTok splits the order's units into two packages (type 4, sc_type SPLIT). */
  splitPackage(orderId: string): string[] {
    const { shopId, order } = this.require(orderId);
    if (order.line_items.length < 2) return order.packages.map((p) => p.id);
    const ids = [`11${this.random.digits(17)}`, `11${this.random.digits(17)}`];
    order.packages = ids.map((id) => ({ id }));
    order.line_items.forEach((item, index) => (item.package_id = ids[index % 2]));
    order.update_time = Math.max(order.update_time + 1, this.accounts.nowSeconds());
    this.emit(shopId, WEBHOOK_TYPES.PACKAGE_UPDATE, {
      sc_type: 'SPLIT',
      role_type: 'SELLER',
      package_list: ids.map((id) => ({ package_id: id, order_id_list: [orderId] })),
      update_time: order.update_time,
    });
    return ids;
  }

  /** The buyer asks to return a delivered order (type 12). */
  requestReturn(orderId: string): string {
    const { shopId, order } = this.require(orderId);
    const returnId = `40${this.random.digits(16)}`;
    const now = this.accounts.nowSeconds();
    this.emit(shopId, WEBHOOK_TYPES.RETURN_STATUS_CHANGE, {
      order_id: order.id,
      return_role: 'BUYER',
      return_type: 'RETURN_AND_REFUND',
      return_status: 'RETURN_OR_REFUND_REQUEST_PENDING',
      return_id: returnId,
      create_time: now,
      update_time: now,
    });
    return returnId;
  }

  /** POST /fulfillment/202309/orders/{id}/packages: a SELLER order shipped with our tracking. */
  markShipped(
    shop: SimShop,
    orderId: string,
    input: { tracking_number: string; shipping_provider_id: string; order_line_item_ids: readonly string[] },
  ): { packageId: string } | Failure {
    const entry = this.orders.get(orderId);
    if (!entry || entry.shopId !== shop.id)
      return { error: 'NOT_FOUND', message: `order ${orderId} not found` };
    const order = entry.order;
    if (order.shipping_type !== 'SELLER') {
      return {
        error: 'ORDER_STATUS_CONFLICT',
        message: 'order is shipped by TikTok; use /packages/{id}/ship',
      };
    }
    if (order.status !== 'AWAITING_SHIPMENT' && order.status !== 'PARTIALLY_SHIPPING') {
      return { error: 'ORDER_STATUS_CONFLICT', message: `order is ${order.status}` };
    }
    const providers = DELIVERY_OPTIONS.find((d) => d.id === order.delivery_option_id)?.providers ?? [];
    if (!providers.some((p) => p.id === input.shipping_provider_id)) {
      return {
        error: 'INVALID_SHIPPING_PROVIDER',
        message: `provider ${input.shipping_provider_id} not offered`,
      };
    }
    const wanted =
      input.order_line_item_ids.length > 0 ? input.order_line_item_ids : order.line_items.map((i) => i.id);
    const unknown = wanted.filter((id) => !order.line_items.some((i) => i.id === id));
    if (unknown.length > 0)
      return { error: 'INVALID_PARAMETER', message: `unknown line items ${unknown.join(',')}` };
    const packageId = order.packages[0]?.id ?? `11${this.random.digits(17)}`;
    if (order.packages.length === 0) order.packages.push({ id: packageId });
    for (const item of order.line_items) {
      if (!wanted.includes(item.id)) continue;
      item.tracking_number = input.tracking_number;
      item.package_id = packageId;
    }
    const allShipped = order.line_items.every((i) => i.tracking_number);
    this.recordShipment(
      shop.id,
      order.id,
      packageId,
      'mark_shipped',
      input.tracking_number,
      input.shipping_provider_id,
      undefined,
    );
    this.setStatus(order.id, allShipped ? 'IN_TRANSIT' : 'PARTIALLY_SHIPPING');
    return { packageId };
  }

  /** POST /fulfillment/202309/packages/{id}/ship: handover (TIKTOK) or self shipment (SELLER). */
  shipPackage(
    shop: SimShop,
    packageId: string,
    input: {
      handover_method?: string;
      self_shipment?: { tracking_number: string; shipping_provider_id: string };
    },
  ): { ok: true } | Failure {
    const entry = [...this.orders.values()].find(
      (e) => e.shopId === shop.id && e.order.packages.some((p) => p.id === packageId),
    );
    if (!entry) return { error: 'NOT_FOUND', message: `package ${packageId} not found` };
    const order = entry.order;
    if (order.status !== 'AWAITING_SHIPMENT')
      return { error: 'ORDER_STATUS_CONFLICT', message: `order is ${order.status}` };
    if (input.self_shipment) {
      const result = this.markShipped(shop, order.id, { ...input.self_shipment, order_line_item_ids: [] });
      return 'error' in result ? result : { ok: true };
    }
    if (order.shipping_type !== 'TIKTOK') {
      return { error: 'ORDER_STATUS_CONFLICT', message: 'seller-shipped order: send self_shipment tracking' };
    }
    if (input.handover_method !== 'PICKUP' && input.handover_method !== 'DROP_OFF') {
      return { error: 'INVALID_PARAMETER', message: 'handover_method must be PICKUP or DROP_OFF' };
    }
    const tracking = `TT${this.random.digits(18)}`;
    for (const item of order.line_items) item.tracking_number = tracking;
    this.recordShipment(shop.id, order.id, packageId, 'handover', tracking, undefined, input.handover_method);
    this.setStatus(order.id, 'AWAITING_COLLECTION');
    return { ok: true };
  }

  /** POST /return_refund/202309/cancellations by the seller. */
  sellerCancel(shop: SimShop, orderId: string, reason: string): { cancelId: string } | Failure {
    const entry = this.orders.get(orderId);
    if (!entry || entry.shopId !== shop.id)
      return { error: 'NOT_FOUND', message: `order ${orderId} not found` };
    if (!CANCELLABLE.includes(entry.order.status)) {
      return { error: 'ORDER_STATUS_CONFLICT', message: `order is ${entry.order.status}` };
    }
    return { cancelId: this.cancel(shop.id, entry.order, 'SELLER', reason) };
  }

  /** POST /product/202309/products/{id}/inventory/update: recorded for tests. */
  updateInventory(
    shop: SimShop,
    productId: string,
    skus: InventoryUpdateRecord['skus'],
  ): { ok: true } | Failure {
    const product = shop.products.find((p) => p.id === productId);
    if (!product) return { error: 'NOT_FOUND', message: `product ${productId} not found` };
    const unknown = skus.filter((s) => !product.skus.some((k) => k.id === s.id)).map((s) => s.id);
    if (unknown.length > 0)
      return { error: 'INVALID_PARAMETER', message: `sku ${unknown.join(',')} not in product` };
    this.inventoryUpdates.push({ shopId: shop.id, productId, skus, at: this.accounts.nowSeconds() });
    return { ok: true };
  }

  /** Search by status and time windows, ordered by (update_time, id), paged by an opaque token. */
  search(
    shopId: string,
    filter: OrderSearchFilter,
    pageSize: number,
    pageToken: string | undefined,
  ): { orders: SimOrder[]; next_page_token: string; total_count: number } | Failure {
    let after: { u: number; id: string } | undefined;
    if (pageToken) {
      try {
        after = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8')) as { u: number; id: string };
        if (typeof after.u !== 'number' || typeof after.id !== 'string') throw new Error('bad token');
      } catch {
        return { error: 'INVALID_PARAMETER', message: 'page_token is not valid' };
      }
    }
    const matching = [...this.orders.values()]
      .filter((e) => e.shopId === shopId)
      .map((e) => e.order)
      .filter(
        (o) =>
          (filter.order_status === undefined || o.status === filter.order_status) &&
          (filter.create_time_ge === undefined || o.create_time >= filter.create_time_ge) &&
          (filter.create_time_lt === undefined || o.create_time < filter.create_time_lt) &&
          (filter.update_time_ge === undefined || o.update_time >= filter.update_time_ge) &&
          (filter.update_time_lt === undefined || o.update_time < filter.update_time_lt),
      )
      .sort((a, b) => a.update_time - b.update_time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rest = after
      ? matching.filter((o) => o.update_time > after.u || (o.update_time === after.u && o.id > after.id))
      : matching;
    const page = rest.slice(0, pageSize);
    const last = page[page.length - 1];
    const more = rest.length > pageSize && last !== undefined;
    return {
      orders: page.map((o) => structuredClone(o)),
      next_page_token: more
        ? Buffer.from(JSON.stringify({ u: last.update_time, id: last.id })).toString('base64url')
        : '',
      total_count: matching.length,
    };
  }

  private cancel(shopId: string, order: SimOrder, role: 'SELLER' | 'BUYER', reason: string): string {
    const cancelId = `45${this.random.digits(16)}`;
    const now = this.accounts.nowSeconds();
    this.cancellations.push({ shopId, orderId: order.id, cancelId, role, reason, at: now });
    this.emit(shopId, WEBHOOK_TYPES.CANCELLATION_STATUS_CHANGE, {
      order_id: order.id,
      cancellations_role: role,
      cancel_status: 'CANCELLATION_REQUEST_COMPLETE',
      cancel_id: cancelId,
      create_time: now,
    });
    this.setStatus(order.id, 'CANCELLED');
    return cancelId;
  }

  private recordShipment(
    shopId: string,
    orderId: string,
    packageId: string,
    kind: ShipmentRecord['kind'],
    trackingNumber: string,
    shippingProviderId: string | undefined,
    handoverMethod: string | undefined,
  ): void {
    this.shipments.push({
      shopId,
      orderId,
      packageId,
      kind,
      trackingNumber,
      shippingProviderId,
      handoverMethod,
      at: this.accounts.nowSeconds(),
    });
  }

  private statusWebhook(shopId: string, order: SimOrder): void {
    this.emit(shopId, WEBHOOK_TYPES.ORDER_STATUS_CHANGE, {
      order_id: order.id,
      // TikTok's webhook page writes CANCEL; the API answers CANCELLED.
      order_status: order.status === 'CANCELLED' ? 'CANCEL' : order.status,
      is_on_hold_order: order.is_on_hold_order ?? false,
      update_time: order.update_time,
    });
  }

  private require(orderId: string): { shopId: string; order: SimOrder } {
    const entry = this.orders.get(orderId);
    if (!entry) throw new Error(`no order ${orderId} in the simulator`);
    return entry;
  }
}
