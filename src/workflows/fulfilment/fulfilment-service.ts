import { processInboxBatch, resumeEventsOfActiveShops, type InboxEvent } from '../../ingest/index.ts';
import { startWorkerPool, type WorkerPool } from '../../queue/index.ts';
import { startPollLoop, type PollLoop } from '../../shared/poll-loop.ts';
import { carrierEventHandler } from './carrier-event-handler.ts';
import { runDueCompensations } from './compensation-runner.ts';
import { pushInventoryChanges } from './inventory-push.ts';
import { failOrder, runOrderStep } from './run-order-step.ts';
import { tiktokEventHandler, type EventHandlerDeps } from './tiktok-event-handlers.ts';

export interface RunningFulfilment {
  /** Wakes the inbox processor (a webhook was just stored). */
  wakeInbox(): void;
  stop(): Promise<void>;
}

/**
 * The worker role's engine: the inbox processor turning stored webhooks into orders, the worker
 * pool moving orders through their steps, and the compensation runner undoing what must be undone.
 */
export async function startFulfilment(
  deps: EventHandlerDeps,
  options: { workerId: string; pollMs?: number },
): Promise<RunningFulfilment> {
  const handlerFor = (event: InboxEvent) =>
    tiktokEventHandler(deps, event) ?? carrierEventHandler(deps, event);
  const inbox: PollLoop = startPollLoop({
    name: 'webhook inbox',
    log: deps.log,
    intervalMs: options.pollMs ?? 1_000,
    round: async () =>
      (await resumeEventsOfActiveShops(deps.db, new Date(deps.clock.now()))) +
      (await processInboxBatch({ db: deps.db, clock: deps.clock, log: deps.log, handlerFor })),
  });
  const compensations = startPollLoop({
    name: 'compensations',
    log: deps.log,
    intervalMs: 2_000,
    round: () => runDueCompensations(deps),
  });
  // Stock counts go back to TikTok at most every few seconds per product, whatever the churn.
  const inventory = startPollLoop({
    name: 'TikTok inventory push',
    log: deps.log,
    intervalMs: deps.tuning.inventoryPushMs,
    // Always a full interval between rounds: that is the debounce.
    round: async () => {
      await pushInventoryChanges(deps);
      return 0;
    },
  });
  let pool: WorkerPool;
  try {
    pool = await startWorkerPool(
      {
        db: deps.db,
        clock: deps.clock,
        log: deps.log,
        step: (job) => runOrderStep(deps, job),
        giveUp: (job, error) => failOrder(deps, job, error),
      },
      { workerId: options.workerId, ...(options.pollMs ? { pollMs: options.pollMs } : {}) },
    );
  } catch (error) {
    await Promise.all([inbox.stop(), compensations.stop(), inventory.stop()]);
    throw error;
  }
  return {
    wakeInbox: () => inbox.wake(),
    async stop() {
      await inbox.stop();
      await pool.stop();
      await compensations.stop();
      await inventory.stop();
    },
  };
}
