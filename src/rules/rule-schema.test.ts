import { describe, expect, it } from 'vitest';
import { OPERATORS } from './operators.ts';
import { validateRuleSet } from './rule-schema.ts';

const rule = (over: Record<string, unknown> = {}) => ({
  id: 'r',
  name: 'rule',
  category: 'priority_classification',
  priority: 1,
  conditions: { field: 'order.value', operator: 'greater_than', value: 1 },
  actions: [{ type: 'add_tag', parameters: { tag: 't' } }],
  ...over,
});

function errorsOf(rules: unknown): string[] {
  const r = validateRuleSet(rules);
  return r.ok ? [] : r.errors;
}

describe('rule validation', () => {
  it('accepts a valid rule and fills defaults', () => {
    const r = validateRuleSet([rule()]);
    expect(r.ok && r.rules[0]).toMatchObject({ enabled: true, stop_processing: false });
  });

  it('an unknown operator deep in a nested condition names its exact path', () => {
    const bad = rule({
      conditions: {
        all: [
          { field: 'order.value', operator: 'equals', value: 1 },
          { field: 'order.value', operator: 'greater', value: 1 },
        ],
      },
    });
    expect(errorsOf([rule({ id: 'a' }), rule({ id: 'b' }), bad])).toEqual([
      `rules[2].conditions.all[1].operator: must be one of ${OPERATORS.join(', ')} (got "greater")`,
    ]);
  });

  it.each([
    [
      { field: 'order.value', operator: 'between', value: 5 },
      'rules[0].conditions.value: between needs [min, max] numbers',
    ],
    [
      { field: 'order.destination_state', operator: 'in', value: 'CA' },
      'rules[0].conditions.value: in needs an array of strings',
    ],
    [
      { field: 'order.destination_postcode', operator: 'matches', value: '([' },
      'rules[0].conditions.value: matches needs a valid regular expression, got "(["',
    ],
    [
      { field: 'order.colour', operator: 'equals', value: 'red' },
      'rules[0].conditions.field: unknown fact field "order.colour"',
    ],
    [{ any: [] }, 'rules[0].conditions.any: any needs a non-empty array'],
    [[{ operator: 'equals', value: 1 }], 'rules[0].conditions[0].field: field is required'],
  ])('condition %j is rejected with %s', (conditions, message) => {
    expect(errorsOf([rule({ conditions })])).toEqual([message]);
  });

  it('the design aliases orders_per_hour and velocity_increase are valid fields', () => {
    expect(
      errorsOf([
        rule({
          conditions: [
            { field: 'orders_per_hour', operator: 'greater_than', value: 40 },
            { field: 'velocity_increase', operator: 'greater_than', value: 300 },
          ],
        }),
      ]),
    ).toEqual([]);
  });

  it('action parameter errors point into the action', () => {
    const errors = errorsOf([
      rule({
        actions: [
          { type: 'add_tag', parameters: { tag: 'x' } },
          { type: 'select_strategy', parameters: { strategy: 'slowest' } },
        ],
      }),
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^rules\[0\]\.actions\[1\]\.parameters\.strategy: /);
  });

  it('a hold needs exactly one of duration, date or release', () => {
    const errors = errorsOf([
      rule({
        actions: [
          { type: 'hold', parameters: { reason: 'fraud', duration_minutes: 5, until_released: true } },
        ],
      }),
    ]);
    expect(errors).toEqual([
      'rules[0].actions[0].parameters: hold needs exactly one of duration_minutes, until or until_released',
    ]);
  });

  it('an unknown action type is rejected at that action', () => {
    expect(errorsOf([rule({ actions: [{ type: 'explode', parameters: {} }] })])[0]).toMatch(
      /^rules\[0\]\.actions\[0\]/,
    );
  });

  it('an unknown category and duplicate ids are named', () => {
    expect(errorsOf([rule({ category: 'misc' })])[0]).toMatch(/^rules\[0\]\.category: /);
    expect(errorsOf([rule(), rule()])).toEqual(['rules[1].id: duplicate rule id "r"']);
  });

  it('a misspelt rule key is an error rather than silently dropped', () => {
    expect(errorsOf([rule({ stop_procesing: true })])).toEqual([
      'rules[0]: Unrecognized key: "stop_procesing"',
    ]);
  });

  it('a rule id must be usable in a URL path', () => {
    expect(errorsOf([rule({ id: 'has space' })])).toEqual([
      'rules[0].id: use 1-64 letters, digits, dot, dash, underscore or colon',
    ]);
  });
});
