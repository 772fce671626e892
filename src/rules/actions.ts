// Action schemas: what a rule may do when it fires.
import { z } from 'zod';
import { PRIORITIES } from '../orders/index.ts';

/** The design calls the viral lane 'high' and the VIP lane 'urgent'; both are accepted. */
const priority = z.preprocess(
  (v) => (v === 'high' ? 'viral' : v === 'urgent' ? 'vip' : v),
  z.enum(PRIORITIES),
);
const priorityParams = z
  .object({
    new_priority: priority.optional(),
    priority: priority.optional(),
    new_impact: z.string().optional(),
  })
  .refine((p) => p.new_priority !== undefined || p.priority !== undefined, {
    message: 'needs new_priority (viral, vip, standard or automated)',
    path: ['new_priority'],
  });

const holdParams = z
  .object({
    reason: z.enum(['fraud', 'address', 'payment', 'operator']),
    duration_minutes: z.number().positive().optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    until_released: z.literal(true).optional(),
  })
  .refine(
    (p) => [p.duration_minutes, p.until, p.until_released].filter((x) => x !== undefined).length === 1,
    {
      message: 'hold needs exactly one of duration_minutes, until or until_released',
    },
  );

export const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('escalate_priority'), parameters: priorityParams }),
  z.object({ type: z.literal('set_priority'), parameters: priorityParams }),
  z.object({
    type: z.literal('auto_reorder_inventory'),
    parameters: z.object({ multiplier: z.number().positive().max(100), urgent: z.boolean().default(false) }),
  }),
  z.object({ type: z.literal('hold'), parameters: holdParams }),
  z.object({
    type: z.literal('require_manual_review'),
    parameters: z.object({ reason: z.string().optional() }).default({}),
  }),
  z.object({ type: z.literal('select_carrier'), parameters: z.object({ carrier: z.string().min(1) }) }),
  z.object({ type: z.literal('select_service'), parameters: z.object({ service: z.string().min(1) }) }),
  z.object({
    type: z.literal('select_strategy'),
    parameters: z.object({ strategy: z.enum(['cheapest', 'fastest', 'best_value']) }),
  }),
  z.object({ type: z.literal('add_tag'), parameters: z.object({ tag: z.string().min(1) }) }),
  z.object({
    type: z.literal('notify'),
    parameters: z.object({
      channel: z.string().min(1),
      role: z.string().min(1),
      message: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal('stop_processing'), parameters: z.object({}).default({}) }),
]);
export type Action = z.infer<typeof actionSchema>;
export type ActionType = Action['type'];
