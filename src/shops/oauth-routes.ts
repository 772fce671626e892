import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/index.ts';
import { isTiktokApiError, type TiktokShopApi } from '../integrations/tiktok/index.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { oauthResultPage } from './oauth-page.ts';
import {
  consumeOauthState,
  insertOauthState,
  releaseOauthState,
  upsertAuthorizedShop,
  type StateCheck,
} from './oauth-queries.ts';

export interface OauthDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tiktok: Pick<TiktokShopApi, 'exchangeAuthCode' | 'getAuthorizedShops'>;
  readonly appKey: string;
  readonly authBaseUrl: string;
  /** How long an authorisation link works (default 30 minutes). */
  readonly stateTtlMs?: number;
  /** Told which shops were just connected (e.g. to resume their parked webhook events). */
  readonly onShopsConnected?: (shopIds: readonly string[]) => Promise<void>;
}

const DEFAULT_STATE_TTL_MS = 30 * 60_000;

/**
 * POST /api/shops/authorize (operator scope): a single-use link for a seller to authorise
 * CreatorFlow: `{authorize_url, expires_at}`. Register it inside the bearer-protected scope.
 */
export function registerShopAuthorizeRoute(app: FastifyInstance, deps: OauthDeps): void {
  app.post('/api/shops/authorize', async (_request, reply) => {
    const now = new Date(deps.clock.now());
    const state = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + (deps.stateTtlMs ?? DEFAULT_STATE_TTL_MS));
    await insertOauthState(deps.db, { state, now, expiresAt });
    const url = new URL(`${deps.authBaseUrl}/oauth/authorize`);
    url.searchParams.set('app_key', deps.appKey);
    url.searchParams.set('state', state);
    return reply.status(201).send({ authorize_url: url.toString(), expires_at: expiresAt });
  });
}

const callbackQuery = z.object({
  code: z.string().trim().min(1, 'is empty').max(2048),
  state: z.string().trim().min(1, 'is empty').max(256),
});

const STATE_PROBLEMS: Record<Exclude<StateCheck, 'accepted'>, string> = {
  unknown: 'This authorisation link was not issued by this CreatorFlow.',
  used: 'This authorisation link has already been used.',
  expired: 'This authorisation link has expired.',
};

/**
 * GET /oauth/tiktok/callback?code=..&state=..: where TikTok sends the seller's browser after they
 * authorise CreatorFlow. Outside the bearer scope (the browser has no operator token), so the state
 * is what proves the request: issued by POST /api/shops/authorize, accepted once, before it expires.
 * Exchanges the code, lists the authorised shops and registers each with its cipher and tokens.
 * Answers a small HTML page saying which shops were connected or what went wrong.
 */
export function registerOauthCallbackRoute(app: FastifyInstance, deps: OauthDeps): void {
  app.get('/oauth/tiktok/callback', async (request, reply) => {
    const parsed = callbackQuery.safeParse(request.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? 'query');
      return page(reply, 400, 'TikTok Shop was not connected', [
        `The address TikTok sent you back to has no usable ${field} (${issue?.message ?? 'invalid'}).`,
        'Open the authorisation link from your CreatorFlow operator again.',
      ]);
    }
    const { code, state } = parsed.data;
    const now = new Date(deps.clock.now());
    const check = await consumeOauthState(deps.db, { state, now });
    if (check !== 'accepted') {
      return page(reply, 400, 'TikTok Shop was not connected', [
        STATE_PROBLEMS[check],
        'Ask your CreatorFlow operator for a new link (POST /api/shops/authorize) and open it once.',
      ]);
    }
    let connected: Awaited<ReturnType<typeof upsertAuthorizedShop>>[];
    try {
      const grant = await deps.tiktok.exchangeAuthCode(code);
      const shops = await deps.tiktok.getAuthorizedShops(grant.access_token);
      connected = await deps.db.transaction(async (tx) => {
        const stored = [];
        for (const shop of shops) stored.push(await upsertAuthorizedShop(tx, { shop, grant, now }));
        return stored;
      });
    } catch (error) {
      // TikTok (or our database) failed, not the seller: the same link may be opened again.
      await releaseOauthState(deps.db, state);
      deps.log.warn({ err: error }, 'TikTok Shop authorisation could not be completed');
      return page(reply, 502, 'TikTok Shop was not connected', [
        // TikTok's own words help the seller; our internals (a database error) stay in the log.
        isTiktokApiError(error)
          ? `TikTok did not complete the authorisation: ${describeError(error)}`
          : 'CreatorFlow could not complete the authorisation (the operator log has the details).',
        'Open the same authorisation link again in a few minutes; if it keeps failing, tell your CreatorFlow operator.',
      ]);
    }
    if (connected.length === 0) {
      return page(reply, 200, 'No TikTok shop was connected', [
        'TikTok accepted the authorisation but lists no shop for this account.',
        'Check that you signed in with the seller account that owns the shop.',
      ]);
    }
    deps.log.info({ shops: connected.map((s) => s.shop_id) }, 'TikTok shops connected');
    await deps.onShopsConnected?.(connected.map((s) => s.shop_id));
    return page(reply, 200, 'TikTok Shop connected', [
      ...connected.map(
        (s) =>
          `${s.name || 'Shop'} (${s.shop_id}) ${s.created ? 'is now connected' : 'was connected again'}.`,
      ),
      ...connected
        .filter((s) => !s.has_ship_from)
        .map(
          (s) =>
            `${s.name || s.shop_id} has no ship-from address yet: labels are bought once your operator sets it.`,
        ),
      'You can close this page.',
    ]);
  });
}

function page(reply: FastifyReply, status: number, title: string, lines: string[]): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(oauthResultPage({ title, lines, ok: status === 200 }));
}
