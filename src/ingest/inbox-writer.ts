import { columnsOf, type Database, type Queryable } from '../db/index.ts';

/** One verified webhook delivery to store. `payload` is the raw JSON body text, stored as jsonb. */
export interface InboxEntry {
  readonly source: 'tiktok' | 'shippo';
  readonly notificationId: string;
  readonly shopId: string | null;
  readonly eventType: number | null;
  readonly payload: string;
}

/** `stored: false` means the notification id was already in the inbox: a repeat delivery. */
export interface InboxResult {
  readonly stored: boolean;
  readonly id: number | null;
}

export interface InboxWriter {
  /** Resolves once the entry is durably committed (or found to be a repeat); rejects if the commit failed. */
  store(entry: InboxEntry): Promise<InboxResult>;
}

interface Pending {
  entry: InboxEntry;
  resolve: (result: InboxResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the webhook inbox: requests arriving while a batch is being written wait for the
 * next batch, which takes all of them in one INSERT. An idle writer flushes at the end of the
 * current event-loop turn, so a lone webhook is not delayed; under load batches grow by themselves,
 * up to `maxBatch`.
 *
 * A second (up to `maxInFlight`) batch starts beside a running one only once `minConcurrentBatch`
 * entries (16, or `maxBatch` if smaller) are waiting. Each statement and commit has a fixed cost
 * (measured on PostgreSQL: about 0.5 ms of CPU in the database and as much in this process), which a
 * batch of 5 pays per 5 rows and a batch of 100 per 100 rows: starting batches eagerly under load
 * made them small (8 on average at 50 connections) and spent the shared cores on commits. Never
 * overlapping them (a threshold above the connection count) made each batch wait for the last commit:
 * 16 answered 17-35% more webhooks than that in paired runs on the benchmark's two cores (batches
 * of 20 on average instead of 25). On PostgreSQL concurrent batches use their own pooled
 * connections; a notification id in two concurrent batches is still stored once, the second waits
 * and skips it.
 * PGlite has one connection, so its default is one batch at a time.
 *
 * @example
 *   const inbox = createInboxWriter(db);
 *   const { stored } = await inbox.store({ source: 'tiktok', notificationId, shopId, eventType: 1, payload: rawBody });
 */
export function createInboxWriter(
  db: Queryable | Database,
  options: {
    maxBatch?: number;
    maxInFlight?: number;
    minConcurrentBatch?: number;
    onBatch?: (size: number) => void;
  } = {},
): InboxWriter {
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? ('kind' in db && db.kind === 'postgres' ? 4 : 1);
  const minConcurrentBatch = options.minConcurrentBatch ?? Math.min(16, maxBatch);
  let queue: Pending[] = [];
  let inFlight = 0;

  async function flush(): Promise<void> {
    inFlight += 1;
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      options.onBatch?.(batch.length);
      try {
        const results = await insertBatch(
          db,
          batch.map((p) => p.entry),
        );
        for (let i = 0; i < batch.length; i += 1) batch[i]!.resolve(results[i]!);
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        // One entry the database refuses must not fail the others: retry them one by one.
        else
          await Promise.all(
            batch.map((p) => insertBatch(db, [p.entry]).then((r) => p.resolve(r[0]!), p.reject)),
          );
      }
    }
    inFlight -= 1;
  }

  /** Starts a batch if none is running, or another one if enough entries wait (see above). */
  const wanted = () =>
    queue.length > 0 && (inFlight === 0 || (inFlight < maxInFlight && queue.length >= minConcurrentBatch));

  // The flush waits for the end of the current event-loop turn (setImmediate, no timer), so the
  // webhooks whose bytes arrived in the same turn share one batch. Without it a writer that is idle
  // at that moment flushed the first webhook alone; on PGlite, whose statements run on this thread
  // and finish before the next request is read, every batch was a single webhook.
  let scheduled = false;
  const startSoon = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (wanted()) void flush();
    });
  };

  return {
    store(entry) {
      return new Promise<InboxResult>((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        if (wanted()) startSoon();
      });
    },
  };
}

/**
 * Inserts many entries in one statement. ON CONFLICT DO NOTHING skips repeats, both of rows already
 * stored and of a notification id that occurs twice in this batch; RETURNING names the new ones.
 */
export async function insertBatch(db: Queryable, entries: readonly InboxEntry[]): Promise<InboxResult[]> {
  const { rows } = await db.query<{ id: number; source: string; notification_id: string }>(
    `INSERT INTO webhook_inbox (source, notification_id, shop_id, event_type, payload)
     SELECT source, notification_id, shop_id, event_type, payload::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[])
            AS e(source, notification_id, shop_id, event_type, payload)
     ON CONFLICT (source, notification_id) DO NOTHING
     RETURNING id, source, notification_id`,
    [...columnsOf(entries, ['source', 'notificationId', 'shopId', 'eventType', 'payload'])],
  );
  const inserted = new Map(rows.map((r) => [`${r.source}\u0000${r.notification_id}`, r.id]));
  return entries.map((e) => {
    const key = `${e.source}\u0000${e.notificationId}`;
    const id = inserted.get(key);
    // Only the first occurrence of a key in the batch counts as the stored one.
    if (id === undefined) return { stored: false, id: null };
    inserted.delete(key);
    return { stored: true, id };
  });
}
