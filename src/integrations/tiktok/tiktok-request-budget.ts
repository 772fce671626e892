import type { Redis } from 'ioredis';
import type { Clock } from '../../shared/clock.ts';
import { createRedisBudgetStore, tiktokBudgetKey } from './redis-budget-store.ts';
import {
  createMemoryBudgetStore,
  createRequestBudget,
  TIKTOK_REQUEST_BUDGET,
  type BudgetLimit,
  type RequestBudget,
} from './request-budget.ts';

/**
 * The budget of one TikTok app: shared through Redis by every process when `redis` is given,
 * otherwise counted in this process (exact with PGlite, where only one process exists).
 */
export function createTiktokRequestBudget(input: {
  appKey: string;
  redis: Redis | undefined;
  clock: Clock;
  budget?: BudgetLimit | undefined;
}): RequestBudget {
  const budget = input.budget ?? TIKTOK_REQUEST_BUDGET;
  return createRequestBudget(
    input.redis
      ? createRedisBudgetStore(input.redis, { ...budget, key: tiktokBudgetKey(input.appKey) })
      : createMemoryBudgetStore(budget, input.clock),
  );
}
