import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a ticket for GET /api/events may be used after it is issued. */
export const TICKET_TTL_MS = 60_000;

/**
 * A browser's EventSource cannot send an Authorization header, so an authenticated call first asks
 * for a ticket: `<expiry ms>.<HMAC-SHA256 of it under the operator token>`. It proves the token
 * without carrying it (a leaked URL is useless after a minute) and, being stateless, works on any
 * process of the api role that shares the token.
 */
export function issueTicket(adminToken: string, now: number): { ticket: string; expires_at: Date } {
  const expires = now + TICKET_TTL_MS;
  return { ticket: `${expires}.${sign(adminToken, expires)}`, expires_at: new Date(expires) };
}

/** True when `ticket` was issued under this token and has not expired at `now`. */
export function verifyTicket(adminToken: string, ticket: string, now: number): boolean {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!match?.[1] || !match[2]) return false;
  const expires = Number(match[1]);
  if (expires < now || expires > now + TICKET_TTL_MS) return false;
  const expected = Buffer.from(sign(adminToken, expires));
  const presented = Buffer.from(match[2]);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function sign(adminToken: string, expires: number): string {
  return createHmac('sha256', adminToken).update(`creatorflow-events:${expires}`).digest('base64url');
}
