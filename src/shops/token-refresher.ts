import type { Database } from '../db/index.ts';
import { isTiktokAuthError, type ShopCredentials, type TiktokShopApi } from '../integrations/tiktok/index.ts';
import { notify, type NotifyRoutes } from '../notify/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { withTokenLock } from './token-lock.ts';
import { markAuthorizationLost, readShopTokens, storeTokenGrant, type ShopTokens } from './token-queries.ts';

const brand = Symbol.for('creatorflow.shopNotAuthorized');

/** The shop cannot be called until its seller authorises CreatorFlow again. Retrying cannot help. */
export class ShopNotAuthorizedError extends Error {
  override readonly name = 'ShopNotAuthorizedError';
  readonly [brand] = true;
  constructor(
    readonly shopId: string,
    readonly reason: string,
  ) {
    super(
      `Shop ${shopId} is not authorised (${reason}): ask the seller to connect it again through the link from POST /api/shops/authorize`,
    );
  }
}

/** Narrows a thrown value to ShopNotAuthorizedError. */
export function isShopNotAuthorized(value: unknown): value is ShopNotAuthorizedError {
  return typeof value === 'object' && value !== null && brand in value;
}

export interface TokenRefresherDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tiktok: Pick<TiktokShopApi, 'refreshAccessToken'>;
  readonly notifyRoutes: NotifyRoutes;
}

export interface TokenRefresher {
  /**
   * Credentials with a valid access token for the shop: refreshed first when the token expires
   * within the margin, or when `rejectedAccessToken` is the stored token (TikTok just refused it).
   * Throws ShopNotAuthorizedError when the shop must be authorised again.
   */
  credentialsFor(shopId: string, options?: { rejectedAccessToken?: string }): Promise<ShopCredentials>;
}

type RefreshOutcome =
  | { kind: 'ok'; credentials: ShopCredentials }
  | { kind: 'lost'; reason: string }
  | { kind: 'failed'; error: unknown }
  | { kind: 'changed' };

/** Refresh when the access token (about 7 days) has less than this left. */
export const DEFAULT_REFRESH_MARGIN_MS = 24 * 3600_000;

/**
 * Hands out shop credentials and keeps their tokens fresh. Refreshes are single-flight per shop in
 * this process and serialised per seller across processes (see withTokenLock); whoever gets the
 * lock re-reads the tokens, so a refresh another process just stored is used, not repeated.
 *
 * @example
 *   const tokens = createTokenRefresher({ db, clock, log, tiktok: client, notifyRoutes });
 *   const creds = await tokens.credentialsFor('7494049642642441621');
 */
export function createTokenRefresher(
  deps: TokenRefresherDeps,
  options: { marginMs?: number } = {},
): TokenRefresher {
  const marginMs = options.marginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const inFlight = new Map<string, Promise<ShopCredentials>>();

  function needsRefresh(row: ShopTokens, rejected: string | undefined): boolean {
    if (rejected !== undefined && row.access_token === rejected) return true;
    const expires = row.access_token_expires_at;
    return expires !== null && expires.getTime() - deps.clock.now() < marginMs;
  }

  async function refreshLocked(shopId: string, rejected: string | undefined): Promise<ShopCredentials> {
    const first = await usableTokens(deps.db, shopId);
    // Outcomes leave the lock as values: throwing inside would roll back the shop's marking.
    const outcome = await withTokenLock<RefreshOutcome>(
      deps.db,
      first.open_id ?? shopId,
      async (q, atomically) => {
        const row = await readShopTokens(q, shopId);
        if (!row || row.status !== 'active' || !row.access_token) return { kind: 'changed' };
        if (!needsRefresh(row, rejected)) return { kind: 'ok', credentials: credentialsOf(row) };
        const now = new Date(deps.clock.now());
        const expired = row.access_token_expires_at !== null && row.access_token_expires_at <= now;
        if (!row.refresh_token) {
          // Without a refresh token, only a token TikTok refused (or that has run out) is a problem.
          if (rejected === undefined && !expired) return { kind: 'ok', credentials: credentialsOf(row) };
          const lost = 'its access token was refused and it has no refresh token';
          await atomically((tx) => loseAuthorization(tx, row, lost, now));
          return { kind: 'lost', reason: lost };
        }
        try {
          const grant = await deps.tiktok.refreshAccessToken(row.refresh_token);
          await atomically((tx) =>
            storeTokenGrant(tx, { shopId, openId: row.open_id, grant, now: new Date(deps.clock.now()) }),
          );
          deps.log.info({ shop: shopId }, 'TikTok access token refreshed');
          return {
            kind: 'ok',
            credentials: { shopId, shopCipher: row.shop_cipher, accessToken: grant.access_token },
          };
        } catch (error) {
          if (isTiktokAuthError(error)) {
            const lost = `TikTok rejected its refresh token: ${describeError(error)}`;
            await atomically((tx) => loseAuthorization(tx, row, lost, now));
            return { kind: 'lost', reason: lost };
          }
          // A transient failure while the current token still works: use it, refresh next time.
          if (rejected === undefined && !expired) {
            deps.log.warn(
              { err: error, shop: shopId },
              'token refresh failed; the current token still works',
            );
            return { kind: 'ok', credentials: credentialsOf(row) };
          }
          return { kind: 'failed', error };
        }
      },
    );
    switch (outcome.kind) {
      case 'ok':
        return outcome.credentials;
      case 'lost':
        throw new ShopNotAuthorizedError(shopId, outcome.reason);
      case 'failed':
        throw outcome.error;
      case 'changed':
        // De-authorised by another process while we waited for the lock: say why.
        return credentialsOf(await usableTokens(deps.db, shopId));
    }
  }

  async function loseAuthorization(
    tx: Parameters<typeof markAuthorizationLost>[0],
    row: ShopTokens,
    reason: string,
    now: Date,
  ): Promise<void> {
    const marked = await markAuthorizationLost(tx, { shopId: row.shop_id, openId: row.open_id, reason, now });
    if (marked.length === 0) return;
    const names = marked.map((s) => (s.name ? `${s.name} (${s.shop_id})` : s.shop_id)).join(', ');
    await notify(
      tx,
      deps.notifyRoutes,
      {
        cause: `tiktok-authorization-lost:${row.shop_id}:${now.toISOString()}`,
        roles: ['team_lead', 'devops'],
        severity: 'high',
        subject: `TikTok Shop connection lost: ${names}`,
        body:
          `CreatorFlow can no longer call TikTok Shop for ${names}: ${reason}. ` +
          'No orders of these shops are fetched or shipped until the seller authorises CreatorFlow again: ' +
          'create a link with POST /api/shops/authorize and send it to the seller.',
        shopId: row.shop_id,
      },
      now,
    );
    deps.log.error({ shops: marked.map((s) => s.shop_id), reason }, 'TikTok authorisation lost');
  }

  return {
    async credentialsFor(shopId, options = {}) {
      const row = await usableTokens(deps.db, shopId);
      if (!needsRefresh(row, options.rejectedAccessToken)) return credentialsOf(row);
      let flight = inFlight.get(shopId);
      if (!flight) {
        flight = refreshLocked(shopId, options.rejectedAccessToken).finally(() => inFlight.delete(shopId));
        inFlight.set(shopId, flight);
      }
      return flight;
    },
  };
}

async function usableTokens(db: Parameters<typeof readShopTokens>[0], shopId: string): Promise<ShopTokens> {
  const row = await readShopTokens(db, shopId);
  if (!row) throw new AppError('NOT_FOUND', `No shop ${shopId} is registered`);
  if (row.status !== 'active') {
    throw new ShopNotAuthorizedError(shopId, row.auth_problem ?? 'it was de-authorised');
  }
  if (!row.access_token) throw new ShopNotAuthorizedError(shopId, 'it has no access token');
  return row;
}

function credentialsOf(row: ShopTokens): ShopCredentials {
  return { shopId: row.shop_id, shopCipher: row.shop_cipher, accessToken: row.access_token! };
}

/**
 * Calls TikTok with the shop's credentials; when TikTok refuses the access token, refreshes it once
 * and calls again. Other failures pass through unchanged.
 */
export async function withShopCredentials<T>(
  tokens: TokenRefresher,
  shopId: string,
  call: (credentials: ShopCredentials) => Promise<T>,
): Promise<T> {
  const credentials = await tokens.credentialsFor(shopId);
  try {
    return await call(credentials);
  } catch (error) {
    if (!isTiktokAuthError(error)) throw error;
    const fresh = await tokens.credentialsFor(shopId, { rejectedAccessToken: credentials.accessToken });
    return call(fresh);
  }
}
