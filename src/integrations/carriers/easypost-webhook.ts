import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Checks EasyPost's `X-Hmac-Signature: hmac-sha256-hex=<hex HMAC-SHA256(secret, raw body)>` in
 * constant time. EasyPost signs no timestamp, so replays are stopped by de-duplicating on event id.
 */
export function verifyEasyPostSignature(input: {
  header: string | undefined;
  rawBody: string | Buffer;
  secret: string;
}): { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' } {
  if (input.header === undefined || input.header.trim() === '') return { ok: false, reason: 'missing' };
  const match = /^hmac-sha256-hex=([0-9a-fA-F]{64})$/.exec(input.header.trim());
  if (!match?.[1]) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', input.secret).update(input.rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}

export const easyPostEventSchema = z.object({
  id: z.string(),
  description: z.string(),
  result: z.unknown(),
});
export type EasyPostEvent = z.infer<typeof easyPostEventSchema>;

/** Parses an EasyPost Event body `{id, description, result}`; a bad body is a value, not an exception. */
export function parseEasyPostEvent(
  rawBody: string | Buffer,
): { ok: true; event: EasyPostEvent } | { ok: false; reason: string } {
  try {
    const result = easyPostEventSchema.safeParse(
      JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')),
    );
    return result.success ? { ok: true, event: result.data } : { ok: false, reason: 'not an EasyPost event' };
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
}
