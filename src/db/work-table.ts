import { retryDelayMs, type RetryPolicy } from '../shared/backoff.ts';
import type { Clock } from '../shared/clock.ts';
import { describeError } from '../shared/errors.ts';
import type { Database, Queryable } from './queryable.ts';

/**
 * Glossary. A work table holds rows that are each worked until done: the webhook inbox, the
 * notification outbox, compensations, and the order jobs of the lanes. Every such table has the
 * columns `attempts` and `locked_until`.
 * - claim: take due rows for one worker under a lease (`locked_until`), counting the attempt; one
 *   statement for all four tables (`claimWork`), each describing its rows (`ClaimableTable`).
 * - due: for the outbox-like tables `pending` with `next_attempt_at` reached and no live lease, or
 *   (tables with a `leasedStatus`) leased by a worker whose lease passed; for order jobs `run_at`
 *   reached and no live lease, in one lane.
 * - complete: the row is done; fail: retried after the table's backoff, or given up when its
 *   attempts are spent (or the failure is final), left for a person with the last error. Order jobs
 *   settle differently, fenced by the claim that holds them (src/queue/job-queries.ts): a job whose
 *   work is over is deleted, and the lane's policy decides its retries (the same `retryDelayMs`).
 */

/** What claiming a table's due rows needs to know. Table, column and SQL text are code constants, never input. */
export interface ClaimableTable {
  /** The table. */
  readonly table: string;
  /** What a claim returns, e.g. `id, payload, attempts`. */
  readonly returning: string;
  /** The key columns (`id` unless named). */
  readonly key?: string;
  /** SQL: the row waits for a worker and is due at `$1` (default: `pending`, `next_attempt_at` reached). */
  readonly due?: string;
  /** SQL: which due rows go first (default: `next_attempt_at, id`). */
  readonly claimOrder?: string;
  /** Set while a row is leased (the outbox's 'sending'); without it a leased row keeps its status. */
  readonly leasedStatus?: string;
  /** The column a claim writes the worker into, so that only its claim settles the row. */
  readonly ownerColumn?: string;
  /** The column a claim takes one value of (the order jobs' lane). */
  readonly partitionColumn?: string;
  /** Prepare the claim under this name (hot paths: see QueryOptions.prepared). */
  readonly prepared?: string;
}

/** A table whose rows are completed, retried and given up by status (the inbox and outboxes). */
export interface WorkTable extends ClaimableTable {
  /** The status of a completed row, unless the caller names another. */
  readonly doneStatus: string;
  /** The status of a row given up. */
  readonly givenUpStatus: string;
  /** Stamped with the time a row is completed. */
  readonly doneAtColumn: string;
  /** Whether giving a row up stamps `doneAtColumn` too (it ended, though not well). */
  readonly givenUpIsDone: boolean;
  /** Attempts and backoff between them. */
  readonly retry: RetryPolicy;
}

/** What every claimed row has. */
export interface WorkRow {
  id: number;
  attempts: number;
}

/**
 * Claims up to `limit` due rows, first by the table's `claimOrder`, under a lease of `leaseMs`,
 * counting the attempt (for `owner`, in the table's `partition` value, where it has those columns).
 * SKIP LOCKED lets several processes share the table; a row whose worker died is due again once its
 * lease passes. Rows of a table keyed by `id` come back in id order; others in no particular order.
 */
export async function claimWork<Row>(
  db: Queryable,
  table: ClaimableTable,
  input: { now: Date; limit: number; leaseMs: number; owner?: string; partition?: string },
): Promise<Row[]> {
  // Written into the SQL, not bound: constants, and the planner then sees each table's own
  // predicate (the partial indexes on status = 'pending' stay usable).
  const params: unknown[] = [input.now, input.limit, input.leaseMs];
  const param = (value: unknown) => `$${params.push(value)}`;
  const key = table.key ?? 'id';
  const leased = table.leasedStatus;
  const sets = [
    ...(leased === undefined ? [] : [`status = '${leased}'`]),
    ...(table.ownerColumn === undefined ? [] : [`${table.ownerColumn} = ${param(input.owner)}`]),
    `locked_until = $1::timestamptz + $3 * interval '1 millisecond'`,
    `attempts = attempts + 1`,
  ];
  const inPartition =
    table.partitionColumn === undefined ? '' : `AND ${table.partitionColumn} = ${param(input.partition)}`;
  const orLeaseLapsed = leased === undefined ? '' : `OR (status = '${leased}' AND locked_until < $1)`;
  const { rows } = await db.query<Row>(
    `UPDATE ${table.table}
        SET ${sets.join(', ')}
      WHERE (${key}) IN (
              SELECT ${key} FROM ${table.table}
               WHERE ((${table.due ?? "status = 'pending' AND next_attempt_at <= $1"})
                      AND (locked_until IS NULL OR locked_until < $1) ${inPartition})
                     ${orLeaseLapsed}
               ORDER BY ${table.claimOrder ?? 'next_attempt_at, id'}
               LIMIT $2
               FOR UPDATE SKIP LOCKED)
      RETURNING ${table.returning}`,
    params,
    table.prepared === undefined ? undefined : { prepared: table.prepared },
  );
  return table.key === undefined ? rows.sort((a, b) => idOf(a) - idOf(b)) : rows;
}

function idOf(row: unknown): number {
  return (row as WorkRow).id;
}

/** Records that a claimed row is done, in `status` (the table's done status by default). */
export async function completeWork(
  db: Queryable,
  table: WorkTable,
  input: { id: number; now: Date; status?: string },
): Promise<void> {
  await db.query(
    `UPDATE ${table.table}
        SET status = $2, ${table.doneAtColumn} = $3, locked_until = NULL, last_error = NULL
      WHERE id = $1`,
    [input.id, input.status ?? table.doneStatus, input.now],
  );
}

/**
 * Records a failed attempt: the row is due again after the table's backoff, or given up (left for a
 * person) when its attempts are spent or `final` says no retry can help. Returns when it is due
 * again, or null when it was given up.
 */
export async function failWork(
  db: Queryable,
  table: WorkTable,
  input: { id: number; attempts: number; error: string; now: Date; final?: boolean },
): Promise<Date | null> {
  const error = input.error.slice(0, 1000);
  const delay = input.final ? null : retryDelayMs(table.retry, input.attempts);
  if (delay !== null) {
    const retryAt = new Date(input.now.getTime() + delay);
    await db.query(
      `UPDATE ${table.table}
          SET status = 'pending', next_attempt_at = $2, locked_until = NULL, last_error = $3
        WHERE id = $1`,
      [input.id, retryAt, error],
    );
    return retryAt;
  }
  await db.query(
    `UPDATE ${table.table}
        SET status = $2, ${table.givenUpIsDone ? `${table.doneAtColumn} = $4,` : ''}
            locked_until = NULL, last_error = $3
      WHERE id = $1`,
    table.givenUpIsDone
      ? [input.id, table.givenUpStatus, error, input.now]
      : [input.id, table.givenUpStatus, error],
  );
  return null;
}

/** How a worker works one claimed row. */
export interface RowWork<Row extends WorkRow, Result> {
  /** Does the row's work; throwing fails the attempt. */
  run(row: Row): Promise<Result>;
  /** The status a row whose work resolved ends in (the table's done status by default). */
  doneStatus?: (result: Result) => string;
  /** Writes what else a finished row changes, in the transaction that completes it. */
  onDone?: (tx: Queryable, row: Row, result: Result, now: Date) => Promise<void>;
  /** True for a failure no retry can fix: the row is given up at once. */
  isFinal?: (error: unknown) => boolean;
  /** Writes (or tells) what else giving a row up means, in the transaction that gives it up. */
  onGiveUp?: (tx: Queryable, row: Row, error: unknown, now: Date) => Promise<void> | void;
}

/**
 * One round of a work table's worker: claims due rows and works them concurrently, each completed
 * or failed on its own. Returns how many were claimed, done and failed, so a loop knows whether to
 * go again at once.
 */
export async function workDueRows<Row extends WorkRow, Result>(
  deps: { db: Database; clock: Clock },
  table: WorkTable,
  claim: { limit: number; leaseMs: number },
  work: RowWork<Row, Result>,
): Promise<{ claimed: number; done: number; failed: number }> {
  const now = () => new Date(deps.clock.now());
  const rows = await claimWork<Row>(deps.db, table, { now: now(), ...claim });
  let done = 0;
  let failed = 0;
  await Promise.all(
    rows.map(async (row) => {
      try {
        const result = await work.run(row);
        const status = work.doneStatus?.(result);
        await withHook(deps.db, work.onDone !== undefined, async (tx) => {
          const at = now();
          await completeWork(tx, table, { id: row.id, now: at, ...(status === undefined ? {} : { status }) });
          await work.onDone?.(tx, row, result, at);
        });
        done += 1;
      } catch (error) {
        failed += 1;
        await withHook(deps.db, work.onGiveUp !== undefined, async (tx) => {
          const at = now();
          const retryAt = await failWork(tx, table, {
            id: row.id,
            attempts: row.attempts,
            error: describeError(error),
            now: at,
            final: work.isFinal?.(error) ?? false,
          });
          if (retryAt === null) await work.onGiveUp?.(tx, row, error, at);
        });
      }
    }),
  );
  return { claimed: rows.length, done, failed };
}

/** Runs `fn` in a transaction when a hook writes with it, else straight on the pool (one statement). */
function withHook(db: Database, hook: boolean, fn: (tx: Queryable) => Promise<void>): Promise<void> {
  return hook ? db.transaction(fn) : fn(db);
}
