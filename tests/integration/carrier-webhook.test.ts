import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createShippoAdapter,
  parseEasyPostEvent,
  parseShippoWebhook,
  verifyEasyPostSignature,
  toCarrierWebhookEvent,
  verifyShippoSignature,
} from '../../src/integrations/carriers/index.ts';
import {
  defaultKnobs,
  startCarrierSimulator,
  type CarrierSimulator,
} from '../../src/simulators/carrier/index.ts';

// Known answer computed outside this code base:
//   printf '%s' '1764000000.<body>' | openssl dgst -sha256 -hmac 'whsec_known_answer_0123'
const SECRET = 'whsec_known_answer_0123';
const BODY =
  '{"event":"track_updated","test":true,"data":{"carrier":"usps","tracking_number":"9400111899223197428490","eta":null,"tracking_status":{"status":"TRANSIT","status_details":"Arrived at hub","status_date":"2026-11-24T10:00:00Z","location":{"city":"Memphis","state":"TN","country":"US"}},"tracking_history":[]}}';
const T = 1_764_000_000;
const V1 = 'dff4770e9891565a9f36d7538e0307cbfb5d86726c2f7224d9f1299ca5875e98';
const AT_T = T * 1000;

describe('Shippo webhook signature', () => {
  it('accepts the known-answer signature computed with openssl', () => {
    expect(
      verifyShippoSignature({ header: `t=${T},v1=${V1}`, rawBody: BODY, secret: SECRET, now: AT_T }),
    ).toEqual({
      ok: true,
      timestamp: T,
    });
  });

  it('accepts the signature over a Buffer body and among several v1 values', () => {
    const header = `t=${T},v1=${'0'.repeat(64)},v1=${V1}`;
    expect(verifyShippoSignature({ header, rawBody: Buffer.from(BODY), secret: SECRET, now: AT_T }).ok).toBe(
      true,
    );
  });

  it.each([
    {
      name: 'a body changed by one character',
      header: `t=${T},v1=${V1}`,
      body: BODY.replace('TRANSIT', 'DELIVERED'),
      now: AT_T,
      reason: 'mismatch',
    },
    {
      name: 'a timestamp that was not the one signed',
      header: `t=${T + 1},v1=${V1}`,
      body: BODY,
      now: AT_T,
      reason: 'mismatch',
    },
    {
      name: 'a replay ten minutes later',
      header: `t=${T},v1=${V1}`,
      body: BODY,
      now: AT_T + 600_000,
      reason: 'stale',
    },
    { name: 'a header without a signature', header: `t=${T}`, body: BODY, now: AT_T, reason: 'malformed' },
    { name: 'a missing header', header: undefined, body: BODY, now: AT_T, reason: 'missing' },
  ])('rejects $name', ({ header, body, now, reason }) => {
    expect(verifyShippoSignature({ header, rawBody: body, secret: SECRET, now })).toEqual({
      ok: false,
      reason,
    });
  });

  it('rejects the right signature under another secret', () => {
    expect(
      verifyShippoSignature({ header: `t=${T},v1=${V1}`, rawBody: BODY, secret: 'other', now: AT_T }).ok,
    ).toBe(false);
  });
});

describe('Shippo webhook body', () => {
  it('a track_updated body becomes a normalised tracking change', () => {
    const parsed = parseShippoWebhook(BODY);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(toCarrierWebhookEvent(parsed.webhook)).toMatchObject({
      kind: 'tracking',
      tracking: {
        carrier: 'usps',
        trackingNumber: '9400111899223197428490',
        status: 'transit',
        details: 'Arrived at hub',
      },
    });
  });

  it('a transaction_updated body becomes a normalised transaction change', () => {
    const body = JSON.stringify({
      event: 'transaction_updated',
      test: true,
      data: {
        object_id: 'tx_1',
        status: 'SUCCESS',
        rate: 'rate_1',
        tracking_number: '1Z999',
        label_url: 'https://l',
        metadata: 'order:1',
        messages: [],
      },
    });
    const parsed = parseShippoWebhook(body);
    expect(parsed.ok && toCarrierWebhookEvent(parsed.webhook)).toMatchObject({
      kind: 'transaction',
      transaction: { transactionId: 'tx_1', status: 'SUCCESS', trackingNumber: '1Z999', metadata: 'order:1' },
    });
  });

  it('a body that is not JSON or not a webhook is a rejected value, not an exception', () => {
    expect(parseShippoWebhook('{nope')).toEqual({ ok: false, reason: 'body is not JSON' });
    expect(parseShippoWebhook('{"event":"order_paid","data":{}}').ok).toBe(false);
  });
});

describe('EasyPost webhook signature', () => {
  // printf '%s' '<body>' | openssl dgst -sha256 -hmac 'ep_webhook_secret'
  const body = '{"id":"evt_123","description":"tracker.updated","result":{"status":"in_transit"}}';
  const hex = 'b01a1e2e578016425843c6346572acd36234adecd767e10cf0a7dcf35e5d3c75';

  it('accepts the known-answer signature computed with openssl', () => {
    const header = `hmac-sha256-hex=${hex}`;
    expect(verifyEasyPostSignature({ header, rawBody: body, secret: 'ep_webhook_secret' })).toEqual({
      ok: true,
    });
    expect(parseEasyPostEvent(body)).toMatchObject({
      ok: true,
      event: { id: 'evt_123', description: 'tracker.updated' },
    });
  });

  it('rejects a changed body, a malformed header and a missing one', () => {
    const header = `hmac-sha256-hex=${hex}`;
    const secret = 'ep_webhook_secret';
    expect(verifyEasyPostSignature({ header, rawBody: body.replace('123', '124'), secret })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyEasyPostSignature({ header: hex, rawBody: body, secret })).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyEasyPostSignature({ header: undefined, rawBody: body, secret })).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});

describe('webhooks pushed by the carrier simulator', () => {
  let sim: CarrierSimulator;
  let receiver: Server;
  const received: Array<{ event: string; status: string | undefined; verified: boolean }> = [];
  let failNext = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (failNext > 0) {
          failNext -= 1;
          res.statusCode = 500;
          return res.end();
        }
        const header = req.headers['shippo-auth-signature'];
        const check = verifyShippoSignature({
          header: typeof header === 'string' ? header : undefined,
          rawBody: raw,
          secret: 'whsec_push',
          now: Date.now(),
        });
        const parsed = parseShippoWebhook(raw);
        const event = parsed.ok ? toCarrierWebhookEvent(parsed.webhook) : undefined;
        received.push({
          event: parsed.ok ? parsed.webhook.event : 'unparsed',
          status:
            event?.kind === 'tracking'
              ? event.tracking.status
              : event?.kind === 'transaction'
                ? event.transaction.status
                : undefined,
          verified: check.ok,
        });
        res.statusCode = 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shippo`;
    sim = await startCarrierSimulator({ webhookUrl: url, webhookSecret: 'whsec_push', timeScale: 1 });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  async function buyOne(): Promise<void> {
    const port = createShippoAdapter({ baseUrl: sim.baseUrl, token: sim.token });
    const quote = await port.getRates({
      from: { name: 'S', street1: '1 A St', city: 'X', state: 'CA', zip: '94105', country: 'US' },
      to: { name: 'B', street1: '2 B St', city: 'Y', state: 'NY', zip: '10001', country: 'US' },
      parcel: { length: 5, width: 5, height: 5, distanceUnit: 'in', weight: 8, massUnit: 'oz' },
    });
    const rate = quote.rates[0]!;
    await port.buyLabel({ rateId: rate.rateId, shipmentId: rate.shipmentId, metadata: 'order:push' });
  }

  it('a purchase is announced and its tracking is pushed, signed, from pre-transit to delivered', async () => {
    received.length = 0;
    await buyOne();
    await sim.tick();
    await sim.advance(10 * 86_400_000);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(received.map((r) => `${r.event}:${r.status}`)).toEqual([
      'transaction_created:SUCCESS',
      'track_updated:pre_transit',
      'track_updated:transit',
      'track_updated:delivered',
    ]);
  });

  it('with the duplicate and reorder knobs, deliveries repeat and arrive out of order', async () => {
    received.length = 0;
    Object.assign(sim.knobs, defaultKnobs(), { duplicateWebhooks: true, reorderWebhooks: true });
    await buyOne();
    await sim.advance(10 * 86_400_000);
    const tracking = (): Array<string | undefined> =>
      received.filter((r) => r.event === 'track_updated').map((r) => r.status);
    await vi.waitFor(() => expect(tracking()).toHaveLength(6));
    expect(new Set(tracking())).toEqual(new Set(['pre_transit', 'transit', 'delivered']));
    expect(tracking()).not.toEqual([
      'pre_transit',
      'pre_transit',
      'transit',
      'transit',
      'delivered',
      'delivered',
    ]);
    expect(received.every((r) => r.verified)).toBe(true);
  });

  it('a delivery that is not answered with 2xx is tried again', async () => {
    Object.assign(sim.knobs, defaultKnobs());
    failNext = 1;
    const before = sim.webhookDeliveries.length;
    await buyOne();
    await sim.tick();
    const attempts = sim.webhookDeliveries.slice(before).filter((d) => d.event === 'transaction_created');
    expect(attempts.map((d) => [d.status, d.attempt])).toEqual([
      [500, 1],
      [200, 2],
    ]);
  });
});
