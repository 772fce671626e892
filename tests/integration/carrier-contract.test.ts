import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createEasyPostAdapter,
  createShippoAdapter,
  isCarrierAuthError,
  isCarrierRateLimitedError,
  isCarrierTransientError,
  providerToken,
  type Address,
  type CarrierPort,
  type Parcel,
} from '../../src/integrations/carriers/index.ts';
import {
  defaultKnobs,
  startCarrierSimulator,
  type CarrierSimulator,
} from '../../src/simulators/carrier/index.ts';

// One suite for the carrier port, run against every adapter; the simulator speaks both APIs.
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

const from: Address = {
  name: 'Glow Shop',
  street1: '1 Market St',
  city: 'San Francisco',
  state: 'CA',
  zip: '94105',
  country: 'US',
};
const near: Address = {
  name: 'Ana Buyer',
  street1: '9 Pine St',
  city: 'Oakland',
  state: 'CA',
  zip: '94607',
  country: 'US',
};
const far: Address = {
  name: 'Bo Buyer',
  street1: '5 Elm St',
  city: 'Boston',
  state: 'MA',
  zip: '02110',
  country: 'US',
};
const nowhere: Address = { ...near, zip: '00012' };
const parcel: Parcel = { length: 10, width: 8, height: 4, distanceUnit: 'in', weight: 20, massUnit: 'oz' };

const adapters: Array<{ name: string; make: (s: CarrierSimulator, credential?: string) => CarrierPort }> = [
  {
    name: 'shippo',
    make: (s, token) => createShippoAdapter({ baseUrl: s.baseUrl, token: token ?? s.token }),
  },
  {
    name: 'easypost',
    make: (s, key) => createEasyPostAdapter({ baseUrl: s.easyPostBaseUrl, apiKey: key ?? s.easyPostApiKey }),
  },
];

describe.each(adapters)('carrier port contract: $name adapter against the simulator', ({ make }) => {
  let port: CarrierPort;
  let serial = 0;
  const key = (): string => `order:${make.name}:${Date.now()}:${++serial}`;
  beforeAll(() => {
    port = make(sim);
  });

  async function buy(metadata: string, to: Address = near) {
    const quote = await port.getRates({ from, to, parcel, metadata });
    const rate = quote.rates.find((r) => r.provider === 'USPS') ?? quote.rates[0]!;
    return {
      rate,
      transaction: await port.buyLabel({ rateId: rate.rateId, shipmentId: rate.shipmentId, metadata }),
    };
  }

  it('a deliverable address validates and an unknown one does not', async () => {
    await expect(port.validateAddress(near)).resolves.toMatchObject({ status: 'valid' });
    const bad = await port.validateAddress(nowhere);
    expect(bad.status).toBe('invalid');
    expect(bad.messages.length).toBeGreaterThan(0);
  });

  it('a shipment is quoted by every carrier with consistent amounts and transit days', async () => {
    const quote = await port.getRates({ from, to: near, parcel });
    expect(new Set(quote.rates.map((r) => r.provider))).toEqual(
      new Set(['USPS', 'UPS', 'FedEx', 'DHL Express']),
    );
    for (const rate of quote.rates) {
      expect(rate.amountCents).toBe(Math.round(Number(rate.amount) * 100));
      expect(rate.currency).toBe('USD');
      expect(rate.estimatedDays).toBeGreaterThan(0);
      expect(rate.shipmentId).toBe(quote.shipmentId);
    }
  });

  it('a farther destination costs more for the same service', async () => {
    const nearQuote = await port.getRates({ from, to: near, parcel });
    const farQuote = await port.getRates({ from, to: far, parcel });
    const price = (q: typeof nearQuote, token: string) =>
      q.rates.find((r) => r.serviceToken === token)!.amountCents;
    const token = nearQuote.rates[0]!.serviceToken;
    expect(price(farQuote, token)).toBeGreaterThan(price(nearQuote, token));
  });

  it('an address the carriers cannot serve yields no rates and says why', async () => {
    const quote = await port.getRates({ from, to: nowhere, parcel });
    expect(quote.rates).toEqual([]);
    expect(quote.messages.length).toBeGreaterThan(0);
  });

  it('buying a rate returns a label with a tracking number and records exactly one purchase', async () => {
    const metadata = key();
    const { rate, transaction } = await buy(metadata);
    expect(transaction).toMatchObject({ status: 'SUCCESS', rateId: rate.rateId, metadata });
    expect(transaction.trackingNumber).toMatch(/^\d{20,}$/);
    expect(transaction.labelUrl).toMatch(/^https:\/\//);
    expect(sim.purchasesFor(metadata)).toHaveLength(1);
  });

  it('a purchase can be found again by its metadata and read by its id', async () => {
    const metadata = key();
    const { transaction } = await buy(metadata);
    await expect(port.findTransactionByMetadata(metadata)).resolves.toMatchObject({
      transactionId: transaction.transactionId,
      trackingNumber: transaction.trackingNumber,
    });
    await expect(port.getTransaction(transaction.transactionId)).resolves.toMatchObject({
      status: 'SUCCESS',
      trackingNumber: transaction.trackingNumber,
    });
    await expect(port.findTransactionByMetadata(`${metadata}:never-bought`)).resolves.toBeUndefined();
  });

  it('tracking starts before transit and reaches delivered as simulated time passes', async () => {
    const { rate, transaction } = await buy(key());
    const carrier = providerToken(rate.provider);
    const first = await port.getTracking(carrier, transaction.trackingNumber!);
    expect(first.status).toBe('pre_transit');
    await sim.advance(10 * 86_400_000);
    const later = await port.getTracking(carrier, transaction.trackingNumber!);
    expect(later.status).toBe('delivered');
    expect(later.history.map((h) => h.status)).toEqual(['pre_transit', 'transit', 'delivered']);
  });

  it('a label can be voided, and a rejected refund is reported as rejected', async () => {
    const { transaction } = await buy(key());
    await expect(port.voidLabel(transaction.transactionId)).resolves.toMatchObject({
      status: expect.stringMatching(/^(pending|success)$/) as string,
    });
    sim.knobs.rejectRefunds = true;
    const second = await buy(key());
    await expect(port.voidLabel(second.transaction.transactionId)).resolves.toMatchObject({
      status: 'rejected',
    });
  });

  it('a voided label is no longer found as a live purchase', async () => {
    const metadata = key();
    const { transaction } = await buy(metadata);
    await port.voidLabel(transaction.transactionId);
    await expect(port.findTransactionByMetadata(metadata)).resolves.toBeUndefined();
  });

  it('wrong credentials fail as an auth error', async () => {
    const wrong = make(sim, 'not-the-token');
    const error: unknown = await wrong.getRates({ from, to: near, parcel }).catch((e: unknown) => e);
    expect(isCarrierAuthError(error)).toBe(true);
  });

  it('throttling fails as rate-limited with the advertised retry delay', async () => {
    sim.knobs.rateLimitNext = 1;
    sim.knobs.retryAfterSeconds = 2;
    const error: unknown = await port.getRates({ from, to: near, parcel }).catch((e: unknown) => e);
    expect(isCarrierRateLimitedError(error) && error.retryAfterMs).toBe(2000);
  });

  it('an outage fails as transient', async () => {
    sim.knobs.outage = true;
    const error: unknown = await port.validateAddress(near).catch((e: unknown) => e);
    expect(isCarrierTransientError(error)).toBe(true);
  });
});
