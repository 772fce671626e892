import { describe, expect, it } from 'vitest';
import {
  adoptOpenEpisode,
  createWatch,
  feed,
  forgetEpisode,
  isOpen,
  pruneSeen,
  ratesOf,
} from './spike-state.ts';

const HOUR = 3_600_000;
// A day at five orders an hour, then an order every five seconds.
function warmWatch() {
  const w = createWatch('s', 'p', 0);
  const day = Array.from({ length: 120 }, (_, i) => ({ orderId: `h${i}`, atMs: i * 12 * 60_000 }));
  expect(feed(w, day, 24 * HOUR)).toEqual([]);
  return w;
}

describe('a product watch', () => {
  it('reports one start when a spike begins, and nothing more while it lasts', () => {
    const w = warmWatch();
    const events = [];
    for (let i = 0; i < 100; i++)
      events.push(...feed(w, [{ orderId: `s${i}`, atMs: 24 * HOUR + i * 5_000 }], 24 * HOUR + i * 5_000));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'start', by: 'early' });
    expect(ratesOf(w).peakPerHour).toBeGreaterThan(100);
  });

  it('reports the end once both detectors have been calm for a while', () => {
    const w = warmWatch();
    for (let i = 0; i < 100; i++)
      feed(w, [{ orderId: `s${i}`, atMs: 24 * HOUR + i * 5_000 }], 24 * HOUR + i * 5_000);
    expect(feed(w, [], 26 * HOUR)).toEqual([]);
    expect(feed(w, [], 26 * HOUR + 20 * 60_000)).toEqual([expect.objectContaining({ kind: 'end' })]);
    expect(isOpen(w)).toBe(false);
  });

  it('remembers counted orders only for the overlap window', () => {
    const w = warmWatch();
    feed(w, [{ orderId: 'late', atMs: 24 * HOUR }], 24 * HOUR);
    pruneSeen(w, 60_000);
    expect(w.seen.has('late')).toBe(true);
    expect(w.seen.has('h0')).toBe(false);
  });

  it('adopting a stored episode opens it; forgetting one closes it without an event', () => {
    const w = warmWatch();
    adoptOpenEpisode(w, 23 * HOUR, 90);
    expect(isOpen(w)).toBe(true);
    forgetEpisode(w);
    expect(isOpen(w)).toBe(false);
    expect(feed(w, [], 24 * HOUR + 60_000)).toEqual([]);
  });
});
