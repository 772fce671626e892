import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../shared/clock.ts';
import { checkLimit, type BudgetLimit, type BudgetStore } from './request-budget.ts';

/**
 * A sliding log of grants in one sorted set (score = grant time in ms), trimmed and counted and
 * added to in one atomic script, so any number of processes share one exact budget. Without a
 * `now` argument the script reads Redis's own clock, so processes on hosts whose clocks disagree
 * still agree on the window. Returns {1, 0} for a grant, or {0, ms until the oldest grant leaves}.
 */
const TAKE_SLOT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  -- The expiry only collects an idle budget; trimming is by score, so a generous one is harmless.
  redis.call('PEXPIRE', KEYS[1], window + 60000)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
`;

interface BudgetCommands {
  creatorflowTakeBudgetSlot(
    key: string,
    limit: number,
    windowMs: number,
    now: string,
    member: string,
  ): Promise<[number, number]>;
}

/**
 * The budget shared through Redis by every process that uses the same `key` (one per TikTok app,
 * e.g. `creatorflow:tiktok-budget:{appKey}`). `clock` is for tests; in production leave it out so
 * Redis's clock is the only one that counts.
 */
export function createRedisBudgetStore(
  redis: Redis,
  input: BudgetLimit & { key: string; clock?: Clock | undefined },
): BudgetStore {
  checkLimit(input);
  if (!('creatorflowTakeBudgetSlot' in redis)) {
    redis.defineCommand('creatorflowTakeBudgetSlot', { numberOfKeys: 1, lua: TAKE_SLOT });
  }
  const commands = redis as unknown as BudgetCommands;
  const prefix = randomBytes(6).toString('hex');
  let sequence = 0;
  return {
    async take() {
      sequence += 1;
      const [granted, retryAfterMs] = await commands.creatorflowTakeBudgetSlot(
        input.key,
        input.limit,
        input.windowMs,
        input.clock ? String(input.clock.now()) : '',
        // Members must be unique: two grants in the same millisecond are two grants.
        `${prefix}:${sequence}`,
      );
      return granted === 1 ? { granted: true } : { granted: false, retryAfterMs };
    },
  };
}

/** The Redis key of one TikTok app's budget. */
export function tiktokBudgetKey(appKey: string): string {
  return `creatorflow:tiktok-budget:${appKey}`;
}
