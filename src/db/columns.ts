/**
 * The fields of `rows` as one array per key, in the order of `keys`: the parameters of a batched
 * statement that reads them back with `unnest($1::text[], $2::int[], ...)`, one row per element.
 * A missing value is sent as NULL.
 *
 * @example
 *   await db.query(`INSERT INTO t (a, b) SELECT * FROM unnest($1::text[], $2::int[])`, columnsOf(rows, ['a', 'b']));
 */
export function columnsOf<Row, K extends keyof Row>(rows: readonly Row[], keys: readonly K[]): unknown[][] {
  return keys.map((key) => rows.map((row) => row[key] ?? null));
}
