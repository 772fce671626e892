import { describe, expect, it } from 'vitest';
import { signApiRequest } from '../../integrations/tiktok/index.ts';
import { ManualClock } from '../../shared/clock.ts';
import { defaultTiktokKnobs } from './knobs.ts';
import { SimRandom } from './random.ts';
import { guardRequest } from './request-guard.ts';
import { SimAccounts } from './sim-state.ts';

const clock = new ManualClock(Date.UTC(2026, 5, 1));
const knobs = defaultTiktokKnobs();
const accounts = new SimAccounts(knobs, new SimRandom(1), clock);
const shop = accounts.createShop();
const grant = accounts.grant([shop.id]);
const deps = { appKey: 'k', appSecret: 's', accounts, knobs };
const now = Math.floor(clock.now() / 1000);

function url(path: string, query: Record<string, string>, body?: string, order?: string[]): string {
  const sign = signApiRequest({ appSecret: 's', path, query, body });
  const keys = order ?? Object.keys(query);
  const text = [...keys.map((k) => `${k}=${encodeURIComponent(query[k]!)}`), `sign=${sign}`].join('&');
  return `${path}?${text}`;
}

/** The guard's verdict on a shop-scoped request to `signedUrl`, sent with the shop's token. */
function guardShopRequest(signedUrl: string, rawBody?: string) {
  return guardRequest({ url: signedUrl, rawBody, accessToken: grant.access_token, shopScoped: true }, deps);
}

describe('guardRequest', () => {
  const query = { app_key: 'k', timestamp: String(now), shop_cipher: shop.cipher, ids: '1,2' };

  it('accepts a signed request whatever the order of its query parameters', () => {
    const reversed = url('/order/202309/orders', query, undefined, Object.keys(query).reverse());
    const result = guardShopRequest(reversed);
    expect(result).toMatchObject({ shop: { id: shop.id } });
  });

  it('refuses a signature that left out the body', () => {
    const signedWithoutBody = url('/order/202309/orders/search', query);
    const result = guardShopRequest(signedWithoutBody, '{"order_status":"UNPAID"}');
    expect(result).toMatchObject({ error: 'INVALID_SIGNATURE' });
  });

  it('refuses a signature over another path', () => {
    const signed = url('/order/202309/orders', query).replace(
      '/order/202309/orders',
      '/order/202309/orders/search',
    );
    expect(guardShopRequest(signed)).toMatchObject({
      error: 'INVALID_SIGNATURE',
    });
  });

  it('checks the timestamp window at its edges: now-300 s and now+30 s pass, one second beyond fails', () => {
    const at = (ts: number) =>
      guardShopRequest(url('/order/202309/orders', { ...query, timestamp: String(ts) }));
    expect(at(now - 300)).not.toHaveProperty('error');
    expect(at(now + 30)).not.toHaveProperty('error');
    expect(at(now - 301)).toMatchObject({ error: 'TIMESTAMP_OUT_OF_RANGE' });
    expect(at(now + 31)).toMatchObject({ error: 'TIMESTAMP_OUT_OF_RANGE' });
  });

  it('refuses an access token sent in the query even when signed correctly', () => {
    const signed = url('/order/202309/orders', { ...query, access_token: grant.access_token });
    expect(guardShopRequest(signed)).toMatchObject({
      error: 'INVALID_PARAMETER',
    });
  });

  it('expires tokens by the injected clock', () => {
    const later = new ManualClock(clock.now());
    const ownAccounts = new SimAccounts({ ...knobs, accessTokenTtlSeconds: 60 }, new SimRandom(2), later);
    const own = ownAccounts.createShop();
    const token = ownAccounts.grant([own.id]).access_token;
    expect(ownAccounts.checkAccessToken(token)).toEqual({ shopIds: [own.id] });
    later.advance(61_000);
    expect(ownAccounts.checkAccessToken(token)).toBe('EXPIRED_ACCESS_TOKEN');
  });
});
