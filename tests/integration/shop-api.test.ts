import { describe, expect, it } from 'vitest';
import { AUTH, useTestServer } from '../helpers/test-server.ts';

const server = useTestServer();

const shop = {
  shop_id: '7494049642642441621',
  shop_cipher: 'GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3',
  access_token: 'TTP_secret_access',
  refresh_token: 'TTP_secret_refresh',
  access_token_expire_in: 1_900_000_000,
  name: 'Glow Lab',
  ship_from: {
    name: 'Glow Lab',
    street1: '1 Main St',
    city: 'Austin',
    state: 'TX',
    zip: '78701',
    country: 'us',
  },
};

describe('the shop API', () => {
  it('refuses requests without the operator token', async () => {
    const none = await server.app.inject({ method: 'POST', url: '/api/shops', payload: shop });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const wrong = await server.app.inject({
      method: 'GET',
      url: '/api/shops',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('registers a shop once and updates it after, never echoing its tokens', async () => {
    const first = await server.app.inject({
      method: 'POST',
      url: '/api/shops',
      headers: AUTH,
      payload: shop,
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      shop_id: shop.shop_id,
      name: 'Glow Lab',
      status: 'active',
      has_refresh_token: true,
      ship_from: { country: 'US' },
    });
    expect(first.body).not.toContain('TTP_secret');

    const again = await server.app.inject({
      method: 'POST',
      url: '/api/shops',
      headers: AUTH,
      payload: { ...shop, name: undefined, refresh_token: undefined, access_token: 'TTP_new' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ name: 'Glow Lab', has_refresh_token: true });
    const { rows } = await server.db.query<{ access_token: string }>('SELECT access_token FROM shops');
    expect(rows).toEqual([{ access_token: 'TTP_new' }]);
  });

  it.each([
    [{ ...shop, ship_from: { ...shop.ship_from, zip: undefined } }, /^ship_from\.zip: /],
    [{ ...shop, ship_from: { ...shop.ship_from, country: 'USA' } }, /^ship_from\.country: must be an ISO/],
    [{ ...shop, shop_id: 'has spaces' }, /^shop_id: must contain only/],
    [{ ...shop, access_token_expire_in: 'soon' }, /^access_token_expire_in: /],
  ])('answers 400 naming the exact field for %#', async (payload, message) => {
    const res = await server.app.inject({ method: 'POST', url: '/api/shops', headers: AUTH, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });

  it('answers 400 for a body that is not JSON, and stores nothing', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/shops',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"shop_id": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('answers 404 for a shop that is not registered', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/shops/nope', headers: AUTH });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe('No shop nope is registered');
  });
});
