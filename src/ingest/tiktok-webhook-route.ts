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

// The two success answers, serialised once: this route answers thousands of times a second.
const STORED_ANSWER = JSON.stringify({ code: 0, message: 'stored' });
const DUPLICATE_ANSWER = JSON.stringify({ code: 0, message: 'duplicate' });

/**
 * POST /webhooks/tiktok: verify the signature on the raw bytes, then validate, then store in the
 * inbox, and only then answer 2xx. A repeat of a stored notification id answers 2xx and changes
 * nothing. Registered in its own scope so the raw-body parser serves this route only.
 */
export async function registerTiktokWebhookRoute(
  app: FastifyInstance,
  deps: TiktokWebhookDeps,
): Promise<void> {
  // Counters bound to their label once, not looked up by label object on every request.
  const counted = {
    stored: deps.received.labels({ result: 'stored' }),
    duplicate: deps.received.labels({ result: 'duplicate' }),
    badSignature: deps.received.labels({ result: 'bad_signature' }),
    badRequest: deps.received.labels({ result: 'bad_request' }),
  };
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
        counted.badSignature.inc();
        throw new AppError('BAD_SIGNATURE', 'The Authorization signature does not match the body');
      }
      // Decoded once: parsed here, stored as received below.
      const text = raw.toString('utf8');
      const parsed = parseJson(text);
      const result = parsed.ok ? deps.parseEnvelope(parsed.value) : parsed;
      if (!result.ok) {
        counted.badRequest.inc();
        throw new AppError('BAD_REQUEST', `Not a TikTok webhook: ${result.reason}`);
      }
      const { envelope } = result;
      const stored = await deps.inbox.store({
        source: 'tiktok',
        notificationId: envelope.tts_notification_id,
        shopId: envelope.shop_id,
        eventType: envelope.type,
        payload: text,
      });
      (stored.stored ? counted.stored : counted.duplicate).inc();
      if (stored.stored) deps.onStored?.(envelope);
      return reply
        .status(200)
        .type('application/json; charset=utf-8')
        .send(stored.stored ? STORED_ANSWER : DUPLICATE_ANSWER);
    });
    done();
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (text.length === 0) return { ok: false, reason: 'the body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
}
