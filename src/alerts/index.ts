// Public API of alerting: stored rules, pure episode planning, the evaluator loop, the HTTP routes.
export {
  ALERT_METRICS,
  ALERT_METRIC_NAMES,
  formatMetricValue,
  isAlertMetric,
  type AlertFigures,
  type AlertMetric,
  type Reading,
} from './alert-metrics.ts';
export {
  COMPARISONS,
  breaches,
  describeBreach,
  planEpisodes,
  readMetric,
  type AlertRule,
  type Comparison,
  type EpisodeStep,
  type OpenEpisode,
} from './episodes.ts';
export {
  acknowledgeAlert,
  activeAlertCounts,
  listAlertRules,
  listAlerts,
  upsertAlertRule,
  type AlertView,
} from './alert-queries.ts';
export {
  evaluateAlerts,
  startAlertEvaluator,
  type AlertEvaluatorDeps,
  type RoundResult,
} from './evaluator.ts';
export { registerAlertRoutes } from './alert-routes.ts';
export { registerAlertGauges } from './alert-gauges.ts';
