import type { Queryable } from '../db/index.ts';
import type { AlertRule, OpenEpisode } from './episodes.ts';

/** An alert episode as the API shows it. */
export interface AlertView {
  id: number;
  rule_id: string;
  rule_name: string;
  metric: string;
  subject: string;
  status: 'active' | 'resolved';
  severity: string;
  summary: string;
  threshold: number;
  first_value: number | null;
  worst_value: number | null;
  last_value: number | null;
  started_at: Date;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

const RULE_COLUMNS = `id, name, metric, comparison, threshold, severity, notify_roles, min_samples,
  clear_for_seconds, enabled`;

const ALERT_COLUMNS = `a.id::int AS id, a.rule_id, r.name AS rule_name, r.metric, a.subject, a.status, a.severity,
  a.summary, a.threshold, a.first_value, a.worst_value, a.last_value, a.started_at, a.resolved_at,
  a.acknowledged_at, a.acknowledged_by`;

/** Every stored alert rule, by id. */
export async function listAlertRules(db: Queryable): Promise<AlertRule[]> {
  const { rows } = await db.query<AlertRule>(`SELECT ${RULE_COLUMNS} FROM alert_rules ORDER BY id`);
  return rows;
}

/** Creates or replaces one rule; answers whether it was new. */
export async function upsertAlertRule(db: Queryable, rule: AlertRule, now: Date): Promise<boolean> {
  const { rows } = await db.query<{ created: boolean }>(
    `INSERT INTO alert_rules (id, name, metric, comparison, threshold, severity, notify_roles, min_samples,
                              clear_for_seconds, enabled, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
     ON CONFLICT (id) DO UPDATE SET name = $2, metric = $3, comparison = $4, threshold = $5, severity = $6,
       notify_roles = $7, min_samples = $8, clear_for_seconds = $9, enabled = $10, updated_at = $11
     RETURNING (xmax = 0) AS created`,
    [
      rule.id,
      rule.name,
      rule.metric,
      rule.comparison,
      rule.threshold,
      rule.severity,
      rule.notify_roles,
      rule.min_samples,
      rule.clear_for_seconds,
      rule.enabled,
      now,
    ],
  );
  return rows[0]?.created ?? false;
}

/** Open episodes of every rule, for one evaluation round. */
export async function openEpisodes(db: Queryable): Promise<(OpenEpisode & { rule_id: string })[]> {
  const { rows } = await db.query<OpenEpisode & { rule_id: string }>(
    `SELECT id::int AS id, rule_id, subject, worst_value, clear_since FROM alerts WHERE status = 'active'`,
  );
  return rows;
}

/** Opens an episode; undefined when one is already open for this rule and subject (another evaluator won). */
export async function insertEpisode(
  db: Queryable,
  input: { rule: AlertRule; subject: string; value: number; summary: string; at: Date },
): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO alerts (rule_id, subject, severity, summary, threshold, first_value, worst_value, last_value,
                         started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $6, $7)
     ON CONFLICT (rule_id, subject) WHERE status = 'active' DO NOTHING
     RETURNING id::int AS id`,
    [
      input.rule.id,
      input.subject,
      input.rule.severity,
      input.summary,
      input.rule.threshold,
      input.value,
      input.at,
    ],
  );
  return rows[0]?.id;
}

/** Records the latest value of an open episode and whether its condition is clearing. */
export async function updateEpisode(
  db: Queryable,
  input: { id: number; value: number | null; worst?: number; clearSince: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE alerts SET last_value = coalesce($2, last_value), worst_value = coalesce($3, worst_value),
                       clear_since = $4
      WHERE id = $1 AND status = 'active'`,
    [input.id, input.value, input.worst ?? null, input.clearSince],
  );
}

/** Closes an episode; answers its summary and severity, or undefined when it was already closed. */
export async function resolveEpisode(
  db: Queryable,
  input: { id: number; value: number | null; at: Date },
): Promise<{ summary: string; severity: string } | undefined> {
  const { rows } = await db.query<{ summary: string; severity: string }>(
    `UPDATE alerts SET status = 'resolved', resolved_at = $3, last_value = coalesce($2, last_value)
      WHERE id = $1 AND status = 'active'
      RETURNING summary, severity`,
    [input.id, input.value, input.at],
  );
  return rows[0];
}

/** Alerts newest first: active ones, resolved ones, or both. */
export async function listAlerts(
  db: Queryable,
  filter: { status?: 'active' | 'resolved'; limit: number },
): Promise<AlertView[]> {
  const { rows } = await db.query<AlertView>(
    `SELECT ${ALERT_COLUMNS}
       FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
      WHERE ($1::text IS NULL OR a.status = $1)
      ORDER BY a.started_at DESC, a.id DESC
      LIMIT $2`,
    [filter.status ?? null, filter.limit],
  );
  return rows;
}

/**
 * Marks an alert acknowledged by `by` (the first acknowledgement stands; repeating it changes
 * nothing). Answers the alert, or undefined when there is no such alert.
 */
export async function acknowledgeAlert(
  db: Queryable,
  input: { id: number; by: string; at: Date },
): Promise<AlertView | undefined> {
  await db.query(
    `UPDATE alerts SET acknowledged_at = $3, acknowledged_by = $2 WHERE id = $1 AND acknowledged_at IS NULL`,
    [input.id, input.by, input.at],
  );
  const { rows } = await db.query<AlertView>(
    `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.id = $1`,
    [input.id],
  );
  return rows[0];
}

/** How many alerts are open, per severity (for the dashboard's badge and /metrics). */
export async function activeAlertCounts(db: Queryable): Promise<{ severity: string; count: number }[]> {
  const { rows } = await db.query<{ severity: string; count: number }>(
    `SELECT severity, count(*)::int AS count FROM alerts WHERE status = 'active' GROUP BY severity`,
  );
  return rows;
}
