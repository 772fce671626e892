import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyOrder } from '../../src/rules/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { buildDecisionServer, insertOrders, insertShop } from '../helpers/decision-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
const T = Date.UTC(2026, 10, 25, 12);
const clock = new ManualClock(T);

beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildDecisionServer(test.db, clock);
  await insertShop(test.db, 's1');
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

const post = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/signals', headers: AUTH, payload: payload as object });

describe('content signals', () => {
  it.each([
    ['hashtag', '#TikTokMadeMeBuyIt', 'tiktokmademebuyit'],
    ['creator', '@MugQueen', 'mugqueen'],
    ['views', 1_200_000, 1_200_000],
  ])('a %s signal is stored (normalised) and answered 201', async (kind, value, stored) => {
    const res = await post({ shop_id: 's1', product_id: 'p-mug', kind, value });
    expect(res.statusCode).toBe(201);
    expect(res.json().signal).toMatchObject({ shop_id: 's1', product_id: 'p-mug', kind, value: stored });
    expect(new Date(res.json().signal.observed_at).getTime()).toBe(T);
  });

  it.each([
    [{ product_id: 'p', kind: 'views', value: 1 }, 'shop_id: '],
    [{ shop_id: 's1', product_id: 'p', kind: 'likes', value: 1 }, 'kind: '],
    [{ shop_id: 's1', product_id: 'p', kind: 'views', value: -3 }, 'value: views cannot be negative'],
    [{ shop_id: 's1', product_id: 'p', kind: 'views', value: 'lots' }, 'value: views needs a number'],
    [{ shop_id: 's1', product_id: 'p', kind: 'hashtag', value: '#' }, 'value: a hashtag must not be empty'],
    [
      { shop_id: 's1', product_id: 'p', kind: 'hashtag', value: 'x', observed_at: 'yesterday' },
      'observed_at: ',
    ],
  ])('%j is refused naming %s', async (body, message) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message.startsWith(message)).toBe(true);
  });

  it('a signal dated in the future is refused; one for an unknown shop is 404', async () => {
    const future = new Date(T + 3_600_000).toISOString();
    const res = await post({ shop_id: 's1', product_id: 'p', kind: 'views', value: 5, observed_at: future });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^observed_at: .* is in the future/);
    expect((await post({ shop_id: 'nope', product_id: 'p', kind: 'views', value: 5 })).statusCode).toBe(404);
  });

  it('signals about an order’s product from the last day are facts of that order', async () => {
    await post({
      shop_id: 's1',
      product_id: 'p-mug',
      kind: 'views',
      value: 50,
      observed_at: new Date(T - 60_000).toISOString(),
    });
    await post({
      shop_id: 's1',
      product_id: 'p-mug',
      kind: 'hashtag',
      value: 'old',
      observed_at: new Date(T - 2 * 86_400_000).toISOString(),
    });
    await insertOrders(test.db, [{ shopId: 's1', orderId: 'o1', at: new Date(T) }]);
    const d = await classifyOrder({ db: test.db, clock }, { shopId: 's1', orderId: 'o1' });
    expect(d.facts).toMatchObject({
      'demand.content_signals': 4,
      'signal.hashtag': 'tiktokmademebuyit',
      'signal.hashtags': ['tiktokmademebuyit'],
      'signal.creator': 'mugqueen',
      'signal.creators': ['mugqueen'],
      'signal.views': 1_200_000,
    });
  });

  it('lists a shop’s newest signals, newest observation first', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/signals?shop_id=s1&product_id=p-mug&limit=2',
      headers: AUTH,
    });
    expect(res.json().signals.map((s: { kind: string }) => s.kind)).toEqual(['views', 'creator']);
  });
});
