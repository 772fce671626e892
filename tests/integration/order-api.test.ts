import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_STATES, ORDER_STATES, listOrders, transitionOrder } from '../../src/orders/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH, buildTestServer } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildTestServer(test.db);
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s1', 'c'), ('s2', 'c')`);
  // 25 orders a second apart: o01 oldest ... o25 newest; every fifth is viral, s2 owns the even ones.
  await test.db.query(
    `INSERT INTO orders (shop_id, order_id, priority, received_at, sla_deadline)
     SELECT CASE WHEN i % 2 = 0 THEN 's2' ELSE 's1' END, 'o' || lpad(i::text, 2, '0'),
            CASE WHEN i % 5 = 0 THEN 'viral' ELSE 'standard' END,
            timestamptz '2026-11-24 12:00:00+00' + i * interval '1 second',
            timestamptz '2026-11-24 12:03:00+00' + i * interval '1 second'
       FROM generate_series(1, 25) AS i`,
  );
  await test.db.query(
    `INSERT INTO order_lines (shop_id, order_id, sku_id, seller_sku, quantity, received_at)
     SELECT shop_id, order_id, 'sku-9', 'MUG-RED', 2, received_at FROM orders WHERE shop_id = 's1' AND order_id = 'o01'`,
  );
  await test.db.transaction((tx) =>
    transitionOrder(tx, {
      shopId: 's1',
      orderId: 'o01',
      event: 'validate',
      at: new Date('2026-11-24T12:00:02Z'),
    }),
  );
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: AUTH });

describe('the order API', () => {
  it('lists orders newest first and pages through all of them with the cursor, each once', async () => {
    const seen: string[] = [];
    let url = '/api/orders?limit=10';
    for (;;) {
      const page = (await get(url)).json();
      seen.push(...page.orders.map((o: { id: string }) => o.id));
      if (!page.next_cursor) break;
      url = `/api/orders?limit=10&cursor=${page.next_cursor}`;
    }
    expect(seen).toHaveLength(25);
    expect(seen[0]).toBe('o25');
    expect(seen.at(-1)).toBe('o01');
    expect(new Set(seen).size).toBe(25);
  });

  it('filters by state, priority and shop', async () => {
    const viral = (await get('/api/orders?priority=viral&shop_id=s2')).json();
    expect(viral.orders.map((o: { id: string }) => o.id)).toEqual(['o20', 'o10']);
    const validated = (await get('/api/orders?state=validated')).json();
    expect(validated.orders.map((o: { id: string }) => o.id)).toEqual(['o01']);
  });

  it('shows one order with its lines and timeline', async () => {
    const res = await get('/api/orders/o01');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'o01',
      shop_id: 's1',
      state: 'validated',
      priority: 'standard',
      lines: [{ seller_sku: 'MUG-RED', sku_id: 'sku-9', quantity: 2 }],
      events: [{ kind: 'transition', from: 'received', to: 'validated', detail: { event: 'validate' } }],
    });
  });

  it.each([
    ['/api/orders?state=lost', /^state: /],
    ['/api/orders?priority=urgent', /^priority: /],
    ['/api/orders?limit=0', /^limit: /],
    ['/api/orders?cursor=garbage', /^cursor: use the next_cursor/],
  ])('answers 400 naming the parameter for %s', async (url, message) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });

  it('filters by each state, whether the order is in progress or at rest', async () => {
    const states = [...ORDER_STATES];
    await test.db.query(
      `INSERT INTO orders (shop_id, order_id, state, received_at, sla_deadline)
       SELECT 's2', 'st-' || s, s, timestamptz '2026-11-23 12:00:00+00', now()
         FROM unnest($1::text[]) AS s`,
      [states],
    );
    for (const state of states) {
      const { orders } = (await get(`/api/orders?state=${state}&shop_id=s2&limit=100`)).json<{
        orders: { id: string; state: string }[];
      }>();
      expect(orders.filter((o) => o.id.startsWith('st-'))).toEqual([
        expect.objectContaining({ id: `st-${state}`, state }),
      ]);
      expect(orders.every((o) => o.state === state)).toBe(true);
      // Only the order's own fields, whichever query served the state.
      for (const order of orders) expect(Object.keys(order)).not.toContain('looked_at');
    }
  });

  it('answers 404 for an unknown order and 401 without the token', async () => {
    expect((await get('/api/orders/nope')).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/orders' })).statusCode).toBe(401);
  });
});

describe('the order list filtered by a state of open orders', () => {
  it('groups states in the database exactly as the list expects', async () => {
    for (const state of ORDER_STATES) {
      const { rows } = await test.db.query<{ group: string }>(`SELECT order_state_group($1) AS group`, [
        state,
      ]);
      expect([state, rows[0]!.group]).toEqual([state, CLOSED_STATES.has(state) ? state : 'open']);
    }
  });

  it('pages through a backlog a bounded look at a time, finding each matching order once', async () => {
    // 30 open orders, newest first b30 ... b01; five of them validated, the rest processing or shipped.
    const validated = ['b29', 'b22', 'b15', 'b08', 'b02'];
    await test.db.query(
      `INSERT INTO orders (shop_id, order_id, state, received_at, sla_deadline)
       SELECT 's1', 'b' || lpad(i::text, 2, '0'),
              CASE WHEN 'b' || lpad(i::text, 2, '0') = ANY($1) THEN 'validated'
                   WHEN i % 2 = 0 THEN 'shipped' ELSE 'processing' END,
              timestamptz '2026-11-20 12:00:00+00' + i * interval '1 second', now()
         FROM generate_series(1, 30) AS i`,
      [validated],
    );
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let after: Parameters<typeof listOrders>[1]['after'];
    for (let pages = 0; pages < 50; pages++) {
      const page = await listOrders(test.db, {
        state: 'validated',
        shopId: 's1',
        limit: 2,
        scanLimit: 4,
        after,
      });
      seen.push(...page.orders.map((o) => o.id));
      pageSizes.push(page.orders.length);
      if (!page.next) break;
      after = page.next;
    }
    expect(seen.filter((id) => id.startsWith('b'))).toEqual(validated);
    expect(pageSizes).toContain(0); // a look through four other open orders finds none, and goes on
    const all = await listOrders(test.db, { state: 'validated', shopId: 's1', limit: 10 });
    expect(all.orders.map((o) => o.id).filter((id) => id.startsWith('b'))).toEqual(validated);
    const shipped = await listOrders(test.db, { state: 'shipped', shopId: 's1', limit: 30 });
    expect(shipped.orders.map((o) => o.id).filter((id) => id.startsWith('b'))).toEqual([
      'b30',
      'b28',
      'b26',
      'b24',
      'b20',
      'b18',
      'b16',
      'b14',
      'b12',
      'b10',
      'b06',
      'b04',
    ]);
  });
});
