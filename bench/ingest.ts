/**
 * Signed TikTok webhooks acknowledged per second, and latency, at 50 connections: the real
 * POST /webhooks/tiktok (verify, validate, durable group-committed INSERT, then 2xx) on PostgreSQL
 * and on PGlite, beside the same route whose inbox answers without storing, in the same run: once
 * answering each webhook at once, once through the group-commit writer over a database that
 * stores nothing (answers leave in batches, as they do with a real database).
 * Every request carries a new notification id, so every one is a real insert. The load comes from
 * a second process (bench/webhook-load.ts), so it does not share the server's event loop.
 *
 * Besides the rates it reports CPU per webhook of the server process, of PostgreSQL's processes
 * for this database and of the load generator: on two cores shared with other work, rates move
 * with the machine's load, CPU per webhook hardly does. `BENCH_INGEST=baseline,batched,postgres,pglite`
 * runs a subset; `BENCH_SECONDS` sets the length of each run.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { buildServer } from '../src/api/server.ts';
import type { Database, Queryable } from '../src/db/index.ts';
import { createWebhookCounter } from '../src/ingest/ingest-metrics.ts';
import { createInboxWriter, type InboxWriter } from '../src/ingest/inbox-writer.ts';
import { registerTiktokWebhookRoute } from '../src/ingest/tiktok-webhook-route.ts';
import { parseWebhookEnvelope, verifyWebhookSignature } from '../src/integrations/tiktok/index.ts';
import { createLogger } from '../src/shared/log.ts';
import { createMetrics } from '../src/shared/metrics.ts';
import { benchPglite, benchPostgres, databaseCpuSeconds } from './databases.ts';
import { printTable } from './storage.ts';
import type { LoadResult } from './webhook-load.ts';

const APP_KEY = 'bench-key';
const APP_SECRET = 'bench-secret';
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ONLY = process.env.BENCH_INGEST?.split(',');
const POOL_SIZE = Number(process.env.BENCH_INGEST_POOL ?? 8);
/** Overrides of the inbox writer's defaults, to compare settings. */
const WRITER = {
  ...(process.env.BENCH_INGEST_IN_FLIGHT ? { maxInFlight: Number(process.env.BENCH_INGEST_IN_FLIGHT) } : {}),
  ...(process.env.BENCH_INGEST_MIN_CONCURRENT
    ? { minConcurrentBatch: Number(process.env.BENCH_INGEST_MIN_CONCURRENT) }
    : {}),
};

interface Row {
  label: string;
  result: LoadResult;
  serverCpu: number;
  databaseCpu: number;
}

export async function ingestBenchmark(): Promise<void> {
  const rows: Row[] = [];
  const wanted = (name: string) => !ONLY || ONLY.includes(name);
  process.stdout.write(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  // The baseline: identical route and checks, but the inbox acknowledges without writing.
  if (wanted('baseline')) {
    const noStore: InboxWriter = { store: () => Promise.resolve({ stored: true, id: null }) };
    rows.push({ label: 'no storage (baseline)', ...(await load(noStore, undefined)) });
  }
  // The same, but through the group-commit writer over a database that stores nothing: what the
  // batching of answers alone does to the server's cost, without a database's work.
  if (wanted('batched')) {
    rows.push({
      label: 'no storage, answers batched',
      ...(await load(createInboxWriter(forgetfulDatabase, WRITER), undefined)),
    });
  }
  const targets = [
    ['postgres', () => benchPostgres(POOL_SIZE)],
    ['pglite', benchPglite],
  ] as const;
  for (const [name, open] of targets) {
    if (!wanted(name)) continue;
    const target = await open();
    if (!target) continue;
    try {
      const batches: number[] = [];
      const inbox = createInboxWriter(target.db, { ...WRITER, onBatch: (n) => batches.push(n) });
      const measured = await load(inbox, target.db);
      const mean = batches.reduce((a, b) => a + b, 0) / Math.max(1, batches.length);
      rows.push({ label: `${target.label}, durable (mean batch ${mean.toFixed(0)})`, ...measured });
    } finally {
      await target.drop();
    }
  }
  process.stdout.write(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  const rate = (r: LoadResult) => r.ok2xx / r.seconds;
  const baseline = rows[0] ? rate(rows[0].result) : 0;
  const perWebhook = (cpu: number, r: LoadResult) => ((cpu * 1e6) / Math.max(1, r.ok2xx)).toFixed(0);
  printTable(
    [
      'server',
      'webhooks/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'non-2xx',
      'vs first row',
      'CPU µs/webhook: server + database + load',
      '2-core ceiling/s',
    ],
    rows.map(({ label, result, serverCpu, databaseCpu }) => [
      label,
      Math.round(rate(result)).toLocaleString('en-US'),
      String(result.p50),
      String(result.p99),
      String(result.errors),
      String(result.non2xx),
      `${((rate(result) / baseline) * 100).toFixed(0)}%`,
      `${perWebhook(serverCpu, result)} + ${perWebhook(databaseCpu, result)} + ${perWebhook(result.cpuSeconds, result)}`,
      Math.round((2 * result.ok2xx) / (serverCpu + databaseCpu + result.cpuSeconds)).toLocaleString('en-US'),
    ]),
  );
}

/**
 * Answers the inbox writer's INSERT as if every entry were new, storing nothing. Relies on the
 * statement's parameters: $1 sources, $2 notification ids (src/ingest/inbox-writer.ts).
 */
const forgetfulDatabase: Queryable = {
  query<R>(_text: string, params: readonly unknown[] = []) {
    const sources = params[0] as string[];
    const ids = params[1] as string[];
    const rows = ids.map((id, i) => ({ id: i + 1, source: sources[i], notification_id: id }));
    return Promise.resolve({ rows: rows as R[], rowCount: rows.length });
  },
  exec: () => Promise.resolve(),
};

async function load(
  inbox: InboxWriter,
  db: Database | undefined,
): Promise<{ result: LoadResult; serverCpu: number; databaseCpu: number }> {
  const metrics = createMetrics();
  const app = await buildServer(
    {
      log: createLogger('silent'),
      db: db ?? ({} as Database),
      migrations: [],
      metrics,
    },
    [
      (server) =>
        registerTiktokWebhookRoute(server, {
          verify: (raw, header) => verifyWebhookSignature(APP_KEY, APP_SECRET, raw, header),
          parseEnvelope: (body) =>
            parseWebhookEnvelope(body, { nowSeconds: Math.floor(Date.now() / 1000), maxAgeSeconds: 3600 }),
          inbox,
          received: createWebhookCounter(metrics.registry),
        }),
    ],
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const child = promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/webhook-load.ts',
        `${url}/webhooks/tiktok`,
        String(SECONDS),
        String(CONNECTIONS),
        APP_KEY,
        APP_SECRET,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    // Count CPU from the first request on: the generator prepares its requests before that.
    const firstRequest = await new Promise<boolean>((resolve) => {
      app.server.once('request', () => resolve(true));
      void child.then(
        () => resolve(false),
        () => resolve(false),
      );
    });
    const cpuBefore = process.cpuUsage();
    const databaseBefore = firstRequest && db ? await databaseCpuSeconds(db) : 0;
    const { stdout } = await child;
    const databaseCpu = db ? (await databaseCpuSeconds(db)) - databaseBefore : 0;
    const cpu = process.cpuUsage(cpuBefore);
    const result = JSON.parse(stdout) as LoadResult;
    if (db) {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
      if ((rows[0]?.n ?? 0) < result.ok2xx) {
        throw new Error(`only ${rows[0]?.n} of ${result.ok2xx} acknowledged webhooks are stored`);
      }
    }
    return { result, serverCpu: (cpu.user + cpu.system) / 1e6, databaseCpu };
  } finally {
    await app.close();
  }
}
