import { workDueRows, type Database } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/log.ts';
import { INBOX_TABLE, type InboxEvent, type InboxOutcome } from './inbox-queries.ts';

/** Handles one stored event; throwing means "try again later". */
export type InboxHandler = (event: InboxEvent) => Promise<InboxOutcome>;

export interface InboxProcessorDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  /** Picks the handler for an event; undefined means the event type is stored and ignored. */
  readonly handlerFor: (event: InboxEvent) => InboxHandler | undefined;
}

/**
 * Processes one batch of pending events, concurrently, each to its own outcome. Returns how many
 * were claimed, so a loop knows whether to go again at once.
 */
export async function processInboxBatch(
  deps: InboxProcessorDeps,
  options: { limit?: number; leaseMs?: number } = {},
): Promise<number> {
  const { claimed } = await workDueRows<InboxEvent, InboxOutcome>(
    deps,
    INBOX_TABLE,
    { limit: options.limit ?? 100, leaseMs: options.leaseMs ?? 60_000 },
    {
      run: async (event) => {
        const handler = deps.handlerFor(event);
        return handler ? handler(event) : 'ignored';
      },
      doneStatus: (outcome) => outcome,
      onGiveUp: (_tx, event, error) =>
        deps.log.error({ err: error, event: event.id }, 'webhook event failed for good'),
    },
  );
  return claimed;
}
