import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);

/** The ship-from address labels are bought with (Shippo's address fields). */
export const shipFromSchema = z.object({
  name: text(100),
  street1: text(200),
  street2: z.string().trim().max(200).optional(),
  city: text(100),
  state: text(50),
  zip: text(20),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 two-letter country code such as US')
    .transform((c) => c.toUpperCase()),
  phone: z.string().trim().max(40).optional(),
});

/** The body of POST /api/shops: register or update a shop by hand. */
export const shopInputSchema = z.object({
  shop_id: text(64).regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, _ and -'),
  shop_cipher: text(256),
  access_token: text(2048),
  refresh_token: text(2048).optional(),
  access_token_expire_in: z
    .number()
    .int()
    .positive()
    .describe('unix seconds at which the access token expires, as TikTok returns it')
    .optional(),
  name: z.string().trim().max(200).optional(),
  ship_from: shipFromSchema,
});

export type ShipFrom = z.infer<typeof shipFromSchema>;
export type ShopInput = z.infer<typeof shopInputSchema>;
