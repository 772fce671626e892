// Dry run: replays a candidate rule set over stored orders and reports what would change.
import type { Queryable } from '../db/index.ts';
import { AppError } from '../shared/errors.ts';
import { evaluate, type Decision } from './evaluate.ts';
import { loadOrderSnapshots } from './order-facts-queries.ts';
import { buildOrderFacts } from './order-facts.ts';
import { checkRuleSet, type Rule } from './rule-schema.ts';
import { findInScope, loadPublishedRuleSet } from './rule-set-queries.ts';
import { assertScope, invalidRules } from './rule-sets.ts';

/** The parts of a decision a dry run compares. */
export interface Outcome {
  priority: string;
  holds: string[];
  manual_review: boolean;
  carrier: string | null;
  service: string | null;
  strategy: string | null;
  fired: string[];
}

export interface DryRunReport {
  scope: string;
  published_version: number;
  candidate: string;
  orders: number;
  changed: number;
  priority: { changed: number; transitions: Record<string, number> };
  holds: { changed: number; added: number; removed: number };
  manual_review: { changed: number };
  carrier: { changed: number };
  service: { changed: number };
  strategy: { changed: number };
  examples: { shop_id: string; order_id: string; received_at: Date; before: Outcome; after: Outcome }[];
}

/** The comparable outcome of a decision (holds as their reasons). */
export function outcomeOf(d: Decision): Outcome {
  return {
    priority: d.priority,
    holds: d.holds.map((h) => h.reason).sort(),
    manual_review: d.manualReview,
    carrier: d.carrier,
    service: d.service,
    strategy: d.strategy,
    fired: d.fired.map((f) => f.id),
  };
}

/** Pure: compares two outcomes per order and counts the differences. */
export function compareOutcomes(
  pairs: readonly { shop_id: string; order_id: string; received_at: Date; before: Outcome; after: Outcome }[],
  maxExamples: number,
): Omit<DryRunReport, 'scope' | 'published_version' | 'candidate'> {
  const r: Omit<DryRunReport, 'scope' | 'published_version' | 'candidate'> = {
    orders: pairs.length,
    changed: 0,
    priority: { changed: 0, transitions: {} },
    holds: { changed: 0, added: 0, removed: 0 },
    manual_review: { changed: 0 },
    carrier: { changed: 0 },
    service: { changed: 0 },
    strategy: { changed: 0 },
    examples: [],
  };
  for (const p of pairs) {
    const { before: b, after: a } = p;
    let changed = false;
    if (b.priority !== a.priority) {
      r.priority.changed++;
      const key = `${b.priority}->${a.priority}`;
      r.priority.transitions[key] = (r.priority.transitions[key] ?? 0) + 1;
      changed = true;
    }
    if (b.holds.join() !== a.holds.join()) {
      r.holds.changed++;
      if (b.holds.length === 0) r.holds.added++;
      if (a.holds.length === 0) r.holds.removed++;
      changed = true;
    }
    for (const k of ['manual_review', 'carrier', 'service', 'strategy'] as const) {
      if (b[k] !== a[k]) {
        r[k].changed++;
        changed = true;
      }
    }
    if (!changed) continue;
    r.changed++;
    if (r.examples.length < maxExamples) r.examples.push(p);
  }
  return r;
}

/**
 * Replays `rules` (or the scope's draft when omitted) and the published set over the newest
 * `limit` stored orders of the scope, each with the facts it had when it arrived. A global run
 * leaves out shops that run rules of their own.
 */
export async function dryRunRules(
  deps: { readonly db: Queryable },
  input: { shopId: string | null; rules?: unknown; limit: number; examples: number; now: Date },
): Promise<DryRunReport> {
  await assertScope(deps.db, input.shopId);
  let candidate: Rule[];
  let label: string;
  if (input.rules !== undefined) {
    const checked = checkRuleSet(input.rules);
    if (!checked.ok) throw invalidRules(checked.problems);
    candidate = checked.rules;
    label = 'rules in the request';
  } else {
    const draft = await findInScope(deps.db, input.shopId, 'draft');
    if (!draft)
      throw new AppError(
        'CONFLICT',
        'There is no draft to try; send rules, or create a draft with POST /api/rules',
      );
    candidate = draft.rules;
    label = `draft version ${draft.version}`;
  }
  const published = await loadPublishedRuleSet(deps.db, input.shopId);
  const { rows } = await deps.db.query<{ shop_id: string; order_id: string }>(
    `SELECT o.shop_id, o.order_id FROM orders o
      WHERE ($1::text IS NULL AND NOT EXISTS (SELECT 1 FROM rule_sets r WHERE r.shop_id = o.shop_id AND r.status = 'published'))
         OR o.shop_id = $1
      ORDER BY o.received_at DESC, o.order_id DESC
      LIMIT $2`,
    [input.shopId, input.limit],
  );
  const snapshots = await loadOrderSnapshots(
    deps.db,
    rows.map((r) => ({ shopId: r.shop_id, orderId: r.order_id })),
    { now: input.now, asOf: 'received' },
  );
  snapshots.sort(
    (a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a.orderId < b.orderId ? 1 : -1),
  );
  const pairs = snapshots.map((s) => {
    const facts = buildOrderFacts(s);
    return {
      shop_id: s.shopId,
      order_id: s.orderId,
      received_at: s.receivedAt,
      before: outcomeOf(evaluate(published.rules, facts)),
      after: outcomeOf(evaluate(candidate, facts)),
    };
  });
  return {
    scope: input.shopId ?? 'global',
    published_version: published.version,
    candidate: label,
    ...compareOutcomes(pairs, input.examples),
  };
}
