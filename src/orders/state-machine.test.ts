import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptedEvents, decide, type OrderEvent } from './state-machine.ts';
import { HOLDS_STOCK, ORDER_STATES, TERMINAL_STATES, type OrderState } from './states.ts';

const EVENTS: readonly OrderEvent[] = [
  'validate',
  'start_processing',
  'reserve_stock',
  'buy_label',
  'ship',
  'deliver',
  'fail',
  'retry',
  'cancel',
  'tiktok_cancel',
];

// The lifecycle as DEVELOPERS.md and CONTRACT.md state it, written out independently of the table.
const ALLOWED: ReadonlyArray<[OrderState, OrderEvent, OrderState]> = [
  ['received', 'validate', 'validated'],
  ['validated', 'start_processing', 'processing'],
  ['processing', 'reserve_stock', 'inventory_reserved'],
  ['inventory_reserved', 'buy_label', 'label_generated'],
  ['label_generated', 'ship', 'shipped'],
  ['shipped', 'deliver', 'delivered'],
  ['received', 'fail', 'failed'],
  ['processing', 'fail', 'failed'],
  ['inventory_reserved', 'fail', 'failed'],
  ['label_generated', 'fail', 'failed'],
  ['validated', 'cancel', 'cancelled'],
  ['shipped', 'cancel', 'cancelled'],
  ['received', 'tiktok_cancel', 'cancelled'],
  ['validated', 'tiktok_cancel', 'cancelled'],
  ['processing', 'tiktok_cancel', 'cancelled'],
  ['inventory_reserved', 'tiktok_cancel', 'cancelled'],
  ['label_generated', 'tiktok_cancel', 'cancelled'],
  ['failed', 'tiktok_cancel', 'cancelled'],
  ['failed', 'retry', 'processing'],
];

const allPairs = ORDER_STATES.flatMap((state) => EVENTS.map((event) => [state, event] as const));

describe('the order state machine', () => {
  it.each(allPairs)('decides %s + %s exactly as the lifecycle says', (state, event) => {
    const expected = ALLOWED.find(([from, e]) => from === state && e === event);
    const decision = decide(state, event);
    if (expected) {
      expect(decision).toMatchObject({ ok: true, from: state, to: expected[2] });
    } else {
      expect(decision).toMatchObject({ ok: false, from: state, event });
      if (!decision.ok) expect(decision.reason.length).toBeGreaterThan(10);
    }
  });

  it('a TikTok cancellation is honoured from every state before shipping, and from none after', () => {
    for (const state of ORDER_STATES) {
      const beforeShipping = !['shipped', 'delivered', 'cancelled'].includes(state);
      expect(decide(state, 'tiktok_cancel').ok).toBe(beforeShipping);
    }
  });

  it('leaving a state that holds stock for failure or cancellation releases it, and voids a bought label first', () => {
    expect(decide('inventory_reserved', 'fail')).toMatchObject({ compensations: ['release_stock'] });
    expect(decide('label_generated', 'tiktok_cancel')).toMatchObject({
      compensations: ['void_label', 'release_stock'],
    });
    expect(decide('processing', 'tiktok_cancel')).toMatchObject({ compensations: [] });
  });

  it('an operator cancellation is carried to TikTok, and a TikTok cancellation is not sent back', () => {
    expect(decide('validated', 'cancel')).toMatchObject({ compensations: ['cancel_on_tiktok'] });
    expect(decide('validated', 'tiktok_cancel')).toMatchObject({ compensations: [] });
  });

  it('lists the events each state accepts', () => {
    expect(acceptedEvents('failed').sort()).toEqual(['retry', 'tiktok_cancel']);
    expect(acceptedEvents('delivered')).toEqual([]);
  });

  it('any sequence of events keeps an order in a legal state, and terminal states stay terminal', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 40 }), (events) => {
        let state: OrderState = 'received';
        for (const event of events) {
          const decision = decide(state, event);
          if (TERMINAL_STATES.has(state)) expect(decision.ok).toBe(false);
          if (decision.ok) state = decision.to;
          expect(ORDER_STATES).toContain(state);
        }
      }),
    );
  });

  it('under any sequence of events stock is held at most once and never left behind', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 40 }), (events) => {
        let state: OrderState = 'received';
        let held = 0;
        let labels = 0;
        for (const event of events) {
          const decision = decide(state, event);
          if (!decision.ok) continue;
          if (decision.to === 'inventory_reserved') held += 1;
          if (decision.to === 'label_generated') labels += 1;
          for (const compensation of decision.compensations) {
            if (compensation === 'release_stock') held -= 1;
            if (compensation === 'void_label') labels -= 1;
          }
          if (decision.to === 'shipped') {
            held -= 1; // consumed on shipping
            labels -= 1; // the label is used, not voidable
          }
          state = decision.to;
          expect(held).toBe(HOLDS_STOCK.has(state) ? 1 : 0);
          expect(labels).toBe(state === 'label_generated' ? 1 : 0);
        }
      }),
    );
  });

  it('is deterministic: the same state and event always give the same decision', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_STATES), fc.constantFrom(...EVENTS), (state, event) => {
        expect(decide(state, event)).toEqual(decide(state, event));
      }),
    );
  });
});
