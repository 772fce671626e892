// The rules API: read, draft, edit, publish, roll back, dry run. Auth is the caller's scope.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { dryRunRules } from './dry-run.ts';
import { checkRule } from './rule-schema.ts';
import { findVersion, listVersions } from './rule-set-queries.ts';
import {
  addRule,
  assertScope,
  invalidRules,
  publishDraft,
  removeRule,
  replaceRule,
  rollbackTo,
  saveDraft,
  viewRuleSets,
} from './rule-sets.ts';

const shopId = z.string().trim().min(1).max(64).optional();
const scopeQuery = z.object({ shop_id: shopId });
const RULE_ID = /^[\w.:-]{1,64}$/;

const createBody = z
  .object({
    shop_id: shopId,
    rules: z.unknown().optional(),
    rule: z.unknown().optional(),
    note: z.string().max(500).optional(),
  })
  .refine((b) => (b.rules === undefined) !== (b.rule === undefined), {
    message: 'send either rules (a whole draft set) or rule (one rule to add), not both',
    path: ['rules'],
  });
const putBody = z.object({ shop_id: shopId, rule: z.unknown() });
const publishBody = z.object({ shop_id: shopId }).default({});
const rollbackBody = z.object({ shop_id: shopId, version: z.number().int().positive() });
const dryRunBody = z
  .object({
    shop_id: shopId,
    rules: z.unknown().optional(),
    limit: z.number().int().min(1).max(5000).default(200),
    examples: z.number().int().min(0).max(50).default(5),
  })
  .default({ limit: 200, examples: 5 });

// A single rule from a body, validated with errors named from `rule`.
function ruleFrom(body: unknown, pathId?: string) {
  const checked = checkRule(body);
  if (!checked.ok) throw invalidRules(checked.problems);
  if (pathId !== undefined && checked.rule.id !== pathId)
    throw new AppError(
      'BAD_REQUEST',
      `rule.id: must be "${pathId}" as in the path (got "${checked.rule.id}")`,
    );
  return checked.rule;
}

function ruleIdFrom(params: { rule_id: string }): string {
  if (!RULE_ID.test(params.rule_id))
    throw new AppError('BAD_REQUEST', `rule_id: "${params.rule_id}" is not a rule id`);
  return params.rule_id;
}

/**
 * GET /api/rules, GET /api/rules/versions[/:version], POST /api/rules, PUT|DELETE /api/rules/:rule_id,
 * POST /api/rules/publish, POST /api/rules/rollback, POST /api/rules/dry-run. Every route takes an
 * optional shop_id (query for GET/DELETE, body otherwise); without it, the global default set.
 * What the rules read about buyers and products is recorded through customers/ and products/.
 */
export function registerRuleRoutes(app: FastifyInstance, deps: { db: Database; clock: Clock }): void {
  app.get('/api/rules', async (request) => {
    const q = parseBody(scopeQuery, request.query);
    return viewRuleSets(deps, q.shop_id ?? null);
  });

  app.get('/api/rules/versions', async (request) => {
    const q = parseBody(scopeQuery, request.query);
    await assertScope(deps.db, q.shop_id ?? null);
    return { shop_id: q.shop_id ?? null, versions: await listVersions(deps.db, q.shop_id ?? null) };
  });

  app.get<{ Params: { version: string } }>('/api/rules/versions/:version', async (request) => {
    const q = parseBody(scopeQuery, request.query);
    const version = Number(request.params.version);
    if (!Number.isSafeInteger(version) || version <= 0)
      throw new AppError('BAD_REQUEST', `version: "${request.params.version}" is not a version number`);
    await assertScope(deps.db, q.shop_id ?? null);
    const found = await findVersion(deps.db, q.shop_id ?? null, version);
    if (!found) throw new AppError('NOT_FOUND', `No version ${version} exists in this scope`);
    return found;
  });

  app.post('/api/rules', async (request, reply) => {
    const body = parseBody(createBody, request.body);
    const scope = body.shop_id ?? null;
    const draft =
      body.rules !== undefined
        ? await saveDraft(deps, { shopId: scope, rules: body.rules, note: body.note })
        : await addRule(deps, { shopId: scope, rule: ruleFrom(body.rule) });
    return reply.status(201).send({ draft });
  });

  app.put<{ Params: { rule_id: string } }>('/api/rules/:rule_id', async (request) => {
    const ruleId = ruleIdFrom(request.params);
    const body = parseBody(putBody, request.body);
    const rule = ruleFrom(body.rule, ruleId);
    return { draft: await replaceRule(deps, { shopId: body.shop_id ?? null, ruleId, rule }) };
  });

  app.delete<{ Params: { rule_id: string } }>('/api/rules/:rule_id', async (request) => {
    const ruleId = ruleIdFrom(request.params);
    const q = parseBody(scopeQuery, request.query);
    return { draft: await removeRule(deps, { shopId: q.shop_id ?? null, ruleId }) };
  });

  app.post('/api/rules/publish', async (request) => {
    const body = parseBody(publishBody, request.body);
    return { published: await publishDraft(deps, { shopId: body.shop_id ?? null }) };
  });

  app.post('/api/rules/rollback', async (request) => {
    const body = parseBody(rollbackBody, request.body);
    return { published: await rollbackTo(deps, { shopId: body.shop_id ?? null, version: body.version }) };
  });

  app.post('/api/rules/dry-run', { config: { readOnly: true } }, async (request) => {
    const body = parseBody(dryRunBody, request.body);
    return dryRunRules(deps, {
      shopId: body.shop_id ?? null,
      ...(body.rules !== undefined ? { rules: body.rules } : {}),
      limit: body.limit,
      examples: body.examples,
      now: new Date(deps.clock.now()),
    });
  });
}
