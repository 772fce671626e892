import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature TikTok Shop puts in a webhook's `Authorization` header:
 * lowercase hex HMAC-SHA256 keyed by the app secret over `app_key + raw body`.
 */
export function signWebhook(appKey: string, appSecret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', appSecret).update(appKey).update(rawBody).digest('hex');
}

/** True when `header` is the signature of exactly these bytes; compared in constant time. */
export function verifyWebhookSignature(
  appKey: string,
  appSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  if (!header || !/^[0-9a-fA-F]{64}$/.test(header.trim())) return false;
  const expected = Buffer.from(signWebhook(appKey, appSecret, rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(header.trim().toLowerCase(), 'hex'));
}
