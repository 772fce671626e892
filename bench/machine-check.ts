import pg from 'pg';
import { POSTGRES_URL } from './databases.ts';

const ROWS = 2_000_000;
const SUMS = 50_000_000;

/**
 * Two fixed pieces of CPU work, timed: PostgreSQL counting rows of `generate_series`, and Node
 * summing numbers. Neither depends on CreatorFlow's code, so they tell how fast the machine ran
 * around a benchmark: a shared virtual machine here has run the same code at less than half the
 * speed of another day. Returns the line to print (median of three of each), or undefined when
 * PostgreSQL is out of reach.
 */
export async function machineCheck(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  try {
    const database: number[] = [];
    const node: number[] = [];
    for (let n = 0; n < 3; n++) {
      let started = performance.now();
      await client.query(`SELECT count(*) FROM generate_series(1, $1::int)`, [ROWS]);
      database.push(performance.now() - started);
      started = performance.now();
      let sum = 0;
      for (let i = 0; i < SUMS; i++) sum += i & 7;
      node.push(performance.now() - started);
      if (sum < 0) throw new Error('unreachable: keeps the loop from being optimised away');
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[1]!.toFixed(0);
    return (
      `machine check: PostgreSQL counts ${ROWS.toLocaleString('en-US')} rows in ${median(database)} ms, ` +
      `Node sums ${SUMS.toLocaleString('en-US')} numbers in ${median(node)} ms (less is a faster machine)`
    );
  } finally {
    await client.end();
  }
}
