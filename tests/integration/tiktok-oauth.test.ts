import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOperatorApi } from '../../src/api/operator-api.ts';
import { buildServer } from '../../src/api/server.ts';
import { createTiktokClient } from '../../src/integrations/tiktok/tiktok-client.ts';
import {
  registerOauthCallbackRoute,
  registerShopAuthorizeRoute,
  type OauthDeps,
} from '../../src/shops/index.ts';
import { readShopTokens } from '../../src/shops/token-queries.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { startTiktokSimulator, type TiktokSimulator } from '../../src/simulators/tiktok/index.ts';
import { createTestDatabase, migrations, type TestDatabase } from '../helpers/test-database.ts';

const TOKEN = 'oauth-test-operator-token-0123';
const AUTH = { authorization: `Bearer ${TOKEN}` };
let test: TestDatabase;
let sim: TiktokSimulator;
let app: FastifyInstance;
const clock = new ManualClock(Date.now());
const connected: string[] = [];

beforeAll(async () => {
  test = await createTestDatabase();
  sim = await startTiktokSimulator({ redirectUrl: 'https://creatorflow.example/oauth/tiktok/callback' });
  const log = createLogger('silent');
  const deps: OauthDeps = {
    db: test.db,
    clock,
    log,
    tiktok: createTiktokClient({
      appKey: sim.appKey,
      appSecret: sim.appSecret,
      apiBaseUrl: sim.url,
      authBaseUrl: sim.authUrl,
      retry: { maxAttempts: 1 },
    }),
    appKey: sim.appKey,
    authBaseUrl: sim.authUrl,
    onShopsConnected: (ids) => {
      connected.push(...ids);
      return Promise.resolve();
    },
  };
  app = await buildServer({ log, db: test.db, migrations, metrics: createMetrics() }, [
    (server) => registerOauthCallbackRoute(server, deps),
    (server) =>
      registerOperatorApi(server, { adminToken: TOKEN }, [
        (scope) => registerShopAuthorizeRoute(scope, deps),
      ]),
  ]);
});
afterAll(async () => {
  await app.close();
  await sim.stop();
  await test.drop();
});

/** An operator creates a link; the seller opens it at (simulated) TikTok and consents for `shopId`. */
async function sellerConsents(shopId: string): Promise<{ path: string; state: string }> {
  const created = await app.inject({ method: 'POST', url: '/api/shops/authorize', headers: AUTH });
  expect(created.statusCode).toBe(201);
  const link = new URL(created.json<{ authorize_url: string }>().authorize_url);
  link.searchParams.set('shop_id', shopId);
  const consent = await fetch(link, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  return { path: `${back.pathname}${back.search}`, state: back.searchParams.get('state')! };
}

describe('TikTok Shop authorisation (OAuth)', () => {
  it('issues a TikTok authorize link only to the operator', async () => {
    const refused = await app.inject({ method: 'POST', url: '/api/shops/authorize' });
    expect(refused.statusCode).toBe(401);
    const created = await app.inject({ method: 'POST', url: '/api/shops/authorize', headers: AUTH });
    const link = new URL(created.json<{ authorize_url: string }>().authorize_url);
    expect(`${link.origin}${link.pathname}`).toBe(`${sim.authUrl}/oauth/authorize`);
    expect(link.searchParams.get('app_key')).toBe(sim.appKey);
    expect(link.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('connects the authorised shop with its cipher and tokens and says so on a page', async () => {
    const seller = sim.createShop({ name: 'Sunny Socks' });
    const { path } = await sellerConsents(seller.shop.id);

    const landed = await app.inject({ method: 'GET', url: path });

    expect(landed.statusCode).toBe(200);
    expect(landed.headers['content-type']).toMatch(/^text\/html/);
    expect(landed.body).toContain('TikTok Shop connected');
    expect(landed.body).toContain(`Sunny Socks (${seller.shop.id}) is now connected`);
    const stored = await readShopTokens(test.db, seller.shop.id);
    expect(stored).toMatchObject({ shop_cipher: seller.shop.cipher, status: 'active', name: 'Sunny Socks' });
    expect(stored?.access_token).toMatch(/^TTP_/);
    expect(stored?.refresh_token).toMatch(/^TTPR_/);
    expect(stored?.open_id).toBe(seller.grant.open_id);
    expect(stored!.access_token_expires_at!.getTime()).toBeGreaterThan(Date.now());
    expect(connected).toContain(seller.shop.id);
  });

  it('refuses a state it never issued, and stores nothing', async () => {
    const seller = sim.createShop();
    const code = sim.issueAuthCode(seller.shop.id);
    const landed = await app.inject({
      method: 'GET',
      url: `/oauth/tiktok/callback?code=${code}&state=forged-state-value`,
    });
    expect(landed.statusCode).toBe(400);
    expect(landed.body).toContain('not issued by this CreatorFlow');
    expect(await readShopTokens(test.db, seller.shop.id)).toBeUndefined();
  });

  it('accepts a state once: the same link replayed is refused', async () => {
    const seller = sim.createShop();
    const { state, path } = await sellerConsents(seller.shop.id);
    expect((await app.inject({ method: 'GET', url: path })).statusCode).toBe(200);

    const code = sim.issueAuthCode(seller.shop.id);
    const replay = await app.inject({
      method: 'GET',
      url: `/oauth/tiktok/callback?code=${code}&state=${state}`,
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('already been used');
  });

  it('refuses an expired state', async () => {
    const seller = sim.createShop();
    const { path } = await sellerConsents(seller.shop.id);
    clock.advance(31 * 60_000);
    const landed = await app.inject({ method: 'GET', url: path });
    expect(landed.statusCode).toBe(400);
    expect(landed.body).toContain('expired');
    expect(await readShopTokens(test.db, seller.shop.id)).toBeUndefined();
  });

  it('answers 400 naming what is missing when TikTok sent no code', async () => {
    const landed = await app.inject({ method: 'GET', url: '/oauth/tiktok/callback?state=abc' });
    expect(landed.statusCode).toBe(400);
    expect(landed.body).toContain('no usable code');
  });

  it('answers 502 when TikTok refuses the code, and the same link can then be used again', async () => {
    const seller = sim.createShop();
    const { state } = await sellerConsents(seller.shop.id);
    const refused = await app.inject({
      method: 'GET',
      url: `/oauth/tiktok/callback?code=code_bogus&state=${state}`,
    });
    expect(refused.statusCode).toBe(502);
    expect(refused.body).toContain('TikTok did not complete the authorisation');

    const code = sim.issueAuthCode(seller.shop.id);
    const retried = await app.inject({
      method: 'GET',
      url: `/oauth/tiktok/callback?code=${code}&state=${state}`,
    });
    expect(retried.statusCode).toBe(200);
    expect((await readShopTokens(test.db, seller.shop.id))?.status).toBe('active');
  });

  it('re-activates a shop that had lost its authorisation and keeps its ship-from address', async () => {
    const seller = sim.createShop({ name: 'Back Again' });
    await app.inject({ method: 'GET', url: (await sellerConsents(seller.shop.id)).path });
    await test.db.query(
      `UPDATE shops SET status = 'deauthorized', auth_problem = 'refresh token rejected', ship_from = '{"zip":"10001"}'
        WHERE shop_id = $1`,
      [seller.shop.id],
    );
    const landed = await app.inject({ method: 'GET', url: (await sellerConsents(seller.shop.id)).path });
    expect(landed.body).toContain('was connected again');
    const { rows } = await test.db.query<{ status: string; auth_problem: string | null; ship_from: unknown }>(
      `SELECT status, auth_problem, ship_from FROM shops WHERE shop_id = $1`,
      [seller.shop.id],
    );
    expect(rows[0]).toEqual({ status: 'active', auth_problem: null, ship_from: { zip: '10001' } });
  });
});
