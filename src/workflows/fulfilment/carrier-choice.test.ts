import { describe, expect, it } from 'vitest';
import {
  CarrierTransientError,
  createEasyPostAdapter,
  createIntegrationPolicy,
  createShippoAdapter,
} from '../../integrations/carriers/index.ts';
import { chooseCarrier } from './carrier-choice.ts';
import type { CarrierAccess } from './fulfilment-deps.ts';

// Real adapters and policies; no call reaches an API: only the breakers' states matter here.
function apis(): { shippo: CarrierAccess; easypost: CarrierAccess } {
  const options = { breakerThreshold: 1, maxAttempts: 1, halfOpenAfterMs: 60_000 };
  return {
    shippo: {
      port: createShippoAdapter({ token: 't', baseUrl: 'http://127.0.0.1:9' }),
      policy: createIntegrationPolicy('shippo', options),
    },
    easypost: {
      port: createEasyPostAdapter({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v2' }),
      policy: createIntegrationPolicy('easypost', options),
    },
  };
}

async function trip(api: CarrierAccess): Promise<void> {
  await api.policy
    .execute(() => Promise.reject(new CarrierTransientError('503 from the carrier', 503)))
    .catch(() => undefined);
  expect(api.policy.breakerState()).toBe('open');
}

describe('choosing the label API for a label', () => {
  it('prefers the primary while its circuit is closed', () => {
    const { shippo, easypost } = apis();
    expect(chooseCarrier([shippo, easypost], [])).toMatchObject({
      ok: true,
      carrier: shippo,
      failover: false,
    });
  });

  it('fails over to the second API when the primary circuit is open and nothing was attempted yet', async () => {
    const { shippo, easypost } = apis();
    await trip(shippo);
    expect(chooseCarrier([shippo, easypost], [])).toMatchObject({
      ok: true,
      carrier: easypost,
      failover: true,
    });
  });

  it('waits for the API an earlier attempt went to, even when another is available', async () => {
    const { shippo, easypost } = apis();
    await trip(shippo);
    const choice = chooseCarrier([shippo, easypost], ['shippo']);
    expect(choice).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/earlier attempt may have bought there/),
    });
  });

  it('keeps a label with the fallback it was first attempted through, once the primary recovers', () => {
    const { shippo, easypost } = apis();
    expect(chooseCarrier([shippo, easypost], ['easypost'])).toMatchObject({ ok: true, carrier: easypost });
  });

  it('says every circuit is open when none can take the label', async () => {
    const { shippo, easypost } = apis();
    await trip(shippo);
    await trip(easypost);
    expect(chooseCarrier([shippo, easypost], [])).toEqual({
      ok: false,
      reason: 'the shippo, easypost circuits are open: carrier calls pause until one recovers',
    });
  });
});
