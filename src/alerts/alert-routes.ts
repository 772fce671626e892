import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../shared/parse-body.ts';
import type { Database } from '../db/index.ts';
import { NOTIFY_ROLES } from '../notify/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { ALERT_METRIC_NAMES, ALERT_METRICS, formatMetricValue } from './alert-metrics.ts';
import {
  acknowledgeAlert,
  listAlertRules,
  listAlerts,
  upsertAlertRule,
  type AlertView,
} from './alert-queries.ts';
import { COMPARISONS } from './episodes.ts';

const listQuerySchema = z.object({
  status: z.enum(['active', 'resolved'], { message: 'use active or resolved' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const idSchema = z.object({
  id: z.coerce.number({ message: 'must be an alert id' }).int().positive('must be an alert id'),
});

const ackBodySchema = z.object({ by: z.string().trim().min(1).max(100).default('operator') });

const ruleIdSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'use 1-64 lower-case letters, digits, - or _'),
});

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

const ruleBodySchema = z.object({
  name: z.string().trim().min(1).max(200),
  metric: z.enum(ALERT_METRIC_NAMES as [string, ...string[]], {
    message: `use one of ${ALERT_METRIC_NAMES.join(', ')}`,
  }),
  comparison: z.enum(COMPARISONS as [string, ...string[]], { message: 'use below, above or at_least' }),
  threshold: z.number({ message: 'enter a number' }).finite('enter a finite number'),
  severity: z.enum(SEVERITIES, { message: `use one of ${SEVERITIES.join(', ')}` }),
  notify_roles: z
    .array(z.enum(NOTIFY_ROLES as [string, ...string[]]))
    .max(3)
    .default([]),
  min_samples: z.number().int().min(0).max(1_000_000).default(0),
  clear_for_seconds: z.number().int().min(0).max(86_400).default(60),
  enabled: z.boolean().default(true),
});

/**
 * The alerts API (auth is the caller's): `GET /api/alerts?status=&limit=`,
 * `POST /api/alerts/:id/acknowledge {by?}`, `GET /api/alert-rules` (with the metric catalogue and
 * the comparisons, severities and roles a rule may use) and
 * `PUT /api/alert-rules/:id` to create or replace a rule.
 */
export function registerAlertRoutes(app: FastifyInstance, deps: { db: Database; clock: Clock }): void {
  app.get('/api/alerts', async (request) => {
    const query = parseBody(listQuerySchema, request.query);
    return { alerts: (await listAlerts(deps.db, query)).map(withText) };
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/acknowledge', async (request) => {
    const { id } = parseBody(idSchema, request.params);
    const { by } = parseBody(ackBodySchema, request.body ?? {});
    const alert = await acknowledgeAlert(deps.db, { id, by, at: new Date(deps.clock.now()) });
    if (!alert) throw new AppError('NOT_FOUND', `No alert ${id}`);
    return withText(alert);
  });

  app.get('/api/alert-rules', async () => ({
    rules: await listAlertRules(deps.db),
    metrics: Object.fromEntries(ALERT_METRIC_NAMES.map((m) => [m, ALERT_METRICS[m].description])),
    // What a rule may say, so a form can offer exactly the accepted values.
    comparisons: COMPARISONS,
    severities: SEVERITIES,
    roles: NOTIFY_ROLES,
  }));

  app.put<{ Params: { id: string } }>('/api/alert-rules/:id', async (request, reply) => {
    const { id } = parseBody(ruleIdSchema, request.params);
    const body = parseBody(ruleBodySchema, request.body);
    const rule = { id, ...body } as Parameters<typeof upsertAlertRule>[1];
    const created = await upsertAlertRule(deps.db, rule, new Date(deps.clock.now()));
    return reply.status(created ? 201 : 200).send(rule);
  });
}

/** Adds the values as people read them (`83.6%`, `72.0 s`) beside the raw numbers. */
function withText(alert: AlertView) {
  return {
    ...alert,
    worst_text: formatMetricValue(alert.metric, alert.worst_value),
    last_text: formatMetricValue(alert.metric, alert.last_value),
    threshold_text: formatMetricValue(alert.metric, alert.threshold),
  };
}
