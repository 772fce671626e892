// Rule-set versions as operators change them: draft, edit, publish, roll back.
import type { Database, Queryable } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { assertShopRegistered } from '../shops/index.ts';
import { AppError } from '../shared/errors.ts';
import { checkRuleSet, type Rule, type RuleProblem } from './rule-schema.ts';
import {
  deleteDraft,
  findInScope,
  findVersion,
  insertVersion,
  loadPublishedRuleSet,
  lockScope,
  publishVersion,
  retirePublished,
  updateDraftRules,
  type RuleSetRow,
} from './rule-set-queries.ts';

export type RuleSetDeps = { readonly db: Database; readonly clock: Clock };

/** What GET /api/rules shows for one scope. */
export interface RuleSetsView {
  shop_id: string | null;
  /** The set this scope runs now; `inherited` when a shop runs the global default. */
  published: RuleSetRow & { inherited: boolean };
  draft: RuleSetRow | null;
}

/** A 400 whose message names the first problem's field and whose details list them all. */
export function invalidRules(problems: readonly RuleProblem[]): AppError {
  const first = problems[0];
  return new AppError('BAD_REQUEST', first ? `${first.field}: ${first.message}` : 'Invalid rules', {
    details: { problems },
  });
}

/** Refuses a shop that is not registered (a global scope, null, always exists). */
export async function assertScope(db: Queryable, shopId: string | null): Promise<void> {
  if (shopId !== null) await assertShopRegistered(db, shopId);
}

/** The published set and the draft of a scope. */
export async function viewRuleSets(deps: RuleSetDeps, shopId: string | null): Promise<RuleSetsView> {
  await assertScope(deps.db, shopId);
  const published = await loadPublishedRuleSet(deps.db, shopId);
  const draft = (await findInScope(deps.db, shopId, 'draft')) ?? null;
  return {
    shop_id: shopId,
    published: { ...published, inherited: published.shop_id !== shopId },
    draft,
  };
}

// The scope's draft, started from the set the scope runs now when there is none.
async function ensureDraft(tx: Queryable, shopId: string | null, now: Date): Promise<RuleSetRow> {
  const draft = await findInScope(tx, shopId, 'draft');
  if (draft) return draft;
  const published = await loadPublishedRuleSet(tx, shopId);
  const own = published.shop_id === shopId;
  return insertVersion(tx, {
    shopId,
    status: 'draft',
    rules: published.rules,
    sourceVersion: own ? published.version : null,
    note: own ? null : `started from the global rules, version ${published.version}`,
    now,
  });
}

// Runs `fn` in one transaction holding the scope's lock.
function inScope<T>(deps: RuleSetDeps, shopId: string | null, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return deps.db.transaction(async (tx) => {
    await assertScope(tx, shopId);
    await lockScope(tx, shopId);
    return fn(tx);
  });
}

/** Creates the scope's draft from a whole rule set, replacing any draft there was. */
export function saveDraft(
  deps: RuleSetDeps,
  input: { shopId: string | null; rules: unknown; note?: string | undefined },
): Promise<RuleSetRow> {
  const checked = checkRuleSet(input.rules);
  if (!checked.ok) throw invalidRules(checked.problems);
  return inScope(deps, input.shopId, async (tx) => {
    const published = await findInScope(tx, input.shopId, 'published');
    await deleteDraft(tx, input.shopId);
    return insertVersion(tx, {
      shopId: input.shopId,
      status: 'draft',
      rules: checked.rules,
      sourceVersion: published?.version ?? null,
      note: input.note ?? null,
      now: new Date(deps.clock.now()),
    });
  });
}

// Applies a change to the draft's rules, re-validating the whole set.
function editDraft(
  deps: RuleSetDeps,
  shopId: string | null,
  change: (rules: Rule[]) => Rule[],
): Promise<RuleSetRow> {
  return inScope(deps, shopId, async (tx) => {
    const draft = await ensureDraft(tx, shopId, new Date(deps.clock.now()));
    const checked = checkRuleSet(change([...draft.rules]));
    if (!checked.ok) throw invalidRules(checked.problems);
    return updateDraftRules(tx, { id: draft.id, rules: checked.rules });
  });
}

/** Adds a rule to the scope's draft (started from the published set if there is none). */
export function addRule(
  deps: RuleSetDeps,
  input: { shopId: string | null; rule: Rule },
): Promise<RuleSetRow> {
  return editDraft(deps, input.shopId, (rules) => {
    if (rules.some((r) => r.id === input.rule.id))
      throw new AppError(
        'CONFLICT',
        `The draft already has a rule "${input.rule.id}"; change it with PUT /api/rules/${input.rule.id}`,
      );
    return [...rules, input.rule];
  });
}

/** Replaces one rule of the scope's draft. */
export function replaceRule(
  deps: RuleSetDeps,
  input: { shopId: string | null; ruleId: string; rule: Rule },
): Promise<RuleSetRow> {
  return editDraft(deps, input.shopId, (rules) => {
    const at = rules.findIndex((r) => r.id === input.ruleId);
    if (at < 0)
      throw new AppError('NOT_FOUND', `The draft has no rule "${input.ruleId}"; add it with POST /api/rules`);
    rules[at] = input.rule;
    return rules;
  });
}

/** Removes one rule from the scope's draft. */
export function removeRule(
  deps: RuleSetDeps,
  input: { shopId: string | null; ruleId: string },
): Promise<RuleSetRow> {
  return editDraft(deps, input.shopId, (rules) => {
    if (!rules.some((r) => r.id === input.ruleId))
      throw new AppError('NOT_FOUND', `The draft has no rule "${input.ruleId}"`);
    return rules.filter((r) => r.id !== input.ruleId);
  });
}

/** Publishes the scope's draft; the version published before is retired. */
export function publishDraft(deps: RuleSetDeps, input: { shopId: string | null }): Promise<RuleSetRow> {
  return inScope(deps, input.shopId, async (tx) => {
    const draft = await findInScope(tx, input.shopId, 'draft');
    if (!draft)
      throw new AppError('CONFLICT', 'There is no draft to publish; create one with POST /api/rules first');
    await loadPublishedRuleSet(tx, input.shopId); // the defaults exist before anything replaces them
    return publishVersion(tx, { shopId: input.shopId, id: draft.id, now: new Date(deps.clock.now()) });
  });
}

/** Publishes the rules of an earlier version again, as a new version; the draft is kept. */
export function rollbackTo(
  deps: RuleSetDeps,
  input: { shopId: string | null; version: number },
): Promise<RuleSetRow> {
  return inScope(deps, input.shopId, async (tx) => {
    await loadPublishedRuleSet(tx, input.shopId);
    const target = await findVersion(tx, input.shopId, input.version);
    if (!target || target.status === 'draft')
      throw new AppError(
        'NOT_FOUND',
        `No published or retired version ${input.version} exists in this scope; GET /api/rules/versions lists them`,
      );
    await retirePublished(tx, input.shopId);
    return insertVersion(tx, {
      shopId: input.shopId,
      status: 'published',
      rules: target.rules,
      sourceVersion: target.version,
      note: `rollback to version ${target.version}`,
      now: new Date(deps.clock.now()),
    });
  });
}
