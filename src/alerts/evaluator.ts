import type { Database } from '../db/index.ts';
import { notify, type NotifyRoutes } from '../notify/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import { startPollLoop } from '../shared/poll-loop.ts';
import type { AlertFigures } from './alert-metrics.ts';
import {
  insertEpisode,
  listAlertRules,
  openEpisodes,
  resolveEpisode,
  updateEpisode,
} from './alert-queries.ts';
import { planEpisodes, readMetric, type AlertRule, type EpisodeStep } from './episodes.ts';

export interface AlertEvaluatorDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly notifyRoutes: NotifyRoutes;
  /** The current figures: the dashboard's overview source (`createOverviewSource(deps).get`). */
  readonly figures: () => Promise<AlertFigures>;
}

/** What one round changed. */
export interface RoundResult {
  opened: number;
  resolved: number;
}

/**
 * One evaluation round: reads the figures, plans every enabled rule's episodes, and applies the
 * plan; each opened or resolved episode and its notifications commit in one transaction.
 */
export async function evaluateAlerts(deps: AlertEvaluatorDeps): Promise<RoundResult> {
  const figures = await deps.figures();
  const now = new Date(deps.clock.now());
  const [rules, open] = await Promise.all([listAlertRules(deps.db), openEpisodes(deps.db)]);
  const result: RoundResult = { opened: 0, resolved: 0 };
  for (const rule of rules) {
    const readings = readMetric(rule.metric, figures);
    const steps = planEpisodes(
      rule,
      readings,
      open.filter((e) => e.rule_id === rule.id),
      now,
    );
    for (const step of steps) {
      const outcome = await applyStep(deps, rule, step, now);
      if (outcome === 'opened') result.opened += 1;
      if (outcome === 'resolved') result.resolved += 1;
    }
  }
  return result;
}

async function applyStep(
  deps: AlertEvaluatorDeps,
  rule: AlertRule,
  step: EpisodeStep,
  now: Date,
): Promise<'opened' | 'resolved' | 'updated'> {
  switch (step.kind) {
    case 'breaching':
      await updateEpisode(deps.db, { id: step.id, value: step.value, worst: step.worst, clearSince: null });
      return 'updated';
    case 'clearing':
      await updateEpisode(deps.db, { id: step.id, value: step.value, clearSince: step.since });
      return 'updated';
    case 'open':
      return deps.db.transaction(async (tx) => {
        const id = await insertEpisode(tx, { rule, ...step, at: now });
        if (id === undefined) return 'updated';
        await notify(
          tx,
          deps.notifyRoutes,
          {
            cause: `alert:${id}:opened`,
            roles: rule.notify_roles,
            severity: rule.severity,
            subject: `[${rule.severity}] ${step.summary}`,
            body: `${step.summary}\n\nAlert ${id} (rule ${rule.id}) started at ${now.toISOString()}. Acknowledge it on the dashboard's Alerts page.`,
          },
          now,
        );
        deps.log.warn({ alert: id, rule: rule.id, value: step.value }, step.summary);
        return 'opened';
      });
    case 'resolve':
      return deps.db.transaction(async (tx) => {
        const closed = await resolveEpisode(tx, { id: step.id, value: step.value, at: now });
        if (!closed) return 'updated';
        // Info alerts (a spike) need no all-clear; the others tell the same people it is over.
        if (rule.severity !== 'info') {
          await notify(
            tx,
            deps.notifyRoutes,
            {
              cause: `alert:${step.id}:resolved`,
              roles: rule.notify_roles,
              severity: rule.severity,
              subject: `[resolved] ${closed.summary}`,
              body: `Resolved at ${now.toISOString()}: ${closed.summary}`,
            },
            now,
          );
        }
        deps.log.info({ alert: step.id, rule: rule.id }, `alert resolved: ${closed.summary}`);
        return 'resolved';
      });
  }
}

/**
 * The scheduler role's alert loop: evaluates every `intervalMs` (2 s by default) until stopped;
 * stop() waits for the round in flight. Several evaluators may run at once: the database keeps
 * one open episode per rule and subject.
 */
export function startAlertEvaluator(
  deps: AlertEvaluatorDeps,
  options: { intervalMs?: number } = {},
): { readonly name: string; stop(): Promise<void> } {
  const loop = startPollLoop({
    name: 'alert evaluation',
    log: deps.log,
    intervalMs: options.intervalMs ?? 2_000,
    round: async () => {
      await evaluateAlerts(deps);
      return 0; // one round per interval, however much it found
    },
  });
  return { name: 'alerts', stop: () => loop.stop() };
}
