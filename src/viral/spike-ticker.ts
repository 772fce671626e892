// A timer that moves the spike detectors' clocks, so episodes end when demand calms down.
import { describeError } from '../shared/errors.ts';
import { tickSpikes, type SpikeDeps } from './spike-service.ts';

/** Ticks every `intervalMs` (10 s: one detector bucket) until stopped; a failed tick is logged and retried next time. */
export function startSpikeTicker(
  deps: SpikeDeps,
  intervalMs = 10_000,
): { readonly name: string; stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return; // a slow tick is not overtaken by the next one
    running = tickSpikes(deps)
      .catch((error: unknown) => deps.log.warn({ err: describeError(error) }, 'spike tick failed'))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    name: 'spike-ticker',
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
