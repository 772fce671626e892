import { z } from 'zod';
import {
  TIKTOK_ORDER_STATUSES,
  type AuthorizedShop,
  type OrderSearchPage,
  type ShippingProvider,
  type TiktokOrder,
  type TiktokOrderStatus,
  type TokenGrant,
} from './tiktok-port.ts';

/**
 * Zod schemas of the Open API answers the client reads (protocol 202309). Unknown fields are
 * dropped; fields TikTok may omit are optional. Amounts stay strings, times unix seconds.
 */

/** Every answer: `code` 0 is success. */
export const envelopeSchema = z.object({
  code: z.number().int(),
  message: z.string().optional().default(''),
  data: z.unknown().optional(),
  request_id: z.string().optional(),
});

/** An order status; the webhook page's `CANCEL` is normalised to `CANCELLED`. */
export const orderStatusSchema = z
  .enum([...TIKTOK_ORDER_STATUSES, 'CANCEL'])
  .transform((s): TiktokOrderStatus => (s === 'CANCEL' ? 'CANCELLED' : s));

const optionalText = z.string().optional();
const optionalTime = z.number().int().nonnegative().optional();

const addressSchema = z.object({
  name: z.string(),
  phone_number: optionalText,
  address_line1: z.string(),
  address_line2: optionalText,
  address_line3: optionalText,
  address_line4: optionalText,
  postal_code: z.string(),
  region_code: z.string(),
  district_info: z
    .array(z.object({ address_level: z.string(), address_level_name: z.string(), address_name: z.string() }))
    .default([]),
});

const lineItemSchema = z.object({
  id: z.string(),
  product_id: z.string(),
  product_name: z.string(),
  sku_id: z.string(),
  seller_sku: z.string().default(''),
  sku_name: optionalText,
  original_price: z.string(),
  sale_price: z.string(),
  currency: z.string(),
  package_id: optionalText,
  display_status: optionalText,
  tracking_number: optionalText,
  is_gift: z.boolean().optional(),
  is_dangerous_good: z.boolean().optional(),
});

export const orderSchema = z.object({
  id: z.string(),
  status: orderStatusSchema,
  create_time: z.number().int(),
  paid_time: optionalTime,
  update_time: z.number().int(),
  is_on_hold_order: z.boolean().optional(),
  is_sample_order: z.boolean().optional(),
  buyer_message: optionalText,
  user_id: z.string(),
  buyer_email: z.string().optional(),
  shipping_type: z.enum(['TIKTOK', 'SELLER']),
  delivery_option_id: optionalText,
  fast_delivery_program: z.boolean().optional(),
  rts_sla_time: optionalTime,
  shipping_due_time: optionalTime,
  collection_due_time: optionalTime,
  delivery_due_time: optionalTime,
  warehouse_id: optionalText,
  packages: z.array(z.object({ id: z.string() })).default([]),
  payment: z.object({
    currency: z.string(),
    sub_total: z.string(),
    shipping_fee: z.string(),
    tax: z.string(),
    total_amount: z.string(),
  }),
  recipient_address: addressSchema,
  line_items: z.array(lineItemSchema).default([]),
}) satisfies z.ZodType<TiktokOrder>;

export const orderListSchema = z.object({ orders: z.array(orderSchema).default([]) });

export const orderSearchSchema = z.object({
  orders: z.array(orderSchema).default([]),
  next_page_token: z.string().optional(),
  total_count: z.number().int().optional(),
}) satisfies z.ZodType<OrderSearchPage>;

export const tokenGrantSchema = z.object({
  access_token: z.string().min(1),
  access_token_expire_in: z.number().int(),
  refresh_token: z.string().min(1),
  refresh_token_expire_in: z.number().int(),
  open_id: z.string().default(''),
  seller_name: z.string().default(''),
  seller_base_region: z.string().default(''),
  user_type: z.number().int().default(0),
}) satisfies z.ZodType<TokenGrant>;

export const shopsSchema = z.object({
  shops: z
    .array(
      z.object({
        id: z.string(),
        cipher: z.string(),
        code: z.string().default(''),
        name: z.string().default(''),
        region: z.string().default(''),
        seller_type: z.string().default(''),
      }) satisfies z.ZodType<AuthorizedShop>,
    )
    .default([]),
});

export const shippingProvidersSchema = z.object({
  shipping_providers: z
    .array(z.object({ id: z.string(), name: z.string() }) satisfies z.ZodType<ShippingProvider>)
    .default([]),
});

export const markShippedSchema = z.object({ package_id: z.string() });

export const cancellationSchema = z.object({ cancel_id: z.string(), cancel_status: z.string().optional() });
