/**
 * What the service benchmark watches while the service runs, without touching the service: HTTP
 * calls leaving the process (counted by origin), this process's CPU and peak RSS, and the CPU of
 * PostgreSQL's backends serving the benchmark's database.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import pg from 'pg';
import { processCpuSeconds } from './databases.ts';

/** Figures since the probes started. */
export interface ProbeFigures {
  /** HTTP requests sent to each watched origin (requests, not retries avoided). */
  readonly calls: Readonly<Record<string, number>>;
  /** CPU seconds of this whole process: the service, both simulators, the benchmark (and PGlite). */
  readonly nodeCpuSeconds: number;
  /** CPU seconds of the PostgreSQL backends connected to the database (0 for PGlite). */
  readonly databaseCpuSeconds: number;
  readonly peakRssMb: number;
}

export interface Probes {
  snapshot(): Promise<ProbeFigures>;
  stop(): Promise<void>;
}

const SAMPLE_MS = 250;

/**
 * Starts watching. `origins` names the origins to count calls to (`{ tiktok: 'http://127.0.0.1:1234' }`).
 * Calls are seen on undici's diagnostics channel, which both undici's `request` (the TikTok client)
 * and Node's global `fetch` (the carrier adapters) publish to. PostgreSQL's backends are sampled
 * every 250 ms from /proc, so a backend that ends between two samples loses at most its last 250 ms.
 */
export async function startProbes(input: {
  origins: Readonly<Record<string, string>>;
  databaseUrl: string | undefined;
}): Promise<Probes> {
  const calls: Record<string, number> = Object.fromEntries(Object.keys(input.origins).map((k) => [k, 0]));
  const byOrigin = new Map(Object.entries(input.origins).map(([name, url]) => [new URL(url).origin, name]));
  const onRequest = (message: unknown): void => {
    const origin = (message as { request?: { origin?: unknown } }).request?.origin;
    const name = typeof origin === 'string' ? byOrigin.get(new URL(origin).origin) : undefined;
    if (name !== undefined) calls[name]! += 1;
  };
  subscribe('undici:request:create', onRequest);

  const cpuBefore = process.cpuUsage();
  let peakRss = process.memoryUsage().rss;
  const backends = input.databaseUrl ? await watchBackends(input.databaseUrl) : undefined;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    // A failed sample is retried by the next one; the snapshot's own sample reports errors.
    backends?.sample().catch(() => undefined);
  }, SAMPLE_MS);

  return {
    async snapshot() {
      await backends?.sample();
      const cpu = process.cpuUsage(cpuBefore);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      return {
        calls: { ...calls },
        nodeCpuSeconds: (cpu.user + cpu.system) / 1e6,
        databaseCpuSeconds: backends?.seconds() ?? 0,
        peakRssMb: peakRss / 2 ** 20,
      };
    },
    async stop() {
      clearInterval(timer);
      unsubscribe('undici:request:create', onRequest);
      await backends?.close();
    },
  };
}

/** The CPU of every backend of one database since watching began, its own backend excluded. */
async function watchBackends(url: string): Promise<{
  sample(): Promise<void>;
  seconds(): number;
  close(): Promise<void>;
}> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const baseline = new Map<number, number>();
  const latest = new Map<number, number>();
  let first = true;
  let sampling: Promise<void> | undefined;
  const sample = async (): Promise<void> => {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    for (const { pid } of rows) {
      const seconds = processCpuSeconds(pid);
      if (seconds === undefined) continue;
      // Backends already running when watching began count from there; later ones from birth.
      if (first) baseline.set(pid, seconds);
      latest.set(pid, seconds);
    }
    first = false;
  };
  await sample();
  return {
    sample() {
      // One sample at a time on the one client; a caller arriving meanwhile waits for it.
      sampling ??= sample().finally(() => (sampling = undefined));
      return sampling;
    },
    seconds() {
      let total = 0;
      for (const [pid, seconds] of latest) total += seconds - (baseline.get(pid) ?? 0);
      return total;
    },
    async close() {
      await sampling;
      await client.end();
    },
  };
}
