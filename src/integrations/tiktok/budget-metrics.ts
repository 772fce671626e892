import { Gauge, type Registry } from 'prom-client';
import type { RequestBudget } from './request-budget.ts';

/**
 * Registers `creatorflow_tiktok_budget_waiting`: TikTok calls of this process waiting for a slot of
 * the shared request budget, read at scrape time. Above zero for long means the budget, not
 * TikTok, is what slows fulfilment down.
 */
export function registerBudgetMetrics(registry: Registry, budget: RequestBudget): Gauge {
  return new Gauge({
    name: 'creatorflow_tiktok_budget_waiting',
    help: 'TikTok calls waiting for a slot of the shared request budget (this process)',
    registers: [registry],
    collect() {
      this.set(budget.waiting());
    },
  });
}
