import { describe, expect, it } from 'vitest';
import type { BuyLabelInput, CarrierPort, LabelTransaction } from './carrier-port.ts';
import { CarrierPermanentError, CarrierRateLimitedError, CarrierTransientError } from './carrier-errors.ts';
import { buyLabelOnce } from './idempotent-purchase.ts';

const input: BuyLabelInput = { rateId: 'rate_1', shipmentId: 'shp_1', metadata: 'order:1:label:1' };
const label: LabelTransaction = {
  transactionId: 'tx_1',
  status: 'SUCCESS',
  rateId: 'rate_1',
  trackingNumber: '1Z1',
  trackingUrl: undefined,
  labelUrl: 'https://l',
  eta: undefined,
  metadata: input.metadata,
  messages: [],
};

/** A port whose buy and lookup behave as scripted, counting the calls made. */
function scripted(buy: () => Promise<LabelTransaction>, found: Array<LabelTransaction | undefined>) {
  const calls = { buy: 0, find: 0 };
  const port = {
    name: 'shippo',
    buyLabel: () => {
      calls.buy += 1;
      return buy();
    },
    findTransactionByMetadata: () => {
      calls.find += 1;
      return Promise.resolve(found.shift());
    },
  } as unknown as CarrierPort;
  return { port, calls };
}

describe('buyLabelOnce', () => {
  it('buys straight away when no earlier attempt can have bought', async () => {
    const { port, calls } = scripted(() => Promise.resolve(label), []);
    await expect(buyLabelOnce(port, input, { checkFirst: false })).resolves.toEqual({
      transaction: label,
      reused: false,
    });
    expect(calls).toEqual({ buy: 1, find: 0 });
  });

  it('returns the earlier purchase instead of buying when asked to check first', async () => {
    const { port, calls } = scripted(() => Promise.resolve(label), [label]);
    await expect(buyLabelOnce(port, input, { checkFirst: true })).resolves.toEqual({
      transaction: label,
      reused: true,
    });
    expect(calls.buy).toBe(0);
  });

  it('after a transient failure finds the purchase that went through', async () => {
    const { port } = scripted(
      () => Promise.reject(new CarrierTransientError('timed out', undefined)),
      [label],
    );
    await expect(buyLabelOnce(port, input, { checkFirst: false })).resolves.toEqual({
      transaction: label,
      reused: true,
    });
  });

  it('after a transient failure with nothing bought, rethrows so the caller retries', async () => {
    const { port } = scripted(() => Promise.reject(new CarrierTransientError('503', 503)), [undefined]);
    await expect(buyLabelOnce(port, input, { checkFirst: false })).rejects.toBeInstanceOf(
      CarrierTransientError,
    );
  });

  it('a permanent failure or a 429 is rethrown without a lookup, since nothing can have been bought', async () => {
    for (const error of [new CarrierPermanentError('400', 400), new CarrierRateLimitedError('429', 1000)]) {
      const { port, calls } = scripted(() => Promise.reject(error), [label]);
      await expect(buyLabelOnce(port, input, { checkFirst: false })).rejects.toBe(error);
      expect(calls.find).toBe(0);
    }
  });
});
