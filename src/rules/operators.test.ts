import { describe, expect, it } from 'vitest';
import type { FactType, FactValue } from './facts.ts';
import { applyOperator, checkOperand, OPERATORS, type Operator } from './operators.ts';

const cases: [Operator, FactValue | undefined, unknown, boolean][] = [
  ['equals', 5, 5, true],
  ['equals', 'CA', 'NY', false],
  ['equals', undefined, 5, false],
  ['not_equals', 5, 6, true],
  ['not_equals', true, true, false],
  ['greater_than', 41, 40, true],
  ['greater_than', 40, 40, false],
  ['less_than', 39, 40, true],
  ['less_than', 40, 40, false],
  ['greater_or_equal', 150, 150, true],
  ['greater_or_equal', 149.99, 150, false],
  ['less_or_equal', 75, 75, true],
  ['less_or_equal', 76, 75, false],
  ['between', 10, [10, 20], true],
  ['between', 20, [10, 20], true],
  ['between', 21, [10, 20], false],
  ['in', 'CA', ['CA', 'NY'], true],
  ['in', 'TX', ['CA', 'NY'], false],
  ['in', ['a', 'vip'], ['vip'], true],
  ['not_in', 'TX', ['CA', 'NY'], true],
  ['not_in', ['fraud'], ['fraud', 'chargeback'], false],
  ['not_in', [], ['fraud'], true],
  ['contains', ['vip', 'repeat'], 'vip', true],
  ['contains', ['repeat'], 'vip', false],
  ['contains', 'express-2day', '2day', true],
  ['starts_with', 'SKU-123', 'SKU-', true],
  ['starts_with', 'XSKU-123', 'SKU-', false],
  ['matches', '90210', '^9\\d{4}$', true],
  ['matches', '10001', '^9\\d{4}$', false],
  ['exists', 0, undefined, true],
  ['exists', undefined, undefined, false],
  ['exists', undefined, false, true],
  ['exists', null, true, false],
];

describe('operators', () => {
  it.each(cases)('%s with actual %j and expected %j gives %s', (op, actual, expected, result) => {
    expect(applyOperator(op, actual, expected)).toBe(result);
  });

  it('every operator is covered by the table', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(OPERATORS));
  });

  it('a missing fact fails every operator except exists', () => {
    for (const op of OPERATORS.filter((o) => o !== 'exists'))
      expect(applyOperator(op, undefined, 1)).toBe(false);
  });
});

describe('operand checks', () => {
  const checks: [FactType, Operator, unknown, string | undefined][] = [
    ['number', 'between', [1, 2], undefined],
    ['number', 'between', 5, 'between needs [min, max] numbers'],
    ['number', 'between', [3, 1], 'between needs min <= max, got [3, 1]'],
    ['string', 'in', 'CA', 'in needs an array of strings'],
    ['number', 'in', [1, 'x'], 'in needs an array of numbers'],
    ['string', 'matches', '([', 'matches needs a valid regular expression, got "(["'],
    ['number', 'greater_than', '40', 'greater_than needs a number value'],
    ['boolean', 'greater_than', 1, 'operator "greater_than" does not apply to a boolean field'],
    ['string[]', 'contains', 'vip', undefined],
    ['string[]', 'contains', 3, 'contains needs a string'],
    ['number', 'exists', 'yes', 'exists takes true, false or no value'],
    ['string', 'starts_with', 'SKU', undefined],
  ];
  it.each(checks)('%s field, %s %j -> %s', (type, op, value, message) => {
    expect(checkOperand(type, op, value)).toBe(message);
  });
});
