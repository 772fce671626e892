import type { Service } from '../shared/service.ts';
import type { Logger } from '../shared/log.ts';
import { startPollLoop } from '../shared/poll-loop.ts';
import { dispatchDueNotifications, type DispatchDeps } from './dispatcher.ts';

/**
 * Runs the notification dispatcher until stopped: again at once while it finds due notifications,
 * otherwise every `intervalMs`. stop() waits for the round in flight, then closes the mailer.
 */
export function startNotificationDispatcher(
  deps: DispatchDeps & { log: Logger },
  options: { intervalMs?: number } = {},
): Service {
  const loop = startPollLoop({
    name: 'notification dispatch',
    log: deps.log,
    intervalMs: options.intervalMs ?? 1_000,
    round: async () => {
      const { sent, failed } = await dispatchDueNotifications(deps);
      if (failed > 0) deps.log.warn({ sent, failed }, 'some notifications failed; they will be retried');
      return sent + failed;
    },
  });
  return {
    name: 'notifications',
    async stop() {
      await loop.stop();
      deps.email?.close();
    },
  };
}
