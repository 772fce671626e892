import type { Queryable } from '../db/index.ts';

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
 * next batch, which takes all of them in one INSERT. An idle writer flushes at once, so a lone
 * webhook is not delayed; under load batches grow by themselves, up to `maxBatch`. Up to
 * `maxInFlight` batches are written at once (on PostgreSQL each on its own pooled connection; a
 * notification id in two concurrent batches is still stored once, the second waits and skips it).
 *
 * @example
 *   const inbox = createInboxWriter(db);
 *   const { stored } = await inbox.store({ source: 'tiktok', notificationId, shopId, eventType: 1, payload: rawBody });
 */
export function createInboxWriter(
  db: Queryable,
  options: { maxBatch?: number; maxInFlight?: number; onBatch?: (size: number) => void } = {},
): InboxWriter {
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? 1;
  let queue: Pending[] = [];
  let inFlight = 0;

  async function flush(): Promise<void> {
    inFlight += 1;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      options.onBatch?.(batch.length);
      try {
        const results = await insertBatch(
          db,
          batch.map((p) => p.entry),
        );
        batch.forEach((p, i) => p.resolve(results[i]!));
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

  return {
    store(entry) {
      return new Promise<InboxResult>((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        if (inFlight < maxInFlight) void flush();
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
    [
      entries.map((e) => e.source),
      entries.map((e) => e.notificationId),
      entries.map((e) => e.shopId),
      entries.map((e) => e.eventType),
      entries.map((e) => e.payload),
    ],
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
