import { describe, expect, it } from 'vitest';
import { actionSchema } from './actions.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { evaluate } from './evaluate.ts';
import { parseRuleSet } from './rule-schema.ts';

const always = { field: 'order.units', operator: 'exists' };
const withAction = (type: string, parameters: Record<string, unknown>) =>
  parseRuleSet([
    {
      id: 'r1',
      name: 'r1',
      category: 'exception_handling',
      priority: 1,
      conditions: always,
      actions: [{ type, parameters }],
    },
  ]);

describe('every action changes the decision', () => {
  const facts = { 'order.units': 1 };
  const table: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['escalate_priority', { new_priority: 'high' }, { priority: 'viral', prioritySetBy: 'r1' }],
    ['set_priority', { priority: 'automated' }, { priority: 'automated' }],
    [
      'auto_reorder_inventory',
      { multiplier: 2.5, urgent: true },
      { reorders: [{ multiplier: 2.5, urgent: true, ruleId: 'r1' }] },
    ],
    [
      'hold',
      { reason: 'address', duration_minutes: 30 },
      { holds: [{ reason: 'address', duration_minutes: 30, ruleId: 'r1' }] },
    ],
    [
      'hold',
      { reason: 'payment', until: '2026-12-01T00:00:00Z' },
      { holds: [{ reason: 'payment', until: '2026-12-01T00:00:00Z', ruleId: 'r1' }] },
    ],
    [
      'hold',
      { reason: 'operator', until_released: true },
      { holds: [{ reason: 'operator', until_released: true, ruleId: 'r1' }] },
    ],
    [
      'require_manual_review',
      { reason: 'odd address' },
      { manualReview: true, reviewReasons: ['odd address'] },
    ],
    ['select_carrier', { carrier: 'ups' }, { carrier: 'ups' }],
    ['select_service', { service: 'ground' }, { service: 'ground' }],
    ['select_strategy', { strategy: 'fastest' }, { strategy: 'fastest' }],
    ['add_tag', { tag: 'gift' }, { tags: ['gift'] }],
    [
      'notify',
      { channel: 'slack', role: 'fulfillment_team' },
      { notifications: [{ channel: 'slack', role: 'fulfillment_team', ruleId: 'r1' }] },
    ],
    ['stop_processing', {}, { stoppedBy: 'r1' }],
  ];
  it.each(table)('%s %j', (type, parameters, expected) => {
    expect(evaluate(withAction(type, parameters), facts)).toMatchObject(expected);
  });

  it('every action type is covered by the table', () => {
    const types = actionSchema.def.options.map((o) => o.shape.type.value as string);
    expect(new Set(table.map((c) => c[0]))).toEqual(new Set(types));
  });
});

describe('evaluation order', () => {
  const rules = parseRuleSet([
    {
      id: 'b',
      name: 'b',
      category: 'shipping_optimization',
      priority: 5,
      conditions: always,
      actions: [{ type: 'select_carrier', parameters: { carrier: 'usps' } }],
    },
    {
      id: 'a',
      name: 'a',
      category: 'shipping_optimization',
      priority: 5,
      conditions: always,
      actions: [{ type: 'select_carrier', parameters: { carrier: 'fedex' } }],
    },
    {
      id: 'c',
      name: 'c',
      category: 'shipping_optimization',
      priority: 9,
      enabled: false,
      conditions: always,
      actions: [{ type: 'select_carrier', parameters: { carrier: 'dhl' } }],
    },
    {
      id: 'd',
      name: 'd',
      category: 'exception_handling',
      priority: 1,
      stop_processing: true,
      conditions: always,
      actions: [],
    },
    {
      id: 'e',
      name: 'e',
      category: 'exception_handling',
      priority: 0,
      conditions: always,
      actions: [{ type: 'add_tag', parameters: { tag: 'late' } }],
    },
  ]);
  it('runs higher priority first, ties by id, skips disabled rules and stops where told', () => {
    const d = evaluate(rules, { 'order.units': 2 });
    expect(d.fired.map((f) => f.id)).toEqual(['a', 'b', 'd']);
    expect(d.carrier).toBe('fedex');
    expect(d.tags).toEqual([]);
    expect(d.stoppedBy).toBe('d');
  });
  it('explains each condition with the actual value against the expected one', () => {
    const d = evaluate(DEFAULT_RULES, { 'order.value': 200 });
    expect(d.fired.find((f) => f.id === 'vip-customer')?.because).toContainEqual({
      field: 'order.value',
      operator: 'greater_or_equal',
      expected: 150,
      actual: 200,
      passed: true,
    });
  });
});

describe('default rules', () => {
  it.each([
    [
      'a viral spike escalates to viral and re-orders 2.5x urgently',
      { orders_per_hour: 47, velocity_increase: 320, 'order.value': 20 },
      'viral',
    ],
    [
      'a spike below 300% stays standard',
      { 'demand.orders_per_hour': 47, 'demand.velocity_increase': 250, 'order.value': 20 },
      'standard',
    ],
    ['a VIP-tagged customer is vip', { 'customer.tags': ['vip'], 'order.value': 10 }, 'vip'],
    ['an order of $150 is vip', { 'order.value': 150 }, 'vip'],
    [
      'a proven repeat buyer with a small order is automated',
      { 'customer.repeat_orders': 3, 'customer.tags': [], 'order.value': 30 },
      'automated',
    ],
    [
      'a repeat buyer with a chargeback is standard',
      { 'customer.repeat_orders': 5, 'customer.tags': ['chargeback'], 'order.value': 30 },
      'standard',
    ],
    ['a first order is standard', { 'customer.repeat_orders': 0, 'order.value': 30 }, 'standard'],
    [
      'a viral order from a VIP stays viral',
      { 'customer.tags': ['vip'], 'demand.active_spike': true },
      'viral',
    ],
  ])('%s', (_name, facts, priority) => {
    expect(evaluate(DEFAULT_RULES, facts).priority).toBe(priority);
  });

  it('the viral rule re-orders 2.5x urgently', () => {
    expect(evaluate(DEFAULT_RULES, { orders_per_hour: 47, velocity_increase: 320 }).reorders).toEqual([
      { multiplier: 2.5, urgent: true, ruleId: 'viral-001' },
    ]);
  });

  it('an active spike reported by the detector escalates to viral and re-orders 2.5x urgently', () => {
    const d = evaluate(DEFAULT_RULES, { 'demand.active_spike': true, 'order.value': 20 });
    expect(d).toMatchObject({ priority: 'viral', tags: ['viral'] });
    expect(d.reorders).toEqual([{ multiplier: 2.5, urgent: true, ruleId: 'active-spike' }]);
  });

  it('a customer with past fraud but no tag is held like a tagged one', () => {
    const d = evaluate(DEFAULT_RULES, { 'customer.past_fraud': true, 'customer.tags': [] });
    expect(d).toMatchObject({ manualReview: true, stoppedBy: 'fraud-hold' });
  });

  it('a customer tagged fraud is held until released, reviewed, and nothing else runs', () => {
    const d = evaluate(DEFAULT_RULES, { 'customer.tags': ['fraud'], 'order.value': 500 });
    expect(d).toMatchObject({ manualReview: true, stoppedBy: 'fraud-hold', priority: 'standard' });
    expect(d.holds).toEqual([{ reason: 'fraud', until_released: true, ruleId: 'fraud-hold' }]);
  });
});
