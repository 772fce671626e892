import type { ManualClock } from '../../src/shared/clock.ts';

interface Sleeper {
  readonly tag: string;
  readonly due: number;
  readonly resolve: () => void;
}

/**
 * Sleeps that end when a test moves a ManualClock past them, so code that waits can be driven
 * window by window without real time passing. Each sleep carries a tag naming who sleeps.
 */
export class ManualTimers {
  private sleepers: Sleeper[] = [];

  constructor(readonly clock: ManualClock) {}

  /** A `sleep(ms)` for one sleeper; resolves once the clock reaches now + ms. */
  sleepFor(tag: string): (ms: number) => Promise<void> {
    return (ms) =>
      new Promise<void>((resolve) => this.sleepers.push({ tag, due: this.clock.now() + ms, resolve }));
  }

  /** Whether the sleeper with this tag is waiting for the clock. */
  isSleeping(tag: string): boolean {
    return this.sleepers.some((s) => s.tag === tag);
  }

  /** When the earliest sleeper wakes, or undefined when none sleeps. */
  nextDue(): number | undefined {
    return this.sleepers.reduce<number | undefined>(
      (min, s) => (min === undefined || s.due < min ? s.due : min),
      undefined,
    );
  }

  /** Moves the clock and wakes every sleeper now due. */
  advance(ms: number): void {
    this.clock.advance(ms);
    const now = this.clock.now();
    const due = this.sleepers.filter((s) => s.due <= now);
    this.sleepers = this.sleepers.filter((s) => s.due > now);
    for (const s of due) s.resolve();
  }
}

/** Lets pending promise callbacks and I/O run until `done()` holds (or fails after `rounds`). */
export async function settle(done: () => boolean, rounds = 3_000): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    if (done()) return;
    // Promise callbacks settle within a few turns; a round trip to Redis may need real time.
    await new Promise((resolve) => (i < 100 ? setImmediate(resolve) : setTimeout(resolve, 5)));
  }
  throw new Error('the code under test did not settle');
}
