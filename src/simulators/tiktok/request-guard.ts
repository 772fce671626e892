import { timingSafeEqual } from 'node:crypto';
import { signApiRequest } from '../../integrations/tiktok/index.ts';
import type { SimErrorName } from './error-codes.ts';
import type { TiktokSimulatorKnobs } from './knobs.ts';
import type { SimAccounts, SimShop } from './sim-state.ts';

/** What an accepted Open API request may act on. */
export interface GuardedRequest {
  readonly shopIds: readonly string[];
  /** Set for shop-scoped calls. */
  readonly shop: SimShop | undefined;
  readonly query: URLSearchParams;
}

export interface GuardFailure {
  readonly error: SimErrorName;
  readonly detail: string;
}

/**
 * Checks an Open API request the way TikTok does, in this order: common parameters, app key,
 * timestamp window, signature (recomputed from the path, query and raw body received), access
 * token (header, expiry), then the shop cipher for shop-scoped calls.
 */
export function guardRequest(
  input: {
    url: string;
    rawBody: string | undefined;
    accessToken: string | undefined;
    shopScoped: boolean;
  },
  deps: { appKey: string; appSecret: string; accounts: SimAccounts; knobs: TiktokSimulatorKnobs },
): GuardedRequest | GuardFailure {
  const url = new URL(input.url, 'http://simulator.invalid');
  const query = url.searchParams;
  const appKey = query.get('app_key');
  const timestamp = query.get('timestamp');
  const sign = query.get('sign');
  if (!appKey || !timestamp || !sign) {
    return { error: 'MISSING_PARAMETER', detail: 'app_key, timestamp and sign are required' };
  }
  if (appKey !== deps.appKey) return { error: 'INVALID_APP_KEY', detail: `unknown app_key ${appKey}` };
  const now = deps.accounts.nowSeconds();
  const ts = Number(timestamp);
  if (
    !/^\d+$/.test(timestamp) ||
    ts < now - deps.knobs.timestampPastSeconds ||
    ts > now + deps.knobs.timestampFutureSeconds
  ) {
    return { error: 'TIMESTAMP_OUT_OF_RANGE', detail: `timestamp ${timestamp}, server time ${now}` };
  }
  const params: Record<string, string> = {};
  for (const [key, value] of query) params[key] = value;
  const expected = signApiRequest({
    appSecret: deps.appSecret,
    path: url.pathname,
    query: params,
    body: input.rawBody === '' ? undefined : input.rawBody,
  });
  if (!sameHex(expected, sign))
    return { error: 'INVALID_SIGNATURE', detail: 'sign does not match the request' };
  if (query.has('access_token')) {
    return {
      error: 'INVALID_PARAMETER',
      detail: 'send the access token in x-tts-access-token, not the query',
    };
  }
  const token = deps.accounts.checkAccessToken(input.accessToken);
  if (typeof token === 'string') return { error: token, detail: '' };
  if (!input.shopScoped) return { shopIds: token.shopIds, shop: undefined, query };
  const shop = deps.accounts.shopForCipher(query.get('shop_cipher') ?? undefined, token.shopIds);
  if (!shop)
    return { error: 'INVALID_SHOP_CIPHER', detail: 'shop_cipher missing or not authorised for this token' };
  return { shopIds: token.shopIds, shop, query };
}

export function isGuardFailure(value: GuardedRequest | GuardFailure): value is GuardFailure {
  return 'error' in value;
}

function sameHex(expected: string, given: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}
