import type { Service } from '../shared/service.ts';
import type { Logger } from '../shared/log.ts';
import { sleep } from '../shared/sleep.ts';
import { dispatchDueNotifications, type DispatchDeps } from './dispatcher.ts';

/** Runs the notification dispatcher every `intervalMs` until stopped; stop() waits for the round in flight. */
export function startNotificationDispatcher(
  deps: DispatchDeps & { log: Logger },
  options: { intervalMs?: number } = {},
): Service {
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const { sent, failed } = await dispatchDueNotifications(deps);
        if (failed > 0) deps.log.warn({ sent, failed }, 'some notifications failed; they will be retried');
      } catch (error) {
        deps.log.error({ err: error }, 'notification dispatch failed; retrying');
      }
      await sleep(options.intervalMs ?? 1_000, stop.signal);
    }
  })();
  return {
    name: 'notifications',
    async stop() {
      stop.abort();
      await loop;
      deps.email?.close();
    },
  };
}
