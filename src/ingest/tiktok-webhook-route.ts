import type { FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import { AppError } from '../shared/errors.ts';
import type { InboxWriter } from './inbox-writer.ts';

/** The parts of a TikTok webhook the intake needs; the full payload is stored as received. */
export interface WebhookEnvelope {
  readonly type: number;
  readonly tts_notification_id: string;
  readonly shop_id: string;
  readonly timestamp: number;
}

export interface TiktokWebhookDeps {
  /** True when `signature` is the HMAC of the raw body under the app's key and secret. */
  readonly verify: (rawBody: Buffer, signature: string | undefined) => boolean;
  /** Validates the parsed JSON: the envelope, or a short reason it is not a webhook. */
  readonly parseEnvelope: (
    body: unknown,
  ) => { ok: true; envelope: WebhookEnvelope } | { ok: false; reason: string };
  readonly inbox: InboxWriter;
  readonly received: Counter<'result'>;
  /** Called after a new event is durably stored, to wake the inbox processor. */
  readonly onStored?: (envelope: WebhookEnvelope) => void;
}

export const WEBHOOK_BODY_LIMIT = 256 * 1024;

/**
 * POST /webhooks/tiktok: verify the signature on the raw bytes, then validate, then store in the
 * inbox, and only then answer 2xx. A repeat of a stored notification id answers 2xx and changes
 * nothing. Registered in its own scope so the raw-body parser serves this route only.
 */
export async function registerTiktokWebhookRoute(
  app: FastifyInstance,
  deps: TiktokWebhookDeps,
): Promise<void> {
  await app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, next) => next(null, body),
    );
    scope.post('/webhooks/tiktok', async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!deps.verify(raw, request.headers.authorization)) {
        deps.received.inc({ result: 'bad_signature' });
        throw new AppError('BAD_SIGNATURE', 'The Authorization signature does not match the body');
      }
      const parsed = parseJson(raw);
      const result = parsed.ok ? deps.parseEnvelope(parsed.value) : parsed;
      if (!result.ok) {
        deps.received.inc({ result: 'bad_request' });
        throw new AppError('BAD_REQUEST', `Not a TikTok webhook: ${result.reason}`);
      }
      const { envelope } = result;
      const stored = await deps.inbox.store({
        source: 'tiktok',
        notificationId: envelope.tts_notification_id,
        shopId: envelope.shop_id,
        eventType: envelope.type,
        payload: raw.toString('utf8'),
      });
      deps.received.inc({ result: stored.stored ? 'stored' : 'duplicate' });
      if (stored.stored) deps.onStored?.(envelope);
      return reply.status(200).send({ code: 0, message: stored.stored ? 'stored' : 'duplicate' });
    });
    done();
  });
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (raw.length === 0) return { ok: false, reason: 'the body is empty' };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
}
