import pg from 'pg';
import { backoffDelayMs, type Backoff } from '../shared/backoff.ts';
import { sleep } from '../shared/sleep.ts';

export interface PostgresListener {
  /** Calls `handler` for each NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Pauses between attempts to reopen a broken LISTEN connection. */
const REOPEN_BACKOFF: Backoff = { baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * LISTEN on one connection of `pool`, taken when first needed. When that connection breaks (a server
 * restart, a failover) one loop replaces it, after growing pauses (0.1 s doubling up to 5 s, equal
 * jitter, so listeners of several processes do not all come back at once), and then calls
 * every handler once with an empty payload: what was notified meanwhile is lost.
 */
export function postgresListener(pool: pg.Pool): PostgresListener {
  const stopping = new AbortController();
  const handlers = new Map<string, Set<(payload: string) => void>>();
  // The connection listening now, or the attempt that will give one.
  let listener: Promise<pg.PoolClient> | undefined;
  // Lets go of the connection listening now (close() calls it).
  let releaseCurrent: (() => void) | undefined;

  // LISTEN and UNLISTEN take turns: a pg client runs one query at a time.
  let turn: Promise<unknown> = Promise.resolve();
  const onClient = (client: pg.PoolClient, sql: string): Promise<unknown> => {
    const next = turn.then(() => client.query(sql));
    turn = next.catch(() => {});
    return next;
  };
  const listenTo = (client: pg.PoolClient, channel: string) =>
    onClient(client, `LISTEN ${pg.escapeIdentifier(channel)}`);

  /** A connection listening to every channel in `handlers`; once it breaks, `reopen` replaces it. */
  const open = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    let released = false;
    let opened = false;
    const release = () => {
      if (released) return;
      released = true;
      client.release(true);
    };
    client.on('notification', (msg) => {
      for (const handler of handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    client.on('error', () => {
      release();
      // A connection that breaks while opening is the opener's to retry; only a working one reopens.
      if (opened && !stopping.signal.aborted) reopen();
    });
    try {
      if (stopping.signal.aborted) throw new Error('the database was closed');
      for (const channel of handlers.keys()) await listenTo(client, channel);
    } catch (error) {
      release();
      throw error;
    }
    opened = true;
    releaseCurrent = release;
    return client;
  };

  const reopen = (): void => {
    listener = (async () => {
      for (let attempt = 1; ; attempt++) {
        await sleep(backoffDelayMs(attempt, REOPEN_BACKOFF), stopping.signal);
        if (stopping.signal.aborted) throw new Error('the database was closed');
        try {
          const client = await open();
          for (const set of handlers.values()) for (const handler of set) handler('');
          return client;
        } catch {
          // The server is still away: try again after a longer pause.
        }
      }
    })();
    listener.catch(() => {});
  };

  return {
    async listen(channel, handler) {
      const opening = (listener ??= open());
      let client: pg.PoolClient;
      try {
        client = await opening;
      } catch (error) {
        // The first connection failed: the next call tries again.
        if (listener === opening) listener = undefined;
        throw error;
      }
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        // If the connection breaks meanwhile, its replacement listens to every channel in `handlers`.
        await listenTo(client, channel).catch(() => {});
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size > 0) return;
        handlers.delete(channel);
        const current = await listener?.catch(() => undefined);
        if (current) await onClient(current, `UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
      };
    },
    async close() {
      stopping.abort();
      // An attempt still connecting to an unreachable server is not waited for: it gives up by itself.
      await Promise.race([listener?.catch(() => undefined), sleep(1_000)]);
      listener = undefined;
      releaseCurrent?.();
    },
  };
}
