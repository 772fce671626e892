import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Queryable } from '../../src/db/index.ts';
import { sleep } from '../../src/shared/sleep.ts';
import { freePort } from './service-process.ts';

const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own (initdb in a temporary folder, its own port), for tests that
 * crash the server itself, which the shared one must never be. Needs PostgreSQL's server programs
 * (PG_BINDIR, or /usr/lib/postgresql/<version>/bin); as root it runs them as the `postgres` user,
 * because PostgreSQL refuses to run as root.
 */
export interface PrivatePostgres {
  /** Connection string of its `postgres` database. */
  readonly url: string;
  /** Its log so far (for a failing test's message). */
  log(): string;
  /** Stops it at once and deletes its folder. */
  remove(): Promise<void>;
}

/** Where PostgreSQL's server programs are, or undefined when this machine has none. */
export function postgresBinDir(): string | undefined {
  const candidates = process.env.PG_BINDIR
    ? [process.env.PG_BINDIR]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => join('/usr/lib/postgresql', version, 'bin'))
      : [];
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** Whether a private server can be started here: server programs, and a way not to run them as root. */
export function canRunPrivatePostgres(): boolean {
  if (!postgresBinDir()) return false;
  return process.getuid?.() !== 0 || existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser');
}

/**
 * initdb and start a server. `settings` are passed as `-c name=value`; fsync stays on, so what a
 * crash keeps is what a real server would keep.
 */
export async function startPrivatePostgres(settings: Record<string, string> = {}): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      'no PostgreSQL server programs found: set PG_BINDIR to the folder holding initdb and pg_ctl',
    );
  const dataDir = mkdtempSync(join(tmpdir(), 'cf-private-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dataDir, uidOf('postgres'), gidOf('postgres'));
  const pg = (program: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args])
      : run(join(bin, program), args);

  await pg('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dataDir}`,
    '-c listen_addresses=127.0.0.1',
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ');
  const logFile = join(dataDir, 'server.log');
  await pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    remove: async () => {
      await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Settings for a server a test crashes: room in memory for everything a paused WAL writer leaves
 * there, and no checkpoint or background write in between, so only the crash decides what reaches
 * the disk.
 */
export const CRASH_TEST_SETTINGS: Readonly<Record<string, string>> = {
  wal_buffers: '64MB',
  autovacuum: 'off',
  checkpoint_timeout: '1h',
  bgwriter_lru_maxpages: '0',
};

/** Runs `run` until it succeeds: a query to a server that is recovering fails, so ask again, for a while. */
export async function whileRecovering<R>(run: () => Promise<R>, timeoutMs = 30_000): Promise<R> {
  for (const started = Date.now(); ; await sleep(50)) {
    try {
      return await run();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
    }
  }
}

/** The process id of the server's WAL writer (a new one after each crash). */
export function walWriterPid(db: Queryable): Promise<number> {
  return whileRecovering(
    async () =>
      (await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE backend_type = 'walwriter'`))
        .rows[0]!.pid,
  );
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
