import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/index.ts';
import { parseWebhookEnvelope, verifyWebhookSignature } from '../integrations/tiktok/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Metrics } from '../shared/metrics.ts';
import { createWebhookCounter } from './ingest-metrics.ts';
import { createInboxWriter } from './inbox-writer.ts';
import { registerTiktokWebhookRoute, type WebhookEnvelope } from './tiktok-webhook-route.ts';

/** TikTok retries for about 15 hours; three days leaves room for clock skew and slow queues. */
const MAX_WEBHOOK_AGE_SECONDS = 3 * 24 * 3600;

/** Wires POST /webhooks/tiktok to the app's credentials, the inbox and the metrics. */
export async function registerTiktokIntake(
  app: FastifyInstance,
  deps: {
    db: Database;
    clock: Clock;
    metrics: Metrics;
    appKey: string;
    appSecret: string;
    onStored?: (envelope: WebhookEnvelope) => void;
  },
): Promise<void> {
  await registerTiktokWebhookRoute(app, {
    verify: (raw, header) => verifyWebhookSignature(deps.appKey, deps.appSecret, raw, header),
    parseEnvelope: (body) =>
      parseWebhookEnvelope(body, {
        nowSeconds: Math.floor(deps.clock.now() / 1000),
        maxAgeSeconds: MAX_WEBHOOK_AGE_SECONDS,
      }),
    // Batches in flight follow the database: one on PGlite (one connection), more on PostgreSQL.
    inbox: createInboxWriter(deps.db),
    received: createWebhookCounter(deps.metrics.registry),
    ...(deps.onStored ? { onStored: deps.onStored } : {}),
  });
}
