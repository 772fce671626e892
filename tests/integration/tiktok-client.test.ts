import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTiktokClient,
  isTiktokAuthError,
  isTiktokPermanentError,
  isTiktokThrottledError,
  isTiktokTransientError,
  type ShopCredentials,
  type TiktokClientOptions,
} from '../../src/integrations/tiktok/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import {
  defaultTiktokKnobs,
  startTiktokSimulator,
  type CreatedSimShop,
  type TiktokSimulator,
} from '../../src/simulators/tiktok/index.ts';

// The client against the simulator over real HTTP: every method, every rejection, the retry policy.
let sim: TiktokSimulator;
let shop: CreatedSimShop;
let creds: ShopCredentials;
let attempts = 0;

function client(overrides: Partial<TiktokClientOptions> = {}) {
  return createTiktokClient({
    appKey: sim.appKey,
    appSecret: sim.appSecret,
    apiBaseUrl: sim.url,
    authBaseUrl: sim.authUrl,
    retry: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 },
    beforeRequest: async () => {
      attempts += 1;
    },
    ...overrides,
  });
}

beforeAll(async () => {
  sim = await startTiktokSimulator({ seed: 7 });
  shop = sim.createShop({ name: 'Client Test Shop' });
  creds = shop.credentials;
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  Object.assign(sim.knobs, defaultTiktokKnobs());
  attempts = 0;
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('TikTok client round trip against the simulator', () => {
  it('exchanges an auth code from the consent redirect for tokens, and the code works only once', async () => {
    const consent = await request(
      sim.authorizeUrl({ state: 'st-1', redirectUri: 'http://127.0.0.1:9/callback', shopId: creds.shopId }),
    );
    await consent.body.dump();
    expect(consent.statusCode).toBe(302);
    const location = new URL(String(consent.headers.location));
    expect(location.searchParams.get('state')).toBe('st-1');
    const code = location.searchParams.get('code')!;

    const grant = await client().exchangeAuthCode(code);
    expect(grant.access_token).toMatch(/^TTP_/);
    expect(grant.access_token_expire_in).toBeGreaterThan(Date.now() / 1000 + 6 * 24 * 3600);
    expect(grant.seller_name).toBe('Client Test Shop');
    const shops = await client().getAuthorizedShops(grant.access_token);
    expect(shops).toEqual([shop.shop]);

    const again = await failure(client().exchangeAuthCode(code));
    expect(isTiktokAuthError(again)).toBe(true);
    expect(attempts).toBe(3); // the refused exchange was tried once: auth errors are not retried
  });

  it('refreshes a token, and the old refresh token works only once', async () => {
    const fresh = await client().refreshAccessToken(shop.grant.refresh_token);
    expect(fresh.access_token).not.toBe(shop.grant.access_token);
    expect(await client().getAuthorizedShops(fresh.access_token)).toHaveLength(1);
    const again = await failure(client().refreshAccessToken(shop.grant.refresh_token));
    expect(isTiktokAuthError(again)).toBe(true);
    expect((again as { code: number }).code).toBe(36004006);
  });

  it('reads order details by id, with units as repeated line items and amounts as strings', async () => {
    const seeded = sim.seedOrders(creds.shopId, 5);
    const orders = await client().getOrderDetails(creds, [...seeded.map((o) => o.id), '999']);
    expect(orders.map((o) => o.id).sort()).toEqual(seeded.map((o) => o.id).sort());
    const first = orders.find((o) => o.id === seeded[0]!.id)!;
    expect(first).toEqual(seeded[0]);
    expect(first.payment.total_amount).toMatch(/^\d+\.\d\d$/);
    expect(first.recipient_address.district_info.map((d) => d.address_level_name)).toContain('State');
  });

  it('refuses more than 50 ids before sending anything', async () => {
    const served = sim.counters.requestsServed;
    const error = await failure(
      client().getOrderDetails(
        creds,
        Array.from({ length: 51 }, (_, i) => String(i)),
      ),
    );
    expect(isTiktokPermanentError(error)).toBe(true);
    expect(String(error)).toMatch(/at most 50/);
    expect(sim.counters.requestsServed).toBe(served);
  });

  it('searches orders by status and pages through every match with next_page_token', async () => {
    const other = sim.createShop();
    const unpaid = sim.seedOrders(other.credentials.shopId, 7, { status: 'UNPAID' });
    sim.seedOrders(other.credentials.shopId, 4, { status: 'AWAITING_SHIPMENT' });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client().searchOrders(
        other.credentials,
        { order_status: 'UNPAID' },
        { pageSize: 3, pageToken: token },
      );
      seen.push(...page.orders.map((o) => o.id));
      expect(page.total_count).toBe(7);
      token = page.next_page_token || undefined;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(unpaid.map((o) => o.id).sort());
  });

  it('lists the shipping providers of a delivery option (USPS, UPS, FedEx, DHL)', async () => {
    const [order] = sim.seedOrders(creds.shopId, 1);
    const providers = await client().getShippingProviders(creds, '7091146663229654785');
    expect(providers.map((p) => p.name)).toEqual(['USPS', 'UPS', 'FedEx', 'DHL eCommerce']);
    expect(order!.delivery_option_id).toMatch(/^\d+$/);
  });

  it('marks a seller-shipped order shipped: IN_TRANSIT with the tracking recorded', async () => {
    const [order] = sim.seedOrders(creds.shopId, 1, { shippingType: 'SELLER' });
    const { packageId } = await client().markPackageShipped(creds, {
      orderId: order!.id,
      trackingNumber: '9400111899223197428490',
      shippingProviderId: '6617675021119438849',
      orderLineItemIds: order!.line_items.map((i) => i.id),
    });
    expect(packageId).toBe(order!.packages[0]!.id);
    const [after] = await client().getOrderDetails(creds, [order!.id]);
    expect(after!.status).toBe('IN_TRANSIT');
    expect(after!.line_items.every((i) => i.tracking_number === '9400111899223197428490')).toBe(true);
    expect(sim.shipments.at(-1)).toMatchObject({ orderId: order!.id, kind: 'mark_shipped' });
  });

  it('hands a TikTok-shipped package over: AWAITING_COLLECTION', async () => {
    const [order] = sim.seedOrders(creds.shopId, 1, { shippingType: 'TIKTOK' });
    await client().shipPackage(creds, { packageId: order!.packages[0]!.id, handoverMethod: 'DROP_OFF' });
    expect(sim.order(order!.id)!.status).toBe('AWAITING_COLLECTION');
    expect(sim.shipments.at(-1)).toMatchObject({
      orderId: order!.id,
      kind: 'handover',
      handoverMethod: 'DROP_OFF',
    });
  });

  it('cancels an order as the seller, and a second cancellation is refused permanently', async () => {
    const [order] = sim.seedOrders(creds.shopId, 1);
    const { cancelId } = await client().cancelOrder(creds, {
      orderId: order!.id,
      cancelReason: 'OUT_OF_STOCK',
    });
    expect(cancelId).toMatch(/^\d+$/);
    expect(sim.order(order!.id)!.status).toBe('CANCELLED');
    const again = await failure(
      client().cancelOrder(creds, { orderId: order!.id, cancelReason: 'OUT_OF_STOCK' }),
    );
    expect(isTiktokPermanentError(again)).toBe(true);
    expect((again as { code: number }).code).toBe(21011002);
  });

  it('updates inventory, recorded by the simulator', async () => {
    const product = shop.products[0]!;
    const skus = [{ id: product.skus[0]!.id, inventory: [{ warehouse_id: shop.warehouseId, quantity: 42 }] }];
    await client().updateInventory(creds, { productId: product.id, skus });
    expect(sim.inventoryUpdates.at(-1)).toMatchObject({ shopId: creds.shopId, productId: product.id, skus });
  });
});

describe('TikTok client failures, classified', () => {
  it('a wrong app secret gives a bad signature: 106001 on HTTP 401, an auth error with the request id', async () => {
    const error = await failure(client({ appSecret: 'not-the-secret' }).getOrderDetails(creds, ['1']));
    expect(isTiktokAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 106001, httpStatus: 401 });
    expect((error as { requestId: string }).requestId).toMatch(/SIM$/);
    expect(attempts).toBe(1);
  });

  it('an unknown access token is an auth error (105001), not retried', async () => {
    const error = await failure(client().getOrderDetails({ ...creds, accessToken: 'TTP_nope' }, ['1']));
    expect(isTiktokAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 105001 });
    expect(attempts).toBe(1);
  });

  it('an expired access token is an auth error (105002)', async () => {
    const grant = await client().exchangeAuthCode(sim.issueAuthCode(creds.shopId));
    sim.expireAccessToken(grant.access_token);
    const error = await failure(
      client().getOrderDetails({ ...creds, accessToken: grant.access_token }, ['1']),
    );
    expect(isTiktokAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 105002 });
  });

  it("another shop's cipher is an auth error (105005)", async () => {
    const other = sim.createShop();
    const error = await failure(client().getOrderDetails({ ...creds, shopCipher: other.shop.cipher }, ['1']));
    expect(isTiktokAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 105005, httpStatus: 403 });
  });

  it('a de-authorised shop answers 105001 to its old token, and a type 6 webhook is queued', async () => {
    const gone = sim.createShop();
    const queued = sim.counters.webhooksQueued;
    sim.deauthorizeShop(gone.credentials.shopId);
    const error = await failure(client().getOrderDetails(gone.credentials, ['1']));
    expect(isTiktokAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 105001 });
    expect(sim.counters.webhooksQueued).toBe(queued + 1);
  });

  it('a clock six minutes slow gives a stale timestamp: permanent 106002', async () => {
    const slow = new ManualClock(Date.now() - 6 * 60_000);
    const error = await failure(client({ clock: slow }).getOrderDetails(creds, ['1']));
    expect(isTiktokPermanentError(error)).toBe(true);
    expect(error).toMatchObject({ code: 106002 });
  });

  it('throttled calls (429 / 36009002) are retried and succeed', async () => {
    sim.knobs.throttleNext = 2;
    const throttled = sim.counters.throttled;
    const shops = await client().getAuthorizedShops(creds.accessToken);
    expect(shops).toHaveLength(1);
    expect(sim.counters.throttled - throttled).toBe(2);
    expect(attempts).toBe(3); // beforeRequest runs before every attempt
  });

  it('internal errors (36009003) are retried as transient and succeed', async () => {
    sim.knobs.errorNext = 3;
    const retries: number[] = [];
    const shops = await client({ onRetry: (e) => retries.push(e.attempt) }).getAuthorizedShops(
      creds.accessToken,
    );
    expect(shops).toHaveLength(1);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('throttling that outlasts the attempts ends as a throttled error carrying Retry-After', async () => {
    sim.knobs.throttleNext = 10;
    sim.knobs.retryAfterSeconds = 0;
    const error = await failure(client().getAuthorizedShops(creds.accessToken));
    expect(isTiktokThrottledError(error)).toBe(true);
    expect(error).toMatchObject({ code: 36009002, httpStatus: 429, retryAfterMs: 0 });
    expect(attempts).toBe(4);
  });

  it('a server that is not there is a transient network failure, retried', async () => {
    const error = await failure(
      client({ apiBaseUrl: 'http://127.0.0.1:9' }).getAuthorizedShops(creds.accessToken),
    );
    expect(isTiktokTransientError(error)).toBe(true);
    expect(attempts).toBe(4);
  });

  it('a slow answer past the timeout is transient', async () => {
    sim.knobs.latencyMs = 300;
    const error = await failure(
      client({ timeoutMs: 50, retry: { maxAttempts: 1 } }).getAuthorizedShops(creds.accessToken),
    );
    expect(isTiktokTransientError(error)).toBe(true);
    expect(String(error)).toMatch(/timed out/);
  });
});
