import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

// Computed independently: printf '%s' 'mykey<body>' | openssl dgst -sha256 -hmac 'mysecret'
const BODY =
  '{"type":1,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621","timestamp":1644412885,"data":{"order_id":"576461413038785752","order_status":"AWAITING_SHIPMENT"}}';
const KNOWN = 'b7e712158fe91d1fcb0b368b57ec40e7e1133d24f6ed14f0281285d27877fcae';

describe('TikTok webhook signatures', () => {
  it('match the known answer computed with openssl', () => {
    expect(signWebhook('mykey', 'mysecret', BODY)).toBe(KNOWN);
  });

  it('verify the exact bytes, upper-case hex included', () => {
    expect(verifyWebhookSignature('mykey', 'mysecret', Buffer.from(BODY), KNOWN)).toBe(true);
    expect(verifyWebhookSignature('mykey', 'mysecret', Buffer.from(BODY), KNOWN.toUpperCase())).toBe(true);
  });

  it.each([
    ['a changed body', Buffer.from(BODY.replace('AWAITING_SHIPMENT', 'CANCELLED')), KNOWN],
    [
      'a body re-serialised with other spacing',
      Buffer.from(JSON.stringify(JSON.parse(BODY), null, 1)),
      KNOWN,
    ],
    ['no header', Buffer.from(BODY), undefined],
    ['a Bearer-prefixed header', Buffer.from(BODY), `Bearer ${KNOWN}`],
    ['a truncated signature', Buffer.from(BODY), KNOWN.slice(0, 63)],
  ])('reject %s', (_case, body, header) => {
    expect(verifyWebhookSignature('mykey', 'mysecret', body, header)).toBe(false);
  });

  it('reject a signature made with another app secret', () => {
    expect(verifyWebhookSignature('mykey', 'other', Buffer.from(BODY), KNOWN)).toBe(false);
  });
});
