import type { Database } from '../db/index.ts';
import { retryDelayMs, type RetryPolicy } from '../shared/backoff.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import {
  claimInboxEvents,
  failInboxEvent,
  finishInboxEvent,
  type InboxEvent,
  type InboxOutcome,
} from './inbox-queries.ts';

/** Handles one stored event; throwing means "try again later". */
export type InboxHandler = (event: InboxEvent) => Promise<InboxOutcome>;

export interface InboxProcessorDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  /** Picks the handler for an event; undefined means the event type is stored and ignored. */
  readonly handlerFor: (event: InboxEvent) => InboxHandler | undefined;
}

/** 10 attempts, 1 s doubling to 10 min between them. */
export const INBOX_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 10 * 60_000 };

/**
 * Processes one batch of pending events, concurrently, each to its own outcome. Returns how many
 * were claimed, so a loop knows whether to go again at once.
 */
export async function processInboxBatch(
  deps: InboxProcessorDeps,
  options: { limit?: number; leaseMs?: number } = {},
): Promise<number> {
  const events = await claimInboxEvents(deps.db, {
    now: new Date(deps.clock.now()),
    limit: options.limit ?? 100,
    leaseMs: options.leaseMs ?? 60_000,
  });
  await Promise.all(
    events.map(async (event) => {
      const handler = deps.handlerFor(event);
      try {
        const outcome = handler ? await handler(event) : 'ignored';
        await finishInboxEvent(deps.db, { id: event.id, outcome, now: new Date(deps.clock.now()) });
      } catch (error) {
        const delay = retryDelayMs(INBOX_RETRY, event.attempts);
        if (delay === null) deps.log.error({ err: error, event: event.id }, 'webhook event failed for good');
        await failInboxEvent(deps.db, {
          id: event.id,
          error: describeError(error),
          retryAt: delay === null ? null : new Date(deps.clock.now() + delay),
        });
      }
    }),
  );
  return events.length;
}
