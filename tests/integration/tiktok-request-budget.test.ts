import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBudgetStore } from '../../src/integrations/tiktok/redis-budget-store.ts';
import { createRequestBudget } from '../../src/integrations/tiktok/request-budget.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { busiestWindow, grantTimesUnderLoad } from '../helpers/budget-load.ts';
import { ManualTimers } from '../helpers/manual-timers.ts';

const SMALL = { limit: 20, windowMs: 1_000 };
const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl)('request budget shared through Redis', () => {
  // Two connections stand for two processes: nothing is shared between them but Redis.
  let first: Redis;
  let second: Redis;
  beforeAll(() => {
    first = new Redis(redisUrl!);
    second = new Redis(redisUrl!);
  });
  afterAll(async () => {
    await Promise.all([first.quit(), second.quit()]);
  });

  it('holds 20 per 1 s across two independent budgets sharing one Redis under 300 concurrent callers', async () => {
    const key = `creatorflow:test-budget:${randomBytes(6).toString('hex')}`;
    const clock = new ManualClock(Date.now());
    const timers = new ManualTimers(clock);
    const budgets = [first, second].map((redis, i) => ({
      name: `process-${i}`,
      budget: createRequestBudget(createRedisBudgetStore(redis, { ...SMALL, key, clock }), {
        sleep: timers.sleepFor(`process-${i}`),
      }),
    }));
    const start = clock.now();
    const grants = await grantTimesUnderLoad(timers, budgets, 300);
    expect(grants).toHaveLength(300);
    expect(busiestWindow(grants, SMALL.windowMs)).toBe(20);
    // The two processes together used each window in full: 300 / 20 = 15 windows.
    const lastWindow = Math.floor((Math.max(...grants) - start) / SMALL.windowMs);
    expect(lastWindow).toBe(14);
    await first.del(key);
  });

  it("counts on Redis's own clock when no clock is given, and still serves every caller", async () => {
    const key = `creatorflow:test-budget:${randomBytes(6).toString('hex')}`;
    const budgets = [first, second].map((redis) =>
      createRequestBudget(createRedisBudgetStore(redis, { limit: 5, windowMs: 200, key })),
    );
    const granted: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => budgets[i % 2]!.acquire().then(() => granted.push(i))),
    );
    expect(granted).toHaveLength(12);
    // Every grant was logged in Redis within the last window or trimmed from it: never over 5 at once.
    expect(await first.zcard(key)).toBeLessThanOrEqual(5);
    await first.del(key);
  });
});
