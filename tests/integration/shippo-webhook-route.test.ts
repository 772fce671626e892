import { describe, expect, it } from 'vitest';
import { shippoSignatureHeader } from '../../src/integrations/carriers/index.ts';
import { useTestServer, TEST_SHIPPO_WEBHOOK_SECRET } from '../helpers/test-server.ts';

const server = useTestServer();

const TRACK = JSON.stringify({
  event: 'track_updated',
  test: true,
  data: {
    carrier: 'usps',
    tracking_number: '9400111899223197428490',
    eta: null,
    tracking_status: {
      status: 'TRANSIT',
      status_details: 'Arrived at hub',
      status_date: '2026-11-24T10:00:00Z',
    },
    tracking_history: [],
  },
});

function post(body: string, header: string | undefined) {
  return server.app.inject({
    method: 'POST',
    url: '/webhooks/shippo',
    headers: { 'content-type': 'application/json', ...(header ? { 'shippo-auth-signature': header } : {}) },
    payload: body,
  });
}

const signed = (body: string, secret = TEST_SHIPPO_WEBHOOK_SECRET, at = Math.floor(Date.now() / 1000)) =>
  shippoSignatureHeader(secret, at, body);

async function stored(): Promise<number> {
  const { rows } = await server.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM webhook_inbox WHERE source = 'shippo'`,
  );
  return rows[0]!.n;
}

describe('POST /webhooks/shippo', () => {
  it('stores a signed tracking webhook once, however often it is delivered', async () => {
    const first = await post(TRACK, signed(TRACK));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ ok: true, duplicate: false });
    const again = await post(TRACK, signed(TRACK));
    expect(again.json()).toEqual({ ok: true, duplicate: true });
    expect(await stored()).toBe(1);
  });

  it.each([
    ['no signature', undefined, /missing/],
    ['another secret', signed(TRACK, 'whsec_someone_else'), /mismatch/],
    [
      'a replayed timestamp',
      signed(TRACK, TEST_SHIPPO_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 3600),
      /stale/,
    ],
  ])('refuses %s with 401 and stores nothing', async (_case, header, reason) => {
    const before = await stored();
    const res = await post(TRACK.replace('TRANSIT', 'DELIVERED'), header);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(reason);
    expect(await stored()).toBe(before);
  });

  it('answers 400 for a signed body that is not a Shippo webhook', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/not a Shippo webhook/);
  });
});
