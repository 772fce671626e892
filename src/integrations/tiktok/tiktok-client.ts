import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { Backoff } from '../../shared/backoff.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { parseRetryAfterMs } from '../integration-error.ts';
import { createRetryPolicy, onRetry, type RetryEvent } from '../retry-policy.ts';
import { queryText, signApiRequest, type QueryValue } from './api-signature.ts';
import {
  TiktokPermanentError,
  TiktokTransientError,
  isRetryableTiktokFailure,
  tiktokFailure,
} from './tiktok-errors.ts';
import type { ShopCredentials, TiktokShopApi, TokenGrant } from './tiktok-port.ts';
import {
  cancellationSchema,
  envelopeSchema,
  markShippedSchema,
  orderListSchema,
  orderSearchSchema,
  shippingProvidersSchema,
  shopsSchema,
  tokenGrantSchema,
} from './tiktok-schemas.ts';

/** Most order ids one detail call may name (protocol 202309). */
export const MAX_ORDER_IDS_PER_CALL = 50;

export interface TiktokRetryOptions {
  /** Attempts in total, the first included (default 4). */
  maxAttempts: number;
  /** Ceiling of the first retry's delay; doubles per retry (default 250 ms). */
  initialDelayMs: number;
  /** Largest delay, Retry-After included (default 10 s). */
  maxDelayMs: number;
  /** [0, 1); replaceable for deterministic tests. */
  random: () => number;
}

export interface TiktokClientOptions {
  appKey: string;
  appSecret: string;
  /** Open API base, e.g. https://open-api.tiktokglobalshop.com (no trailing path). */
  apiBaseUrl: string;
  /** Auth service base, e.g. https://auth.tiktok-shops.com. */
  authBaseUrl: string;
  /** Source of the signed `timestamp`. */
  clock?: Clock;
  /** Awaited before every HTTP attempt, retries included: the shared request budget plugs in here. */
  beforeRequest?: () => Promise<void>;
  retry?: Partial<TiktokRetryOptions>;
  /** Per attempt, ms (default 10 s). */
  timeoutMs?: number;
  /** Told of every retry (for metrics and logs). */
  onRetry?: (event: RetryEvent) => void;
  /** undici dispatcher (connection pool); the global one by default. */
  dispatcher?: Dispatcher;
}

export const DEFAULT_TIKTOK_RETRY: Readonly<Omit<TiktokRetryOptions, 'random'>> = {
  maxAttempts: 4,
  initialDelayMs: 250,
  maxDelayMs: 10_000,
};

/**
 * TikTok's backoff: full jitter, the delay before retry n uniform in [0, min(max, initial·2^(n-1))),
 * and never sooner than a Retry-After TikTok gave (failureRetryDelayMs).
 */
export function tiktokBackoff(options: Pick<TiktokRetryOptions, 'initialDelayMs' | 'maxDelayMs'>): Backoff {
  return { baseDelayMs: options.initialDelayMs, maxDelayMs: options.maxDelayMs, jitter: 'full' };
}

interface ApiCall<T> {
  method: 'GET' | 'POST';
  path: string;
  /** Endpoint parameters (app_key, timestamp, shop_cipher and sign are added). */
  params?: Record<string, QueryValue | undefined>;
  body?: unknown;
  accessToken: string;
  shopCipher?: string;
  schema: z.ZodType<T>;
}

/**
 * A TikTok Shop Open API client: every request signed, the access token in `x-tts-access-token`,
 * answers validated, failures classified (tiktok-errors.ts) and throttled/transient ones retried
 * with exponential backoff and full jitter.
 *
 * @example
 * const tiktok = createTiktokClient({ appKey, appSecret, apiBaseUrl, authBaseUrl });
 * const [order] = await tiktok.getOrderDetails(shop, ['576461413038785752']);
 */
export function createTiktokClient(options: TiktokClientOptions): TiktokShopApi {
  const clock = options.clock ?? systemClock;
  const apiBase = options.apiBaseUrl.replace(/\/+$/, '');
  const authBase = options.authBaseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retryOptions: TiktokRetryOptions = {
    ...DEFAULT_TIKTOK_RETRY,
    random: Math.random,
    ...options.retry,
  };
  const retryPolicy = createRetryPolicy(isRetryableTiktokFailure, {
    maxAttempts: retryOptions.maxAttempts,
    backoff: tiktokBackoff(retryOptions),
    random: retryOptions.random,
  });
  if (options.onRetry) onRetry(retryPolicy, options.onRetry);

  /** One HTTP attempt: returns the envelope's data, or throws a classified error. */
  async function attempt(
    what: string,
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<unknown> {
    if (options.beforeRequest) await options.beforeRequest();
    let status: number;
    let text: string;
    let retryAfter: string | undefined;
    try {
      const response = await request(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      status = response.statusCode;
      const header = response.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
      text = await response.body.text();
    } catch (error) {
      throw new TiktokTransientError(`${what} failed: ${describeNetworkError(error)}`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const details = { httpStatus: status, cause: error };
      if (status >= 200 && status < 300) {
        throw new TiktokPermanentError(`${what} answered ${status} with a body that is not JSON`, details);
      }
      throw tiktokFailure(`${what} answered HTTP ${status}: ${text.slice(0, 200)}`, {
        ...details,
        retryAfterMs: parseRetryAfterMs(retryAfter, clock.now()),
      });
    }
    const envelope = envelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      throw tiktokFailure(`${what} answered HTTP ${status} without TikTok's envelope`, {
        httpStatus: status,
      });
    }
    const { code, message, request_id: requestId, data } = envelope.data;
    if (code !== 0 || status < 200 || status >= 300) {
      throw tiktokFailure(
        `${what} failed: TikTok code ${code}: ${message} (HTTP ${status}, request ${requestId ?? '?'})`,
        {
          code,
          httpStatus: status,
          tiktokMessage: message,
          requestId,
          retryAfterMs: parseRetryAfterMs(retryAfter, clock.now()),
        },
      );
    }
    return data ?? {};
  }

  function parseData<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
    const result = schema.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new TiktokPermanentError(
        `${what} answered data CreatorFlow cannot read: ${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return result.data;
  }

  /** A signed Open API call; a fresh timestamp and signature per attempt. */
  async function callApi<T>(call: ApiCall<T>): Promise<T> {
    const what = `${call.method} ${call.path}`;
    const bodyText = call.body === undefined ? undefined : JSON.stringify(call.body);
    const data = await retryPolicy.execute(() => {
      const query: Record<string, QueryValue | undefined> = {
        ...call.params,
        app_key: options.appKey,
        timestamp: Math.floor(clock.now() / 1000),
        shop_cipher: call.shopCipher,
      };
      const sign = signApiRequest({ appSecret: options.appSecret, path: call.path, query, body: bodyText });
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined) search.set(key, queryText(value));
      }
      search.set('sign', sign);
      const headers: Record<string, string> = {
        accept: 'application/json',
        'x-tts-access-token': call.accessToken,
      };
      if (bodyText !== undefined) headers['content-type'] = 'application/json';
      return attempt(what, call.method, `${apiBase}${call.path}?${search.toString()}`, headers, bodyText);
    });
    return parseData(call.schema, data, what);
  }

  /** An unsigned auth-service GET (token exchange and refresh). */
  async function callAuth(path: string, params: Record<string, string>): Promise<unknown> {
    const url = `${authBase}${path}?${new URLSearchParams(params).toString()}`;
    return retryPolicy.execute(() =>
      attempt(`GET ${path}`, 'GET', url, { accept: 'application/json' }, undefined),
    );
  }

  function shopCall(shop: ShopCredentials): { accessToken: string; shopCipher: string } {
    return { accessToken: shop.accessToken, shopCipher: shop.shopCipher };
  }

  /** A token from the auth service: the app's credentials and the grant (a code or a refresh token). */
  async function grantToken(path: string, grant: Record<string, string>): Promise<TokenGrant> {
    const data = await callAuth(path, { app_key: options.appKey, app_secret: options.appSecret, ...grant });
    return parseData(tokenGrantSchema, data, `GET ${path}`);
  }

  /** A signed POST on behalf of one shop. */
  function postForShop<T>(
    shop: ShopCredentials,
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
  ): Promise<T> {
    return callApi({ method: 'POST', path, body, ...shopCall(shop), schema });
  }

  return {
    exchangeAuthCode: (authCode) =>
      grantToken('/api/v2/token/get', { auth_code: authCode, grant_type: 'authorized_code' }),

    refreshAccessToken: (refreshToken) =>
      grantToken('/api/v2/token/refresh', { refresh_token: refreshToken, grant_type: 'refresh_token' }),

    async getAuthorizedShops(accessToken) {
      const data = await callApi({
        method: 'GET',
        path: '/authorization/202309/shops',
        accessToken,
        schema: shopsSchema,
      });
      return data.shops;
    },

    async getOrderDetails(shop, orderIds) {
      if (orderIds.length === 0) return [];
      if (orderIds.length > MAX_ORDER_IDS_PER_CALL) {
        throw new TiktokPermanentError(
          `getOrderDetails takes at most ${MAX_ORDER_IDS_PER_CALL} order ids per call (got ${orderIds.length}); split them into batches`,
        );
      }
      const data = await callApi({
        method: 'GET',
        path: '/order/202309/orders',
        params: { ids: orderIds },
        ...shopCall(shop),
        schema: orderListSchema,
      });
      return data.orders;
    },

    async searchOrders(shop, filter, page) {
      if (!Number.isInteger(page.pageSize) || page.pageSize < 1 || page.pageSize > 100) {
        throw new TiktokPermanentError(`searchOrders page size must be 1..100 (got ${page.pageSize})`);
      }
      const body: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(filter)) if (value !== undefined) body[key] = value;
      return callApi({
        method: 'POST',
        path: '/order/202309/orders/search',
        params: {
          page_size: page.pageSize,
          page_token: page.pageToken || undefined,
          sort_field: 'update_time',
          sort_order: 'ASC',
        },
        body,
        ...shopCall(shop),
        schema: orderSearchSchema,
      });
    },

    async getShippingProviders(shop, deliveryOptionId) {
      const data = await callApi({
        method: 'GET',
        path: `/logistics/202309/delivery_options/${encodeURIComponent(deliveryOptionId)}/shipping_providers`,
        ...shopCall(shop),
        schema: shippingProvidersSchema,
      });
      return data.shipping_providers;
    },

    async markPackageShipped(shop, input) {
      const data = await postForShop(
        shop,
        `/fulfillment/202309/orders/${encodeURIComponent(input.orderId)}/packages`,
        {
          tracking_number: input.trackingNumber,
          shipping_provider_id: input.shippingProviderId,
          order_line_item_ids: input.orderLineItemIds,
        },
        markShippedSchema,
      );
      return { packageId: data.package_id };
    },

    async shipPackage(shop, input) {
      await postForShop(
        shop,
        `/fulfillment/202309/packages/${encodeURIComponent(input.packageId)}/ship`,
        { handover_method: input.handoverMethod },
        anyData,
      );
    },

    async cancelOrder(shop, input) {
      const data = await postForShop(
        shop,
        '/return_refund/202309/cancellations',
        { order_id: input.orderId, cancel_reason: input.cancelReason },
        cancellationSchema,
      );
      return { cancelId: data.cancel_id };
    },

    async updateInventory(shop, input) {
      await postForShop(
        shop,
        `/product/202309/products/${encodeURIComponent(input.productId)}/inventory/update`,
        { skus: input.skus },
        anyData,
      );
    },
  };
}

const anyData = z.unknown();

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
