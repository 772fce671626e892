import pg from 'pg';
import { postgresListener } from './postgres-listener.ts';
import type { Database, Queryable, QueryOptions, QueryResult, TransactionOptions } from './queryable.ts';

// int8 (counts, identity ids) as JS numbers, as PGlite returns them; our ids stay far below 2^53.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === 20
      ? Number
      : (pg.types.getTypeParser(oid, format) as (
          value: string,
        ) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

/** A PostgreSQL server behind a pg connection pool. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const newPool = (serverOptions?: string) => {
    const created = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      ...(serverOptions === undefined ? {} : { options: serverOptions }),
    });
    // An idle client that loses its server (restart, failover) must not crash the process.
    created.on('error', () => {});
    return created;
  };
  const pool = newPool();
  const probe = await pool.connect();
  probe.release();
  // Connections whose commits do not wait for the disk (QueryOptions.asyncCommit), opened on first use.
  let asyncPool: pg.Pool | undefined;
  const asyncCommitPool = () => (asyncPool ??= newPool('-c synchronous_commit=off'));

  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(
      text: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ): Promise<QueryResult<R>> {
      const values = params as unknown[] | undefined;
      // A statement on its own may commit asynchronously; inside a transaction, the transaction decides.
      const target = options?.asyncCommit && client === pool ? asyncCommitPool() : client;
      const result = await (options?.prepared === undefined
        ? target.query(text, values)
        : target.query({ name: options.prepared, text, values }));
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  });

  const notifications = postgresListener(pool);

  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T> {
      const client = await (options?.asyncCommit ? asyncCommitPool() : pool).connect();
      // A connection that breaks between two statements reports it as an event: without a listener
      // that would end the process. The statement that follows fails, and so does the transaction.
      const ignore = () => {};
      client.on('error', ignore);
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        client.removeListener('error', ignore);
        // A connection that could not even roll back is closed rather than handed out again.
        client.release(broken);
      }
    },
    listen: (channel, handler) => notifications.listen(channel, handler),
    async close() {
      await notifications.close();
      await Promise.all([pool.end(), asyncPool?.end()]);
    },
  };
}
