// Rule format (zod) with validation errors that name the exact field path.
import { z } from 'zod';
import { actionSchema } from './actions.ts';
import { factType, resolveFactField } from './facts.ts';
import { checkOperand, isOperator, OPERATORS, type Operator } from './operators.ts';

export const RULE_CATEGORIES = [
  'viral_detection',
  'priority_classification',
  'inventory_management',
  'shipping_optimization',
  'exception_handling',
] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

export type LeafCondition = { readonly field: string; readonly operator: Operator; readonly value?: unknown };
export type Condition =
  LeafCondition | { readonly all: readonly Condition[] } | { readonly any: readonly Condition[] };

type Path = (string | number)[];
type Issue = { path: Path; message: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Walks a condition tree and collects issues with their paths.
function checkCondition(node: unknown, path: Path, out: Issue[]): void {
  if (Array.isArray(node)) {
    node.forEach((c, i) => checkCondition(c, [...path, i], out));
    return;
  }
  if (!isRecord(node)) return void out.push({ path, message: 'condition must be an object' });
  for (const key of ['all', 'any'] as const) {
    if (key in node) {
      const list = node[key];
      if (!Array.isArray(list) || list.length === 0)
        out.push({ path: [...path, key], message: `${key} needs a non-empty array` });
      else list.forEach((c, i) => checkCondition(c, [...path, key, i], out));
      return;
    }
  }
  const { field, operator, value } = node;
  if (typeof field !== 'string')
    return void out.push({ path: [...path, 'field'], message: 'field is required' });
  const resolved = resolveFactField(field);
  if (resolved === undefined)
    out.push({ path: [...path, 'field'], message: `unknown fact field "${field}"` });
  if (!isOperator(operator))
    return void out.push({
      path: [...path, 'operator'],
      message: `must be one of ${OPERATORS.join(', ')} (got ${JSON.stringify(operator)})`,
    });
  if (resolved === undefined) return;
  const problem = checkOperand(factType(resolved), operator, value);
  if (problem !== undefined) out.push({ path: [...path, 'value'], message: problem });
}

const conditionSchema = z.unknown().superRefine((node, ctx) => {
  const issues: Issue[] = [];
  checkCondition(node, [], issues);
  for (const i of issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
}) as unknown as z.ZodType<Condition | readonly Condition[]>;

// Strict: a misspelt key (`stop_procesing`) is an error, not silently dropped.
export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[\w.:-]{1,64}$/, 'use 1-64 letters, digits, dot, dash, underscore or colon'),
  name: z.string().min(1).max(200),
  category: z.enum(RULE_CATEGORIES),
  priority: z.number().finite(),
  enabled: z.boolean().default(true),
  stop_processing: z.boolean().default(false),
  conditions: conditionSchema,
  actions: z.array(actionSchema),
});
export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export const ruleSetSchema = z.array(ruleSchema).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (seen.has(r.id))
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id "${r.id}"` });
    seen.add(r.id);
  });
});

// Formats a zod path as `rules[2].conditions.all[1].operator`.
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : `${s}.${String(k)}`), root);
}

export type RuleValidation = { ok: true; rules: Rule[] } | { ok: false; errors: string[] };
/** One validation problem: the exact field (`rules[2].conditions.all[0].operator`) and what is wrong. */
export type RuleProblem = { readonly field: string; readonly message: string };

function problemsOf(root: string, error: z.ZodError): RuleProblem[] {
  return error.issues.map((i) => ({ field: formatPath(root, i.path), message: i.message }));
}

// Validates a whole rule set; problems are named from `rules`.
export function checkRuleSet(
  input: unknown,
): { ok: true; rules: Rule[] } | { ok: false; problems: RuleProblem[] } {
  const parsed = ruleSetSchema.safeParse(input);
  return parsed.success
    ? { ok: true, rules: parsed.data }
    : { ok: false, problems: problemsOf('rules', parsed.error) };
}

// Validates one rule; problems are named from `rule`.
export function checkRule(input: unknown): { ok: true; rule: Rule } | { ok: false; problems: RuleProblem[] } {
  const parsed = ruleSchema.safeParse(input);
  return parsed.success
    ? { ok: true, rule: parsed.data }
    : { ok: false, problems: problemsOf('rule', parsed.error) };
}

// Validates a rule set on write; errors read `path: message`.
export function validateRuleSet(input: unknown): RuleValidation {
  const checked = checkRuleSet(input);
  if (checked.ok) return checked;
  return { ok: false, errors: checked.problems.map((p) => `${p.field}: ${p.message}`) };
}

// Parses a rule set or throws with every error listed; for trusted, built-in rules.
export function parseRuleSet(input: unknown): Rule[] {
  const result = validateRuleSet(input);
  if (!result.ok) throw new Error(`invalid rule set:\n${result.errors.join('\n')}`);
  return result.rules;
}
