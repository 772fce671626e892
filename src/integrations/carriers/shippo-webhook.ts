import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { CarrierToken, LabelTransaction, TrackingInfo } from './carrier-port.ts';
import { PROVIDER_TOKENS } from './carrier-port.ts';
import { toTracking, toTransaction } from './shippo-adapter.ts';
import { shippoTrack, shippoTransaction } from './shippo-schemas.ts';

export type SignatureCheck =
  { ok: true; timestamp: number } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export interface VerifyShippoSignatureInput {
  /** The `Shippo-Auth-Signature` header: `t=<unix seconds>,v1=<hex>` (several v1 allowed). */
  header: string | undefined;
  /** The body exactly as received; re-serialised JSON would not match. */
  rawBody: string | Buffer;
  secret: string;
  /** Epoch ms. */
  now: number;
  /** How far the timestamp may be from now, in seconds (default 300). */
  toleranceSeconds?: number;
}

/**
 * Checks `Shippo-Auth-Signature` = HMAC-SHA256(secret, "<t>.<raw body>") in constant time and
 * rejects timestamps outside the tolerance (replays). A bad signature is a value, not an exception.
 */
export function verifyShippoSignature(input: VerifyShippoSignatureInput): SignatureCheck {
  if (input.header === undefined || input.header.trim() === '') return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of input.header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const tolerance = input.toleranceSeconds ?? 300;
  if (Math.abs(input.now / 1000 - timestamp) > tolerance) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signShippoPayload(input.secret, timestamp, input.rawBody), 'hex');
  const matches = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

/** The hex HMAC-SHA256 of "<t>.<raw body>" under the secret. */
export function signShippoPayload(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** A full `Shippo-Auth-Signature` header value for a body (simulators and tests sign with it). */
export function shippoSignatureHeader(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return `t=${timestamp},v1=${signShippoPayload(secret, timestamp, rawBody)}`;
}

const transactionEvent = z.object({
  event: z.enum(['transaction_created', 'transaction_updated']),
  test: z.boolean().optional(),
  data: shippoTransaction,
});
const trackEvent = z.object({
  event: z.literal('track_updated'),
  test: z.boolean().optional(),
  data: shippoTrack,
});
const otherEvent = z.object({
  event: z.enum(['batch_created', 'batch_purchased']),
  test: z.boolean().optional(),
  data: z.unknown(),
});

export const shippoWebhookSchema = z.discriminatedUnion('event', [transactionEvent, trackEvent, otherEvent]);
export type ShippoWebhook = z.infer<typeof shippoWebhookSchema>;

export type ParsedShippoWebhook = { ok: true; webhook: ShippoWebhook } | { ok: false; reason: string };

/** Parses a verified webhook body; a body that is not a Shippo webhook is a value, not an exception. */
export function parseShippoWebhook(rawBody: string | Buffer): ParsedShippoWebhook {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const result = shippoWebhookSchema.safeParse(json);
  return result.success
    ? { ok: true, webhook: result.data }
    : { ok: false, reason: `not a Shippo webhook: ${result.error.issues[0]?.message ?? 'invalid'}` };
}

export type CarrierWebhookEvent =
  | {
      kind: 'transaction';
      event: 'transaction_created' | 'transaction_updated';
      transaction: LabelTransaction;
    }
  | { kind: 'tracking'; tracking: TrackingInfo }
  | { kind: 'ignored'; event: string };

/** The normalised meaning of a parsed webhook: a transaction change or a tracking change. */
export function toCarrierWebhookEvent(webhook: ShippoWebhook): CarrierWebhookEvent {
  switch (webhook.event) {
    case 'transaction_created':
    case 'transaction_updated':
      return { kind: 'transaction', event: webhook.event, transaction: toTransaction(webhook.data) };
    case 'track_updated': {
      const carrier = (Object.values(PROVIDER_TOKENS) as string[]).includes(webhook.data.carrier)
        ? (webhook.data.carrier as CarrierToken)
        : undefined;
      return carrier
        ? { kind: 'tracking', tracking: toTracking(webhook.data, carrier) }
        : { kind: 'ignored', event: webhook.event };
    }
    case 'batch_created':
    case 'batch_purchased':
      return { kind: 'ignored', event: webhook.event };
  }
}
