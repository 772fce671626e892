import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, OPERATORS } from '../../src/rules/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { buildDecisionServer, insertOrders, insertShop } from '../helpers/decision-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { AUTH } from '../helpers/test-server.ts';

let test: TestDatabase;
let app: FastifyInstance;
const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));

beforeAll(async () => {
  test = await createTestDatabase();
  app = await buildDecisionServer(test.db, clock);
  await insertShop(test.db, 'shop-a');
  await insertShop(test.db, 'shop-b');
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: AUTH,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const giftRule = {
  id: 'gift-ca',
  name: 'Californian orders ship ground',
  category: 'shipping_optimization',
  priority: 10,
  conditions: { field: 'order.destination_state', operator: 'equals', value: 'CA' },
  actions: [{ type: 'select_service', parameters: { service: 'ground' } }],
};

describe('rule validation on write', () => {
  it('an unknown operator deep in a draft names its exact field and lists the operators', async () => {
    const rules = [
      giftRule,
      { ...giftRule, id: 'b' },
      {
        ...giftRule,
        id: 'c',
        conditions: { all: [{ field: 'order.value', operator: 'bigger_than', value: 3 }] },
      },
    ];
    const res = await call('POST', '/api/rules', { rules });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(
      `rules[2].conditions.all[0].operator: must be one of ${OPERATORS.join(', ')} (got "bigger_than")`,
    );
    expect(error.hint).toBeTruthy();
    expect(error.details.problems[0].field).toBe('rules[2].conditions.all[0].operator');
  });

  it('every problem of a single rule is listed under rule.<field>', async () => {
    const res = await call('POST', '/api/rules', {
      rule: {
        ...giftRule,
        category: 'misc',
        actions: [{ type: 'hold', parameters: { reason: 'fraud' } }],
      },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(['rule.category', 'rule.actions[0].parameters']);
  });

  it('a value of the wrong type for its operator is refused at the value', async () => {
    const res = await call('POST', '/api/rules', {
      rule: { ...giftRule, conditions: { field: 'order.value', operator: 'between', value: [10] } },
    });
    expect(res.json().error.message).toBe('rule.conditions.value: between needs [min, max] numbers');
  });

  it('an unknown shop is 404 and nothing is stored', async () => {
    const res = await call('POST', '/api/rules', { shop_id: 'nope', rules: [giftRule] });
    expect(res.statusCode).toBe(404);
    const { rows } = await test.db.query(`SELECT 1 FROM rule_sets WHERE shop_id = 'nope'`);
    expect(rows).toHaveLength(0);
  });

  it('the API needs the operator token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/rules' })).statusCode).toBe(401);
  });
});

describe('versions: draft, publish, roll back', () => {
  it('the shipped defaults are the global published version 1 on first read, with no draft', async () => {
    const body = (await call('GET', '/api/rules')).json();
    expect(body.published).toMatchObject({
      version: 1,
      status: 'published',
      shop_id: null,
      inherited: false,
    });
    expect(body.published.rules.map((r: { id: string }) => r.id)).toEqual(DEFAULT_RULES.map((r) => r.id));
    expect(body.draft).toBeNull();
  });

  it('a shop without rules of its own runs the global set', async () => {
    const body = (await call('GET', '/api/rules?shop_id=shop-a')).json();
    expect(body.published).toMatchObject({ version: 1, shop_id: null, inherited: true });
  });

  it('adding, editing and removing rules changes only the draft until it is published', async () => {
    const added = await call('POST', '/api/rules', { shop_id: 'shop-a', rule: giftRule });
    expect(added.statusCode).toBe(201);
    expect(added.json().draft).toMatchObject({ shop_id: 'shop-a', version: 1, status: 'draft' });
    expect(added.json().draft.rules).toHaveLength(DEFAULT_RULES.length + 1);

    const dup = await call('POST', '/api/rules', { shop_id: 'shop-a', rule: giftRule });
    expect(dup.statusCode).toBe(409);

    const edited = await call('PUT', '/api/rules/gift-ca', {
      shop_id: 'shop-a',
      rule: { ...giftRule, priority: 11 },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().draft.rules.find((r: { id: string }) => r.id === 'gift-ca').priority).toBe(11);

    const wrongId = await call('PUT', '/api/rules/gift-ca', {
      shop_id: 'shop-a',
      rule: { ...giftRule, id: 'x' },
    });
    expect(wrongId.json().error.message).toMatch(/^rule\.id: must be "gift-ca"/);
    expect(
      (await call('PUT', '/api/rules/missing', { shop_id: 'shop-a', rule: { ...giftRule, id: 'missing' } }))
        .statusCode,
    ).toBe(404);

    const removed = await call('DELETE', '/api/rules/standard-default?shop_id=shop-a');
    expect(removed.json().draft.rules.map((r: { id: string }) => r.id)).not.toContain('standard-default');

    const view = (await call('GET', '/api/rules?shop_id=shop-a')).json();
    expect(view.published).toMatchObject({ version: 1, shop_id: null, inherited: true });
    expect(view.draft.rules.map((r: { id: string }) => r.id)).toContain('gift-ca');
  });

  it('publishing makes the draft the one published version and leaves no draft', async () => {
    const res = await call('POST', '/api/rules/publish', { shop_id: 'shop-a' });
    expect(res.statusCode).toBe(200);
    expect(res.json().published).toMatchObject({ shop_id: 'shop-a', version: 1, status: 'published' });
    const view = (await call('GET', '/api/rules?shop_id=shop-a')).json();
    expect(view.published).toMatchObject({ version: 1, inherited: false });
    expect(view.draft).toBeNull();
    expect((await call('GET', '/api/rules?shop_id=shop-b')).json().published.shop_id).toBeNull();
    expect((await call('POST', '/api/rules/publish', { shop_id: 'shop-a' })).statusCode).toBe(409);
  });

  it('a second version retires the first; rollback publishes the old rules as a new version', async () => {
    await call('POST', '/api/rules', { shop_id: 'shop-a', rules: [giftRule], note: 'only shipping' });
    const v2 = (await call('POST', '/api/rules/publish', { shop_id: 'shop-a' })).json().published;
    expect(v2).toMatchObject({ version: 2, note: 'only shipping' });
    expect(v2.rules).toHaveLength(1);

    const back = await call('POST', '/api/rules/rollback', { shop_id: 'shop-a', version: 1 });
    expect(back.statusCode).toBe(200);
    expect(back.json().published).toMatchObject({ version: 3, source_version: 1, status: 'published' });
    expect(back.json().published.rules.map((r: { id: string }) => r.id)).toContain('gift-ca');

    const versions = (await call('GET', '/api/rules/versions?shop_id=shop-a')).json().versions;
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [3, 'published'],
      [2, 'retired'],
      [1, 'retired'],
    ]);
    const v2again = (await call('GET', '/api/rules/versions/2?shop_id=shop-a')).json();
    expect(v2again).toMatchObject({ version: 2, status: 'retired', note: 'only shipping' });
    expect(v2again.rules.map((r: { id: string }) => r.id)).toEqual(['gift-ca']);
    expect((await call('GET', '/api/rules/versions/9?shop_id=shop-a')).statusCode).toBe(404);
    const { rows } = await test.db.query(
      `SELECT count(*)::int AS n FROM rule_sets WHERE shop_id = 'shop-a' AND status = 'published'`,
    );
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('a rollback to a version that never existed is 404 and changes nothing', async () => {
    const res = await call('POST', '/api/rules/rollback', { shop_id: 'shop-a', version: 42 });
    expect(res.statusCode).toBe(404);
    expect((await call('GET', '/api/rules?shop_id=shop-a')).json().published.version).toBe(3);
  });

  it('a draft numbered before a rollback is published after it, with the next version', async () => {
    await call('POST', '/api/rules', { shop_id: 'shop-b', rules: [giftRule] });
    await call('POST', '/api/rules/publish', { shop_id: 'shop-b' }); // v1
    await call('POST', '/api/rules', { shop_id: 'shop-b', rules: [{ ...giftRule, priority: 3 }] }); // draft v2
    await call('POST', '/api/rules/rollback', { shop_id: 'shop-b', version: 1 }); // v3
    const published = (await call('POST', '/api/rules/publish', { shop_id: 'shop-b' })).json().published;
    expect(published.version).toBe(4);
  });
});

describe('customers', () => {
  it('tags are stored lower-case, replaced as a whole, and a bad tag names its index', async () => {
    await insertOrders(test.db, [{ shopId: 'shop-a', orderId: 'cust-1', at: new Date(clock.now()) }]);
    const put = await call('PUT', '/api/shops/shop-a/customers/buyer-1', { tags: ['VIP', 'wholesale'] });
    expect(put.json()).toMatchObject({ tags: ['vip', 'wholesale'], fraud_orders: 0 });
    const again = await call('PUT', '/api/shops/shop-a/customers/buyer-1', {
      tags: ['vip'],
      fraud_orders: 1,
    });
    expect(again.json()).toMatchObject({ tags: ['vip'], fraud_orders: 1 });
    const bad = await call('PUT', '/api/shops/shop-a/customers/buyer-1', { tags: ['ok', 'not ok'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^tags\.1: /);
  });
});
