/**
 * What CreatorFlow needs from TikTok Shop, in TikTok's own vocabulary (protocol 202309). The HTTP
 * client implements it against the real Open API or the simulator; the workflow depends only on
 * this. Amounts stay strings as TikTok sends them; times are unix seconds.
 */

/** A shop-scoped call names the shop, its cipher and a valid access token. */
export interface ShopCredentials {
  readonly shopId: string;
  readonly shopCipher: string;
  readonly accessToken: string;
}

/** TikTok's order statuses (protocol 202309), in lifecycle order. */
export const TIKTOK_ORDER_STATUSES = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPING',
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
] as const;
export type TiktokOrderStatus = (typeof TIKTOK_ORDER_STATUSES)[number];

export interface TiktokAddress {
  readonly name: string;
  readonly phone_number?: string | undefined;
  readonly address_line1: string;
  readonly address_line2?: string | undefined;
  readonly address_line3?: string | undefined;
  readonly address_line4?: string | undefined;
  readonly postal_code: string;
  readonly region_code: string;
  /** State and city live here (address_level_name e.g. "State", "City"). */
  readonly district_info: readonly {
    address_level: string;
    address_level_name: string;
    address_name: string;
  }[];
}

/** One unit of one SKU: TikTok has no quantity field. */
export interface TiktokLineItem {
  readonly id: string;
  readonly product_id: string;
  readonly product_name: string;
  readonly sku_id: string;
  readonly seller_sku: string;
  readonly sku_name?: string | undefined;
  readonly original_price: string;
  readonly sale_price: string;
  readonly currency: string;
  readonly package_id?: string | undefined;
  readonly display_status?: string | undefined;
  readonly tracking_number?: string | undefined;
  readonly is_gift?: boolean | undefined;
  readonly is_dangerous_good?: boolean | undefined;
}

export interface TiktokOrder {
  readonly id: string;
  /** The webhook page writes CANCEL; clients normalise it to CANCELLED. */
  readonly status: TiktokOrderStatus;
  readonly create_time: number;
  readonly paid_time?: number | undefined;
  readonly update_time: number;
  readonly is_on_hold_order?: boolean | undefined;
  readonly is_sample_order?: boolean | undefined;
  readonly buyer_message?: string | undefined;
  readonly user_id: string;
  /** TikTok's masked relay address of the buyer, when it gives one. */
  readonly buyer_email?: string | undefined;
  readonly shipping_type: 'TIKTOK' | 'SELLER';
  readonly delivery_option_id?: string | undefined;
  readonly fast_delivery_program?: boolean | undefined;
  readonly rts_sla_time?: number | undefined;
  readonly shipping_due_time?: number | undefined;
  readonly collection_due_time?: number | undefined;
  readonly delivery_due_time?: number | undefined;
  readonly warehouse_id?: string | undefined;
  readonly packages: readonly { id: string }[];
  readonly payment: {
    readonly currency: string;
    readonly sub_total: string;
    readonly shipping_fee: string;
    readonly tax: string;
    readonly total_amount: string;
  };
  readonly recipient_address: TiktokAddress;
  readonly line_items: readonly TiktokLineItem[];
}

export interface OrderSearchFilter {
  readonly order_status?: TiktokOrderStatus | undefined;
  readonly create_time_ge?: number | undefined;
  readonly create_time_lt?: number | undefined;
  readonly update_time_ge?: number | undefined;
  readonly update_time_lt?: number | undefined;
}

export interface OrderSearchPage {
  readonly orders: readonly TiktokOrder[];
  readonly next_page_token?: string | undefined;
  readonly total_count?: number | undefined;
}

export interface TokenGrant {
  readonly access_token: string;
  /** Unix seconds at which the access token expires. */
  readonly access_token_expire_in: number;
  readonly refresh_token: string;
  readonly refresh_token_expire_in: number;
  readonly open_id: string;
  readonly seller_name: string;
  readonly seller_base_region: string;
  readonly user_type: number;
}

export interface AuthorizedShop {
  readonly id: string;
  readonly cipher: string;
  readonly code: string;
  readonly name: string;
  readonly region: string;
  readonly seller_type: string;
}

export interface ShippingProvider {
  readonly id: string;
  readonly name: string;
}

/** The calls CreatorFlow makes to TikTok Shop. Errors are TiktokApiError (see tiktok-errors.ts). */
export interface TiktokShopApi {
  exchangeAuthCode(authCode: string): Promise<TokenGrant>;
  refreshAccessToken(refreshToken: string): Promise<TokenGrant>;
  getAuthorizedShops(accessToken: string): Promise<readonly AuthorizedShop[]>;

  /** At most 50 ids per call; unknown ids are simply absent from the answer. */
  getOrderDetails(shop: ShopCredentials, orderIds: readonly string[]): Promise<readonly TiktokOrder[]>;
  searchOrders(
    shop: ShopCredentials,
    filter: OrderSearchFilter,
    page: { pageSize: number; pageToken?: string | undefined },
  ): Promise<OrderSearchPage>;

  getShippingProviders(shop: ShopCredentials, deliveryOptionId: string): Promise<readonly ShippingProvider[]>;
  /** Seller-shipped orders: mark the order's line items shipped with our carrier's tracking. */
  markPackageShipped(
    shop: ShopCredentials,
    input: {
      orderId: string;
      trackingNumber: string;
      shippingProviderId: string;
      orderLineItemIds: readonly string[];
    },
  ): Promise<{ packageId: string }>;
  /** TikTok-shipped orders: hand the package over; TikTok buys the label. */
  shipPackage(
    shop: ShopCredentials,
    input: { packageId: string; handoverMethod: 'PICKUP' | 'DROP_OFF' },
  ): Promise<void>;
  cancelOrder(
    shop: ShopCredentials,
    input: { orderId: string; cancelReason: string },
  ): Promise<{ cancelId: string }>;
  updateInventory(
    shop: ShopCredentials,
    input: {
      productId: string;
      skus: readonly { id: string; inventory: readonly { warehouse_id: string; quantity: number }[] }[];
    },
  ): Promise<void>;
}
