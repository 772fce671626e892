import pg from 'pg';
import { sleep } from '../shared/sleep.ts';

export interface PostgresListener {
  /** Calls `handler` for each NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * LISTEN on one connection of `pool`, taken when first needed. When that connection breaks (a server
 * restart, a failover) another replaces it, after growing pauses (0.1 s up to 5 s), and then every
 * handler is called once with an empty payload: what was notified meanwhile is lost.
 */
export function postgresListener(pool: pg.Pool): PostgresListener {
  let listener: Promise<pg.PoolClient> | undefined;
  const stopping = new AbortController();
  const handlers = new Map<string, Set<(payload: string) => void>>();
  // LISTEN and UNLISTEN take turns: a pg client runs one query at a time.
  let listenerTurn: Promise<unknown> = Promise.resolve();
  const onListener = (client: pg.PoolClient, sql: string): Promise<unknown> => {
    const turn = listenerTurn.then(() => client.query(sql));
    listenerTurn = turn.catch(() => {});
    return turn;
  };
  const listenTo = (client: pg.PoolClient, channel: string) =>
    onListener(client, `LISTEN ${pg.escapeIdentifier(channel)}`);

  const openListener = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    let broken = false;
    client.on('notification', (msg) => {
      for (const handler of handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    client.on('error', () => {
      if (broken) return;
      broken = true;
      client.release(true);
      if (stopping.signal.aborted) return;
      listener = reopenListener();
      listener.catch(() => {});
    });
    try {
      for (const channel of handlers.keys()) await listenTo(client, channel);
    } catch (error) {
      if (!broken) client.release(true);
      broken = true;
      throw error;
    }
    return client;
  };
  const reopenListener = async (): Promise<pg.PoolClient> => {
    for (let attempt = 0; ; attempt++) {
      await sleep(Math.min(5_000, 100 * 2 ** attempt), stopping.signal);
      if (stopping.signal.aborted) throw new Error('the database was closed');
      try {
        const client = await openListener();
        for (const set of handlers.values()) for (const handler of set) handler('');
        return client;
      } catch {
        // The server is still away: try again after a longer pause.
      }
    }
  };

  return {
    async listen(channel, handler) {
      const opening = (listener ??= openListener());
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
        if (current) await onListener(current, `UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
      };
    },
    async close() {
      stopping.abort();
      const current = await listener?.catch(() => undefined);
      listener = undefined;
      current?.release();
    },
  };
}
