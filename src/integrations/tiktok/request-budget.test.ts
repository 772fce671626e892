import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.ts';
import { busiestWindow, grantTimesUnderLoad } from '../../../tests/helpers/budget-load.ts';
import { ManualTimers, settle } from '../../../tests/helpers/manual-timers.ts';
import { registerBudgetMetrics } from './budget-metrics.ts';
import { createMemoryBudgetStore, createRequestBudget } from './request-budget.ts';

const SMALL = { limit: 20, windowMs: 1_000 };

function setup() {
  const clock = new ManualClock();
  const timers = new ManualTimers(clock);
  const budget = createRequestBudget(createMemoryBudgetStore(SMALL, clock), {
    sleep: timers.sleepFor('p1'),
  });
  return { clock, timers, budget };
}

describe('in-process request budget', () => {
  it('never grants more than 20 in any 1 s window to 500 concurrent callers, and serves them all', async () => {
    const { timers, budget } = setup();
    const start = timers.clock.now();
    const grants = await grantTimesUnderLoad(timers, [{ name: 'p1', budget }], 500);
    expect(grants).toHaveLength(500);
    expect(busiestWindow(grants, SMALL.windowMs)).toBe(20);
    // Not stricter than needed either: every window is used in full (500 / 20 = 25 windows).
    const perWindow = new Map<number, number>();
    for (const t of grants) {
      const w = Math.floor((t - start) / SMALL.windowMs);
      perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
    }
    expect([...perWindow.values()]).toEqual(Array.from({ length: 25 }, () => 20));
  });

  it('makes callers wait instead of failing, and lets them through once the oldest grant leaves the window', async () => {
    const { timers, budget } = setup();
    await Promise.all(Array.from({ length: 20 }, () => budget.acquire()));
    let late = false;
    const waiting = budget.acquire().then(() => (late = true));
    await settle(() => timers.isSleeping('p1'));
    expect(late).toBe(false);
    timers.advance(999);
    await settle(() => timers.isSleeping('p1'));
    expect(late).toBe(false);
    timers.advance(1);
    await waiting;
    expect(late).toBe(true);
  });

  it('serves waiting callers first come, first served', async () => {
    const { timers, budget } = setup();
    await Promise.all(Array.from({ length: 20 }, () => budget.acquire()));
    const order: number[] = [];
    const all = [1, 2, 3].map((n) => budget.acquire().then(() => order.push(n)));
    await settle(() => timers.isSleeping('p1'));
    timers.advance(1_000);
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3]);
  });

  it('rejects a waiting caller whose signal aborts, without spending a slot for it', async () => {
    const { timers, budget } = setup();
    await Promise.all(Array.from({ length: 20 }, () => budget.acquire()));
    const abort = new AbortController();
    const given = budget.acquire(abort.signal);
    const other = budget.acquire();
    await settle(() => budget.waiting() === 2 && timers.isSleeping('p1'));
    abort.abort(new Error('shutting down'));
    await expect(given).rejects.toThrow('shutting down');
    expect(budget.waiting()).toBe(1);
    timers.advance(1_000);
    await other;
    // The other caller took one slot of the new window; 19 are left for others at once.
    await Promise.all(Array.from({ length: 19 }, () => budget.acquire()));
    expect(budget.waiting()).toBe(0);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const { budget } = setup();
    await expect(budget.acquire(AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
  });

  it('tells every waiter when the store fails instead of leaving them hanging', async () => {
    const budget = createRequestBudget({ take: () => Promise.reject(new Error('Redis is unreachable')) });
    const results = await Promise.allSettled([budget.acquire(), budget.acquire()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(budget.waiting()).toBe(0);
  });

  it('refuses a budget that could never grant anything', () => {
    expect(() => createMemoryBudgetStore({ limit: 0, windowMs: 1_000 }, new ManualClock())).toThrow(
      /limit of at least 1/,
    );
  });
});

describe('request budget metrics', () => {
  it('reports how many calls wait for a slot at scrape time', async () => {
    const { timers, budget } = setup();
    const registry = new Registry();
    registerBudgetMetrics(registry, budget);
    await Promise.all(Array.from({ length: 20 }, () => budget.acquire()));
    const waiting = [budget.acquire(), budget.acquire(), budget.acquire()];
    await settle(() => timers.isSleeping('p1'));
    expect(await registry.getSingleMetricAsString('creatorflow_tiktok_budget_waiting')).toMatch(
      /^creatorflow_tiktok_budget_waiting 3$/m,
    );
    timers.advance(1_000);
    await Promise.all(waiting);
    expect(await registry.getSingleMetricAsString('creatorflow_tiktok_budget_waiting')).toMatch(
      /^creatorflow_tiktok_budget_waiting 0$/m,
    );
  });
});
