import { z } from 'zod';

/**
 * The envelope every TikTok Shop webhook shares. `data` stays opaque here: the type number alone is
 * not trusted, handlers read the fields they need from it.
 */
export const webhookEnvelopeSchema = z.object({
  type: z.number().int().nonnegative(),
  tts_notification_id: z
    .union([z.string().trim().min(1).max(64), z.number().int().nonnegative()])
    .transform((v) => String(v)),
  shop_id: z
    .union([z.string().trim().min(1).max(64), z.number().int().nonnegative()])
    .transform((v) => String(v)),
  timestamp: z.number().int().positive(),
  data: z.record(z.string(), z.unknown()),
});

export type TiktokWebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

/** The event types CreatorFlow acts on, by TikTok's number. Others are stored and ignored. */
export const WEBHOOK_TYPES = {
  ORDER_STATUS_CHANGE: 1,
  REVERSE_STATUS_UPDATE: 2,
  RECIPIENT_ADDRESS_UPDATE: 3,
  PACKAGE_UPDATE: 4,
  PRODUCT_STATUS_CHANGE: 5,
  SELLER_DEAUTHORIZATION: 6,
  UPCOMING_AUTHORIZATION_EXPIRATION: 7,
  CANCELLATION_STATUS_CHANGE: 11,
  RETURN_STATUS_CHANGE: 12,
} as const;

/**
 * Validates a parsed webhook body. `maxAgeSeconds` bounds how old its timestamp may be (TikTok's
 * retries span about 15 hours; anything far older is a replay, already stopped by de-duplication).
 */
export function parseWebhookEnvelope(
  body: unknown,
  options: { nowSeconds: number; maxAgeSeconds: number },
): { ok: true; envelope: TiktokWebhookEnvelope } | { ok: false; reason: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'the body is not a JSON object' };
  }
  const result = webhookEnvelopeSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
  }
  if (result.data.timestamp < options.nowSeconds - options.maxAgeSeconds) {
    return {
      ok: false,
      reason: `timestamp ${result.data.timestamp} is older than ${options.maxAgeSeconds} s`,
    };
  }
  return { ok: true, envelope: result.data };
}
