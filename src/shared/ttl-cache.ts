import type { Clock } from './clock.ts';

/** Values kept for a while by key, timed by the injected clock. */
export interface TtlCache<K, V> {
  /** The value kept for `key` while younger than the cache's time to live, else `load()`'s, kept. */
  get(key: K, load: () => Promise<V>): Promise<V>;
}

/**
 * A cache whose entries live `ttlMs` by `clock`, holding at most `maxEntries` (the oldest go first).
 * A failed load keeps nothing, so the next call tries again.
 *
 * @example
 *   const providers = ttlCache<string, Provider[]>(clock, 10 * 60_000);
 *   await providers.get(`${shopId}:${optionId}`, () => api.getShippingProviders(shopId, optionId));
 */
export function ttlCache<K, V>(clock: Clock, ttlMs: number, maxEntries = 1_000): TtlCache<K, V> {
  const entries = new Map<K, { at: number; value: V }>();
  return {
    async get(key, load) {
      const kept = entries.get(key);
      if (kept && clock.now() - kept.at < ttlMs) return kept.value;
      const value = await load();
      entries.delete(key);
      entries.set(key, { at: clock.now(), value });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as K);
      return value;
    },
  };
}
