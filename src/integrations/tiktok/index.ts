export { queryText, signApiRequest, type QueryValue } from './api-signature.ts';
export type {
  AuthorizedShop,
  OrderSearchFilter,
  OrderSearchPage,
  ShippingProvider,
  ShopCredentials,
  TiktokAddress,
  TiktokLineItem,
  TiktokOrder,
  TiktokOrderStatus,
  TiktokShopApi,
  TokenGrant,
} from './tiktok-port.ts';
export {
  parseWebhookEnvelope,
  WEBHOOK_TYPES,
  webhookEnvelopeSchema,
  type TiktokWebhookEnvelope,
} from './webhook-envelope.ts';
export { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';
