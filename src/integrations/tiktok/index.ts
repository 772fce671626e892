export {
  parseWebhookEnvelope,
  WEBHOOK_TYPES,
  webhookEnvelopeSchema,
  type TiktokWebhookEnvelope,
} from './webhook-envelope.ts';
export { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';
