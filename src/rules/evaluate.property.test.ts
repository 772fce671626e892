import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { parseRuleSet, type Rule } from './rule-schema.ts';

const condition = fc.oneof(
  fc.record({
    field: fc.constant('order.value'),
    operator: fc.constantFrom('greater_than', 'less_than', 'equals'),
    value: fc.integer({ min: 0, max: 200 }),
  }),
  fc.record({
    field: fc.constant('customer.tags'),
    operator: fc.constant('contains'),
    value: fc.constantFrom('vip', 'fraud'),
  }),
  fc.record({
    field: fc.constant('order.residential'),
    operator: fc.constant('equals'),
    value: fc.boolean(),
  }),
);
const action = fc.oneof(
  fc.record({
    type: fc.constantFrom('escalate_priority', 'set_priority'),
    parameters: fc.record({ new_priority: fc.constantFrom('viral', 'vip', 'standard', 'automated') }),
  }),
  fc.record({
    type: fc.constant('select_carrier'),
    parameters: fc.record({ carrier: fc.constantFrom('ups', 'usps', 'fedex') }),
  }),
  fc.record({ type: fc.constant('add_tag'), parameters: fc.record({ tag: fc.constantFrom('a', 'b', 'c') }) }),
  fc.record({ type: fc.constant('stop_processing'), parameters: fc.constant({}) }),
  fc.record({
    type: fc.constant('auto_reorder_inventory'),
    parameters: fc.record({ multiplier: fc.constantFrom(1.5, 2.5), urgent: fc.boolean() }),
  }),
);
const ruleSet = fc
  .array(
    fc.record({
      name: fc.constant('r'),
      category: fc.constant('priority_classification'),
      priority: fc.integer({ min: 0, max: 5 }),
      enabled: fc.boolean(),
      stop_processing: fc.boolean(),
      conditions: fc.oneof(
        fc.array(condition, { maxLength: 3 }),
        fc.record({ any: fc.array(condition, { minLength: 1, maxLength: 3 }) }),
      ),
      actions: fc.array(action, { maxLength: 3 }),
    }),
    { maxLength: 8 },
  )
  .map((rs) => parseRuleSet(rs.map((r, i) => ({ ...r, id: `rule-${i}` }))));
const facts = fc.record(
  {
    'order.value': fc.integer({ min: 0, max: 200 }),
    'customer.tags': fc.subarray(['vip', 'fraud']),
    'order.residential': fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('evaluation properties', () => {
  it('is deterministic and independent of the order of the rule array', () => {
    fc.assert(
      fc.property(ruleSet, facts, fc.infiniteStream(fc.nat()), (rules, f, shuffle) => {
        const keys = rules.map(() => shuffle.next().value as number);
        const shuffled = rules
          .map((r, i) => [keys[i] ?? 0, r] as const)
          .sort((a, b) => a[0] - b[0])
          .map((x) => x[1]);
        expect(evaluate(rules, f)).toEqual(evaluate(rules, f));
        expect(evaluate(shuffled, f)).toEqual(evaluate(rules, f));
      }),
    );
  });

  it('no rule fires after the one that stops processing, and that rule asked to stop', () => {
    fc.assert(
      fc.property(ruleSet, facts, (rules, f) => {
        const d = evaluate(rules, f);
        if (d.stoppedBy === null) return;
        const fired = d.fired.map((x) => x.id);
        expect(fired.at(-1)).toBe(d.stoppedBy);
        const stopper = rules.find((r) => r.id === d.stoppedBy) as Rule;
        expect(stopper.stop_processing || stopper.actions.some((a) => a.type === 'stop_processing')).toBe(
          true,
        );
        // No earlier-fired rule asked to stop.
        for (const id of fired.slice(0, -1)) {
          const r = rules.find((x) => x.id === id) as Rule;
          expect(r.stop_processing || r.actions.some((a) => a.type === 'stop_processing')).toBe(false);
        }
      }),
    );
  });

  it('fired rules appear in priority order and disabled rules never fire', () => {
    fc.assert(
      fc.property(ruleSet, facts, (rules, f) => {
        const byId = new Map(rules.map((r) => [r.id, r]));
        const fired = evaluate(rules, f).fired.map((x) => byId.get(x.id) as Rule);
        expect(fired.every((r) => r.enabled)).toBe(true);
        for (let i = 1; i < fired.length; i++)
          expect((fired[i - 1] as Rule).priority).toBeGreaterThanOrEqual((fired[i] as Rule).priority);
      }),
    );
  });
});
