import { Counter, type Registry } from 'prom-client';

/** Webhook deliveries by outcome: stored, duplicate, bad_signature, bad_request. */
export function createWebhookCounter(registry: Registry): Counter<'result'> {
  return new Counter({
    name: 'creatorflow_tiktok_webhooks_total',
    help: 'TikTok webhook deliveries by outcome',
    labelNames: ['result'],
    registers: [registry],
  });
}
