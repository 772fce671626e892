import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { transitionOrder, type OrderEvent } from '../../src/orders/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  await test.db.query(`INSERT INTO shops (shop_id, shop_cipher) VALUES ('s', 'c')`);
});
afterAll(() => test.drop());
beforeEach(async () => {
  await test.db.query('DELETE FROM orders');
  await test.db.query(`INSERT INTO orders (shop_id, order_id, sla_deadline) VALUES ('s', 'o1', now())`);
});

const apply = (event: OrderEvent, detail: Record<string, unknown> = {}) =>
  test.db.transaction((tx) =>
    transitionOrder(tx, { shopId: 's', orderId: 'o1', event, detail, at: new Date('2026-11-24T12:00:00Z') }),
  );

async function timeline(): Promise<{ kind: string; from_state: string | null; to_state: string | null }[]> {
  const { rows } = await test.db.query<{ kind: string; from_state: string | null; to_state: string | null }>(
    `SELECT kind, from_state, to_state FROM order_events WHERE order_id = 'o1' ORDER BY id`,
  );
  return rows;
}

async function state(): Promise<string> {
  const { rows } = await test.db.query<{ state: string }>(`SELECT state FROM orders WHERE order_id = 'o1'`);
  return rows[0]!.state;
}

describe('order transitions', () => {
  it('change the state and append to the timeline together', async () => {
    expect(await apply('validate')).toMatchObject({ ok: true, from: 'received', to: 'validated' });
    expect(await state()).toBe('validated');
    expect(await timeline()).toEqual([{ kind: 'transition', from_state: 'received', to_state: 'validated' }]);
  });

  it('an illegal event is refused as a value and recorded, and the order is untouched', async () => {
    const result = await apply('ship');
    expect(result).toMatchObject({ ok: false, state: 'received' });
    expect(await state()).toBe('received');
    expect(await timeline()).toEqual([
      { kind: 'transition_refused', from_state: 'received', to_state: null },
    ]);
  });

  it('a transaction that fails after the transition leaves neither the state nor the event', async () => {
    await expect(
      test.db.transaction(async (tx) => {
        await transitionOrder(tx, { shopId: 's', orderId: 'o1', event: 'validate', at: new Date() });
        throw new Error('the step failed afterwards');
      }),
    ).rejects.toThrow('the step failed afterwards');
    expect(await state()).toBe('received');
    expect(await timeline()).toEqual([]);
  });

  it('two concurrent events on one order: exactly one applies, the other is recorded as refused', async () => {
    const results = await Promise.all([apply('validate'), apply('fail')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const events = await timeline();
    expect(events.filter((e) => e.kind === 'transition')).toHaveLength(1);
    expect(events).toHaveLength(2);
    expect(['validated', 'failed']).toContain(await state());
  });

  it('a state the caller read that is no longer true is refused as stale and recorded with its detail', async () => {
    await apply('validate');
    const result = await test.db.transaction((tx) =>
      transitionOrder(tx, {
        shopId: 's',
        orderId: 'o1',
        event: 'validate',
        detail: { by: 'test' },
        lockedState: 'received',
        at: new Date('2026-11-24T12:00:01Z'),
      }),
    );
    expect(result).toMatchObject({ ok: false, state: undefined });
    expect(await state()).toBe('validated');
    const { rows } = await test.db.query<{ kind: string; to_state: string | null; detail: object }>(
      `SELECT kind, to_state, detail FROM order_events WHERE order_id = 'o1' ORDER BY id`,
    );
    expect(rows).toEqual([
      { kind: 'transition', to_state: 'validated', detail: { event: 'validate' } },
      {
        kind: 'transition_refused',
        to_state: null,
        detail: {
          event: 'validate',
          by: 'test',
          reason: 'stale: the order left received before "validate" could apply',
        },
      },
    ]);
  });

  it('records the compensations a transition implies', async () => {
    for (const event of ['validate', 'start_processing', 'reserve_stock'] as const) await apply(event);
    await apply('tiktok_cancel');
    const { rows } = await test.db.query<{ detail: { compensations?: string[] } }>(
      `SELECT detail FROM order_events WHERE order_id = 'o1' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]!.detail.compensations).toEqual(['release_stock']);
  });
});
