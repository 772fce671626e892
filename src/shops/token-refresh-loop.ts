import type { Service } from '../shared/service.ts';
import { notify } from '../notify/index.ts';
import { describeError } from '../shared/errors.ts';
import { sleep } from '../shared/sleep.ts';
import {
  createTokenRefresher,
  DEFAULT_REFRESH_MARGIN_MS,
  type TokenRefresher,
  type TokenRefresherDeps,
} from './token-refresher.ts';
import { shopsDueForRefresh, shopsWithAuthorizationEnding } from './token-queries.ts';

/** Warn an operator this long before a seller's authorisation (the refresh token) runs out. */
const AUTHORIZATION_ENDING_NOTICE_MS = 7 * 24 * 3600_000;

/**
 * One round: refreshes every active shop whose access token expires within the margin, and raises
 * one alert per shop whose authorisation itself ends within a week (the seller must re-authorise).
 */
export async function refreshDueTokens(
  deps: TokenRefresherDeps & { tokens: TokenRefresher },
  options: { marginMs?: number; limit?: number } = {},
): Promise<{ refreshed: number; failed: number }> {
  const now = deps.clock.now();
  const due = await shopsDueForRefresh(deps.db, {
    before: new Date(now + (options.marginMs ?? DEFAULT_REFRESH_MARGIN_MS)),
    limit: options.limit ?? 100,
  });
  let refreshed = 0;
  let failed = 0;
  for (const shopId of due) {
    try {
      await deps.tokens.credentialsFor(shopId);
      refreshed += 1;
    } catch (error) {
      failed += 1;
      deps.log.warn({ shop: shopId, err: describeError(error) }, 'could not refresh a TikTok access token');
    }
  }
  for (const shop of await shopsWithAuthorizationEnding(
    deps.db,
    new Date(now + AUTHORIZATION_ENDING_NOTICE_MS),
  )) {
    const at = shop.refresh_token_expires_at.toISOString();
    await notify(
      deps.db,
      deps.notifyRoutes,
      {
        cause: `tiktok-authorization-ending:${shop.shop_id}:${at}`,
        roles: ['team_lead'],
        severity: 'medium',
        subject: `TikTok Shop authorisation of ${shop.name || shop.shop_id} ends ${at.slice(0, 10)}`,
        body:
          `The seller's authorisation of CreatorFlow for shop ${shop.shop_id} ends at ${at}; after that no ` +
          'orders are fetched or shipped. Create a link with POST /api/shops/authorize and send it to the seller.',
        shopId: shop.shop_id,
      },
      new Date(now),
    );
  }
  return { refreshed, failed };
}

/**
 * The scheduler's token refresh: a round every `intervalMs` (default 10 minutes), so tokens are
 * renewed about a day before they expire even for shops with no traffic. stop() waits for the round.
 */
export function startTokenRefresh(
  deps: TokenRefresherDeps & { tokens?: TokenRefresher },
  options: { intervalMs?: number; marginMs?: number } = {},
): Service {
  const tokens = deps.tokens ?? createTokenRefresher(deps, options);
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const { refreshed, failed } = await refreshDueTokens({ ...deps, tokens }, options);
        if (refreshed + failed > 0) deps.log.info({ refreshed, failed }, 'TikTok token refresh round');
      } catch (error) {
        deps.log.error({ err: error }, 'TikTok token refresh round failed; trying again next round');
      }
      await sleep(options.intervalMs ?? 10 * 60_000, stop.signal);
    }
  })();
  return {
    name: 'tiktok-token-refresh',
    async stop() {
      stop.abort();
      await loop;
    },
  };
}
