export { queryText, signApiRequest, type QueryValue } from './api-signature.ts';
export { TIKTOK_ORDER_STATUSES } from './tiktok-port.ts';
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
export {
  DEFAULT_TIKTOK_RETRY,
  MAX_ORDER_IDS_PER_CALL,
  createTiktokClient,
  type TiktokClientOptions,
  type TiktokRetryOptions,
} from './tiktok-client.ts';
export {
  TIKTOK_INTERNAL_ERROR_CODE,
  TIKTOK_THROTTLED_CODE,
  TiktokApiError,
  TiktokAuthError,
  TiktokPermanentError,
  TiktokThrottledError,
  TiktokTransientError,
  isTiktokApiError,
  isTiktokAuthError,
  isTiktokPermanentError,
  isTiktokThrottledError,
  isTiktokTransientError,
} from './tiktok-errors.ts';
export { orderSchema, orderStatusSchema } from './tiktok-schemas.ts';
export { createOrderDetailBatcher, type OrderDetailBatcher } from './order-detail-batcher.ts';
export { createTiktokRequestBudget } from './tiktok-request-budget.ts';
export { TIKTOK_REQUEST_BUDGET, type BudgetLimit, type RequestBudget } from './request-budget.ts';
export { registerBudgetMetrics } from './budget-metrics.ts';
