import type { Logger } from './log.ts';
import { sleep } from './sleep.ts';

/** A background loop: stop() waits for the round in flight; wake() starts the next round now. */
export interface PollLoop {
  readonly name: string;
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Runs `round` again at once while it reports work done (a number above zero), otherwise after
 * `intervalMs` or when woken. A failed round is logged and retried after the interval.
 */
export function startPollLoop(options: {
  name: string;
  log: Logger;
  intervalMs: number;
  round: () => Promise<number>;
}): PollLoop {
  const stopping = new AbortController();
  let wakeUp: (() => void) | undefined;
  let woken = false;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let done = 0;
      try {
        woken = false;
        done = await options.round();
      } catch (error) {
        options.log.error({ err: error, loop: options.name }, `${options.name} failed; retrying`);
      }
      if (done > 0 || woken || stopping.signal.aborted) continue;
      // One controller per idle wait, aborted by a wake-up too, so no timer or listener outlives it.
      const idle = new AbortController();
      const onStop = () => idle.abort();
      stopping.signal.addEventListener('abort', onStop, { once: true });
      wakeUp = onStop;
      await sleep(options.intervalMs, idle.signal);
      stopping.signal.removeEventListener('abort', onStop);
      wakeUp = undefined;
    }
  })();
  return {
    name: options.name,
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopping.abort();
      wakeUp?.();
      await loop;
    },
  };
}
