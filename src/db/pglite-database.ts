import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './queryable.ts';

/** The embedded database, which can also be dumped whole (tests clone a migrated template this way). */
export interface PgliteDatabase extends Database {
  /** The data directory as a tarball that `openPglite(undefined, {fromDump})` loads. */
  dump(): Promise<Blob>;
}

/**
 * The embedded PostgreSQL (PGlite): one connection in this process, data in `dataDir`, or in memory
 * when `dataDir` is undefined (tests). Overlapping transactions queue behind one another.
 */
export async function openPglite(
  dataDir: string | undefined,
  options: { fromDump?: Blob } = {},
): Promise<PgliteDatabase> {
  const db = await PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(options.fromDump ? { loadDataDir: options.fromDump } : {}),
  });

  const wrap = (conn: PGlite | Transaction): Queryable => ({
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await conn.query<R>(text, params as unknown[] | undefined);
      // PGlite reports 0 affected rows for SELECT; pg reports the rows returned. Match pg.
      return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
    },
    async exec(script: string): Promise<void> {
      await conn.exec(script);
    },
  });

  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async listen(channel, handler) {
      const unsubscribe = await db.listen(channel, handler);
      return () => unsubscribe();
    },
    async close() {
      if (!db.closed) await db.close();
    },
    async dump() {
      const file = await db.dumpDataDir('none');
      return file;
    },
  };
}
