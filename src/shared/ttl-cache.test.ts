import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { ttlCache } from './ttl-cache.ts';

describe('ttlCache', () => {
  it('serves a kept value until its time to live passes on the injected clock, then loads again', async () => {
    const clock = new ManualClock(0);
    const cache = ttlCache<string, number>(clock, 1_000);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await cache.get('a', load)).toBe(1);
    clock.advance(999);
    expect(await cache.get('a', load)).toBe(1);
    clock.advance(1);
    expect(await cache.get('a', load)).toBe(2);
  });

  it('keeps nothing from a failed load, and drops the oldest entry past its size', async () => {
    const cache = ttlCache<string, string>(new ManualClock(0), 60_000, 2);
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('a', () => Promise.resolve('a1'))).toBe('a1');
    await cache.get('b', () => Promise.resolve('b1'));
    await cache.get('c', () => Promise.resolve('c1'));
    expect(await cache.get('a', () => Promise.resolve('a2'))).toBe('a2');
    expect(await cache.get('c', () => Promise.resolve('c2'))).toBe('c1');
  });
});
