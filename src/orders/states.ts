/**
 * Glossary of the order lifecycle (CONTRACT.md): the states, the priority lanes and their SLAs.
 */
export const ORDER_STATES = [
  'received',
  'validated',
  'processing',
  'inventory_reserved',
  'label_generated',
  'shipped',
  'delivered',
  'failed',
  'cancelled',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const PRIORITIES = ['viral', 'vip', 'standard', 'automated'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Time from receipt by which an order of each lane should be processed. */
export const SLA_MS: Readonly<Record<Priority, number>> = {
  viral: 30_000,
  vip: 60_000,
  standard: 180_000,
  automated: 15_000,
};

/** States no event moves an order out of. `failed` is not one: an order can be retried. */
export const TERMINAL_STATES: ReadonlySet<OrderState> = new Set(['delivered', 'cancelled']);

/** States in which the order holds reserved stock. */
export const HOLDS_STOCK: ReadonlySet<OrderState> = new Set(['inventory_reserved', 'label_generated']);

/**
 * States an order ends in; every other state (received up to shipped) is `open` in the order list's
 * index (`order_state_group()` in migration 0010 says the same, and a test keeps the two equal).
 */
export const CLOSED_STATES: ReadonlySet<OrderState> = new Set(['delivered', 'cancelled', 'failed']);
