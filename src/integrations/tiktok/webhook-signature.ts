import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * The signature TikTok Shop puts in a webhook's `Authorization` header:
 * lowercase hex HMAC-SHA256 keyed by the app secret over `app_key + raw body`.
 */
export function signWebhook(appKey: string, appSecret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', appSecret).update(appKey).update(rawBody).digest('hex');
}

// The last secret as a KeyObject, so verifying does not import the key again for every webhook.
let lastSecret: { secret: string; key: KeyObject } | undefined;

/** True when `header` is the signature of exactly these bytes; compared in constant time. */
export function verifyWebhookSignature(
  appKey: string,
  appSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  const hex = header?.trim();
  if (!hex || !/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  if (lastSecret?.secret !== appSecret)
    lastSecret = { secret: appSecret, key: createSecretKey(appSecret, 'utf8') };
  const expected = createHmac('sha256', lastSecret.key).update(appKey).update(rawBody).digest();
  // Buffer.from(hex) reads upper- and lower-case digits alike.
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}
