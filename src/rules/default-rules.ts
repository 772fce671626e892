// Rules that ship with the product: the design's viral rule and the priority lanes.
import { parseRuleSet, type Rule } from './rule-schema.ts';

/** Order value (USD) from which an order is treated as VIP. */
export const VIP_ORDER_VALUE = 150;
/** Repeat buyers at or above this many past orders, under this value, go to the automated lane. */
export const AUTOMATED_MIN_REPEAT_ORDERS = 3;
export const AUTOMATED_MAX_VALUE = 75;

const RAW = [
  {
    id: 'fraud-hold',
    name: 'Past fraud: hold for review',
    category: 'exception_handling',
    priority: 100,
    stop_processing: true,
    conditions: {
      any: [
        { field: 'customer.tags', operator: 'contains', value: 'fraud' },
        { field: 'customer.past_fraud', operator: 'equals', value: true },
      ],
    },
    actions: [
      { type: 'hold', parameters: { reason: 'fraud', until_released: true } },
      { type: 'require_manual_review', parameters: { reason: 'customer tagged fraud' } },
      { type: 'add_tag', parameters: { tag: 'fraud-review' } },
    ],
  },
  {
    id: 'viral-001',
    name: 'Viral Content Spike Detection',
    category: 'viral_detection',
    priority: 95,
    conditions: [
      { field: 'orders_per_hour', operator: 'greater_than', value: 40 },
      { field: 'velocity_increase', operator: 'greater_than', value: 300 },
    ],
    actions: [
      { type: 'escalate_priority', parameters: { new_priority: 'high', new_impact: 'VIRAL' } },
      { type: 'auto_reorder_inventory', parameters: { multiplier: 2.5, urgent: true } },
      { type: 'add_tag', parameters: { tag: 'viral' } },
    ],
  },
  {
    id: 'active-spike',
    name: 'Detector reports an active spike',
    category: 'viral_detection',
    priority: 94,
    conditions: { field: 'demand.active_spike', operator: 'equals', value: true },
    actions: [
      { type: 'escalate_priority', parameters: { new_priority: 'viral' } },
      { type: 'auto_reorder_inventory', parameters: { multiplier: 2.5, urgent: true } },
      { type: 'add_tag', parameters: { tag: 'viral' } },
    ],
  },
  {
    id: 'vip-customer',
    name: 'VIP customer tag or high order value',
    category: 'priority_classification',
    priority: 80,
    conditions: {
      any: [
        { field: 'customer.tags', operator: 'contains', value: 'vip' },
        { field: 'order.value', operator: 'greater_or_equal', value: VIP_ORDER_VALUE },
      ],
    },
    actions: [{ type: 'escalate_priority', parameters: { new_priority: 'vip' } }],
  },
  {
    id: 'automated-repeat',
    name: 'Proven repeat buyer, low value',
    category: 'priority_classification',
    priority: 60,
    conditions: {
      all: [
        { field: 'customer.repeat_orders', operator: 'greater_or_equal', value: AUTOMATED_MIN_REPEAT_ORDERS },
        { field: 'customer.tags', operator: 'not_in', value: ['fraud', 'chargeback'] },
        { field: 'order.value', operator: 'less_than', value: AUTOMATED_MAX_VALUE },
      ],
    },
    actions: [{ type: 'set_priority', parameters: { new_priority: 'automated' } }],
  },
  {
    id: 'standard-default',
    name: 'Everything else is standard',
    category: 'priority_classification',
    priority: 0,
    conditions: [],
    actions: [{ type: 'set_priority', parameters: { new_priority: 'standard' } }],
  },
];

// The built-in rule set, validated once at load.
export const DEFAULT_RULES: readonly Rule[] = Object.freeze(parseRuleSet(RAW));
