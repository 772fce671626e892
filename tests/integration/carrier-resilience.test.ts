import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buyResiliently,
  createEasyPostAdapter,
  createIntegrationPolicy,
  createShippoAdapter,
  isRefusedByPolicy,
  isRetryableCarrierFailure,
  withResilience,
  type Address,
  type CarrierPort,
  type IntegrationPolicy,
  type Parcel,
  type Rate,
} from '../../src/integrations/carriers/index.ts';
import { selectRate } from '../../src/shipping/index.ts';
import {
  defaultKnobs,
  startCarrierSimulator,
  type CarrierSimulator,
} from '../../src/simulators/carrier/index.ts';

const from: Address = {
  name: 'Glow Shop',
  street1: '1 Market St',
  city: 'San Francisco',
  state: 'CA',
  zip: '94105',
  country: 'US',
};
const to: Address = {
  name: 'Cy Buyer',
  street1: '3 Oak Ave',
  city: 'Denver',
  state: 'CO',
  zip: '80202',
  country: 'US',
};
const parcel: Parcel = { length: 10, width: 8, height: 4, distanceUnit: 'in', weight: 30, massUnit: 'oz' };

let sim: CarrierSimulator;
let raw: CarrierPort;
beforeAll(async () => {
  sim = await startCarrierSimulator({ timeScale: 1 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  Object.assign(sim.knobs, defaultKnobs());
  raw = createShippoAdapter({ baseUrl: sim.baseUrl, token: sim.token, timeoutMs: 150 });
});

function policy(overrides: Parameters<typeof createIntegrationPolicy>[1] = {}): IntegrationPolicy {
  return createIntegrationPolicy('shippo', {
    timeoutMs: 2000,
    maxAttempts: 4,
    initialDelayMs: 5,
    maxDelayMs: 20,
    breakerThreshold: 3,
    halfOpenAfterMs: 50,
    ...overrides,
  });
}

async function cheapestRate(port: CarrierPort): Promise<Rate> {
  const quote = await port.getRates({ from, to, parcel });
  const choice = selectRate({ rates: quote.rates, now: Date.now(), strategy: 'cheapest' });
  if (!choice.ok) throw new Error(choice.reason);
  return choice.chosen;
}

let serial = 0;
const newKey = (): string => `order:resilience:${++serial}`;

describe('carrier resilience against the simulator', () => {
  it('a throttled call is retried after the advertised delay and then succeeds', async () => {
    const p = policy();
    const retries: unknown[] = [];
    p.onRetry((e) => retries.push(e.error));
    sim.knobs.rateLimitNext = 2;
    sim.knobs.retryAfterSeconds = 0;
    // Its own adapter with a generous timeout: only the two 429s may cause retries here.
    const patient = createShippoAdapter({ baseUrl: sim.baseUrl, token: sim.token, timeoutMs: 30_000 });
    const quote = await withResilience(patient, p).getRates({ from, to, parcel });
    expect(quote.rates.length).toBeGreaterThan(0);
    expect(retries).toHaveLength(2);
    expect(retries.every(isRetryableCarrierFailure)).toBe(true);
  });

  it('an outage opens the breaker, which refuses calls, and calls go through again after recovery', async () => {
    const p = policy({ maxAttempts: 1 });
    const port = withResilience(raw, p);
    sim.knobs.outage = true;
    for (let i = 0; i < 3; i++)
      await expect(port.validateAddress(to)).rejects.toSatisfy(isRetryableCarrierFailure);
    expect(p.breakerState()).toBe('open');
    await expect(port.validateAddress(to)).rejects.toSatisfy(isRefusedByPolicy);
    sim.knobs.outage = false;
    await vi.waitFor(async () => expect((await port.validateAddress(to)).status).toBe('valid'), {
      interval: 20,
    });
    expect(p.breakerState()).toBe('closed');
  });

  it('a purchase whose answer times out is found by its metadata instead of being bought twice', async () => {
    const rate = await cheapestRate(raw);
    const metadata = newKey();
    sim.knobs.delayMs = 600;
    sim.knobs.delayPaths = ['POST /transactions'];
    const bought = await buyResiliently(
      raw,
      policy(),
      { rateId: rate.rateId, shipmentId: rate.shipmentId, metadata },
      false,
    );
    expect(bought).toMatchObject({ status: 'SUCCESS', reused: true, metadata });
    expect(sim.purchasesFor(metadata)).toHaveLength(1);
  });

  it('after a crash, a purchase that already happened is found before buying again', async () => {
    const rate = await cheapestRate(raw);
    const metadata = newKey();
    const first = await raw.buyLabel({ rateId: rate.rateId, shipmentId: rate.shipmentId, metadata });
    const again = await buyResiliently(
      raw,
      policy(),
      { rateId: rate.rateId, shipmentId: rate.shipmentId, metadata },
      true,
    );
    expect(again).toMatchObject({ transactionId: first.transactionId, reused: true });
    expect(sim.purchasesFor(metadata)).toHaveLength(1);
  });

  it('a carrier timeout is an ERROR answer that costs nothing, and buying again succeeds once', async () => {
    const rate = await cheapestRate(raw);
    const metadata = newKey();
    sim.knobs.carrierTimeoutNext = 1;
    const failed = await raw.buyLabel({ rateId: rate.rateId, shipmentId: rate.shipmentId, metadata });
    expect(failed.status).toBe('ERROR');
    expect(failed.messages.map((m) => m.code)).toContain('carrier_timeout');
    await expect(raw.findTransactionByMetadata(metadata)).resolves.toBeUndefined();
    const ok = await raw.buyLabel({ rateId: rate.rateId, shipmentId: rate.shipmentId, metadata });
    expect(ok.status).toBe('SUCCESS');
    expect(sim.purchasesFor(metadata)).toHaveLength(1);
  });

  it('an asynchronous purchase answers QUEUED, is findable while queued, and settles to SUCCESS', async () => {
    const rate = await cheapestRate(raw);
    const metadata = newKey();
    sim.knobs.asyncTransactions = true;
    // Long enough that a loaded machine still finds it queued; then the carrier is told to finish.
    sim.knobs.asyncSettleMs = 10 * 60_000;
    const queued = await raw.buyLabel({ rateId: rate.rateId, shipmentId: rate.shipmentId, metadata });
    expect(queued.status).toBe('QUEUED');
    expect(queued.trackingNumber).toBeUndefined();
    await expect(raw.findTransactionByMetadata(metadata)).resolves.toMatchObject({ status: 'QUEUED' });
    sim.state.transactions.get(queued.transactionId)!.settleAt = Date.now();
    await vi.waitFor(async () => {
      const settled = await raw.getTransaction(queued.transactionId);
      expect(settled.status).toBe('SUCCESS');
      expect(settled.trackingNumber).toBeDefined();
    });
  });

  it('an expired rate is refused by rate selection and by the carrier', async () => {
    sim.knobs.expiredRates = true;
    const quote = await raw.getRates({ from, to, parcel });
    expect(selectRate({ rates: quote.rates, now: Date.now() }).ok).toBe(false);
    const metadata = newKey();
    const rate = quote.rates[0]!;
    const tx = await raw.buyLabel({ rateId: rate.rateId, shipmentId: rate.shipmentId, metadata });
    expect(tx.status).toBe('ERROR');
    expect(tx.messages.map((m) => m.code)).toContain('rate_expired');
    expect(sim.purchasesFor(metadata)).toHaveLength(0);
  });

  it('through an outage with slow answers, every order ends with exactly one label once the carrier recovers', async () => {
    const p = policy({ maxAttempts: 2 });
    const states: string[] = [];
    p.onBreakerStateChange((s) => states.push(s));
    const port = withResilience(raw, p);
    const rates = await Promise.all([1, 2, 3, 4, 5].map(() => cheapestRate(raw)));
    sim.knobs.delayMs = 200;
    sim.knobs.delayPaths = ['POST /transactions'];
    sim.knobs.outage = true;
    setTimeout(() => {
      sim.knobs.outage = false;
    }, 150);
    // What a worker does: a refused or failed attempt waits and tries again, checking for an earlier purchase.
    const outcomes = await Promise.all(
      rates.map(async (rate, i) => {
        const metadata = `order:outage:${i}`;
        for (let attempt = 0; ; attempt++) {
          try {
            return await buyResiliently(
              port,
              p,
              { rateId: rate.rateId, shipmentId: rate.shipmentId, metadata },
              attempt > 0,
            );
          } catch (error) {
            if (!isRetryableCarrierFailure(error) && !isRefusedByPolicy(error)) throw error;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      }),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    for (let i = 0; i < 5; i++) expect(sim.purchasesFor(`order:outage:${i}`)).toHaveLength(1);
    expect(states).toContain('open');
    expect(p.breakerState()).toBe('closed');
  });
});

describe.each([
  {
    name: 'shippo',
    make: (timeoutMs: number): CarrierPort =>
      createShippoAdapter({ baseUrl: sim.baseUrl, token: sim.token, timeoutMs }),
    buyPath: 'POST /transactions',
  },
  {
    name: 'easypost',
    make: (timeoutMs: number): CarrierPort =>
      createEasyPostAdapter({ baseUrl: sim.easyPostBaseUrl, apiKey: sim.easyPostApiKey, timeoutMs }),
    buyPath: 'POST /shipments/',
  },
])('idempotent purchase through the $name adapter', ({ name, make, buyPath }) => {
  it('a purchase whose answer never arrives is found by its metadata, and the carrier charged once', async () => {
    // The quote is only the setup: asked with a patient client, so a busy machine cannot time it out.
    const metadata = `order:${name}:slow:${++serial}`;
    const quote = await make(10_000).getRates({ from, to, parcel, metadata });
    // The purchase gives up after 150 ms, long before the carrier's 600 ms answer.
    const port = make(150);
    const rate = quote.rates[0]!;
    sim.knobs.delayMs = 600;
    sim.knobs.delayPaths = [buyPath];
    const bought = await buyResiliently(
      port,
      policy(),
      { rateId: rate.rateId, shipmentId: rate.shipmentId, metadata },
      false,
    );
    expect(bought).toMatchObject({ status: 'SUCCESS', reused: true, metadata });
    expect(sim.purchasesFor(metadata)).toHaveLength(1);
  });
});
