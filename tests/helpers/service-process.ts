import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A CreatorFlow process started as `npm start` would, with its output captured. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

/** Every child started here and still running. */
const children = new Set<ChildProcess>();
process.once('exit', killStartedServices);

/**
 * SIGKILLs every service this file started that is still running. Call it from `afterAll`: a test
 * that fails before stopping its service would otherwise leave it running (vitest may end its worker
 * without the 'exit' event), holding its port and data folder.
 */
export function killStartedServices(): void {
  for (const child of children) child.kill('SIGKILL');
}

/**
 * Starts `src/main.ts` in a child process with exactly `env` (plus PATH/HOME) and a free port.
 * Sandbox demo traffic is off unless `env` asks for it: these tests are about the process.
 */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'info',
      SANDBOX_TRAFFIC_RATE: '0',
      ...env,
      PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, baseUrl: `http://127.0.0.1:${port}`, stdout: () => out, stderr: () => err, exited };
}

/** Polls GET /readyz until it answers 200, or fails with the process's output if it exits or stalls. */
export async function waitUntilReady(service: ServiceProcess, limitMs = 90_000): Promise<void> {
  const started = Date.now();
  let ended = false;
  void service.exited.then(() => (ended = true));
  while (Date.now() - started < limitMs) {
    if (ended)
      throw new Error(`the service exited before it was ready:\n${service.stderr()}\n${service.stdout()}`);
    try {
      const res = await fetch(`${service.baseUrl}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the service was not ready after ${limitMs} ms:\n${service.stderr()}\n${service.stdout()}`);
}

/**
 * Waits until the process has printed a line matching `pattern` and returns its output. /readyz can
 * answer before the start-up summary (dashboard address, login token) is logged.
 */
export async function waitForOutput(
  service: ServiceProcess,
  pattern: RegExp,
  limitMs = 30_000,
): Promise<string> {
  const started = Date.now();
  while (!pattern.test(service.stdout())) {
    if (Date.now() - started > limitMs)
      throw new Error(
        `the service did not print ${String(pattern)} within ${limitMs} ms:\n${service.stdout()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return service.stdout();
}

/** Sends SIGTERM and waits for the exit code. */
export async function stopService(service: ServiceProcess): Promise<number | null> {
  service.child.kill('SIGTERM');
  return service.exited;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
