// Pure, deterministic rule evaluation: rule set + facts -> decision with explanations.
import type { Priority } from '../orders/index.ts';
import type { Action } from './actions.ts';
import { readFact, type FactValue, type Facts } from './facts.ts';
import { applyOperator } from './operators.ts';
import type { Condition, Rule } from './rule-schema.ts';

export type ConditionTrace = {
  readonly field: string;
  readonly operator: string;
  readonly expected: unknown;
  readonly actual: FactValue | undefined;
  readonly passed: boolean;
};
export type FiredRule = {
  readonly id: string;
  readonly name: string;
  readonly because: readonly ConditionTrace[];
};
export type Hold = Extract<Action, { type: 'hold' }>['parameters'] & { readonly ruleId: string };
export type Notification = {
  readonly channel: string;
  readonly role: string;
  readonly message?: string;
  readonly ruleId: string;
};
export type ReorderRequest = {
  readonly multiplier: number;
  readonly urgent: boolean;
  readonly ruleId: string;
};

export type Decision = {
  priority: Priority;
  prioritySetBy: string | null;
  holds: Hold[];
  manualReview: boolean;
  reviewReasons: string[];
  carrier: string | null;
  service: string | null;
  strategy: 'cheapest' | 'fastest' | 'best_value' | null;
  tags: string[];
  notifications: Notification[];
  reorders: ReorderRequest[];
  fired: FiredRule[];
  stoppedBy: string | null;
};

const RANK: Record<Priority, number> = { automated: 0, standard: 1, vip: 2, viral: 3 };

// Orders rules as they run: priority descending, ties by id ascending; disabled rules dropped.
export function orderRules(rules: readonly Rule[]): Rule[] {
  return rules
    .filter((r) => r.enabled)
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// Evaluates a condition tree, appending each leaf's actual-vs-expected to the trace.
export function testCondition(
  cond: Condition | readonly Condition[],
  facts: Facts,
  trace: ConditionTrace[],
): boolean {
  if (Array.isArray(cond)) return (cond as readonly Condition[]).every((c) => testCondition(c, facts, trace));
  const node = cond as Condition;
  if ('all' in node) return node.all.every((c) => testCondition(c, facts, trace));
  if ('any' in node) return node.any.some((c) => testCondition(c, facts, trace));
  const actual = readFact(facts, node.field);
  const passed = applyOperator(node.operator, actual, node.value);
  trace.push({ field: node.field, operator: node.operator, expected: node.value, actual, passed });
  return passed;
}

// Starting point: a standard order with nothing decided.
export function emptyDecision(): Decision {
  return {
    priority: 'standard',
    prioritySetBy: null,
    holds: [],
    manualReview: false,
    reviewReasons: [],
    carrier: null,
    service: null,
    strategy: null,
    tags: [],
    notifications: [],
    reorders: [],
    fired: [],
    stoppedBy: null,
  };
}

// Applies one action of a fired rule; returns true when the action stops processing.
function apply(d: Decision, a: Action, ruleId: string): boolean {
  switch (a.type) {
    case 'set_priority':
    case 'escalate_priority': {
      const p = (a.parameters.new_priority ?? a.parameters.priority) as Priority;
      // The highest-priority rule that sets a lane decides it; escalation only ever raises it.
      const free = d.prioritySetBy === null;
      if (free || (a.type === 'escalate_priority' && RANK[p] > RANK[d.priority])) {
        d.priority = p;
        d.prioritySetBy = ruleId;
      }
      return false;
    }
    case 'auto_reorder_inventory':
      d.reorders.push({ multiplier: a.parameters.multiplier, urgent: a.parameters.urgent, ruleId });
      return false;
    case 'hold':
      d.holds.push({ ...a.parameters, ruleId });
      return false;
    case 'require_manual_review':
      d.manualReview = true;
      d.reviewReasons.push(a.parameters.reason ?? ruleId);
      return false;
    case 'select_carrier':
      d.carrier ??= a.parameters.carrier;
      return false;
    case 'select_service':
      d.service ??= a.parameters.service;
      return false;
    case 'select_strategy':
      d.strategy ??= a.parameters.strategy;
      return false;
    case 'add_tag':
      if (!d.tags.includes(a.parameters.tag)) d.tags.push(a.parameters.tag);
      return false;
    case 'notify':
      d.notifications.push({ ...a.parameters, ruleId });
      return false;
    case 'stop_processing':
      return true;
  }
}

/**
 * Runs a validated rule set over one order's facts. Pure and deterministic: the result does not
 * depend on the order of the input array.
 * @example evaluate(DEFAULT_RULES, { 'order.value': 180 }).priority // 'vip'
 */
export function evaluate(rules: readonly Rule[], facts: Facts): Decision {
  const d = emptyDecision();
  for (const rule of orderRules(rules)) {
    const because: ConditionTrace[] = [];
    if (!testCondition(rule.conditions, facts, because)) continue;
    d.fired.push({ id: rule.id, name: rule.name, because });
    let stop = rule.stop_processing;
    for (const action of rule.actions) stop = apply(d, action, rule.id) || stop;
    if (stop) {
      d.stoppedBy = rule.id;
      break;
    }
  }
  return d;
}
