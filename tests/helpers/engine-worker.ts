import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
