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

  /** TikTok's two token calls: the same app check and answer, each with its grant type and field. */
  const tokenRoute = (
    path: string,
    grantType: 'authorized_code' | 'refresh_token',
    field: 'auth_code' | 'refresh_token',
    grantFor: (value: string) => ReturnType<typeof deps.accounts.refresh>,
  ) =>
    app.get(path, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      if (query.app_key !== deps.appKey || query.app_secret !== deps.appSecret) {
        return sendError(reply, now(), 'INVALID_APP_KEY');
      }
      const value = query[field];
      if (query.grant_type !== grantType || !value) {
        return sendError(
          reply,
          now(),
          'INVALID_PARAMETER',
          `grant_type=${grantType} and ${field} are required`,
        );
      }
      const grant = grantFor(value);
      return typeof grant === 'string' ? sendError(reply, now(), grant) : sendData(reply, now(), grant);
    });
  tokenRoute('/api/v2/token/get', 'authorized_code', 'auth_code', (code) =>
    deps.accounts.exchangeAuthCode(code),
  );
  tokenRoute('/api/v2/token/refresh', 'refresh_token', 'refresh_token', (token) =>
    deps.accounts.refresh(token),
  );
}
