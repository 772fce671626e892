import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTiktokClient } from '../../src/integrations/tiktok/tiktok-client.ts';
import type { TiktokShopApi } from '../../src/integrations/tiktok/index.ts';
import { listNotifications } from '../../src/notify/index.ts';
import {
  createTokenRefresher,
  isShopNotAuthorized,
  refreshDueTokens,
  startTokenRefresh,
  withShopCredentials,
} from '../../src/shops/index.ts';
import { readShopTokens } from '../../src/shops/token-queries.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { startTiktokSimulator, type TiktokSimulator } from '../../src/simulators/tiktok/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { LEAD_ONLY, registerSimShop } from '../helpers/tiktok-connection.ts';

let test: TestDatabase;
let sim: TiktokSimulator;
let client: TiktokShopApi;
let refreshCalls = 0;
/** The real client, counting the refresh calls that reach TikTok. */
let counted: Pick<TiktokShopApi, 'refreshAccessToken'>;
const log = createLogger('silent');
const HOUR = 3600_000;

beforeAll(async () => {
  test = await createTestDatabase();
  sim = await startTiktokSimulator();
  client = createTiktokClient({
    appKey: sim.appKey,
    appSecret: sim.appSecret,
    apiBaseUrl: sim.url,
    authBaseUrl: sim.authUrl,
    retry: { maxAttempts: 1 },
  });
  counted = {
    refreshAccessToken(token) {
      refreshCalls += 1;
      return client.refreshAccessToken(token);
    },
  };
});
afterAll(async () => {
  await sim.stop();
  await test.drop();
});

function refresher() {
  return createTokenRefresher({
    db: test.db,
    clock: systemClock,
    log,
    tiktok: counted,
    notifyRoutes: LEAD_ONLY,
  });
}

describe('TikTok token refresh', () => {
  it('refreshes a token that expires within a day, stores the new pair, and a restarted process uses it', async () => {
    const created = sim.createShop();
    await registerSimShop(test.db, { ...created, accessTokenExpiresAt: new Date(Date.now() + HOUR) });
    const before = refreshCalls;

    const credentials = await refresher().credentialsFor(created.shop.id);

    expect(refreshCalls - before).toBe(1);
    expect(credentials.accessToken).not.toBe(created.grant.access_token);
    const stored = await readShopTokens(test.db, created.shop.id);
    expect(stored?.access_token).toBe(credentials.accessToken);
    expect(stored?.refresh_token).not.toBe(created.grant.refresh_token);
    expect(stored!.access_token_expires_at!.getTime()).toBeGreaterThan(Date.now() + 2 * 24 * HOUR);
    // The new token works at TikTok.
    await client.searchOrders(credentials, {}, { pageSize: 10 });
    // A new refresher (a restarted process) reads the stored token and does not refresh again.
    const again = await refresher().credentialsFor(created.shop.id);
    expect(again.accessToken).toBe(credentials.accessToken);
    expect(refreshCalls - before).toBe(1);
  });

  it('leaves a token with more than a day left alone', async () => {
    const created = sim.createShop();
    await registerSimShop(test.db, created);
    const before = refreshCalls;
    const credentials = await refresher().credentialsFor(created.shop.id);
    expect(credentials.accessToken).toBe(created.grant.access_token);
    expect(refreshCalls).toBe(before);
  });

  it('refreshes once for 40 concurrent callers in two processes (a second refresh would be refused: refresh tokens work once)', async () => {
    const created = sim.createShop();
    await registerSimShop(test.db, { ...created, accessTokenExpiresAt: new Date(Date.now() + HOUR) });
    const processes = [refresher(), refresher()];
    const before = refreshCalls;

    const all = await Promise.all(
      Array.from({ length: 40 }, (_, i) => processes[i % 2]!.credentialsFor(created.shop.id)),
    );

    expect(refreshCalls - before).toBe(1);
    expect(new Set(all.map((c) => c.accessToken)).size).toBe(1);
    const stored = await readShopTokens(test.db, created.shop.id);
    expect(stored?.status).toBe('active');
    expect(stored?.access_token).toBe(all[0]!.accessToken);
  });

  it('refreshes after TikTok refuses the access token, and the call then succeeds', async () => {
    const created = sim.createShop();
    await registerSimShop(test.db, created);
    sim.seedOrders(created.shop.id, 3);
    sim.expireAccessToken(created.grant.access_token);
    const tokens = refresher();

    const page = await withShopCredentials(tokens, created.shop.id, (credentials) =>
      client.searchOrders(credentials, {}, { pageSize: 10 }),
    );

    expect(page.orders).toHaveLength(3);
    const stored = await readShopTokens(test.db, created.shop.id);
    expect(stored?.access_token).not.toBe(created.grant.access_token);
  });

  it('marks the shop and alerts an operator once when TikTok rejects the refresh token', async () => {
    const created = sim.createShop({ name: 'Glow Labs' });
    await registerSimShop(test.db, { ...created, accessTokenExpiresAt: new Date(Date.now() - 1_000) });
    await test.db.query(`UPDATE shops SET refresh_token = 'TTPR_revoked' WHERE shop_id = $1`, [
      created.shop.id,
    ]);
    const tokens = refresher();

    const failures = await Promise.allSettled([
      tokens.credentialsFor(created.shop.id),
      refresher().credentialsFor(created.shop.id),
    ]);
    for (const failure of failures) {
      expect(failure.status).toBe('rejected');
      expect(isShopNotAuthorized((failure as PromiseRejectedResult).reason)).toBe(true);
    }
    const stored = await readShopTokens(test.db, created.shop.id);
    expect(stored?.status).toBe('deauthorized');
    expect(stored?.auth_problem).toMatch(/refresh token/);
    const alerts = (await listNotifications(test.db)).filter((n) => n.shop_id === created.shop.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ target: 'lead@shop.test', severity: 'high', status: 'pending' });
    expect(alerts[0]!.subject).toContain('Glow Labs');
    // Later calls are refused at once, without asking TikTok or alerting again.
    const before = refreshCalls;
    await expect(tokens.credentialsFor(created.shop.id)).rejects.toThrow(/not authorised/);
    expect(refreshCalls).toBe(before);
    expect((await listNotifications(test.db)).filter((n) => n.shop_id === created.shop.id)).toHaveLength(1);
  });

  it('a refresh round renews the tokens that expire within the margin and only those', async () => {
    const due = sim.createShop();
    const fresh = sim.createShop();
    await registerSimShop(test.db, { ...due, accessTokenExpiresAt: new Date(Date.now() + 2 * HOUR) });
    await registerSimShop(test.db, fresh);
    const tokens = refresher();

    const round = await refreshDueTokens({
      db: test.db,
      clock: systemClock,
      log,
      tiktok: counted,
      notifyRoutes: LEAD_ONLY,
      tokens,
    });

    expect(round.refreshed).toBeGreaterThanOrEqual(1);
    expect((await readShopTokens(test.db, due.shop.id))?.access_token).not.toBe(due.grant.access_token);
    expect((await readShopTokens(test.db, fresh.shop.id))?.access_token).toBe(fresh.grant.access_token);
  });

  it('the scheduler loop refreshes due tokens by itself and stops cleanly', async () => {
    const due = sim.createShop();
    await registerSimShop(test.db, { ...due, accessTokenExpiresAt: new Date(Date.now() + HOUR) });
    const service = startTokenRefresh({
      db: test.db,
      clock: systemClock,
      log,
      tiktok: counted,
      notifyRoutes: LEAD_ONLY,
    });
    // Wait (up to 10 s) for the loop's first round.
    let token = due.grant.access_token;
    for (let i = 0; i < 400 && token === due.grant.access_token; i += 1) {
      token = (await readShopTokens(test.db, due.shop.id))!.access_token!;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await service.stop();
    expect(token).not.toBe(due.grant.access_token);
  });
});
