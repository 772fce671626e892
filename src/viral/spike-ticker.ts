// A timer that moves the spike detectors' clocks, so episodes end when demand calms down.
import { describeError } from '../shared/errors.ts';
import { tickSpikes, type SpikeDeps } from './spike-service.ts';

/**
 * PGlite runs no autovacuum, and without statistics the planner joins order lines to orders with
 * a nested loop that grows with the data (1.5 s instead of 60 ms at 7,000 orders): on PGlite the
 * ticker analyses the tables spike detection reads every ten minutes.
 */
const ANALYZE_EVERY_MS = 10 * 60_000;

/** Ticks every `intervalMs` (10 s: one detector bucket) until stopped; a failed tick is logged and retried next time. */
export function startSpikeTicker(
  deps: SpikeDeps,
  intervalMs = 10_000,
): { readonly name: string; stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let analysedAt = 0;
  const tick = async (): Promise<void> => {
    await tickSpikes(deps);
    if (deps.db.kind === 'pglite' && Date.now() - analysedAt >= ANALYZE_EVERY_MS) {
      analysedAt = Date.now();
      await deps.db.query('ANALYZE orders, order_lines, order_jobs, spike_episodes');
    }
  };
  const timer = setInterval(() => {
    if (running) return; // a slow tick is not overtaken by the next one
    running = tick()
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
