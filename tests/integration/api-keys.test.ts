import { describe, expect, it } from 'vitest';
import { AUTH, useTestServer } from '../helpers/test-server.ts';

const server = useTestServer();

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function makeKey(role: string, headers: Record<string, string> = AUTH) {
  return server.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers,
    payload: { name: `${role} script`, role },
  });
}

const shop = {
  shop_id: 'shop-keys',
  shop_cipher: 'cipher-keys',
  access_token: 'TTP_access',
  refresh_token: 'TTP_refresh',
  access_token_expire_in: 1_900_000_000,
  name: 'Keys Lab',
  ship_from: {
    name: 'Keys Lab',
    street1: '1 Main St',
    city: 'Austin',
    state: 'TX',
    zip: '78701',
    country: 'us',
  },
};

describe('API keys', () => {
  it('shows a new key its token once, lists it without, and stores only a hash', async () => {
    const made = await makeKey('operator');
    expect(made.statusCode).toBe(201);
    const key = made.json<{ id: string; name: string; role: string; shop_ids: null; token: string }>();
    expect(key).toMatchObject({ name: 'operator script', role: 'operator', shop_ids: null });
    expect(key.token).toMatch(/^cfk_[A-Za-z0-9_-]{43}$/);

    const listed = await server.app.inject({ method: 'GET', url: '/api/keys', headers: AUTH });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(key.token);
    expect(listed.json<{ keys: { id: string }[] }>().keys.map((k) => k.id)).toContain(key.id);

    const { rows } = await server.db.query<{ stored: string }>(
      `SELECT row_to_json(k)::text AS stored FROM api_keys k`,
    );
    expect(rows.map((r) => r.stored).join()).not.toContain(key.token);
  });

  it('lets an operator key act and read, and refuses a viewer key every write with 403 but lets it read', async () => {
    const operator = (await makeKey('operator')).json<{ token: string }>().token;
    const viewer = (await makeKey('viewer')).json<{ token: string }>().token;

    const created = await server.app.inject({
      method: 'POST',
      url: '/api/shops',
      headers: bearer(operator),
      payload: shop,
    });
    expect(created.statusCode).toBe(201);

    const write = await server.app.inject({
      method: 'POST',
      url: '/api/shops',
      headers: bearer(viewer),
      payload: shop,
    });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const stock = await server.app.inject({
      method: 'PUT',
      url: '/api/shops/shop-keys/inventory/SKU-1',
      headers: bearer(viewer),
      payload: { on_hand: 5 },
    });
    expect(stock.statusCode).toBe(403);

    expect(
      (await server.app.inject({ method: 'GET', url: '/api/shops', headers: bearer(viewer) })).statusCode,
    ).toBe(200);
    // A dry run changes nothing: a viewer may ask for one.
    const dryRun = await server.app.inject({
      method: 'POST',
      url: '/api/rules/dry-run',
      headers: bearer(viewer),
      payload: { shop_id: 'shop-keys' },
    });
    expect(dryRun.statusCode).not.toBe(403);
  });

  it('lets only an admin manage keys', async () => {
    const operator = (await makeKey('operator')).json<{ token: string }>().token;
    const admin = (await makeKey('admin')).json<{ token: string }>().token;
    expect((await makeKey('viewer', bearer(operator))).statusCode).toBe(403);
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/keys', headers: bearer(operator) })).statusCode,
    ).toBe(403);
    expect((await makeKey('viewer', bearer(admin))).statusCode).toBe(201);
  });

  it('stops a revoked key on its very next request, and says 404 for a key that is not there', async () => {
    const made = (await makeKey('operator')).json<{ id: string; token: string }>();
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/shops', headers: bearer(made.token) })).statusCode,
    ).toBe(200);

    const revoked = await server.app.inject({ method: 'DELETE', url: `/api/keys/${made.id}`, headers: AUTH });
    expect(revoked.statusCode).toBe(204);
    const after = await server.app.inject({ method: 'GET', url: '/api/shops', headers: bearer(made.token) });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });

    for (const id of [made.id, '999999', 'abc', '1e3']) {
      expect(
        (await server.app.inject({ method: 'DELETE', url: `/api/keys/${id}`, headers: AUTH })).statusCode,
      ).toBe(404);
    }
    const listed = await server.app.inject({ method: 'GET', url: '/api/keys', headers: AUTH });
    const shown = listed
      .json<{ keys: { id: string; revoked_at: string | null }[] }>()
      .keys.find((k) => k.id === made.id);
    expect(shown?.revoked_at).not.toBeNull();
  });

  it('answers 400 naming the field for a bad name, an unknown role or shop_ids, and 401 for a made-up key', async () => {
    const cases: [unknown, string][] = [
      [{ name: '', role: 'viewer' }, 'name'],
      [{ name: 'x'.repeat(101), role: 'viewer' }, 'name'],
      [{ name: 'ci', role: 'owner' }, 'role'],
      [{ name: 'ci', role: 'viewer', shop_ids: ['shop-keys'] }, 'shop_ids'],
      [{ name: 'ci', role: 'viewer', extra: true }, '(body)'],
      [[], '(body)'],
    ];
    for (const [payload, field] of cases) {
      const answer = await server.app.inject({
        method: 'POST',
        url: '/api/keys',
        headers: AUTH,
        payload: payload as object,
      });
      expect(answer.statusCode, JSON.stringify(payload)).toBe(400);
      const problems = answer.json<{ error: { details: { problems: { field: string }[] } } }>().error.details
        .problems;
      expect(problems.map((p) => p.field)).toContain(field);
    }
    const madeUp = `cfk_${'A'.repeat(43)}`;
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/shops', headers: bearer(madeUp) })).statusCode,
    ).toBe(401);
  });
});
