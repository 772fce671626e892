/**
 * Signed TikTok webhooks acknowledged per second, and latency, at 50 connections: the real
 * POST /webhooks/tiktok (verify, validate, durable group-committed INSERT, then 2xx) on PostgreSQL
 * and on PGlite, beside the same route whose inbox answers without storing, in the same run.
 * Every request carries a new notification id, so every one is a real insert. The load comes from
 * a second process (bench/webhook-load.ts), so it does not share the server's event loop.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type autocannon from 'autocannon';
import { buildServer } from '../src/api/server.ts';
import type { Database } from '../src/db/index.ts';
import { createWebhookCounter } from '../src/ingest/ingest-metrics.ts';
import { createInboxWriter, type InboxWriter } from '../src/ingest/inbox-writer.ts';
import { registerTiktokWebhookRoute } from '../src/ingest/tiktok-webhook-route.ts';
import { parseWebhookEnvelope, verifyWebhookSignature } from '../src/integrations/tiktok/index.ts';
import { createLogger } from '../src/shared/log.ts';
import { createMetrics } from '../src/shared/metrics.ts';
import { benchPglite, benchPostgres } from './databases.ts';
import { printTable } from './storage.ts';

const APP_KEY = 'bench-key';
const APP_SECRET = 'bench-secret';
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface Row {
  label: string;
  result: autocannon.Result;
}

export async function ingestBenchmark(): Promise<void> {
  const rows: Row[] = [];
  // The baseline: identical route and checks, but the inbox acknowledges without writing.
  const noStore: InboxWriter = { store: () => Promise.resolve({ stored: true, id: null }) };
  rows.push({ label: 'no storage (baseline)', result: await load(noStore, undefined) });
  for (const open of [() => benchPostgres(20), benchPglite]) {
    const target = await open();
    if (!target) continue;
    try {
      rows.push({
        label: `${target.label}, durable`,
        result: await load(
          createInboxWriter(target.db, { maxInFlight: target.db.kind === 'postgres' ? 4 : 1 }),
          target.db,
        ),
      });
    } finally {
      await target.drop();
    }
  }
  const baseline = rows[0]!.result.requests.average;
  printTable(
    ['server', 'webhooks/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'vs baseline'],
    rows.map(({ label, result }) => [
      label,
      Math.round(result.requests.average).toLocaleString('en-US'),
      String(result.latency.p50),
      String(result.latency.p99),
      String(result.errors + result.timeouts),
      String(result.non2xx),
      `${((result.requests.average / baseline) * 100).toFixed(0)}%`,
    ]),
  );
}

async function load(inbox: InboxWriter, db: Database | undefined): Promise<autocannon.Result> {
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
    const { stdout } = await promisify(execFile)(
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
    const result = JSON.parse(stdout) as autocannon.Result;
    if (db) {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
      const acknowledged = result['2xx'];
      if ((rows[0]?.n ?? 0) < acknowledged) {
        throw new Error(`only ${rows[0]?.n} of ${acknowledged} acknowledged webhooks are stored`);
      }
    }
    return result;
  } finally {
    await app.close();
  }
}
