import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/clock.ts';
import { sendData, sendError } from './envelope.ts';
import type { SimAccounts, SimShop } from './sim-state.ts';

export interface AuthRouteDeps {
  readonly appKey: string;
  readonly appSecret: string;
  readonly accounts: SimAccounts;
  readonly clock: Clock;
  /** Where /oauth/authorize sends the seller back when the request names no redirect_uri. */
  redirectUrl: string | undefined;
  /** The shop a seller authorises when /oauth/authorize names none (created on first use). */
  defaultShop: () => SimShop;
}

/**
 * The auth service: the seller's consent page (auto-approved) and the two unsigned token calls.
 * GET /oauth/authorize?app_key&state[&redirect_uri][&shop_id] → 302 to redirect?code&state
 * GET /api/v2/token/get?app_key&app_secret&auth_code&grant_type=authorized_code
 * GET /api/v2/token/refresh?app_key&app_secret&refresh_token&grant_type=refresh_token
 */
export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const now = (): number => deps.clock.now();

  app.get('/oauth/authorize', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (query.app_key !== deps.appKey) return sendError(reply, now(), 'INVALID_APP_KEY');
    const shop = query.shop_id ? deps.accounts.shops.get(query.shop_id) : deps.defaultShop();
    if (!shop) return sendError(reply, now(), 'NOT_FOUND', `shop ${query.shop_id ?? ''} not found`);
    const code = deps.accounts.issueAuthCode([shop.id]);
    const target = query.redirect_uri ?? deps.redirectUrl;
    if (!target) return sendData(reply, now(), { code, state: query.state ?? '' });
    const url = new URL(target);
    url.searchParams.set('code', code);
    if (query.state !== undefined) url.searchParams.set('state', query.state);
    return reply.redirect(url.toString(), 302);
  });

  app.get('/api/v2/token/get', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (query.app_key !== deps.appKey || query.app_secret !== deps.appSecret) {
      return sendError(reply, now(), 'INVALID_APP_KEY');
    }
    if (query.grant_type !== 'authorized_code' || !query.auth_code) {
      return sendError(
        reply,
        now(),
        'INVALID_PARAMETER',
        'grant_type=authorized_code and auth_code are required',
      );
    }
    const grant = deps.accounts.exchangeAuthCode(query.auth_code);
    return typeof grant === 'string' ? sendError(reply, now(), grant) : sendData(reply, now(), grant);
  });

  app.get('/api/v2/token/refresh', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (query.app_key !== deps.appKey || query.app_secret !== deps.appSecret) {
      return sendError(reply, now(), 'INVALID_APP_KEY');
    }
    if (query.grant_type !== 'refresh_token' || !query.refresh_token) {
      return sendError(
        reply,
        now(),
        'INVALID_PARAMETER',
        'grant_type=refresh_token and refresh_token are required',
      );
    }
    const grant = deps.accounts.refresh(query.refresh_token);
    return typeof grant === 'string' ? sendError(reply, now(), grant) : sendData(reply, now(), grant);
  });
}
