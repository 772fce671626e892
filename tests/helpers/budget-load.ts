import type { RequestBudget } from '../../src/integrations/tiktok/request-budget.ts';
import { settle, type ManualTimers } from './manual-timers.ts';

/**
 * Sends `callers` concurrent acquire() calls, spread round-robin over `budgets` (each one a
 * process's budget whose sleeps are tagged with its name), and moves the manual clock from one
 * wake-up to the next until every caller was granted. Returns the clock time of every grant.
 */
export async function grantTimesUnderLoad(
  timers: ManualTimers,
  budgets: readonly { name: string; budget: RequestBudget }[],
  callers: number,
): Promise<number[]> {
  const grants: number[] = [];
  for (let i = 0; i < callers; i += 1) {
    const { budget } = budgets[i % budgets.length]!;
    void budget.acquire().then(() => grants.push(timers.clock.now()));
  }
  const quiet = () =>
    budgets.every(({ name, budget }) => budget.waiting() === 0 || timers.isSleeping(name)) &&
    grants.length === callers - budgets.reduce((n, b) => n + b.budget.waiting(), 0);
  for (;;) {
    await settle(quiet);
    if (grants.length === callers) return grants;
    const due = timers.nextDue();
    if (due === undefined) throw new Error('callers wait but nobody sleeps: the budget is stuck');
    timers.advance(due - timers.clock.now());
  }
}

/** The largest number of grants inside any window [t, t + windowMs). */
export function busiestWindow(grants: readonly number[], windowMs: number): number {
  const sorted = [...grants].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
