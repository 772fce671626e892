import { describe, expect, it } from 'vitest';
import type { Reading } from './alert-metrics.ts';
import { breaches, planEpisodes, readMetric, type AlertRule, type OpenEpisode } from './episodes.ts';

const NOW = new Date(Date.UTC(2026, 0, 1, 12));
const rule: AlertRule = {
  id: 'success',
  name: 'Automation success rate under 95%',
  metric: 'automation_success_rate',
  comparison: 'below',
  threshold: 0.95,
  severity: 'high',
  notify_roles: ['team_lead', 'devops'],
  min_samples: 20,
  clear_for_seconds: 60,
  enabled: true,
};
const reading = (value: number | null, samples = 100, subject = ''): Reading => ({
  subject,
  value,
  samples,
  label: '',
});
const episode = (over: Partial<OpenEpisode> = {}): OpenEpisode => ({
  id: 7,
  subject: '',
  worst_value: 0.9,
  clear_since: null,
  ...over,
});
const secondsAgo = (s: number) => new Date(NOW.getTime() - s * 1000);

describe('breaches', () => {
  it.each([
    ['below', 0.94, 0.95, true],
    ['below', 0.95, 0.95, false],
    ['above', 61, 60, true],
    ['above', 60, 60, false],
    ['at_least', 1, 1, true],
    ['at_least', 0, 1, false],
  ] as const)('%s: %d against %d is %s', (comparison, value, threshold, expected) => {
    expect(breaches(comparison, value, threshold)).toBe(expected);
  });
});

describe('planning alert episodes', () => {
  it('a breach without an open episode opens one, described with the value and threshold', () => {
    expect(planEpisodes(rule, [reading(0.9)], [], NOW)).toEqual([
      {
        kind: 'open',
        subject: '',
        value: 0.9,
        summary: 'Automation success rate under 95%: 90.0%, threshold 95.0%',
      },
    ]);
  });

  it('a breach with an open episode keeps it open and remembers the worst value', () => {
    expect(planEpisodes(rule, [reading(0.8)], [episode({ worst_value: 0.9 })], NOW)).toEqual([
      { kind: 'breaching', id: 7, value: 0.8, worst: 0.8 },
    ]);
    expect(planEpisodes(rule, [reading(0.93)], [episode({ worst_value: 0.9 })], NOW)).toEqual([
      { kind: 'breaching', id: 7, value: 0.93, worst: 0.9 },
    ]);
  });

  it('too few samples neither opens nor closes an episode', () => {
    expect(planEpisodes(rule, [reading(0.5, 19)], [], NOW)).toEqual([]);
    expect(planEpisodes(rule, [reading(0.99, 19)], [episode()], NOW)).toEqual([]);
    expect(planEpisodes(rule, [reading(null, 0)], [episode()], NOW)).toEqual([]);
  });

  it('a cleared condition starts the clear time, and resolves only once it has lasted', () => {
    expect(planEpisodes(rule, [reading(0.99)], [episode()], NOW)).toEqual([
      { kind: 'clearing', id: 7, value: 0.99, since: NOW },
    ]);
    expect(planEpisodes(rule, [reading(0.99)], [episode({ clear_since: secondsAgo(30) })], NOW)).toEqual([
      { kind: 'clearing', id: 7, value: 0.99, since: secondsAgo(30) },
    ]);
    expect(planEpisodes(rule, [reading(0.99)], [episode({ clear_since: secondsAgo(60) })], NOW)).toEqual([
      { kind: 'resolve', id: 7, value: 0.99 },
    ]);
  });

  it('a breach during the clear time keeps the same episode open (one problem, one alert)', () => {
    expect(planEpisodes(rule, [reading(0.9)], [episode({ clear_since: secondsAgo(30) })], NOW)).toEqual([
      { kind: 'breaching', id: 7, value: 0.9, worst: 0.9 },
    ]);
  });

  it('each subject is its own episode, and a subject that disappears is clear', () => {
    const spikes: AlertRule = {
      ...rule,
      metric: 'viral_spike',
      comparison: 'at_least',
      threshold: 1,
      min_samples: 0,
      clear_for_seconds: 0,
    };
    const open = [episode({ id: 1, subject: 'a', worst_value: 1 })];
    expect(planEpisodes(spikes, [reading(1, 1, 'b')], open, NOW)).toEqual([
      { kind: 'open', subject: 'b', value: 1, summary: 'Automation success rate under 95%' },
      { kind: 'resolve', id: 1, value: null },
    ]);
  });

  it('a disabled rule opens nothing and resolves what it had open', () => {
    const off = { ...rule, enabled: false };
    expect(planEpisodes(off, [reading(0.5)], [], NOW)).toEqual([]);
    expect(planEpisodes(off, [reading(0.5)], [episode()], NOW)).toEqual([
      { kind: 'resolve', id: 7, value: null },
    ]);
  });
});

describe('reading metrics from the figures', () => {
  const figures = {
    window_minutes: 15,
    processed: 90,
    failed: 10,
    automation_success_rate: 0.9,
    processing_seconds_avg: 12,
    processing_seconds_p95: 70,
    lanes: [{ lane: 'viral', processed: 4, overdue: 2, sla_compliance: 0.5 }],
    spikes: [{ id: '3', shop_id: 's', product_id: 'p', peak_per_hour: 300 }],
  };

  it.each([
    ['automation_success_rate', [{ subject: '', value: 0.9, samples: 100, label: '' }]],
    ['processing_time_p95_seconds', [{ subject: '', value: 70, samples: 90, label: '' }]],
    ['lane_overdue_orders', [{ subject: 'viral', value: 2, samples: 1, label: 'lane viral' }]],
    [
      'viral_spike',
      [{ subject: '3', value: 1, samples: 1, label: 'spike on product p of shop s, peak 300 orders/h' }],
    ],
    ['no_such_metric', []],
  ])('%s', (metric, expected) => {
    expect(readMetric(metric, figures)).toEqual(expected);
  });
});
