// Classifies one stored order: its facts, the published rules, a decision, one timeline entry.
import type { Queryable } from '../db/index.ts';
import { appendOrderEvent } from '../orders/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { evaluate, type Decision } from './evaluate.ts';
import type { Facts } from './facts.ts';
import { loadOrderSnapshots } from './order-facts-queries.ts';
import { buildOrderFacts } from './order-facts.ts';
import type { Rule } from './rule-schema.ts';
import { loadPublishedRuleSet, refOf, type RuleSetRef } from './rule-set-queries.ts';

/**
 * The rules' decision for one order, with the facts it was taken from and the rule-set version
 * that ran. The fulfilment workflow translates it to the OrderDecision it applies.
 */
export type Classification = Decision & { readonly ruleSet: RuleSetRef; readonly facts: Facts };

/** Pure: evaluates a rule set over facts and stamps the version that ran. */
export function decideOrder(rules: readonly Rule[], ruleSet: RuleSetRef, facts: Facts): Classification {
  return { ...evaluate(rules, facts), ruleSet, facts };
}

/** What the timeline keeps of a decision: the version, what was decided, which rules fired and why. */
export function timelineDetail(d: Classification): Record<string, unknown> {
  return {
    rule_set_id: d.ruleSet.id,
    rule_set_version: d.ruleSet.version,
    rule_set_scope: d.ruleSet.shopId ?? 'global',
    priority: d.priority,
    holds: d.holds,
    manual_review: d.manualReview,
    carrier: d.carrier,
    service: d.service,
    strategy: d.strategy,
    tags: d.tags,
    fired: d.fired.map((f) => ({
      id: f.id,
      name: f.name,
      because: f.because.map((c) => ({
        field: c.field,
        operator: c.operator,
        expected: c.expected,
        actual: c.actual ?? null,
        passed: c.passed,
      })),
    })),
    stopped_by: d.stoppedBy,
  };
}

/**
 * Builds an order's facts from the database, evaluates the shop's published rule set (or the global
 * default) and appends one `rules_evaluated` entry to the order's timeline. Applies nothing else:
 * the fulfilment workflow applies the decision. Pass a transaction as `db` to keep both together.
 * @example const d = await classifyOrder({ db, clock }, { shopId: 's1', orderId: '576...' }); d.priority
 */
export async function classifyOrder(
  deps: { readonly db: Queryable; readonly clock: Clock },
  input: { readonly shopId: string; readonly orderId: string },
): Promise<Classification> {
  const now = new Date(deps.clock.now());
  const [snapshot] = await loadOrderSnapshots(deps.db, [input], { now, asOf: 'now' });
  if (!snapshot)
    throw new AppError('NOT_FOUND', `No order ${input.orderId} of shop ${input.shopId} is stored`);
  const ruleSet = await loadPublishedRuleSet(deps.db, input.shopId);
  const decision = decideOrder(ruleSet.rules, refOf(ruleSet), buildOrderFacts(snapshot));
  await appendOrderEvent(deps.db, {
    shopId: input.shopId,
    orderId: input.orderId,
    kind: 'rules_evaluated',
    from: null,
    to: null,
    detail: timelineDetail(decision),
    at: now,
  });
  return decision;
}
