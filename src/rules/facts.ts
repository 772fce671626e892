// Fact catalogue: every field a rule condition may read, with its type.

export type FactType = 'number' | 'string' | 'boolean' | 'string[]';
export type FactValue = number | string | boolean | readonly string[] | null;
/** Facts about one order, keyed by catalogue field (e.g. `order.value`). Missing means unknown. */
export type Facts = { readonly [field: string]: FactValue | undefined };

export const FACT_CATALOGUE = {
  'order.value': 'number',
  'order.units': 'number',
  'order.skus': 'string[]',
  'order.destination_state': 'string',
  'order.destination_country': 'string',
  'order.destination_postcode': 'string',
  'order.residential': 'boolean',
  'order.shipping_type': 'string',
  'order.ship_by_hours': 'number',
  'order.deliver_by_hours': 'number',
  'order.fast_delivery': 'boolean',
  'order.product_ids': 'string[]',
  'order.is_sample': 'boolean',
  'order.is_on_hold': 'boolean',
  'order.is_cod': 'boolean',
  'order.weight_grams': 'number',
  'customer.repeat_orders': 'number',
  'customer.lifetime_value': 'number',
  'customer.tags': 'string[]',
  'customer.past_fraud': 'boolean',
  'customer.country': 'string',
  'product.stock': 'number',
  'product.category': 'string',
  'product.categories': 'string[]',
  'product.sku': 'string',
  'demand.orders_per_hour': 'number',
  'demand.velocity_increase': 'number',
  'demand.active_spike': 'boolean',
  'demand.content_signals': 'number',
  'signal.hashtag': 'string',
  'signal.creator': 'string',
  'signal.views': 'number',
  'signal.hashtags': 'string[]',
  'signal.creators': 'string[]',
} as const satisfies Record<string, FactType>;

export type FactField = keyof typeof FACT_CATALOGUE;

/** The design's short names, kept working. */
export const FACT_ALIASES: Readonly<Record<string, FactField>> = {
  orders_per_hour: 'demand.orders_per_hour',
  velocity_increase: 'demand.velocity_increase',
};

// Resolves a field name (or alias) to its catalogue name, or undefined when unknown.
export function resolveFactField(field: string): FactField | undefined {
  if (Object.hasOwn(FACT_CATALOGUE, field)) return field as FactField;
  return FACT_ALIASES[field];
}

// Returns the declared type of a catalogue field.
export function factType(field: FactField): FactType {
  return FACT_CATALOGUE[field];
}

// Reads a fact by field or alias; undefined when absent.
export function readFact(facts: Facts, field: string): FactValue | undefined {
  const resolved = resolveFactField(field);
  if (resolved === undefined) return undefined;
  return facts[resolved] ?? facts[field];
}
