// Public API of the rules engine: schema, facts, operators, evaluation, defaults.
export { actionSchema, type Action, type ActionType } from './actions.ts';
export {
  DEFAULT_RULES,
  VIP_ORDER_VALUE,
  AUTOMATED_MAX_VALUE,
  AUTOMATED_MIN_REPEAT_ORDERS,
} from './default-rules.ts';
export {
  evaluate,
  orderRules,
  type ConditionTrace,
  type Decision,
  type FiredRule,
  type Hold,
  type Notification,
  type ReorderRequest,
} from './evaluate.ts';
export {
  FACT_ALIASES,
  FACT_CATALOGUE,
  factType,
  readFact,
  resolveFactField,
  type FactField,
  type FactType,
  type FactValue,
  type Facts,
} from './facts.ts';
export { OPERATORS, applyOperator, checkOperand, type Operator } from './operators.ts';
export {
  RULE_CATEGORIES,
  parseRuleSet,
  ruleSchema,
  validateRuleSet,
  type Condition,
  type LeafCondition,
  type Rule,
  type RuleCategory,
  type RuleInput,
  type RuleValidation,
} from './rule-schema.ts';
export { checkRule, checkRuleSet, type RuleProblem } from './rule-schema.ts';
export { buildOrderFacts, velocityIncreasePercent, type OrderSnapshot } from './order-facts.ts';
export { loadOrderSnapshots } from './order-facts-queries.ts';
export { classifyOrder, decideOrder, timelineDetail, type Classification } from './classify-order.ts';
export { dryRunRules, type DryRunReport } from './dry-run.ts';
export { loadPublishedRuleSet, type RuleSetRef, type RuleSetRow } from './rule-set-queries.ts';
export { registerRuleRoutes } from './rule-routes.ts';
