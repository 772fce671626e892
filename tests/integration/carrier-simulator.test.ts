import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultKnobs,
  startCarrierSimulator,
  type CarrierSimulator,
} from '../../src/simulators/carrier/index.ts';

// The simulator's Shippo surface, spoken to with plain fetch, as any Shippo client would.
let sim: CarrierSimulator;
beforeAll(async () => {
  sim = await startCarrierSimulator({ timeScale: 1 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  Object.assign(sim.knobs, defaultKnobs());
});

interface RateJson {
  object_id: string;
  amount: string;
  servicelevel: { token: string };
  estimated_days: number;
  attributes: string[];
}
interface ShippoJson {
  rates: RateJson[];
  results: Array<{ metadata: string }>;
  tracking_status: unknown;
}

async function call(method: string, path: string, body?: unknown, token = sim.token) {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { authorization: `ShippoToken ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as ShippoJson };
}

const shipment = {
  address_from: {
    name: 'S',
    street1: '1 Market St',
    city: 'San Francisco',
    state: 'CA',
    zip: '94105',
    country: 'US',
  },
  address_to: { name: 'B', street1: '2 Main St', city: 'New York', state: 'NY', zip: '10001', country: 'US' },
  parcels: [{ length: '10', width: '8', height: '4', distance_unit: 'in', weight: '2', mass_unit: 'lb' }],
  async: false,
};

describe('carrier simulator, Shippo subset', () => {
  it('listens on 127.0.0.1 on a free port', () => {
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a request without the right ShippoToken', async () => {
    const res = await call('POST', '/shipments', shipment, 'wrong');
    expect(res.status).toBe(401);
  });

  it('quotes rates with string amounts, service levels and the CHEAPEST, FASTEST and BESTVALUE attributes', async () => {
    const res = await call('POST', '/shipments', shipment);
    expect(res.status).toBe(201);
    const rates = res.json.rates;
    expect(rates.length).toBeGreaterThanOrEqual(8);
    for (const rate of rates) {
      expect(rate.amount).toMatch(/^\d+\.\d{2}$/);
      expect(rate.servicelevel.token).toEqual(expect.any(String));
      expect(rate.estimated_days).toBeGreaterThan(0);
    }
    expect(rates.flatMap((r) => r.attributes).sort()).toEqual(['BESTVALUE', 'CHEAPEST', 'FASTEST']);
  });

  it('lists transactions filtered by metadata', async () => {
    const rates = (await call('POST', '/shipments', shipment)).json.rates;
    await call('POST', '/transactions', { rate: rates[0]!.object_id, metadata: 'order:list:1' });
    await call('POST', '/transactions', { rate: rates[1]!.object_id, metadata: 'order:list:2' });
    const list = await call('GET', '/transactions?metadata=order%3Alist%3A2');
    expect(list.json.results.map((t) => t.metadata)).toEqual(['order:list:2']);
    expect(sim.purchases.filter((p) => p.metadata?.startsWith('order:list:'))).toHaveLength(2);
  });

  it('answers 404 for an unknown transaction and no tracking status for an unknown number', async () => {
    expect((await call('GET', '/transactions/tx_nope')).status).toBe(404);
    const track = await call('GET', '/tracks/usps/9400000000000000000000');
    expect(track.json.tracking_status).toBeNull();
  });

  it('answers 503 for everything during an outage and 429 with Retry-After when throttling', async () => {
    sim.knobs.outage = true;
    expect((await call('POST', '/shipments', shipment)).status).toBe(503);
    sim.knobs.outage = false;
    sim.knobs.rateLimitNext = 1;
    sim.knobs.retryAfterSeconds = 3;
    const throttled = await call('POST', '/shipments', shipment);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
  });

  it('a 429 ratio of one throttles every call and zero throttles none', async () => {
    sim.knobs.rateLimitRatio = 1;
    expect((await call('GET', '/transactions')).status).toBe(429);
    sim.knobs.rateLimitRatio = 0;
    expect((await call('GET', '/transactions')).status).toBe(200);
  });
});
