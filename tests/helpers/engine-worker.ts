import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Queryable } from '../../src/db/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('../e2e/engine-crash-worker.ts', import.meta.url));

export interface EngineWorker {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Everything it printed so far, for a failing test's message. */
  output(): string;
}

/**
 * Starts the engine crash tests' worker process (tests/e2e/engine-crash-worker.ts) on a database,
 * with the single-step or the batch worker pool, and resolves once it is claiming work.
 */
export async function startEngineWorker(url: string, mode: 'single' | 'batch'): Promise<EngineWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ENGINE_DATABASE_URL: url,
      ENGINE_MODE: mode,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    void exited.then((code) =>
      reject(new Error(`the worker exited (${String(code)}) before it was ready:\n${err}`)),
    );
  });
  return { child, exited, output: () => `${out}${err}` };
}

/**
 * The worker's side-effect ledger: one row per step done, written in the step's own transaction. No
 * unique key on purpose, so a step done twice would show as two rows rather than an error.
 */
export async function createEffectLedger(db: Queryable): Promise<void> {
  await db.query(
    `CREATE TABLE engine_effects (shop_id text NOT NULL, order_id text NOT NULL, event text NOT NULL,
                                  worker text NOT NULL)`,
  );
}

/** Each lifecycle step's side effect is in the ledger exactly once for each of `orders` orders. */
export async function expectEachStepOnce(db: Queryable, orders: number): Promise<void> {
  const effects = await db.query<{ event: string; orders: number; rows: number }>(
    `SELECT event, count(DISTINCT order_id)::int AS orders, count(*)::int AS rows
       FROM engine_effects GROUP BY event ORDER BY event`,
  );
  expect(effects.rows).toEqual(
    ['buy_label', 'reserve_stock', 'ship', 'start_processing', 'validate'].map((event) => ({
      event,
      orders,
      rows: orders,
    })),
  );
}
