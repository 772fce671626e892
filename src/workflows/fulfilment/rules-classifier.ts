import type { Queryable } from '../../db/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { classifyOrder, type Classification, type Hold } from '../../rules/index.ts';
import type { ClassifyOrder, OrderDecision } from './fulfilment-deps.ts';

/**
 * The rules engine as the workflow's classifier: the shop's published rule set decides, its
 * evaluation is in the order's timeline (`rules_evaluated`), and the decision is translated to what
 * the workflow applies.
 */
export function rulesClassifier(deps: { db: Queryable; clock: Clock }): ClassifyOrder {
  return async (key) => toOrderDecision(await classifyOrder(deps, key), deps.clock.now());
}

/** A rules decision in the workflow's terms; `now` anchors holds given as a duration. */
export function toOrderDecision(d: Classification, now: number): OrderDecision {
  const hold = d.holds[0];
  return {
    ...(d.prioritySetBy ? { priority: d.priority } : {}),
    ...(hold
      ? { hold: { reason: `${hold.reason} (rule ${hold.ruleId})`, until: holdUntil(hold, now) } }
      : {}),
    ...(d.manualReview
      ? { manualReview: { reason: d.reviewReasons.join('; ') || 'a rule asks for review' } }
      : {}),
    ...(d.carrier ? { carrier: d.carrier } : {}),
    ...(d.service ? { service: d.service } : {}),
    ...(d.strategy ? { strategy: d.strategy } : {}),
    reorders: d.reorders.map((r) => ({ multiplier: r.multiplier, urgent: r.urgent, ruleId: r.ruleId })),
    notifications: d.notifications.map((n) => ({ role: n.role, message: n.message, ruleId: n.ruleId })),
    summary: {
      rule_set: d.ruleSet,
      fired: d.fired.map((f) => f.id),
      ...(d.tags.length > 0 ? { tags: d.tags } : {}),
      ...(d.prioritySetBy ? { priority_set_by: d.prioritySetBy } : {}),
    },
  };
}

function holdUntil(hold: Hold, now: number): Date | undefined {
  if (hold.duration_minutes !== undefined) return new Date(now + hold.duration_minutes * 60_000);
  if (hold.until !== undefined) return new Date(hold.until);
  return undefined;
}
