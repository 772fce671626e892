import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestServer, TEST_APP_KEY, TEST_APP_SECRET } from '../helpers/test-server.ts';

const server = useTestServer();
beforeEach(async () => {
  await server.db.query('DELETE FROM webhook_inbox');
});

// Signed here with node:crypto directly, independently of the code under test.
const sign = (body: string, secret = TEST_APP_SECRET) =>
  createHmac('sha256', secret)
    .update(TEST_APP_KEY + body)
    .digest('hex');

const now = () => Math.floor(Date.now() / 1000);
const webhook = (
  id: string,
  data: Record<string, unknown> = { order_id: 'o-1', order_status: 'AWAITING_SHIPMENT' },
) => JSON.stringify({ type: 1, tts_notification_id: id, shop_id: 'shop-1', timestamp: now(), data });

/** `signature: null` sends no Authorization header at all. */
const post = (body: string, signature: string | null = sign(body), contentType = 'application/json') =>
  server.app.inject({
    method: 'POST',
    url: '/webhooks/tiktok',
    headers: {
      'content-type': contentType,
      ...(signature === null ? {} : { authorization: signature }),
    },
    payload: body,
  });

async function stored(): Promise<{ notification_id: string; shop_id: string; event_type: number }[]> {
  const { rows } = await server.db.query<{ notification_id: string; shop_id: string; event_type: number }>(
    'SELECT notification_id, shop_id, event_type FROM webhook_inbox ORDER BY id',
  );
  return rows;
}

describe('POST /webhooks/tiktok', () => {
  it('stores a signed webhook before answering 200', async () => {
    const res = await post(webhook('n-1'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ code: 0, message: 'stored' });
    expect(await stored()).toEqual([{ notification_id: 'n-1', shop_id: 'shop-1', event_type: 1 }]);
  });

  it('a repeated notification answers 200 and changes nothing', async () => {
    await post(webhook('n-1', { order_id: 'first' }));
    const again = await post(webhook('n-1', { order_id: 'second' }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ code: 0, message: 'duplicate' });
    const { rows } = await server.db.query<{ order_id: string }>(
      `SELECT payload->'data'->>'order_id' AS order_id FROM webhook_inbox`,
    );
    expect(rows).toEqual([{ order_id: 'first' }]);
  });

  it.each([
    ['no signature', null],
    ['a wrong signature', 'f'.repeat(64)],
    ['a signature made with another secret', 'other'],
  ])('answers 401 for %s and stores nothing', async (_case, signature) => {
    const body = webhook('n-2');
    const res = await post(body, signature === 'other' ? sign(body, 'another-secret') : signature);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'BAD_SIGNATURE' } });
    expect(await stored()).toEqual([]);
  });

  it.each([
    ['{"type": 1,', /the body is not JSON/],
    ['[1, 2]', /not a JSON object/],
    ['"text"', /not a JSON object/],
    [JSON.stringify({ type: 1, shop_id: 's', timestamp: now(), data: {} }), /tts_notification_id/],
    [JSON.stringify({ type: 1, tts_notification_id: 'n', shop_id: 's', timestamp: now() }), /data/],
    [JSON.stringify({ type: 1, tts_notification_id: 'n', timestamp: now(), data: {} }), /shop_id/],
    [
      JSON.stringify({ type: 1, tts_notification_id: 'n', shop_id: 's', timestamp: 1_000, data: {} }),
      /older than/,
    ],
    ['', /the body is empty/],
  ])('answers 400 with a reason for a signed body that is not a webhook: %s', async (body, reason) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(reason);
    expect(await stored()).toEqual([]);
  });

  it('verifies a webhook sent with another content type on its raw bytes', async () => {
    const res = await post(webhook('n-3'), 'f'.repeat(64), 'text/plain');
    expect(res.statusCode).toBe(401);
    const body = webhook('n-3');
    expect((await post(body, sign(body), 'text/plain')).statusCode).toBe(200);
  });

  it('answers 413 for an oversized body and stores nothing', async () => {
    const body = webhook('n-4', { padding: 'x'.repeat(300 * 1024) });
    const res = await post(body);
    expect(res.statusCode).toBe(413);
    expect(await stored()).toEqual([]);
  });

  it('counts deliveries by outcome in /metrics', async () => {
    await post(webhook('n-5'));
    await post(webhook('n-5'));
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/creatorflow_tiktok_webhooks_total\{result="stored"[^}]*\} \d+/);
    expect(metrics).toMatch(/creatorflow_tiktok_webhooks_total\{result="duplicate"[^}]*\} \d+/);
    expect(metrics).toMatch(/creatorflow_tiktok_webhooks_total\{result="bad_signature"[^}]*\} \d+/);
  });
});
