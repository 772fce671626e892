// Condition operators: type compatibility and pure evaluation.
import type { FactType, FactValue } from './facts.ts';

export const OPERATORS = [
  'equals',
  'not_equals',
  'greater_than',
  'less_than',
  'greater_or_equal',
  'less_or_equal',
  'between',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'matches',
  'exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Operators that read text: no other fact type takes them. */
const TEXT_ONLY: readonly Operator[] = ['contains', 'starts_with', 'matches'];

const ALLOWED: Record<FactType, readonly Operator[]> = {
  number: OPERATORS.filter((op) => !TEXT_ONLY.includes(op)),
  string: ['equals', 'not_equals', 'in', 'not_in', 'contains', 'starts_with', 'matches', 'exists'],
  boolean: ['equals', 'not_equals', 'exists'],
  'string[]': ['contains', 'in', 'not_in', 'exists'],
};

// True when the value is one of the known operator names.
export function isOperator(value: unknown): value is Operator {
  return typeof value === 'string' && (OPERATORS as readonly string[]).includes(value);
}

// Checks that an operator suits a fact type and its expected value; returns an error message or undefined.
export function checkOperand(type: FactType, op: Operator, value: unknown): string | undefined {
  if (!ALLOWED[type].includes(op)) return `operator "${op}" does not apply to a ${type} field`;
  const scalar = type === 'string[]' ? 'string' : type;
  const isScalar = (v: unknown): boolean =>
    typeof v === scalar && (scalar !== 'number' || Number.isFinite(v));
  switch (op) {
    case 'exists':
      return value === undefined || typeof value === 'boolean'
        ? undefined
        : 'exists takes true, false or no value';
    case 'between': {
      if (
        !Array.isArray(value) ||
        value.length !== 2 ||
        !value.every((v) => typeof v === 'number' && Number.isFinite(v))
      )
        return 'between needs [min, max] numbers';
      const [min, max] = value as [number, number];
      return min <= max ? undefined : `between needs min <= max, got [${min}, ${max}]`;
    }
    case 'in':
    case 'not_in':
      return Array.isArray(value) && value.every(isScalar) ? undefined : `${op} needs an array of ${scalar}s`;
    case 'matches':
      if (typeof value !== 'string') return 'matches needs a regular expression string';
      try {
        new RegExp(value);
        return undefined;
      } catch {
        return `matches needs a valid regular expression, got "${value}"`;
      }
    case 'contains':
    case 'starts_with':
      return typeof value === 'string' ? undefined : `${op} needs a string`;
    case 'equals':
    case 'not_equals':
    case 'greater_than':
    case 'less_than':
    case 'greater_or_equal':
    case 'less_or_equal':
      return isScalar(value) ? undefined : `${op} needs a ${scalar} value`;
  }
}

// Applies an operator to an actual fact value; a missing fact fails every operator except exists.
export function applyOperator(op: Operator, actual: FactValue | undefined, expected: unknown): boolean {
  const missing = actual === undefined || actual === null;
  if (op === 'exists') return missing !== (expected ?? true);
  if (missing) return false;
  switch (op) {
    case 'equals':
      return actual === expected;
    case 'not_equals':
      return actual !== expected;
    case 'greater_than':
      return typeof actual === 'number' && actual > (expected as number);
    case 'less_than':
      return typeof actual === 'number' && actual < (expected as number);
    case 'greater_or_equal':
      return typeof actual === 'number' && actual >= (expected as number);
    case 'less_or_equal':
      return typeof actual === 'number' && actual <= (expected as number);
    case 'between': {
      const [min, max] = expected as [number, number];
      return typeof actual === 'number' && actual >= min && actual <= max;
    }
    case 'in':
    case 'not_in': {
      const list = expected as readonly unknown[];
      const hit = Array.isArray(actual) ? actual.some((a) => list.includes(a)) : list.includes(actual);
      return op === 'in' ? hit : !hit;
    }
    case 'contains':
      return Array.isArray(actual)
        ? actual.includes(expected)
        : typeof actual === 'string' && actual.includes(expected as string);
    case 'starts_with':
      return typeof actual === 'string' && actual.startsWith(expected as string);
    case 'matches':
      return typeof actual === 'string' && new RegExp(expected as string).test(actual);
  }
}
