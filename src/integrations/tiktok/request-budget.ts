import type { Clock } from '../../shared/clock.ts';
import { sleep as realSleep } from '../../shared/sleep.ts';

/**
 * The shared TikTok Shop request budget: at most `limit` requests in any `windowMs` (the design
 * target is 1000 per minute per app, shared by every process). The client's `beforeRequest` hook
 * calls `acquire()`, which waits (never fails) until a slot is free.
 *
 * Glossary:
 * - store: where grants are counted: in this process (`createMemoryBudgetStore`) or in Redis
 *   (`createRedisBudgetStore`), shared by every process using the same key.
 * - grant: one request allowed at one instant. A sliding log of grants: a grant counts against
 *   the budget for exactly `windowMs`, so no window of that length ever holds more than `limit`.
 */
export interface BudgetLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** Takes one slot if one is free now, else says how long until the oldest grant leaves the window. */
export interface BudgetStore {
  take(): Promise<{ granted: true } | { granted: false; retryAfterMs: number }>;
}

export interface RequestBudget {
  /**
   * Resolves once this caller may send one request. Callers are served first come, first served.
   * Rejects only when `signal` aborts first (with the signal's reason) or the store fails.
   */
  acquire(signal?: AbortSignal): Promise<void>;
  /** How many callers are waiting in this process (for metrics). */
  waiting(): number;
}

/** The design target: 1000 requests per minute per app. */
export const TIKTOK_REQUEST_BUDGET: BudgetLimit = { limit: 1000, windowMs: 60_000 };

/** Grants counted in this process: exact for one process, which is all PGlite ever has. */
export function createMemoryBudgetStore(budget: BudgetLimit, clock: Clock): BudgetStore {
  checkLimit(budget);
  // Grant times, oldest first. At most `limit` entries.
  const grants: number[] = [];
  return {
    take() {
      const now = clock.now();
      while (grants.length > 0 && grants[0]! <= now - budget.windowMs) grants.shift();
      if (grants.length < budget.limit) {
        grants.push(now);
        return Promise.resolve({ granted: true });
      }
      return Promise.resolve({ granted: false, retryAfterMs: grants[0]! + budget.windowMs - now });
    },
  };
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * A first-come-first-served queue in front of a store. Only the head of the queue asks the store,
 * so many waiting callers in one process cost one store call per free slot, not one each.
 * `sleep` is injectable so tests can drive time by hand with a ManualClock.
 *
 * @example
 *   const budget = createRequestBudget(createMemoryBudgetStore(TIKTOK_REQUEST_BUDGET, systemClock));
 *   const client = createTiktokClient({ ..., beforeRequest: (signal) => budget.acquire(signal) });
 */
export function createRequestBudget(
  store: BudgetStore,
  options: { sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
): RequestBudget {
  const sleep = options.sleep ?? realSleep;
  const queue: Waiter[] = [];
  let pumping = false;

  function leave(waiter: Waiter): void {
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        let answer: Awaited<ReturnType<BudgetStore['take']>>;
        try {
          answer = await store.take();
        } catch (error) {
          // Nobody can be granted a slot: tell every waiter rather than letting them hang.
          for (const waiter of queue.splice(0)) {
            waiter.signal?.removeEventListener('abort', waiter.onAbort);
            waiter.reject(error);
          }
          return;
        }
        if (answer.granted) {
          // The head may have given up while the store answered: the slot goes to the next one
          // (or is left unused when nobody waits, which only errs on the safe side).
          const head = queue[0];
          if (head) {
            leave(head);
            head.resolve();
          }
        } else {
          await sleep(Math.max(1, answer.retryAfterMs));
        }
      }
    } finally {
      pumping = false;
    }
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            leave(waiter);
            reject(abortReason(signal!));
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        void pump();
      });
    },
    waiting: () => queue.length,
  };
}

function abortReason(signal: AbortSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const error = new Error('The wait for a TikTok request slot was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

/** Refuses a budget that could never grant anything. */
export function checkLimit(budget: BudgetLimit): void {
  if (!Number.isInteger(budget.limit) || budget.limit < 1) {
    throw new RangeError(`A request budget needs a whole limit of at least 1 (got ${budget.limit})`);
  }
  if (!Number.isFinite(budget.windowMs) || budget.windowMs <= 0) {
    throw new RangeError(`A request budget needs a positive window in ms (got ${budget.windowMs})`);
  }
}
