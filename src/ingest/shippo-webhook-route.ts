import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parseShippoWebhook, verifyShippoSignature } from '../integrations/carriers/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import type { InboxWriter } from './inbox-writer.ts';

export interface ShippoWebhookDeps {
  /** SHIPPO_WEBHOOK_SECRET; without it every delivery is refused (unverifiable). */
  readonly secret: string | undefined;
  readonly clock: Clock;
  readonly inbox: InboxWriter;
  readonly onStored?: () => void;
}

/**
 * POST /webhooks/shippo: carrier transaction and tracking webhooks. The `Shippo-Auth-Signature`
 * is checked on the raw bytes, the body must be a Shippo webhook, and it is stored in the inbox
 * (the same delivery twice is stored once: its id is the hash of the body) before the 200.
 */
export async function registerShippoWebhookRoute(
  app: FastifyInstance,
  deps: ShippoWebhookDeps,
): Promise<void> {
  await app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_req, body, next) =>
      next(null, body),
    );
    scope.post('/webhooks/shippo', async (request, reply) => {
      if (!deps.secret) {
        throw new AppError('BAD_SIGNATURE', 'Carrier webhooks cannot be verified: set SHIPPO_WEBHOOK_SECRET');
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['shippo-auth-signature'];
      const check = verifyShippoSignature({
        header: Array.isArray(header) ? header[0] : header,
        rawBody: raw,
        secret: deps.secret,
        now: deps.clock.now(),
      });
      if (!check.ok) {
        throw new AppError('BAD_SIGNATURE', `The Shippo-Auth-Signature is ${check.reason}`);
      }
      const parsed = parseShippoWebhook(raw);
      if (!parsed.ok) throw new AppError('BAD_REQUEST', parsed.reason);
      const stored = await deps.inbox.store({
        source: 'shippo',
        notificationId: createHash('sha256').update(raw).digest('hex'),
        shopId: null,
        eventType: null,
        payload: raw.toString('utf8'),
      });
      if (stored.stored) deps.onStored?.();
      return reply.status(200).send({ ok: true, duplicate: !stored.stored });
    });
    done();
  });
}
