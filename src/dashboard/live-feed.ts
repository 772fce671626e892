import type { ServerResponse } from 'node:http';
import type { Queryable } from '../db/index.ts';
import type { Logger } from '../shared/log.ts';
import type { OverviewSource } from './overview.ts';

/** An order that changed since the last round, as the `orders` event carries it. */
export interface OrderChange {
  event_id: number;
  order_id: string;
  shop_id: string;
  kind: string;
  to: string | null;
  at: Date;
  state: string;
  priority: string;
}

/** Timeline entries added after `afterId` (at most `limit`), with their order's current state. */
export async function orderChangesSince(db: Queryable, afterId: number, limit = 200): Promise<OrderChange[]> {
  const { rows } = await db.query<OrderChange>(
    `SELECT e.id::int AS event_id, e.order_id, e.shop_id, e.kind, e.to_state AS "to", e.at, o.state, o.priority
       FROM order_events e
       JOIN orders o ON o.shop_id = e.shop_id AND o.order_id = e.order_id
      WHERE e.id > $1
      ORDER BY e.id
      LIMIT $2`,
    [afterId, limit],
  );
  return rows;
}

async function lastEventId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: number | null }>(`SELECT max(id)::int AS id FROM order_events`);
  return rows[0]?.id ?? 0;
}

/**
 * The server-sent events behind GET /api/events. One round every `intervalMs` (1.5 s) computes the
 * overview once and reads new timeline entries once, then writes both to every connected browser,
 * so the cost does not grow with the number of viewers. Rounds run only while someone listens.
 *
 * Events: `overview` (the whole overview), `orders` (`{changes: OrderChange[]}`), and a comment
 * line every 15 s to keep proxies from closing an idle stream.
 */
export function createLiveFeed(deps: {
  db: Queryable;
  log: Logger;
  overview: OverviewSource;
  intervalMs?: number;
}) {
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  // Where the feed's `orders` events start: the newest timeline entry when the first viewer came.
  let cursor: Promise<number> | undefined;
  let running = false;

  const broadcast = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of clients) client.write(frame);
  };

  const round = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const after = await (cursor ??= lastEventId(deps.db));
      const overview = await deps.overview.get();
      broadcast('overview', overview);
      const changes = await orderChangesSince(deps.db, after);
      const last = changes.at(-1);
      if (last) {
        cursor = Promise.resolve(last.event_id);
        broadcast('orders', { changes });
      }
    } catch (error) {
      deps.log.warn({ err: error }, 'dashboard live feed round failed; trying again');
    } finally {
      running = false;
    }
  };

  const start = (): void => {
    timer = setInterval(() => void round(), deps.intervalMs ?? 1_500);
    heartbeat = setInterval(() => {
      for (const client of clients) client.write(': keep-alive\n\n');
    }, 15_000);
  };

  const stop = (): void => {
    clearInterval(timer);
    clearInterval(heartbeat);
    timer = undefined;
    cursor = undefined;
  };

  return {
    /** Starts streaming to `res` (headers already written); stops when the browser goes away. */
    add(res: ServerResponse): void {
      clients.add(res);
      res.on('close', () => {
        clients.delete(res);
        if (clients.size === 0) stop();
      });
      res.write('retry: 3000\n\n');
      // The newcomer gets figures at once rather than after the first interval; the feed's cursor
      // is fixed first, so every order change after this first event reaches the newcomer.
      void (async () => {
        await (cursor ??= lastEventId(deps.db));
        const overview = await deps.overview.get();
        res.write(`event: overview\ndata: ${JSON.stringify(overview)}\n\n`);
      })().catch((error: unknown) => deps.log.warn({ err: error }, 'first overview for a new viewer failed'));
      if (!timer) start();
    },
    /** Ends every stream (the server is closing); browsers reconnect to whichever process serves next. */
    closeAll(): void {
      stop();
      for (const client of clients) client.end();
      clients.clear();
    },
    get size(): number {
      return clients.size;
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
