import type { NotifyRole, Severity } from '../notify/index.ts';
import {
  ALERT_METRICS,
  formatMetricValue,
  isAlertMetric,
  type AlertFigures,
  type Reading,
} from './alert-metrics.ts';

export type Comparison = 'below' | 'above' | 'at_least';
export const COMPARISONS: readonly Comparison[] = ['below', 'above', 'at_least'];

/** A stored alert rule. */
export interface AlertRule {
  readonly id: string;
  readonly name: string;
  readonly metric: string;
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly severity: Severity;
  readonly notify_roles: readonly NotifyRole[];
  readonly min_samples: number;
  readonly clear_for_seconds: number;
  readonly enabled: boolean;
}

/** An episode still open (status active) of one rule and subject. */
export interface OpenEpisode {
  readonly id: number;
  readonly subject: string;
  readonly worst_value: number | null;
  readonly clear_since: Date | null;
}

/** What the evaluator does for one subject of one rule this round. */
export type EpisodeStep =
  | { kind: 'open'; subject: string; value: number; summary: string }
  | { kind: 'breaching'; id: number; value: number; worst: number }
  | { kind: 'clearing'; id: number; value: number | null; since: Date }
  | { kind: 'resolve'; id: number; value: number | null };

/** True when `value` breaks the rule's threshold. */
export function breaches(comparison: Comparison, value: number, threshold: number): boolean {
  switch (comparison) {
    case 'below':
      return value < threshold;
    case 'above':
      return value > threshold;
    case 'at_least':
      return value >= threshold;
  }
}

/** The worse of two values for this comparison (lower for `below`, higher otherwise). */
function worse(comparison: Comparison, a: number | null, b: number): number {
  if (a === null) return b;
  return comparison === 'below' ? Math.min(a, b) : Math.max(a, b);
}

/** The readings of a rule's metric in these figures (none for a metric this version does not know). */
export function readMetric(metric: string, figures: AlertFigures): Reading[] {
  return isAlertMetric(metric) ? ALERT_METRICS[metric].read(figures) : [];
}

/** A one-line description of a breach, for the alert list and the notification's subject. */
export function describeBreach(rule: AlertRule, reading: Reading): string {
  const where = reading.label ? ` (${reading.label})` : '';
  if (isAlertMetric(rule.metric) && 'subjectOnly' in ALERT_METRICS[rule.metric])
    return `${rule.name}${where}`;
  const value = formatMetricValue(rule.metric, reading.value);
  return `${rule.name}${where}: ${value}, threshold ${formatMetricValue(rule.metric, rule.threshold)}`;
}

/**
 * Decides one round for one rule: opens an episode for each subject that breaches without one,
 * keeps breaching episodes open, and resolves an episode once its condition has stayed clear for
 * `clear_for_seconds` (hysteresis: one problem, one alert). A subject whose reading disappeared
 * (a spike that ended) counts as clear; a reading without enough data changes nothing.
 */
export function planEpisodes(
  rule: AlertRule,
  readings: readonly Reading[],
  open: readonly OpenEpisode[],
  now: Date,
): EpisodeStep[] {
  // A disabled rule closes whatever it had open.
  if (!rule.enabled) return open.map((e) => ({ kind: 'resolve', id: e.id, value: null }));
  const steps: EpisodeStep[] = [];
  const openBySubject = new Map(open.map((e) => [e.subject, e]));
  const seen = new Set<string>();
  for (const reading of readings) {
    seen.add(reading.subject);
    const episode = openBySubject.get(reading.subject);
    const known = reading.value !== null && reading.samples >= rule.min_samples;
    if (!known || reading.value === null) continue;
    if (breaches(rule.comparison, reading.value, rule.threshold)) {
      steps.push(
        episode
          ? {
              kind: 'breaching',
              id: episode.id,
              value: reading.value,
              worst: worse(rule.comparison, episode.worst_value, reading.value),
            }
          : {
              kind: 'open',
              subject: reading.subject,
              value: reading.value,
              summary: describeBreach(rule, reading),
            },
      );
    } else if (episode) {
      steps.push(clearStep(rule, episode, reading.value, now));
    }
  }
  for (const episode of open) {
    if (!seen.has(episode.subject)) steps.push(clearStep(rule, episode, null, now));
  }
  return steps;
}

function clearStep(rule: AlertRule, episode: OpenEpisode, value: number | null, now: Date): EpisodeStep {
  const since = episode.clear_since ?? now;
  if (now.getTime() - since.getTime() >= rule.clear_for_seconds * 1000) {
    return { kind: 'resolve', id: episode.id, value };
  }
  return { kind: 'clearing', id: episode.id, value, since };
}
