import pg from 'pg';
import { postgresListener } from './postgres-listener.ts';
import type { Database, Queryable, QueryOptions, QueryResult } from './queryable.ts';

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
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const probe = await pool.connect();
  probe.release();

  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(
      text: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ): Promise<QueryResult<R>> {
      const values = params as unknown[] | undefined;
      const result = await (options?.prepared === undefined
        ? client.query(text, values)
        : client.query({ name: options.prepared, text, values }));
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
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
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
      await pool.end();
    },
  };
}
